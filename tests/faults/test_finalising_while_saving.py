"""The deadline and its grace run out while a learner's autosaves keep arriving, and the
scheduled `finalize_expired_attempts` runs (twice at once, as overlapping cron runs would).
The paper must be finalised exactly once, stamped at its deadline, scored on the answers
acknowledged before it closed; every later save must be refused with a 410."""

import datetime
import io
import threading

import pytest
from django.core.management import call_command

from exams import papers
from exams.models import GRACE, Attempt
from question_bank import types
from tests.faults.racing import json_of, run_together, turns

# Committed for real, so that the threads see each other's writes; the taxonomy that a data
# migration seeded is restored after each test.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

CLOSED = "The time is over: this paper no longer takes answers."


def _rescored(attempt):
    """The attempt's total recomputed from the answers it holds, and each item's fraction."""
    total, fractions = 0.0, {}
    for item in attempt.items.select_related("question", "version"):
        score = types.get_type(item.question.type).score(item.version.payload, item.response or {})
        fractions[item.position] = (item.fraction, score.fraction)
        total += float(item.points) * score.fraction
    return total, fractions


def test_finalising_at_the_deadline_while_saves_arrive_scores_each_acknowledged_answer_once(
    cast, paper, tab_for, clock, finalisations
):
    tab_for(cast.learner).post(f"/exams/{paper.pk}/start/")
    attempt = Attempt.objects.get(learner=cast.learner)
    clock.move_to(attempt.deadline + GRACE / 2)  # in the grace: saves are still taken
    turn = turns()
    replies = {position: [] for position in range(3)}
    # Each position is saved from its own tab, alternating right (0) and wrong (1) answers.
    tabs = {position: tab_for(cast.learner) for position in replies}
    enough_saved = threading.Event()

    def learner_saving(position):
        for seq in range(1, 200):
            with turn:
                reply = tabs[position].post(
                    f"/exams/attempts/{attempt.pk}/save/",
                    {"position": position, "seq": seq, "choice": seq % 2},
                    headers={"accept": "application/json"},
                )
            replies[position].append((seq, reply.status_code, json_of(reply)))
            if all(len(r) >= 5 for r in replies.values()):
                enough_saved.set()
            if [status for _seq, status, _data in replies[position]].count(410) == 3:
                return

    def cron_finalising():
        assert enough_saved.wait(30)
        clock.move_to(attempt.deadline + GRACE + datetime.timedelta(microseconds=1))
        with turn:
            call_command("finalize_expired_attempts", stdout=io.StringIO())

    run_together(
        *[lambda p=position: learner_saving(p) for position in replies],
        cron_finalising,
        cron_finalising,
    )

    attempt.refresh_from_db()
    assert finalisations == [attempt.pk]
    assert (attempt.submitted_at, attempt.finished_by) == (attempt.deadline, "deadline")
    stored = {item.position: item for item in attempt.items.all()}
    for position, sent in replies.items():
        statuses = [status for _seq, status, _data in sent]
        taken = statuses.count(200)
        # Taken until the paper closed, refused from then on: nothing else, in that order.
        assert taken and statuses == [200] * taken + [410] * (len(statuses) - taken)
        assert all(
            data == {"error": CLOSED, "closed": True, "result_url": attempt.get_absolute_url()}
            for _seq, status, data in sent
            if status == 410
        )
        last_seq, _status, _data = sent[taken - 1]
        assert (stored[position].seq, stored[position].response) == (
            last_seq,
            {"choice": last_seq % 2},
        )
        assert stored[position].fraction == (1.0 if last_seq % 2 == 0 else 0.0)
    total, fractions = _rescored(attempt)
    assert float(attempt.score) == total
    assert all(stored_fraction == rescored for stored_fraction, rescored in fractions.values())


def test_a_save_waiting_for_the_lock_while_the_paper_is_finalised_is_refused_not_lost(
    cast, paper, clock, finalisations
):
    """The same race, step by step: a save that read the clock inside the grace but reaches
    the locked row only after the finalisation gets the 410, and the score stands."""
    attempt = papers.start(paper, cast.learner, language="en")
    in_grace = attempt.deadline + GRACE
    papers.save(attempt.pk, cast.learner, {"position": "0", "seq": "1", "choice": "0"})
    clock.move_to(in_grace + datetime.timedelta(seconds=1))
    call_command("finalize_expired_attempts", stdout=io.StringIO())

    with pytest.raises(papers.SaveRefused) as refusal:
        papers.save(
            attempt.pk, cast.learner, {"position": "1", "seq": "1", "choice": "0"}, now=in_grace
        )

    assert (refusal.value.status, str(refusal.value)) == (410, CLOSED)
    attempt.refresh_from_db()
    assert finalisations == [attempt.pk]
    assert float(attempt.score) == 20.0
    assert attempt.items.get(position=1).response is None
