"""A learner hands in while autosaves are still on their way (and a second tab hands in too).
Whatever order the requests reach the database in, a save either lands before the paper
closes and counts in its score, or is refused with a 410; nothing gets a 500, and the paper
is handed in once. On PostgreSQL the order differs from round to round; on SQLite, where the
requests take turns, it is mostly the same one."""

import pytest

from exams.models import Attempt
from tests.faults.racing import json_of, run_together, turns

# Committed for real, so that the threads see each other's writes; the taxonomy that a data
# migration seeded is restored after each test.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

HANDED_IN = "This paper has been handed in: it no longer takes answers."
ROUNDS = 6


def _hand_in_while_saving(attempt, tabs, turn):
    """Three tabs save an answer each while two tabs hand the paper in, all at once:
    ({position: (status, JSON)}, [submission statuses])."""
    saves, submissions = {}, []

    def save(tab, position):
        with turn:
            reply = tab.post(
                f"/exams/attempts/{attempt.pk}/save/",
                {"position": position, "seq": 1, "choice": 0},
                headers={"accept": "application/json"},
            )
        saves[position] = (reply.status_code, json_of(reply))

    def submit(tab):
        with turn:
            submissions.append(tab.post(f"/exams/attempts/{attempt.pk}/submit/").status_code)

    run_together(
        *[lambda tab=tab, p=position: save(tab, p) for position, tab in enumerate(tabs[:3])],
        lambda: submit(tabs[3]),
        lambda: submit(tabs[4]),
    )
    return saves, submissions


def test_a_submission_racing_autosaves_counts_every_acknowledged_answer_and_refuses_the_rest(
    cast, paper, tab_for, finalisations
):
    tabs = [tab_for(cast.learner) for _tab in range(5)]
    turn = turns()
    for _round in range(ROUNDS):
        tabs[0].post(f"/exams/{paper.pk}/start/")
        attempt = Attempt.objects.open().get(learner=cast.learner)

        saves, submissions = _hand_in_while_saving(attempt, tabs, turn)

        attempt.refresh_from_db()
        items = {item.position: item for item in attempt.items.all()}
        assert submissions == [302, 302]
        assert attempt.finished_by == Attempt.FinishedBy.LEARNER
        for position, (status, data) in saves.items():
            if status == 200:
                assert (items[position].response, items[position].fraction) == ({"choice": 0}, 1.0)
            else:
                assert (status, data and data["error"], data and data["closed"]) == (
                    410,
                    HANDED_IN,
                    True,
                )
                assert (items[position].response, items[position].fraction) == (None, 0.0)
        taken = sum(1 for status, _data in saves.values() if status == 200)
        assert float(attempt.score) == 20 * taken
    # Handed in once per paper, however many tabs asked.
    assert len(finalisations) == len(set(finalisations)) == ROUNDS


def _start_in_every_tab(paper, tabs, turn):
    replies = []

    def start(tab):
        with turn:
            replies.append(tab.post(f"/exams/{paper.pk}/start/"))

    run_together(*[lambda tab=tab: start(tab) for tab in tabs])
    return [(reply.status_code, reply.get("Location")) for reply in replies]


def test_two_tabs_starting_the_same_paper_at_once_both_land_on_one_attempt(cast, paper, tab_for):
    tabs = [tab_for(cast.learner) for _tab in range(3)]
    turn = turns()
    for _round in range(3):
        replies = _start_in_every_tab(paper, tabs, turn)

        attempt = Attempt.objects.open().get(learner=cast.learner)
        assert replies == [(302, attempt.get_absolute_url())] * 3
        tabs[0].post(f"/exams/attempts/{attempt.pk}/submit/")
