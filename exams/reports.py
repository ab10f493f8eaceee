"""Pass rates of a center's mock exams, the weakness map, and real sessions beside them.

Every table is one grouped query (Count with a filter, Sum, TruncMonth/TruncWeek), so a page
costs the same number of queries for ten attempts or a hundred thousand; Python only lays the
grouped rows out. What counts:

- marked (status "done") mock attempts of the center's learners, submitted in the range;
- an attempt passes when ``attempt.passed`` is True; a paper part passes when its part score
  reaches the blueprint's pass mark. With a paper chosen, every table counts that part.
- an attempt counts in every cohort its learner is in.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, F, FloatField, Q, Sum
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, TruncDate, TruncMonth, TruncWeek
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Level, Role
from exams.models import Attempt, FunctionScore, Paper, PracticeItem, RealExamResult
from exams.stats import pass_rate
from question_bank.models import VocationalFunction

PERIODS = 12  # the default range: this period and the eleven before it
MONTH, WEEK = "month", "week"
# Real results are set beside the mock attempts of the eight weeks before the session.
COMPARISON_WINDOW = timedelta(weeks=8)


@dataclass(frozen=True)
class Filters:
    center_id: int
    start: date
    end: date  # inclusive
    period: str = MONTH
    level: int | None = None
    paper: str | None = None
    blueprint_id: int | None = None
    cohort_id: int | None = None


# Periods --------------------------------------------------------------------------------------


def period_start(day, period):
    if period == WEEK:
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)


def next_period(start, period):
    if period == WEEK:
        return start + timedelta(days=7)
    return (start.replace(day=28) + timedelta(days=4)).replace(day=1)


def default_range(period, today):
    """From the start of the period eleven periods back to today."""
    start = period_start(today, period)
    for _i in range(PERIODS - 1):
        start = period_start(start - timedelta(days=1), period)
    return start, today


def period_starts(filters):
    starts, current = [], period_start(filters.start, filters.period)
    while current <= filters.end:
        starts.append(current)
        current = next_period(current, filters.period)
    return starts


def period_label(start, period):
    return start.isoformat() if period == WEEK else f"{start:%Y-%m}"


def _moment(day):
    """Midnight at the start of a day, in the site's time zone."""
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


# Pass rates -----------------------------------------------------------------------------------


def _part_score(paper):
    return Cast(KeyTextTransform(paper, "part_scores"), FloatField())


def _part_passed(paper):
    return Q(**{f"{paper}_score__gte": F("blueprint__pass_mark")})


def _measures(paper):
    """attempts and passed: of whole attempts, or of one paper part when a paper is chosen."""
    passed = _part_passed(paper) if paper else Q(passed=True)
    return {"attempts": Count("pk"), "passed": Count("pk", filter=passed)}


def _part_measures():
    measures = {}
    for paper in Paper.values:
        measures[f"{paper}_attempts"] = Count("pk", filter=Q(**{f"{paper}_score__isnull": False}))
        measures[f"{paper}_passed"] = Count("pk", filter=_part_passed(paper))
    return measures


def mock_attempts(filters):
    """The center's learners' marked mock attempts submitted in the range, as filtered."""
    attempts = Attempt.objects.filter(
        learner__center_id=filters.center_id,
        learner__role=Role.LEARNER,
        status=Attempt.Status.DONE,
        submitted_at__gte=_moment(filters.start),
        submitted_at__lt=_moment(filters.end + timedelta(days=1)),
    ).alias(**{f"{paper}_score": _part_score(paper) for paper in Paper.values})
    if filters.level:
        attempts = attempts.filter(blueprint__level=filters.level)
    if filters.blueprint_id:
        attempts = attempts.filter(blueprint_id=filters.blueprint_id)
    if filters.cohort_id:
        attempts = attempts.filter(learner__cohorts=filters.cohort_id)
    if filters.paper:
        attempts = attempts.filter(**{f"{filters.paper}_score__isnull": False})
    return attempts


def _row(label, counts=None, **extra):
    counts = counts or {}
    rate = pass_rate(counts.get("passed", 0), counts.get("attempts", 0))
    return {"label": str(label), **rate, **extra}


