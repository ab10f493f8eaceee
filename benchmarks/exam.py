"""Benchmark of mock exams: opening the 190-item level-3 theory paper, an autosave, and
handing the paper in. Measures; asserts nothing.

    python -m benchmarks.exam
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench python -m benchmarks.exam
"""

import io
import statistics

from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from benchmarks.common import fresh_database, measure, timed
from exams.models import Attempt, AttemptItem, Blueprint
from question_bank import types


def _answer_every_item(attempt):
    """Store the gold answer on every item, as if the learner had worked through the paper."""
    items = list(attempt.items.select_related("question", "version"))
    for item in items:
        item.response = types.get_type(item.question.type).solution(item.version.payload)
        item.seq = 1
    AttemptItem.objects.bulk_update(items, ["response", "seq"])


def main():
    fresh_database()
    call_command("load_starter_bank", stdout=io.StringIO(), stderr=io.StringIO())
    call_command("load_default_blueprints", stdout=io.StringIO(), stderr=io.StringIO())
    learner = User.objects.get(username="learner")
    blueprint = Blueprint.objects.get(key="default-l3-theory")
    client = Client(headers={"accept-language": "zh-hans"})
    client.force_login(learner)

    client.post(f"/exams/{blueprint.pk}/start/")
    attempt = Attempt.objects.get(learner=learner, submitted_at__isnull=True)
    print(f"paper: {attempt.items.count()} items")
    measure("open the 190-item theory paper", lambda: client.get(attempt.get_absolute_url()))
    _answer_every_item(attempt)
    measure(
        "reopen it with all 190 answered (a reload)",
        lambda: client.get(attempt.get_absolute_url()),
    )
    seqs = iter(range(2, 1000))
    measure(
        "autosave one answer",
        lambda: client.post(
            f"/exams/attempts/{attempt.pk}/save/",
            {"position": 3, "seq": next(seqs), "choice": 1},
            headers={"accept": "application/json"},
        ),
        repeat=30,
    )

    starts, hand_ins = [], []
    for _ in range(10):
        Attempt.objects.filter(learner=learner).delete()
        starts.append(_timed_request(lambda: client.post(f"/exams/{blueprint.pk}/start/")))
        attempt = Attempt.objects.get(learner=learner, submitted_at__isnull=True)
        hand_ins.append(
            _timed_request(lambda a=attempt: client.post(f"/exams/attempts/{a.pk}/submit/"))
        )
    _report("start the paper (draws 190 items)", starts)
    _report("hand in the 190-item paper (scores all items)", hand_ins)


def _timed_request(request):
    with CaptureQueriesContext(connection) as queries:
        seconds, _response = timed(request)
    return seconds * 1000, len(queries)


def _report(label, runs):
    times = [ms for ms, _queries in runs]
    print(
        f"[{connection.vendor}] {label:55} median {statistics.median(times):6.1f} ms, "
        f"max {max(times):6.1f} ms, {runs[-1][1]} queries"
    )


if __name__ == "__main__":
    main()
