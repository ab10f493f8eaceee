import datetime
import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from exams import papers
from exams.models import Attempt, Blueprint, BlueprintSection, FunctionScore, RegradeLog
from question_bank.models import WorkContent
from tests.base import make_question

RUBRIC = {
    "rubric": [
        {"id": "cause", "description": "names a cause", "points": 5, "patterns": ["cause"]},
        {"id": "plan", "description": "proposes a plan", "points": 5, "patterns": ["plan"]},
    ],
    "min_length": 10,
    "sample_answer": "The cause is drift; the plan is to retrain.",
}


@pytest.fixture
def blueprint(cast):
    """A small theory paper: 4 single-choice items × 20 points + 1 true/false × 20 = 100,
    and a practical part of one written answer worth 100; English questions."""
    for n in range(6):
        make_question(
            key=f"sc{n}",
            language="en",
            stem=f"Choice question {n}?",
            payload={"options": ["right", "wrong a", "wrong b", "wrong c"], "answer": 0},
        )
    make_question(
        "true_false", key="tf0", language="en", stem="Statement?", payload={"answer": True}
    )
    make_question(
        "written_analysis",
        key="w0",
        language="en",
        stem="Analyse the drop.",
        payload=RUBRIC,
        work_content="l3-module-optimisation",
        levels=(4,),
    )
    blueprint = Blueprint.objects.create(
        name="Mini paper", level=4, duration_minutes=30, shuffle_options=True
    )
    BlueprintSection.objects.create(
        blueprint=blueprint,
        position=0,
        paper="theory",
        types=["single_choice"],
        count=4,
        points_per_item=20,
    )
    BlueprintSection.objects.create(
        blueprint=blueprint,
        position=1,
        paper="theory",
        types=["true_false"],
        count=1,
        points_per_item=20,
    )
    BlueprintSection.objects.create(
        blueprint=blueprint,
        position=2,
        paper="practical",
        types=["written_analysis"],
        count=1,
        points_per_item=100,
    )
    return blueprint


def _start(client, blueprint):
    response = client.post(f"/exams/{blueprint.pk}/start/")
    return response, Attempt.objects.filter(blueprint=blueprint).order_by("-pk").first()


def _save(client, attempt, position, seq, **fields):
    return client.post(
        f"/exams/attempts/{attempt.pk}/save/",
        {"position": position, "seq": seq, **fields},
        headers={"accept": "application/json"},
    )


def _right_choice(item):
    """The index the learner sees for the right option (option 0 in authored order)."""
    return item.option_order.index(0) if item.option_order else 0


def _function_sums(attempt):
    """The attempt's kept sums per (function, paper): (marked answers, total fraction)."""
    return {
        (score.function.code, score.paper): (score.answers, pytest.approx(score.total))
        for score in attempt.function_scores.select_related("function")
    }


def _sums_of_the_items(attempt):
    """The same sums worked out from the items themselves."""
    sums = {}
    for item in attempt.items.select_related("question__function"):
        if item.final_fraction is not None:
            key = (item.question.function.code, item.paper)
            answers, total = sums.get(key, (0, 0.0))
            sums[key] = (answers + 1, total + item.final_fraction)
    return sums


def test_a_learner_starts_a_paper_drawn_from_the_blueprint(cast, blueprint, client_for):
    response, attempt = _start(client_for(cast.learner), blueprint)
    assert response.url == f"/exams/attempts/{attempt.pk}/"
    assert attempt.items.count() == 6
    assert [i.paper for i in attempt.items.order_by("position")][-1] == "practical"
    assert attempt.remaining_seconds() in (1799, 1800)


def test_extra_time_is_given_automatically(cast, blueprint, client_for):
    cast.learner.extra_time_factor = Decimal("1.25")
    cast.learner.save()
    _response, attempt = _start(client_for(cast.learner), blueprint)
    assert abs((attempt.deadline - attempt.started_at) - datetime.timedelta(minutes=37.5)) < (
        datetime.timedelta(seconds=1)
    )


