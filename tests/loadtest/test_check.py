"""The load test's checker: Lina sits a five-item paper; a fake log says which of her saves
the server acknowledged, and the checker holds them against what the database kept."""

import json
import random

import pytest
from django.http import QueryDict

from exams import papers
from exams.models import Blueprint, BlueprintSection
from loadtest import check
from tests.base import make_question

FIELDS = {
    "single_choice": ([["choice", "1"]], [["choice", "2"]]),
    "true_false": ([["answer", "true"]], [["answer", "false"]]),
    "multiple_choice": ([["choices", "0"], ["choices", "2"]], [["choices", "3"]]),
}


@pytest.fixture
def attempt(cast):
    make_question(key="sc0")
    make_question(key="sc1")
    make_question("true_false", key="tf0", payload={"answer": True})
    make_question("multiple_choice", key="mc0")
    make_question("multiple_choice", key="mc1")
    blueprint = Blueprint.objects.create(
        name="Mini paper", level=4, duration_minutes=30, shuffle_options=True
    )
    BlueprintSection.objects.create(blueprint=blueprint, count=5, points_per_item=20)
    return papers.start(blueprint, cast.learner, language="zh-hans", rng=random.Random(7))


def _save(attempt, position, seq, fields, flagged="0"):
    data = QueryDict(mutable=True)
    data.update({"position": str(position), "seq": str(seq), "flagged": flagged})
    for name, value in fields:
        data.appendlist(name, value)
    papers.save(attempt.pk, attempt.learner, data)


def _ack(attempt, position, seq, fields, flagged="0"):
    return {
        "event": "ack",
        "learner": "lina",
        "attempt": attempt.pk,
        "position": position,
        "seq": seq,
        "fields": fields,
        "flagged": flagged,
    }


def test_it_tells_kept_newer_and_lost_answers(attempt):
    kinds = {item.position: item.question.type for item in attempt.items.all()}
    first = {position: FIELDS[kind][0] for position, kind in kinds.items()}
    second = {position: FIELDS[kind][1] for position, kind in kinds.items()}
    records = []
    # 0: two saves, both acknowledged, the second stored: kept.
    _save(attempt, 0, 1, first[0])
    _save(attempt, 0, 2, second[0])
    records += [_ack(attempt, 0, 1, first[0]), _ack(attempt, 0, 2, second[0])]
    # 1: a later save reached the server but its reply never reached Lina: not lost.
    _save(attempt, 1, 1, first[1])
    _save(attempt, 1, 2, second[1])
    records.append(_ack(attempt, 1, 1, first[1]))
    # 2: acknowledged, but the item holds another answer under the same number: lost.
    _save(attempt, 2, 1, second[2])
    records.append(_ack(attempt, 2, 1, first[2]))
    # 3: acknowledged as seq 2, the database stopped at seq 1: lost.
    _save(attempt, 3, 1, first[3])
    records.append(_ack(attempt, 3, 2, second[3]))
    # 4: acknowledged flagged, stored unflagged: lost.
    _save(attempt, 4, 1, first[4])
    records.append(_ack(attempt, 4, 1, first[4], flagged="1"))

    verdict = check.compare(records, check.stored_items(check.latest_acks(records)))

    assert (verdict.acknowledged, verdict.items) == (6, 5)
    assert (verdict.kept, verdict.newer) == (1, 1)
    assert [(position, why.split()[0]) for _, position, why in verdict.lost] == [
        (2, "stored"),
        (3, "stored"),
        (4, "flag"),
    ]


def test_it_maps_shown_options_back_through_the_paper_order(attempt):
    item = attempt.items.filter(question__type="single_choice").first()
    _save(attempt, item.position, 1, [["choice", "0"]])
    records = [_ack(attempt, item.position, 1, [["choice", "0"]])]

    stored = check.stored_items(check.latest_acks(records))

    assert stored[(attempt.pk, item.position)].response == {"choice": item.option_order[0]}
    assert check.compare(records, stored).kept == 1


