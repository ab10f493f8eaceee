import datetime

from django.utils import timezone

from exams import dashboard
from exams.models import Attempt, Blueprint, PracticeItem, PracticeSession
from tests.base import make_question


def _practise(learner, question, *, fraction, seconds, when, category="theory"):
    session = PracticeSession.objects.create(learner=learner)
    return PracticeItem.objects.create(
        session=session,
        position=0,
        question=question,
        version=question.published_version,
        category=category,
        response={},
        fraction=fraction,
        answered_at=when,
        active_seconds=seconds,
        active_at=when,
    )


def test_the_split_advice_names_the_minutes_that_bring_the_week_to_30_70():
    # 60 theory + 40 practice: practice p with 60 / (60 + p) = 0.3 is 140, so 100 more.
    advice = dashboard.split_advice(60, 40)
    assert (advice.short_side, advice.minutes) == ("practical", 100)
    # 10 theory + 90 practice: theory t with t / (t + 90) = 0.3 is 38.6, so 29 more.
    advice = dashboard.split_advice(10, 90)
    assert (advice.short_side, advice.minutes) == ("theory", 29)
    assert dashboard.split_advice(30, 70).short_side is None
    assert dashboard.split_advice(0, 0).theory_share is None


def test_the_dashboard_sums_this_weeks_study_by_theory_and_practice(cast, client_for):
    question = make_question(language="en")
    now = timezone.now()
    _practise(cast.learner, question, fraction=1.0, seconds=1200, when=now)
    _practise(cast.learner, question, fraction=0.5, seconds=600, when=now, category="practical")
    _practise(
        cast.learner, question, fraction=1.0, seconds=6000, when=now - datetime.timedelta(days=30)
    )  # an earlier week
    data = dashboard.learner_dashboard(cast.learner, now)
    assert data["week"] == {
        "theory": {"minutes": 20, "points": 1.0},
        "practical": {"minutes": 10, "points": 0.5},
    }
    assert data["overall"]["theory"]["minutes"] == 120
    assert data["advice"].short_side == "practical" and data["advice"].minutes == 37
    page = client_for(cast.learner).get("/").content.decode()
    assert "37 minutes of practical tasks would bring this week to 70/30" in page


def test_mastery_is_weakest_first_and_counts_mocks_too(cast):
    weak = make_question(language="en", work_content="l4-label-audit")
    strong = make_question(language="en", work_content="l4-quality-check")
    now = timezone.now()
    for _ in range(4):
        _practise(cast.learner, weak, fraction=0.0, seconds=30, when=now)
        _practise(cast.learner, strong, fraction=1.0, seconds=30, when=now)
    cast.learner.target_level = 4
    rows = dashboard.mastery_by_function(cast.learner, 4, now)
    practised = [(f.code, m["estimate"], m["answers"]) for f, m in rows if m["answers"]]
    # 4 answers at 0 plus the prior of 2 at 0.5 give 1/6, 4 at 1 give 5/6, when the answers
    # count fully; answers are summed per week, and the week's middle may be up to half a
    # week old, which weighs them a little less (half-life 14 days).
    assert [(code, n) for code, _estimate, n in practised] == [("l4-annotation", 4), ("l4-data", 4)]
    assert 1 / 6 <= practised[0][1] < 0.2
    assert 0.8 < practised[1][1] <= 5 / 6


def test_the_weekend_streak_counts_weekends_in_a_row(cast):
    question = make_question(language="en")
    # Sunday 22 November 2026 is today; the two weekends before had study, the one before
    # that none.
    today = datetime.datetime(2026, 11, 22, 12, tzinfo=datetime.UTC)
    for days_ago in (0, 8, 14):  # Sun 22, Sat 14, Sun 8
        _practise(
            cast.learner,
            question,
            fraction=1,
            seconds=60,
            when=today - datetime.timedelta(days=days_ago),
        )
    assert dashboard.weekend_streak(cast.learner, today) == 3