def test_one_open_attempt_per_blueprint_continues_on_another_device(cast, blueprint, client_for):
    _response, first = _start(client_for(cast.learner), blueprint)
    _response, second = _start(client_for(cast.learner), blueprint)
    assert first == second
    assert Attempt.objects.count() == 1


def test_the_exam_page_holds_no_answer_key(cast, blueprint, client_for):
    client = client_for(cast.learner)
    _response, attempt = _start(client, blueprint)
    page = client.get(f"/exams/attempts/{attempt.pk}/").content.decode()
    assert "Choice question" in page
    for secret in ["option-right", "sample_answer", "The cause is drift", "patterns", '"answer":']:
        assert secret not in page


def test_a_save_on_shuffled_options_is_scored_against_the_authored_key(cast, blueprint, client_for):
    client = client_for(cast.learner)
    _response, attempt = _start(client, blueprint)
    for item in attempt.items.filter(question__type="single_choice"):
        assert (
            _save(client, attempt, item.position, 1, choice=_right_choice(item)).status_code == 200
        )
    client.post(f"/exams/attempts/{attempt.pk}/submit/")
    attempt.refresh_from_db()
    assert attempt.part_scores["theory"] == 80.0


def test_a_stale_tab_cannot_overwrite_a_newer_answer(cast, blueprint, client_for):
    client = client_for(cast.learner)
    _response, attempt = _start(client, blueprint)
    item = attempt.items.filter(question__type="single_choice").first()
    assert _save(client, attempt, item.position, 2, choice=1).json()["seq"] == 2
    stale = _save(client, attempt, item.position, 1, choice=2)
    assert stale.status_code == 409
    assert stale.json()["conflict"] is True and stale.json()["seq"] == 2
    item.refresh_from_db()
    assert item.response == {"choice": item.option_order[1]}


def test_bad_saves_get_a_clear_answer_and_change_nothing(cast, blueprint, client_for):
    client = client_for(cast.learner)
    _response, attempt = _start(client, blueprint)
    choice_item = attempt.items.filter(question__type="single_choice").first()
    assert _save(client, attempt, 99, 1, choice=0).status_code == 400
    assert _save(client, attempt, choice_item.position, 1, choice=9).status_code == 400
    assert (
        client.post(
            f"/exams/attempts/{attempt.pk}/save/",
            {"position": "x"},
            headers={"accept": "application/json"},
        ).status_code
        == 400
    )
    assert _save(client_for(cast.outsider), attempt, 0, 1, choice=0).status_code == 404
    assert not attempt.items.exclude(response=None).exists()


def test_saves_are_taken_until_the_grace_and_refused_after(cast, blueprint, client_for):
    client = client_for(cast.learner)
    _response, attempt = _start(client, blueprint)
    Attempt.objects.filter(pk=attempt.pk).update(
        deadline=timezone.now() - datetime.timedelta(seconds=30)
    )
    assert _save(client, attempt, 0, 1, choice=0).status_code == 200  # inside the grace
    Attempt.objects.filter(pk=attempt.pk).update(
        deadline=timezone.now() - datetime.timedelta(seconds=90)
    )
    late = _save(client, attempt, 1, 1, choice=0)
    assert late.status_code == 410 and late.json()["closed"] is True
    attempt.refresh_from_db()
    assert attempt.submitted_at == attempt.deadline
    assert attempt.finished_by == Attempt.FinishedBy.DEADLINE


def test_the_command_finalises_expired_attempts_once(cast, blueprint, client_for):
    client = client_for(cast.learner)
    _response, attempt = _start(client, blueprint)
    _save(client, attempt, 0, 1, choice=_right_choice(attempt.items.get(position=0)))
    deadline = timezone.now() - datetime.timedelta(minutes=5)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=deadline)
    call_command("finalize_expired_attempts", stdout=_Sink())
    attempt.refresh_from_db()
    assert attempt.submitted_at == deadline
    score = attempt.score
    call_command("finalize_expired_attempts", stdout=_Sink())
    attempt.refresh_from_db()
    assert (attempt.submitted_at, attempt.score) == (deadline, score)


