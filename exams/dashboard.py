"""What a learner's dashboard shows, gathered in a fixed number of queries: study time on
the 30/70 split, mastery per function, mock history, readiness, streak and a plan."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from exams import stats
from exams.models import (
    MARKED_ANSWER,
    Attempt,
    AttemptItem,
    Category,
    Paper,
    PracticeItem,
    QuestionState,
)
from question_bank import types
from question_bank.models import VocationalFunction

THEORY_SHARE = 0.30  # the training courses' split: 30% theory, 70% practice
MASTERY_WINDOW = timedelta(days=120)
STREAK_WEEKS = 26
MIN_ANSWERS_PER_DAY = 10  # a practice day counts towards readiness from this many answers


def week_start(now):
    local = timezone.localtime(now)
    return (local - timedelta(days=local.weekday())).replace(
        hour=0, minute=0, second=0, microsecond=0
    )


def study_totals(items):
    """{"theory": {"minutes", "points"}, "practical": {...}} of a PracticeItem queryset."""
    rows = items.values("category").annotate(
        seconds=Sum("active_seconds"), points=Sum("fraction", filter=MARKED_ANSWER)
    )
    totals = {c: {"minutes": 0, "points": 0.0} for c in Category.values}
    for row in rows:
        totals[row["category"]] = {
            "minutes": round((row["seconds"] or 0) / 60),
            "points": round(row["points"] or 0.0, 1),
        }
    return totals


@dataclass
class SplitAdvice:
    """How far a week is from 30/70, in minutes of the side that is short."""

    theory_share: float | None
    short_side: str | None  # "theory" or "practical"
    minutes: int


def split_advice(theory_minutes, practical_minutes):
    total = theory_minutes + practical_minutes
    if total == 0:
        return SplitAdvice(None, "practical", 0)
    share = theory_minutes / total
    if share > THEORY_SHARE + 0.05:
        # practical minutes p such that theory / (theory + p) = 0.30
        needed = theory_minutes * (1 - THEORY_SHARE) / THEORY_SHARE - practical_minutes
        return SplitAdvice(share, "practical", max(1, round(needed)))
    if share < THEORY_SHARE - 0.05:
        needed = practical_minutes * THEORY_SHARE / (1 - THEORY_SHARE) - theory_minutes
        return SplitAdvice(share, "theory", max(1, round(needed)))
    return SplitAdvice(share, None, 0)


def bucketed(queryset, group, value, when, buckets):
    """{group value: [(bucket middle, mean value, count)]} over time buckets [(start, end)],
    in one query: a filtered aggregate per bucket, so no per-row date function runs (SQLite
    has none of its own) and a long history costs no more than a short one."""
    aggregates = {}
    for k, (start, end) in enumerate(buckets):
        in_bucket = Q(**{f"{when}__gte": start, f"{when}__lt": end})
        aggregates[f"s{k}"] = Sum(value, filter=in_bucket)
        aggregates[f"n{k}"] = Count("pk", filter=in_bucket)
    window = {f"{when}__gte": min(b[0] for b in buckets), f"{when}__lt": max(b[1] for b in buckets)}
    rows = queryset.filter(**window).order_by().values(group).annotate(**aggregates)
    result = defaultdict(list)
    for row in rows:
        for k, (start, end) in enumerate(buckets):
            if row[f"n{k}"]:
                middle = start + (end - start) / 2
                result[row[group]].append((middle, row[f"s{k}"] / row[f"n{k}"], row[f"n{k}"]))
    return result


def day_buckets(now, days):
    today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    return [(today - timedelta(days=d), today - timedelta(days=d - 1)) for d in range(days)]


def week_buckets(now, weeks):
    start = week_start(now)
    return [(start - timedelta(weeks=w), start - timedelta(weeks=w - 1)) for w in range(weeks)]


def mastery_by_function(learner, level, now):
    """[(function, mastery dict)] for the level's functions, weakest first, from practice and
    mock answers summed per week."""
    buckets = week_buckets(now, MASTERY_WINDOW.days // 7)
    functions = list(VocationalFunction.objects.filter(Q(level=level) | Q(level__isnull=True)))
    practice = bucketed(
        PracticeItem.objects.marked().filter(session__learner=learner),
        "question__function_id",
        "fraction",
        "answered_at",
        buckets,
    )
    mocks = bucketed(
        AttemptItem.objects.filter(attempt__learner=learner, attempt__submitted_at__isnull=False),
        "question__function_id",
        Coalesce("grade_fraction", "fraction", Value(0.0)),
        "attempt__submitted_at",
        buckets,
    )
    rows = [
        (f, stats.mastery(practice.get(f.pk, []) + mocks.get(f.pk, []), now)) for f in functions
    ]
    return sorted(rows, key=lambda row: (row[1]["answers"] == 0, row[1]["estimate"]))


def mock_history(learner):
    """{paper: [(submitted_at, score)]} of the learner's marked papers, oldest first."""
    history = defaultdict(list)
    attempts = Attempt.objects.filter(learner=learner, submitted_at__isnull=False).order_by(
        "submitted_at"
    )
    for submitted_at, parts in attempts.values_list("submitted_at", "part_scores"):
        for paper, score in parts.items():
            history[paper].append((submitted_at, score))
    return history


