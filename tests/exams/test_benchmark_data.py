import io

import pytest
from django.core.management import CommandError, call_command

from accounts.models import TrainingCenter, User
from exams.models import Attempt, AttemptItem, PracticeItem


def test_it_needs_the_bank_and_blueprints_first(db):
    with pytest.raises(CommandError, match="Load the starter bank"):
        call_command("generate_benchmark_data", stdout=io.StringIO())


def test_it_generates_the_asked_numbers(db):
    call_command("load_starter_bank", stdout=io.StringIO(), stderr=io.StringIO())
    call_command("load_default_blueprints", stdout=io.StringIO(), stderr=io.StringIO())
    call_command(
        "generate_benchmark_data",
        centers=2,
        learners=10,
        attempts=30,
        items_per_attempt=5,
        practice_per_learner=4,
        stdout=io.StringIO(),
    )
    assert TrainingCenter.objects.count() == 2
    assert User.objects.filter(username__startswith="bench").count() == 10
    assert Attempt.objects.count() == 30
    assert AttemptItem.objects.count() == 150
    assert PracticeItem.objects.count() == 40
    for attempt in Attempt.objects.all():
        earned = sum(item.earned for item in attempt.items.all())
        assert attempt.part_scores["theory"] == pytest.approx(earned)
        assert attempt.passed == (earned >= 60)
