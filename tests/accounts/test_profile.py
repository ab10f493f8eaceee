import datetime

from django.utils import timezone


def _profile_data(**overrides):
    return {
        "full_name": "Lina",
        "email": "lina@example.com",
        "target_level": 3,
        "planned_exam_date": "",
        "weekly_goal_minutes": 300,
        "preferred_language": "",
        **overrides,
    }


def test_a_learner_sets_goal_exam_date_and_level(cast, client_for):
    exam_day = timezone.localdate() + datetime.timedelta(days=20)
    client = client_for(cast.learner)
    response = client.post(
        "/accounts/profile/", _profile_data(planned_exam_date=exam_day.isoformat(), target_level=4)
    )
    assert response.status_code == 302
    cast.learner.refresh_from_db()
    assert cast.learner.planned_exam_date == exam_day
    assert cast.learner.target_level == 4
    assert cast.learner.days_to_exam == 20
    assert "20 days to go" in client.get("/").content.decode()


def test_it_refuses_an_exam_date_in_the_past(cast, client_for):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = client_for(cast.learner).post(
        "/accounts/profile/", _profile_data(planned_exam_date=yesterday.isoformat())
    )
    assert response.status_code == 200
    assert "in the past" in response.content.decode()


def test_it_refuses_an_absurd_weekly_goal(cast, client_for):
    response = client_for(cast.learner).post(
        "/accounts/profile/", _profile_data(weekly_goal_minutes=5)
    )
    assert "between 30 and 3000" in response.content.decode()