def test_submission_shows_unanswered_and_flagged_first_and_is_idempotent(
    cast, blueprint, client_for
):
    client = client_for(cast.learner)
    _response, attempt = _start(client, blueprint)
    _save(client, attempt, 0, 1, choice=0, flagged="1")
    page = client.get(f"/exams/attempts/{attempt.pk}/submit/").content.decode()
    assert "2, 3, 4, 5, 6" in page  # not answered
    client.post(f"/exams/attempts/{attempt.pk}/submit/")
    attempt.refresh_from_db()
    stamp = attempt.submitted_at
    client.post(f"/exams/attempts/{attempt.pk}/submit/")
    attempt.refresh_from_db()
    assert attempt.submitted_at == stamp
    assert attempt.finished_by == Attempt.FinishedBy.LEARNER


def test_written_answers_await_grading_and_the_instructors_grade_wins(cast, blueprint, client_for):
    client = client_for(cast.learner)
    _response, attempt = _start(client, blueprint)
    written = attempt.items.get(question__type="written_analysis")
    for item in attempt.items.exclude(pk=written.pk):
        choice = _right_choice(item) if item.question.type == "single_choice" else None
        _save(
            client,
            attempt,
            item.position,
            1,
            **({"choice": choice} if choice is not None else {"answer": "true"}),
        )
    _save(client, attempt, written.position, 1, text="The cause is clear, nothing more.")
    client.post(f"/exams/attempts/{attempt.pk}/submit/")
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.AWAITING_GRADING and attempt.passed is None
    assert _function_sums(attempt) == _sums_of_the_items(attempt)
    assert "Awaiting grading" in client.get(attempt.get_absolute_url()).content.decode()

    instructor = client_for(cast.instructor)
    assert "The cause is clear" not in instructor.get("/exams/grading/").content.decode()
    page = instructor.get(f"/exams/grading/{written.pk}/").content.decode()
    assert "The cause is clear" in page
    instructor.post(
        f"/exams/grading/{written.pk}/",
        {"point_cause": "on", "point_plan": "on", "comment": "Good plan hidden inside."},
    )
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.DONE
    assert attempt.part_scores == {"theory": 100.0, "practical": 100.0}
    assert attempt.passed is True
    sums = _function_sums(attempt)
    assert sums == _sums_of_the_items(attempt)
    assert sums[(written.question.function.code, "practical")] == (1, 1.0)


def test_another_centers_instructor_cannot_grade(cast, blueprint, client_for):
    client = client_for(cast.learner)
    _response, attempt = _start(client, blueprint)
    client.post(f"/exams/attempts/{attempt.pk}/submit/")
    written = attempt.items.get(question__type="written_analysis")
    assert (
        client_for(cast.outsider_instructor).get(f"/exams/grading/{written.pk}/").status_code == 404
    )


def test_regrading_after_a_key_fix_rescores_every_attempt_with_an_audit_entry(
    cast, blueprint, client_for
):
    client = client_for(cast.learner)
    _response, attempt = _start(client, blueprint)
    tf = attempt.items.get(question__type="true_false")
    _save(client, attempt, tf.position, 1, answer="false")
    client.post(f"/exams/attempts/{attempt.pk}/submit/")
    attempt.refresh_from_db()
    before = attempt.part_scores["theory"]

    question = tf.question
    question.center = cast.center  # the center's own question, so its instructors may fix it
    question.save()
    old = question.published_version
    question.save_content(
        stem=old.stem,
        payload={"answer": False},
        explanation="fixed",
        reference="",
        user=cast.instructor,
    )
    question.publish()
    response = client_for(cast.instructor).post(f"/exams/regrade/{question.pk}/{old.pk}/")
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.part_scores["theory"] == before + 20
    assert _function_sums(attempt) == _sums_of_the_items(attempt)
    log = RegradeLog.objects.get()
    assert (log.items_rescored, log.attempts_changed, log.by) == (1, 1, cast.instructor)


