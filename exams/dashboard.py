"""What a learner's dashboard shows, gathered in a fixed number of queries: study time on
the 30/70 split, mastery per function, mock history, readiness, streak and a plan."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db.models import Q, Sum
from django.utils import timezone

from exams import stats
from exams.models import Attempt, AttemptItem, Category, Paper, PracticeItem, QuestionState
from question_bank import types
from question_bank.models import VocationalFunction

THEORY_SHARE = 0.30  # the training courses' split: 30% theory, 70% practice
MASTERY_WINDOW = timedelta(days=120)
STREAK_WEEKS = 26


def week_start(now):
    local = timezone.localtime(now)
    return (local - timedelta(days=local.weekday())).replace(
        hour=0, minute=0, second=0, microsecond=0
    )


def study_totals(items):
    """{"theory": {"minutes", "points"}, "practical": {...}} of a PracticeItem queryset."""
    rows = items.values("category").annotate(seconds=Sum("active_seconds"), points=Sum("fraction"))
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


def mastery_by_function(learner, level, now):
    """[(function, mastery dict)] for the level's functions, weakest first."""
    since = now - MASTERY_WINDOW
    functions = list(VocationalFunction.objects.filter(Q(level=level) | Q(level__isnull=True)))
    answers = defaultdict(list)
    practice = PracticeItem.objects.filter(session__learner=learner, answered_at__gte=since)
    for function_id, when, fraction in practice.values_list(
        "question__function_id", "answered_at", "fraction"
    ):
        answers[function_id].append((when, fraction))
    mocks = AttemptItem.objects.filter(attempt__learner=learner, attempt__submitted_at__gte=since)
    for function_id, when, fraction, grade in mocks.values_list(
        "question__function_id", "attempt__submitted_at", "fraction", "grade_fraction"
    ):
        answers[function_id].append((when, grade if grade is not None else fraction or 0.0))
    rows = [(f, stats.mastery(answers.get(f.pk, []), now)) for f in functions]
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
    items = PracticeItem.objects.filter(
        session__learner=learner, answered_at__gte=now - timedelta(days=days)
    )
    by_day = defaultdict(lambda: defaultdict(list))
    for category, when, fraction in items.values_list("category", "answered_at", "fraction"):
        by_day[category][timezone.localdate(when)].append(fraction)
    return {
        category: [
            (
                timezone.make_aware(datetime.combine(day, time(12))),
                100 * sum(fractions) / len(fractions),
            )
            for day, fractions in sorted(days_.items())
        ]
        for category, days_ in by_day.items()
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
    since = now - timedelta(weeks=STREAK_WEEKS)
    days = {
        timezone.localdate(when)
        for when in PracticeItem.objects.filter(
            session__learner=learner, active_at__gte=since, active_seconds__gt=0
        ).values_list("active_at", flat=True)
    }
    today = timezone.localdate(now)
    saturday = today - timedelta(days=(today.weekday() - 5) % 7)
    sunday = saturday + timedelta(days=1)
    if saturday not in days and sunday not in days and today <= sunday:
        saturday -= timedelta(days=7)  # this weekend is not over: count from the last one
    streak = 0
    while saturday in days or saturday + timedelta(days=1) in days:
        streak += 1
        saturday -= timedelta(days=7)
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
