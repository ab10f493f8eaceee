from accounts.models import Cohort, JoinCode, Role, User
from tests.base import PASSWORD


def _log_in(client, username):
    return client.post("/accounts/login/", {"username": username, "password": PASSWORD})


def test_a_center_admin_creates_a_cohort_with_the_centers_people(cast, client_for):
    client = client_for(cast.center_admin)
    response = client.post(
        "/accounts/cohorts/new/",
        {
            "name": "Spring L4",
            "level": 4,
            "instructors": [cast.instructor.pk],
            "learners": [cast.learner.pk],
        },
    )
    cohort = Cohort.objects.get(name="Spring L4")
    assert response.status_code == 302
    assert cohort.center == cast.center
    assert list(cohort.instructors.all()) == [cast.instructor]


def test_a_center_admin_cannot_put_another_centers_people_in_a_cohort(cast, client_for):
    response = client_for(cast.center_admin).post(
        "/accounts/cohorts/new/",
        {"name": "Spring L4", "level": 4, "learners": [cast.outsider.pk]},
    )
    assert response.status_code == 200
    assert not Cohort.objects.filter(name="Spring L4").exists()


def test_it_explains_dates_in_the_wrong_order(cast, client_for):
    response = client_for(cast.center_admin).post(
        "/accounts/cohorts/new/",
        {"name": "Spring L4", "level": 4, "starts_on": "2026-12-10", "ends_on": "2026-12-01"},
    )
    assert "cannot end before it starts" in response.content.decode()


def test_it_refuses_a_second_cohort_with_the_same_name(cast, client_for):
    response = client_for(cast.center_admin).post(
        "/accounts/cohorts/new/", {"name": "Weekend L3", "level": 3}
    )
    assert "already has a cohort with this name" in response.content.decode()


def test_a_center_admin_creates_an_instructor_who_can_log_in(cast, client_for, client):
    response = client_for(cast.center_admin).post(
        "/accounts/instructors/new/",
        {
            "username": "newteacher",
            "full_name": "Zhao",
            "email": "",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302
    teacher = User.objects.get(username="newteacher")
    assert (teacher.role, teacher.center) == (Role.INSTRUCTOR, cast.center)
    assert _log_in(client, "newteacher").status_code == 302


def test_a_deactivated_instructor_cannot_log_in(cast, client_for, client):
    client_for(cast.center_admin).post(f"/accounts/instructors/{cast.instructor.pk}/toggle/")
    cast.instructor.refresh_from_db()
    assert not cast.instructor.is_active
    assert _log_in(client, "wang").status_code == 200  # the form again, with an error


def test_a_center_admin_issues_and_retires_join_codes(cast, client_for):
    client = client_for(cast.center_admin)
    client.post("/accounts/join-codes/new/", {"cohort": cast.cohort.pk})
    code = JoinCode.objects.exclude(pk=cast.join_code.pk).get(center=cast.center)
    assert code.cohort == cast.cohort and code.is_active
    client.post(f"/accounts/join-codes/{code.pk}/toggle/")
    code.refresh_from_db()
    assert not code.is_active


def test_a_join_code_cannot_point_at_another_centers_cohort(cast, client_for):
    client_for(cast.center_admin).post(
        "/accounts/join-codes/new/", {"cohort": cast.other_cohort.pk}
    )
    assert JoinCode.objects.filter(center=cast.center).count() == 1


def test_an_instructor_sees_only_the_cohorts_they_teach(cast, client_for):
    Cohort.objects.create(center=cast.center, name="Not mine")
    page = client_for(cast.instructor).get("/accounts/cohorts/").content.decode()
    assert "Weekend L3" in page
    assert "Not mine" not in page
    assert "Evening L4" not in page


def test_the_center_page_runs_a_constant_number_of_queries(
    cast, client_for, django_assert_max_num_queries
):
    for n in range(5):
        cohort = Cohort.objects.create(center=cast.center, name=f"Cohort {n}")
        cohort.instructors.add(cast.instructor)
        JoinCode.objects.create(center=cast.center, cohort=cohort)
    client = client_for(cast.center_admin)
    # session, user, cohorts, their instructors, instructors, their cohorts, learner count,
    # join codes
    with django_assert_max_num_queries(10):
        assert client.get("/accounts/center/").status_code == 200
