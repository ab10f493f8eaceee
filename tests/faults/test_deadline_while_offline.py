"""The learner's connection drops near the end of a paper and the deadline passes while the
browser holds answers it could not send. What the server does with them when they arrive:
inside the grace (deadline + 60 s) they are taken and scored; after it they are refused with
a 410 that says the time is over, and the paper is marked at its deadline with the answers
saved before. The clock is the test's (timezone.now), the deadline the one the paper got."""

import datetime
import io

import pytest
from django.core.management import call_command

from exams.models import GRACE, Attempt

CLOSED = "The time is over: this paper no longer takes answers."


@pytest.fixture
def lina(cast, tab_for):
    return tab_for(cast.learner)


@pytest.fixture
def attempt(lina, paper):
    lina.post(f"/exams/{paper.pk}/start/")
    return Attempt.objects.get(blueprint=paper)


def _save(tab, attempt, position, choice, seq=1):
    return tab.post(
        f"/exams/attempts/{attempt.pk}/save/",
        {"position": position, "seq": seq, "choice": choice},
        headers={"accept": "application/json"},
    )


def _responses(attempt):
    return {item.position: item.response for item in attempt.items.all()}


def test_answers_that_arrive_inside_the_grace_are_taken_and_scored(lina, attempt, clock):
    deadline = attempt.deadline
    assert _save(lina, attempt, 0, 0).status_code == 200
    # Offline from here on; the connection comes back 30 s after the deadline. The scheduled
    # job has run meanwhile, and left the paper open: the grace is not over.
    clock.move_to(deadline + datetime.timedelta(seconds=30))
    call_command("finalize_expired_attempts", stdout=io.StringIO())
    taken = _save(lina, attempt, 1, 0)
    assert (taken.status_code, taken.json()["remaining"]) == (200, 0)
    clock.move_to(deadline + GRACE)  # the grace's last instant still counts
    assert _save(lina, attempt, 2, 0).status_code == 200

    clock.move_to(deadline + GRACE + datetime.timedelta(microseconds=1))
    assert _save(lina, attempt, 3, 0).status_code == 410

    attempt.refresh_from_db()
    assert attempt.deadline == deadline
    assert (attempt.submitted_at, attempt.finished_by) == (deadline, "deadline")
    assert _responses(attempt) == {
        0: {"choice": 0},
        1: {"choice": 0},
        2: {"choice": 0},
        3: None,
        4: None,
    }
    assert float(attempt.score) == 60


def test_answers_that_arrive_after_the_grace_are_refused_and_the_paper_is_marked_at_its_deadline(
    lina, attempt, clock
):
    deadline = attempt.deadline
    assert _save(lina, attempt, 0, 0).status_code == 200
    assert _save(lina, attempt, 1, 2).status_code == 200
    # Offline for the last ten minutes; the scheduled job marks the paper meanwhile.
    clock.move_to(deadline + datetime.timedelta(minutes=5))
    call_command("finalize_expired_attempts", stdout=io.StringIO())
    clock.move_to(deadline + datetime.timedelta(minutes=10))

    # Back online, the browser sends what it kept: a changed answer and two new ones.
    late = [
        _save(lina, attempt, 1, 0, seq=2),
        _save(lina, attempt, 2, 0),
        _save(lina, attempt, 3, 1),
    ]

    closed = {"error": CLOSED, "closed": True, "result_url": f"/exams/attempts/{attempt.pk}/"}
    assert [(reply.status_code, reply.json()) for reply in late] == [(410, closed)] * 3
    attempt.refresh_from_db()
    assert (attempt.submitted_at, attempt.finished_by) == (deadline, "deadline")
    assert _responses(attempt) == {0: {"choice": 0}, 1: {"choice": 2}, 2: None, 3: None, 4: None}
    assert float(attempt.score) == 20
    # The page now shows the result, and handing in again changes nothing.
    assert 'data-save-url="' not in lina.get(attempt.get_absolute_url()).content.decode()
    assert lina.post(f"/exams/attempts/{attempt.pk}/submit/").status_code == 302
    attempt.refresh_from_db()
    assert (attempt.submitted_at, float(attempt.score)) == (deadline, 20)


def test_a_paper_nobody_touched_after_the_grace_is_marked_at_its_deadline_by_the_first_save(
    lina, attempt, clock
):
    """Without the scheduled job: the first late save finalises the paper, then refuses."""
    deadline = attempt.deadline
    assert _save(lina, attempt, 0, 0).status_code == 200
    clock.move_to(deadline + datetime.timedelta(hours=2))

    late = _save(lina, attempt, 1, 0)

    assert (late.status_code, late.json()["error"]) == (410, CLOSED)
    attempt.refresh_from_db()
    assert (attempt.submitted_at, attempt.finished_by, float(attempt.score)) == (
        deadline,
        "deadline",
        20,
    )