def test_readiness_uses_mock_scores_when_there_are_some(cast):
    blueprint = Blueprint.objects.create(name="P", level=4)
    now = timezone.now()
    for days_ago, score in [(20, 55.0), (10, 70.0), (1, 78.0)]:
        Attempt.objects.create(
            learner=cast.learner,
            blueprint=blueprint,
            language="en",
            deadline=now,
            submitted_at=now - datetime.timedelta(days=days_ago),
            part_scores={"theory": score},
            status="done",
        )
    data = dashboard.learner_dashboard(cast.learner, now)
    theory = data["readiness"]["theory"]
    assert theory["source"] == "mock" and theory["evidence"] == 3
    assert 0.5 < theory["probability"] < 1
    assert data["readiness"]["practical"]["probability"] is None
    assert ("mock", {"paper": "Practical paper"}) in data["plan"]


def test_an_instructor_opens_a_learners_dashboard_but_not_an_outsiders(cast, client_for):
    client = client_for(cast.instructor)
    assert client.get(f"/learners/{cast.learner.pk}/").status_code == 200
    assert client.get(f"/learners/{cast.outsider.pk}/").status_code == 404


def test_the_cohort_view_flags_learners_at_risk(cast, client_for):
    question = make_question(language="en")
    now = timezone.now()
    active = cast.learner
    idle = cast.cohort.learners.create(username="idle", full_name="Idle", center=cast.center)
    _practise(active, question, fraction=1.0, seconds=5000, when=now)  # theory only
    page = client_for(cast.instructor).get(f"/cohorts/{cast.cohort.pk}/progress/")
    rows = {row["learner"].username: row for row in page.context["rows"]}
    assert rows["idle"]["risks"] == ["inactive"]
    assert rows["lina"]["risks"] == ["split"]
    assert rows["lina"]["theory"] == 83
    assert idle.cohorts.get() == cast.cohort


def test_the_cohort_view_runs_constant_queries(cast, client_for, django_assert_max_num_queries):
    question = make_question(language="en")
    for n in range(15):
        learner = cast.cohort.learners.create(username=f"l{n}", center=cast.center)
        _practise(learner, question, fraction=0.5, seconds=100, when=timezone.now())
    client = client_for(cast.instructor)
    # session, user, cohort, learners, functions, minutes, last activity, mastery, mocks
    with django_assert_max_num_queries(10):
        assert client.get(f"/cohorts/{cast.cohort.pk}/progress/").status_code == 200


def test_the_dashboard_page_renders_with_no_data(cast, client_for):
    page = client_for(cast.learner).get("/").content.decode()
    assert "No mock exam yet." in page
    assert "Start with 20 minutes of practical tasks" in page


def test_a_few_practice_answers_do_not_make_a_readiness_estimate(cast):
    question = make_question(language="en")
    now = timezone.now()
    for _ in range(3):
        _practise(cast.learner, question, fraction=0.0, seconds=30, when=now)
    assert (
        dashboard.learner_dashboard(cast.learner, now)["readiness"]["theory"]["probability"] is None
    )
    for _ in range(7):  # ten answers in a day: now it counts
        _practise(cast.learner, question, fraction=0.0, seconds=30, when=now)
    theory = dashboard.learner_dashboard(cast.learner, now)["readiness"]["theory"]
    assert theory["source"] == "practice" and theory["probability"] < 0.25


def test_unpractised_functions_are_listed_not_charted(cast, client_for):
    page = client_for(cast.learner).get("/")
    assert page.context["mastery_rows"] == []
    assert "Not practised yet" in page.content.decode()


def test_the_mock_chart_names_its_pass_line_once(cast, client_for):
    blueprint = Blueprint.objects.create(name="P", level=4)
    now = timezone.now()
    Attempt.objects.create(
        learner=cast.learner,
        blueprint=blueprint,
        language="en",
        deadline=now,
        submitted_at=now,
        part_scores={"theory": 72.0},
        status="done",
    )
    page = client_for(cast.learner).get("/").content.decode()
    assert "pass mark 60" in page
    assert "60 60" not in page