def test_it_reads_one_log_per_process_and_counts_what_failed(tmp_path):
    lines = [
        {"event": "started", "attempt": 1},
        {"event": "started", "attempt": 2},
        {"event": "save_failed", "attempt": 1, "status": 0, "kept": True},
        {"event": "save_failed", "attempt": 1, "status": 502, "kept": True},
        {"event": "save_failed", "attempt": 2, "status": 400, "kept": False},
        {"event": "ack", "attempt": 1, "position": 0, "seq": 1, "how": "late"},
        {"event": "submitted", "attempt": 1, "unsent": 2},
        {"event": "login_failed", "status": 429},
    ]
    (tmp_path / "saves-1.jsonl").write_text("\n".join(json.dumps(x) for x in lines[:4]) + "\n")
    (tmp_path / "saves-2.jsonl").write_text("\n".join(json.dumps(x) for x in lines[4:]) + "\n")

    progress = check.learners(
        check.read_log(sorted(str(path) for path in tmp_path.glob("*.jsonl")))
    )

    assert progress["started"] == 2 and progress["submitted"] == 1
    assert progress["login_failed"] == 1 and progress["unsent_at_hand_in"] == 2
    assert (progress["failed_saves"], progress["failed_saves_retried"]) == (3, 2)
    assert progress["failed_by_status"] == {0: 1, 502: 1, 400: 1}
    assert progress["late_acks"] == 1


def test_it_reads_percentiles_from_the_locust_csv(tmp_path):
    columns = "Type,Name,Request Count,Failure Count,Max Response Time,50%,95%,99%"
    stats = tmp_path / "locust_stats.csv"
    stats.write_text(
        f"{columns}\n"
        ",Aggregated,12,1,900.4,30,400,880\n"
        "POST,autosave,10,1,120.6,25,90,110\n"
        "GET,exam page,2,0,900.4,450,880,880\n"
    )

    rows = check.percentiles(stats)

    assert rows == [
        ("GET", "exam page", 2, 0, "450", "880", "880", "900"),
        ("POST", "autosave", 10, 1, "25", "90", "110", "121"),
        ("", "Aggregated", 12, 1, "30", "400", "880", "900"),
    ]


def test_a_late_acknowledgement_may_hold_any_send_that_got_no_reply(attempt):
    kind = attempt.items.get(position=0).question.type
    first, second = FIELDS[kind]
    _save(attempt, 0, 1, second)
    late = _ack(attempt, 0, 1, first) | {
        "how": "late",
        "candidates": [{"fields": first, "flagged": "0"}, {"fields": second, "flagged": "0"}],
    }

    verdict = check.compare([late], check.stored_items(check.latest_acks([late])))

    assert (verdict.kept, verdict.lost) == (1, [])


def test_it_names_the_exception_behind_each_server_error():
    log = [
        "[2026-11-22 03:38:01 +0000] [11] [INFO] Booting worker with pid: 12",
        "Internal Server Error: /exams/attempts/48/save/",
        "Traceback (most recent call last):",
        '  File "base.py", line 244, in _get_session',
        "AttributeError: 'SessionStore' object has no attribute '_session_cache'",
        "",
        "The above exception was the direct cause of the following exception:",
        "django.db.utils.OperationalError: the database system is shutting down",
        "Internal Server Error: /exams/attempts/7/save/",
        "django.db.utils.OperationalError: the database system is shutting down",
        "[2026-11-22 03:38:09 +0000] [11] [CRITICAL] WORKER TIMEOUT (pid:12)",
    ]

    assert check.server_errors(log) == [
        (
            "500 on /exams/attempts/<n>/save/: "
            "django.db.utils.OperationalError: the database system is shutting down",
            2,
        ),
        ("[CRITICAL] WORKER TIMEOUT (pid …)", 1),
    ]