def by_cohort(filters, cohorts):
    """One row per cohort of the center (all of them, or the chosen one), then learners in no
    cohort. cohorts: the center's cohorts, in the order to show."""
    measures = _measures(filters.paper)
    if filters.cohort_id:
        counts = mock_attempts(filters).aggregate(**measures)
        return [_row(c.name, counts, pk=c.pk) for c in cohorts if c.pk == filters.cohort_id]
    grouped = (
        mock_attempts(filters).values(cohort=F("learner__cohorts")).annotate(**measures).order_by()
    )
    counts = {row["cohort"]: row for row in grouped}
    rows = [_row(c.name, counts.get(c.pk), pk=c.pk) for c in cohorts]
    if None in counts:
        rows.append(_row(_("In no cohort"), counts[None], pk=None))
    return rows


def by_level(filters):
    grouped = (
        mock_attempts(filters)
        .values("blueprint__level")
        .annotate(**_measures(filters.paper))
        .order_by("-blueprint__level")
    )
    return [
        _row(Level(row["blueprint__level"]).label, row, level=row["blueprint__level"])
        for row in grouped
    ]


def by_paper(filters):
    """Each paper part counted on its own, whatever the paper filter says about the rest."""
    counts = mock_attempts(filters).aggregate(**_part_measures())
    papers = [filters.paper] if filters.paper else Paper.values
    return [
        _row(
            Paper(paper).label,
            {"attempts": counts[f"{paper}_attempts"], "passed": counts[f"{paper}_passed"]},
            paper=paper,
        )
        for paper in papers
    ]


def by_blueprint(filters):
    grouped = (
        mock_attempts(filters)
        .values("blueprint_id", "blueprint__name", "blueprint__level")
        .annotate(**_measures(filters.paper))
        .order_by("-blueprint__level", "blueprint__name", "blueprint_id")
    )
    return [
        _row(row["blueprint__name"], row, pk=row["blueprint_id"], level=row["blueprint__level"])
        for row in grouped
    ]


def by_period(filters):
    """Every period of the range, empty ones included, with each paper part's rate beside
    the main one (for the trend chart)."""
    trunc = TruncWeek if filters.period == WEEK else TruncMonth
    grouped = (
        mock_attempts(filters)
        .annotate(period=trunc("submitted_at"))
        .values("period")
        .annotate(**_measures(filters.paper), **_part_measures())
        .order_by()
    )
    counts = {timezone.localtime(row["period"]).date(): row for row in grouped}
    rows = []
    for start in period_starts(filters):
        row = counts.get(start, {})
        parts = {
            paper: pass_rate(row.get(f"{paper}_passed", 0), row.get(f"{paper}_attempts", 0))
            for paper in Paper.values
        }
        rows.append(_row(period_label(start, filters.period), row, start=start, **parts))
    return rows


def totals(level_rows):
    """The overall rate, from the by-level rows: levels split the attempts without overlap."""
    counts = {
        "attempts": sum(row["attempted"] for row in level_rows),
        "passed": sum(row["passed"] for row in level_rows),
    }
    return _row("", counts)


# Weakness map ---------------------------------------------------------------------------------


def weakness_map(filters, cohorts):
    """Mastery per vocational function (rows) and cohort (columns): the mean final fraction
    of the cohort's learners' answers in the range, from practice and from mock papers, None
    where there are none. The blueprint filter does not apply: practice has no blueprint.

    Returns {"rows": [function], "columns": [cohort], "values": [[share]], "answers": [[n]]}.
    """
    columns = [c for c in cohorts if not filters.cohort_id or c.pk == filters.cohort_id]
    sums = defaultdict(lambda: [0.0, 0])
    for answers in (_practice_answers(filters), _mock_answers(filters)):
        for row in answers:
            cell = sums[(row["function_pk"], row.get("cohort", filters.cohort_id))]
            cell[0] += row["total"]
            cell[1] += row["answers"]
    functions = VocationalFunction.objects.all()
    if filters.level:
        functions = functions.filter(Q(level=filters.level) | Q(level__isnull=True))
    else:
        answered = {function_id for function_id, _cohort in sums}
        functions = functions.filter(pk__in=answered)
    functions = list(functions)
    values, counts = [], []
    for function in functions:
        cells = [sums.get((function.pk, cohort.pk), (0.0, 0)) for cohort in columns]
        values.append([total / n if n else None for total, n in cells])
        counts.append([n for _total, n in cells])
    return {"rows": functions, "columns": columns, "values": values, "answers": counts}


def _group(filters, function, cohort):
    """Group by function, and by cohort unless one cohort is chosen (it is then the only
    column, and grouping by the joined cohorts would bring in the learners' other ones)."""
    group = {"function_pk": F(function)}
    if not filters.cohort_id:
        group["cohort"] = F(cohort)
    return group