def test_the_instructor_is_told_which_section_lacks_questions(cast, blueprint, client_for):
    BlueprintSection.objects.create(
        blueprint=blueprint,
        position=3,
        paper="theory",
        types=["multiple_choice"],
        count=5,
        points_per_item=1,
    )
    page = client_for(cast.instructor).get(f"/exams/blueprints/{blueprint.pk}/").content.decode()
    assert "needs 5 questions; 0 are available" in page
    response, attempt = _start(client_for(cast.learner), blueprint)
    assert attempt is None
    assert response.status_code == 302


def test_a_blueprint_must_add_up_to_100_per_paper(cast, client_for):
    content = WorkContent.objects.get(code="l4-quality-check")
    data = {
        "name": "Bad paper",
        "level": 4,
        "duration_minutes": 90,
        "pass_mark": 60,
        "review_when": "after_submission",
        "attempts_allowed": 0,
        "is_active": "on",
        "sections-TOTAL_FORMS": 1,
        "sections-INITIAL_FORMS": 0,
        "sections-0-paper": "theory",
        "sections-0-work_content": content.pk,
        "sections-0-difficulty_min": 1,
        "sections-0-difficulty_max": 5,
        "sections-0-count": 10,
        "sections-0-points_per_item": 5,
    }
    response = client_for(cast.instructor).post("/exams/blueprints/new/", data)
    assert "add up to 50" in response.content.decode()
    data["sections-0-points_per_item"] = 10
    response = client_for(cast.instructor).post("/exams/blueprints/new/", data)
    assert response.status_code == 302
    assert Blueprint.objects.get(name="Bad paper").center == cast.center


def test_the_default_blueprints_load_and_can_be_filled(db):
    call_command("load_starter_bank", stdout=_Sink(), stderr=_Sink())
    call_command("load_default_blueprints", stdout=_Sink(), stderr=_Sink())
    assert Blueprint.objects.filter(center=None).count() == 3
    for blueprint in Blueprint.objects.all():
        for paper, total in blueprint.parts().items():
            assert total == 100, (blueprint, paper)
        for language in ("zh-hans", "en"):
            assert papers.shortfalls(blueprint, language=language) == []
    call_command("load_default_blueprints", stdout=_Sink(), stderr=_Sink())  # idempotent
    assert BlueprintSection.objects.count() == 10


def test_autosave_and_the_exam_page_run_constant_queries(
    cast, blueprint, client_for, django_assert_max_num_queries
):
    client = client_for(cast.learner)
    _response, attempt = _start(client, blueprint)
    with django_assert_max_num_queries(8):
        _save(client, attempt, 0, 1, choice=0)
    with django_assert_max_num_queries(10):
        client.get(f"/exams/attempts/{attempt.pk}/")


class _Sink:
    def write(self, *args, **kwargs):
        pass

    def flush(self):
        pass


def test_the_migration_keeps_the_sums_of_papers_handed_in_before_it(cast, blueprint, client_for):
    client = client_for(cast.learner)
    _response, attempt = _start(client, blueprint)
    tf = attempt.items.get(question__type="true_false")
    _save(client, attempt, tf.position, 1, answer="true")
    client.post(f"/exams/attempts/{attempt.pk}/submit/")
    _response, unsubmitted = _start(client, blueprint)
    marked = _function_sums(attempt)
    FunctionScore.objects.all().delete()

    migration = importlib.import_module("exams.migrations.0005_function_scores")
    migration.fill_function_scores(apps, None)

    assert _function_sums(attempt) == marked == _sums_of_the_items(attempt)
    assert not unsubmitted.function_scores.exists()
