"""Benchmark of practice: starting a session over a bank of 20,000 questions for a learner
with 50,000 answers behind them, and answering an item. Measures; asserts nothing.

    python -m benchmarks.practice
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench python -m benchmarks.practice
"""

import random
from datetime import timedelta

from django.db import connection
from django.test import Client
from django.utils import timezone

from accounts.models import User
from benchmarks.bank import synthetic_bank
from benchmarks.common import fresh_database, measure
from exams.models import PracticeItem, PracticeSession, QuestionState
from question_bank.importing import apply_import, plan_import, read_bank_file
from question_bank.models import Question


def learner_history(learner, answers=50_000):
    """A learner who answered 50,000 times: 500 finished sessions of 100 items, and the
    question states those answers leave behind (about a third in the notebook)."""
    rng = random.Random(1)
    questions = list(Question.objects.values_list("pk", "published_version_id"))
    start = timezone.now() - timedelta(days=200)
    sessions = PracticeSession.objects.bulk_create(
        PracticeSession(
            learner=learner,
            level=4,
            created=start + timedelta(hours=n),
            finished_at=start + timedelta(hours=n, minutes=40),
        )
        for n in range(answers // 100)
    )
    items, states = [], {}
    for n in range(answers):
        question_id, version_id = rng.choice(questions)
        when = start + timedelta(minutes=n * 5)
        right = rng.random() < 0.7
        items.append(
            PracticeItem(
                session=sessions[n // 100],
                position=n % 100,
                question_id=question_id,
                version_id=version_id,
                category="theory",
                response={"choice": 0 if right else 1},
                fraction=1.0 if right else 0.0,
                answered_at=when,
                active_seconds=40,
                active_at=when,
            )
        )
        state = states.setdefault(
            question_id, QuestionState(learner=learner, question_id=question_id)
        )
        state.record(1.0 if right else 0.0, when)
    PracticeItem.objects.bulk_create(items, batch_size=2000)
    QuestionState.objects.bulk_create(states.values(), batch_size=2000)
    return len(items), len(states)


def main():
    fresh_database()
    apply_import(plan_import(read_bank_file("bank.json", synthetic_bank(20_000))))
    learner = User.objects.get(username="learner")
    learner.target_level = 4
    learner.save()
    answers, states = learner_history(learner)
    if connection.vendor == "postgresql":
        # Statistics for the rows just written, as autovacuum would gather them by and by.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(
        f"bank: {Question.objects.count()} questions; history: {answers} answers, "
        f"{states} questions seen, {QuestionState.objects.in_notebook().count()} in the "
        "notebook"
    )
    client = Client(headers={"accept-language": "zh-hans"})
    client.force_login(learner)
    for mode in ["smart", "random", "unseen", "wrong"]:
        measure(
            f"start a {mode} session of 20 (level 4)",
            lambda m=mode: client.post(
                "/practice/", {"level": 4, "mode": m, "size": 20, "marking": "instant"}
            ),
        )
    session = PracticeSession.objects.filter(learner=learner).latest("created")
    positions = iter(range(20))
    measure(
        "answer an item (marked at once)",
        lambda: client.post(
            f"/practice/{session.pk}/{next(positions)}/answer/",
            {"choice": 2, "seconds": 30},
            headers={"accept": "application/json"},
        ),
        repeat=10,
    )
    measure("open an item", lambda: client.get(f"/practice/{session.pk}/5/"))
    measure("learner home", lambda: client.get("/"))


if __name__ == "__main__":
    main()