def practice_days(learner, now, days=30):
    """{category: [(day, percent right)]}: practice as weaker evidence when no mock exists."""
    by_category = bucketed(
        PracticeItem.objects.marked().filter(session__learner=learner),
        "category",
        "fraction",
        "answered_at",
        day_buckets(now, days),
    )
    # A day of a few answers says little about a 100-point paper: only fuller days count.
    return {
        category: sorted(
            (middle, 100 * mean) for middle, mean, n in days_ if n >= MIN_ANSWERS_PER_DAY
        )
        for category, days_ in by_category.items()
    }


def readiness_by_paper(history, practice, now):
    """{paper: readiness dict and the evidence it came from}."""
    result = {}
    for paper, category in ((Paper.THEORY, Category.THEORY), (Paper.PRACTICAL, Category.PRACTICE)):
        mocks = history.get(paper, [])
        evidence, source = (mocks, "mock") if mocks else (practice.get(category, []), "practice")
        result[paper] = {**stats.readiness(evidence, now=now), "source": source}
    return result


def weekend_streak(learner, now):
    """Weekends in a row (this one or the last finished one backwards) with study time."""
    today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    saturday = today - timedelta(days=(today.weekday() - 5) % 7)
    weekends = [
        (saturday - timedelta(weeks=w), saturday - timedelta(weeks=w) + timedelta(days=2))
        for w in range(STREAK_WEEKS)
    ]
    studied = bucketed(
        PracticeItem.objects.filter(session__learner=learner, active_seconds__gt=0),
        "session__learner_id",
        "active_seconds",
        "active_at",
        weekends,
    ).get(learner.pk, [])
    active = {middle for middle, _mean, _n in studied}
    middles = [start + (end - start) / 2 for start, end in weekends]
    if middles[0] not in active and now < weekends[0][1]:
        middles = middles[1:]  # this weekend is not over: count from the last one
    streak = 0
    for middle in middles:
        if middle not in active:
            break
        streak += 1
    return streak


def learner_dashboard(learner, now=None):
    now = now or timezone.now()
    start = week_start(now)
    items = PracticeItem.objects.filter(session__learner=learner)
    week = study_totals(items.filter(active_at__gte=start))
    overall = study_totals(items)
    history = mock_history(learner)
    mastery = mastery_by_function(learner, learner.target_level, now)
    readiness = readiness_by_paper(history, practice_days(learner, now), now)
    week_minutes = week["theory"]["minutes"] + week["practical"]["minutes"]
    tried = set(
        items.filter(answered_at__isnull=False, category=Category.PRACTICE)
        .values_list("question__type", flat=True)
        .distinct()
    )
    dashboard = {
        "week": week,
        "overall": overall,
        "week_minutes": week_minutes,
        "goal_share": min(1.0, week_minutes / learner.weekly_goal_minutes)
        if learner.weekly_goal_minutes
        else 0,
        "advice": split_advice(week["theory"]["minutes"], week["practical"]["minutes"]),
        "untried_practical": _untried(tried),
        "mastery": mastery,
        "history": history,
        "readiness": readiness,
        "streak": weekend_streak(learner, now),
        "due": QuestionState.objects.due(now).filter(learner=learner).count(),
        "in_notebook": QuestionState.objects.in_notebook().filter(learner=learner).count(),
    }
    dashboard["plan"] = weekend_plan(dashboard, now)
    return dashboard


def weekend_plan(dashboard, now):
    """Up to four concrete steps for the coming weekend, most useful first, as
    (kind, details) for the template to word."""
    plan = []
    readiness = dashboard["readiness"]
    weaker = min(readiness, key=lambda paper: readiness[paper]["probability"] or 0)
    recent_mock = [
        when
        for when, _score in dashboard["history"].get(weaker, [])
        if when >= now - timedelta(days=14)
    ]
    if not recent_mock:
        plan.append(("mock", {"paper": Paper(weaker).label}))
    practised = [row for row in dashboard["mastery"] if row[1]["answers"]]
    if practised:
        plan.append(("weakest", {"function": practised[0][0]}))
    if dashboard["advice"].short_side == "practical" and dashboard["untried_practical"]:
        plan.append(("untried", {"type": dashboard["untried_practical"][0]}))
    if dashboard["due"]:
        plan.append(("reviews", {"count": dashboard["due"]}))
    return plan


def _untried(tried):
    return [types.get_type(key) for key in types.PRACTICAL_TYPES if key not in tried]
