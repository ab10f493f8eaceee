"""A cohort at a glance for its instructor: one row per learner, in a fixed number of
queries whatever the cohort's size."""

from collections import defaultdict
from datetime import timedelta

from django.db.models import Avg, Count, Max, Q, Sum
from django.utils import timezone

from exams.models import Attempt, PracticeItem
from question_bank.models import VocationalFunction

WINDOW = timedelta(days=28)
INACTIVE_AFTER = timedelta(days=14)
MIN_MINUTES_FOR_SPLIT = 60
MIN_PRACTICE_SHARE = 0.5  # far from 70% practice
LOW_MASTERY = 0.6


def cohort_rows(cohort, now=None):
    now = now or timezone.now()
    learners = list(cohort.learners.filter(is_active=True).order_by("full_name", "username"))
    ids = [learner.pk for learner in learners]
    functions = list(
        VocationalFunction.objects.filter(Q(level=cohort.level) | Q(level__isnull=True))
    )
    items = PracticeItem.objects.filter(session__learner_id__in=ids)
    minutes = defaultdict(dict)
    for row in (
        items.filter(active_at__gte=now - WINDOW)
        .values("session__learner_id", "category")
        .annotate(seconds=Sum("active_seconds"))
    ):
        minutes[row["session__learner_id"]][row["category"]] = round((row["seconds"] or 0) / 60)
    last_active = dict(items.values_list("session__learner_id").annotate(last=Max("active_at")))
    mastery = defaultdict(dict)
    for row in (
        items.filter(answered_at__gte=now - WINDOW * 3)
        .values("session__learner_id", "question__function_id")
        .annotate(mean=Avg("fraction"), n=Count("pk"))
    ):
        mastery[row["session__learner_id"]][row["question__function_id"]] = row["mean"]
    latest = defaultdict(dict)
    for learner_id, parts, when in (
        Attempt.objects.filter(learner_id__in=ids, submitted_at__isnull=False)
        .order_by("submitted_at")
        .values_list("learner_id", "part_scores", "submitted_at")
    ):
        for paper, score in parts.items():
            latest[learner_id][paper] = (score, when)

    rows = []
    for learner in learners:
        theory = minutes[learner.pk].get("theory", 0)
        practical = minutes[learner.pk].get("practical", 0)
        cells = [mastery[learner.pk].get(f.pk) for f in functions]
        risks = _risks(
            last_active.get(learner.pk), theory, practical, cells, latest[learner.pk], now
        )
        rows.append(
            {
                "learner": learner,
                "last_active": last_active.get(learner.pk),
                "theory": theory,
                "practical": practical,
                "mastery": cells,
                "latest": {paper: score for paper, (score, _when) in latest[learner.pk].items()},
                "risks": risks,
            }
        )
    rows.sort(key=lambda row: (not row["risks"], row["learner"].display_name))
    return {"rows": rows, "functions": functions, "window_days": WINDOW.days}


def _risks(last_active, theory, practical, cells, latest, now):
    """Why a learner may need a word from the instructor (codes the template words)."""
    risks = []
    if last_active is None or now - last_active > INACTIVE_AFTER:
        risks.append("inactive")
    known = [cell for cell in cells if cell is not None]
    low_mock = any(score < 60 for score, _when in latest.values())
    if low_mock or (known and sum(known) / len(known) < LOW_MASTERY):
        risks.append("low_readiness")
    total = theory + practical
    if total >= MIN_MINUTES_FOR_SPLIT and practical / total < MIN_PRACTICE_SHARE:
        risks.append("split")
    return risks
