"""Migrate and seed the fault tests' own database, in the app server's environment:
``python -m tests.faults.seed USERNAME…`` prints {"blueprint": pk} as JSON.

The paper is small on purpose: five single-choice questions of 20 points in English, options
not shuffled (so choice 0 is always the right answer), 30 minutes. Each username becomes a
learner of one training center with the suite's password (tests/base.py)."""

import json
import sys

import django


def small_paper(word, key=None):
    """The paper described above, its questions keyed and named after `word`."""
    from exams.models import Blueprint, BlueprintSection
    from tests.base import make_question

    for n in range(5):
        make_question(
            key=f"{word}-sc{n}",
            language="en",
            stem=f"{word.title()} question {n}?",
            payload={"options": ["right", "wrong a", "wrong b", "wrong c"], "answer": 0},
        )
    blueprint = Blueprint.objects.create(
        key=key, name=f"{word.title()} paper", level=4, duration_minutes=30, shuffle_options=False
    )
    BlueprintSection.objects.create(
        blueprint=blueprint,
        position=0,
        paper="theory",
        types=["single_choice"],
        count=5,
        points_per_item=20,
    )
    return blueprint


def main(usernames):
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    from accounts.models import TrainingCenter
    from tests.base import make_user

    center = TrainingCenter.objects.create(name="Fault Center", city="上海")
    for username in usernames:
        make_user(username, center=center, preferred_language="en")
    blueprint = small_paper("fault", key="fault-paper")
    print(json.dumps({"blueprint": blueprint.pk}))


if __name__ == "__main__":
    main(sys.argv[1:])