def _practice_answers(filters):
    # Marked answers only, as on the learner's own dashboard: the same mastery on both.
    items = PracticeItem.objects.marked().filter(
        session__learner__center_id=filters.center_id,
        session__learner__role=Role.LEARNER,
        answered_at__gte=_moment(filters.start),
        answered_at__lt=_moment(filters.end + timedelta(days=1)),
        fraction__isnull=False,
    )
    if filters.level:
        items = items.filter(
            Q(question__function__level=filters.level) | Q(question__function__level__isnull=True)
        )
    if filters.paper:
        items = items.filter(category=filters.paper)
    if filters.cohort_id:
        items = items.filter(session__learner__cohorts=filters.cohort_id)
    return (
        items.values(**_group(filters, "question__function_id", "session__learner__cohorts"))
        .annotate(total=Sum("fraction"), answers=Count("pk"))
        .order_by()
    )


def _mock_answers(filters):
    # The per-function sums kept for each marked paper, not its answers (ten times fewer rows).
    scores = FunctionScore.objects.filter(
        attempt__learner__center_id=filters.center_id,
        attempt__learner__role=Role.LEARNER,
        attempt__submitted_at__gte=_moment(filters.start),
        attempt__submitted_at__lt=_moment(filters.end + timedelta(days=1)),
    )
    if filters.level:
        scores = scores.filter(Q(function__level=filters.level) | Q(function__level__isnull=True))
    if filters.paper:
        scores = scores.filter(paper=filters.paper)
    if filters.cohort_id:
        scores = scores.filter(attempt__learner__cohorts=filters.cohort_id)
    return (
        scores.values(**_group(filters, "function_id", "attempt__learner__cohorts"))
        .annotate(total=Sum("total"), answers=Sum("answers"))
        .order_by()
    )


# Real results ---------------------------------------------------------------------------------


def real_rate(result):
    # The form keeps certified <= sat; the admin site does not, and a page must not fail.
    return pass_rate(min(result.certified, result.sat), result.sat)


def real_comparison(filters):
    """The center's real sessions (of the chosen level and cohort), each beside the mock pass
    rate of its level, and cohort if it has one, in the eight weeks before the session.

    Two grouped queries count the attempts per level and day (and per cohort, level and day);
    the windows are summed here. Paper, blueprint and dates do not apply: a real session is
    judged on both papers, by the mock papers its candidates sat before it.
    """
    results = RealExamResult.objects.filter(center_id=filters.center_id).select_related("cohort")
    if filters.level:
        results = results.filter(level=filters.level)
    if filters.cohort_id:
        results = results.filter(cohort_id=filters.cohort_id)
    results = list(results)
    if not results:
        return []
    first = min(r.session_date for r in results) - COMPARISON_WINDOW
    last = max(r.session_date for r in results)
    attempts = (
        Attempt.objects.filter(
            learner__center_id=filters.center_id,
            learner__role=Role.LEARNER,
            status=Attempt.Status.DONE,
            submitted_at__gte=_moment(first),
            submitted_at__lt=_moment(last),
            blueprint__level__in={r.level for r in results},
        )
        .annotate(day=TruncDate("submitted_at"))
        .order_by()
    )
    measures = _measures(None)
    days = defaultdict(list)  # (level, cohort or None) -> [(day, attempts, passed)]
    for row in attempts.values("blueprint__level", "day").annotate(**measures):
        days[(row["blueprint__level"], None)].append(row)
    cohort_ids = {r.cohort_id for r in results if r.cohort_id}
    if cohort_ids:
        grouped = (
            attempts.filter(learner__cohorts__in=cohort_ids)
            .values("blueprint__level", "day", cohort=F("learner__cohorts"))
            .annotate(**measures)
        )
        for row in grouped:
            days[(row["blueprint__level"], row["cohort"])].append(row)
    rows = []
    for result in results:
        since = result.session_date - COMPARISON_WINDOW
        window = [
            row
            for row in days[(result.level, result.cohort_id)]
            if since <= row["day"] < result.session_date
        ]
        mock = pass_rate(sum(r["passed"] for r in window), sum(r["attempts"] for r in window))
        real = real_rate(result)
        difference = None
        if mock["rate"] is not None and real["rate"] is not None:
            difference = (mock["rate"] - real["rate"]) * 100
        rows.append(
            {
                "result": result,
                "since": since,
                "real": real,
                "mock": mock,
                "difference": difference,
            }
        )
    return rows
