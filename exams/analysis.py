"""The data behind the item-analysis pages: a fixed number of queries, then exams.stats.

Only answers of the instructor's own center count: mock answers from attempts that are
submitted and fully marked (an attempt still waiting for a written answer's grade has a part
score that is not final), and answered practice items. Every figure is per question
*version*: an edited question is another item, and mixing its answers would hide whether the
edit helped. Like exams.stats, this module holds no wording; the templates word the results.
"""

from collections import defaultdict
from typing import NamedTuple

from django.db.models import FloatField
from django.db.models.functions import Cast

from exams import stats
from exams.models import Attempt, AttemptItem, Paper, PracticeItem
from question_bank.models import ProblemReport, QuestionVersion

CHOICE_TYPES = ("single_choice", "multiple_choice")
LETTERS = "ABCDEFGH"  # choice items have 2 to 8 options
BIN_WIDTH = 10  # points per bar of a score distribution
# The flags that are findings, worst first; "few_answers" only qualifies them.
FLAG_ORDER = ["negative_discrimination", "low_discrimination", "too_hard", "too_easy"]


class Answer(NamedTuple):
    """One mock answer: the item score 0..1 and the candidate's part score it counts in."""

    attempt_id: int
    section_id: int
    version_id: int
    score: float
    total: float
    points: float
    response: object = None


def _marked_attempts(center_id):
    return Attempt.objects.filter(
        learner__center_id=center_id,
        submitted_at__isnull=False,
        status=Attempt.Status.DONE,
    )


def _mock_answers(center_id, *, part_scores=None, with_response=False, **filters):
    """The center's marked mock answers matching filters, in attempt order: one query.

    part_scores ({attempt pk: part scores}) saves reading the attempt's scores on every row
    when the caller has them already.
    """
    if center_id is None:
        return []
    fields = ["attempt_id", "section_id", "version_id", "paper", "weight"]
    fields += ["fraction", "grade_fraction"]
    # Columns not needed are replaced by the cheap attempt_id, so that rows keep one shape.
    fields.append("response" if with_response else "attempt_id")
    fields.append("attempt__part_scores" if part_scores is None else "attempt_id")
    rows = (
        AttemptItem.objects.filter(attempt__in=_marked_attempts(center_id), **filters)
        # Points as a float straight from the database: no Decimal per row (a 190-item paper
        # sat 300 times is 57,000 rows).
        .annotate(weight=Cast("points", FloatField()))
        # Attempt order, so that ties in the upper-lower groups always fall the same way.
        .order_by("attempt_id")
        .values_list(*fields)
    )
    answers = []
    for attempt_id, section_id, version_id, paper, points, fraction, grade, *rest in rows:
        response, scores = rest
        if part_scores is not None:
            if attempt_id not in part_scores:
                continue  # marked between the caller's query and this one
            scores = part_scores[attempt_id]
        score = grade if grade is not None else fraction
        # The total the item counts in is its own paper's part score.
        total = float((scores or {}).get(paper, 0.0))
        answers.append(
            Answer(
                attempt_id,
                section_id,
                version_id,
                score or 0.0,
                total,
                points,
                response if with_response else None,
            )
        )
    return answers


def mock_figures(answers):
    """Answers, facility, both discriminations and flags for one version's mock answers."""
    scores = [a.score for a in answers]
    totals = [a.total for a in answers]
    facility = stats.facility(scores)
    weights = {a.points for a in answers}
    if len(weights) > 1:
        # Drawn at different weights by two blueprints: take each answer's own points out.
        rests = [a.total - a.score * a.points for a in answers]
        point_biserial = stats.point_biserial(scores, rests, corrected=False)
    else:
        item_points = next(iter(weights), 1)
        point_biserial = stats.point_biserial(scores, totals, item_points=item_points)
    return {
        "answers": len(answers),
        "facility": facility,
        "point_biserial": point_biserial,
        "upper_lower": stats.upper_lower_discrimination(scores, totals),
        # Flags go by the point-biserial: it uses every candidate, not only the two groups.
        "flags": stats.item_flags(facility, point_biserial, len(answers)),
    }


def practice_figures(rows):
    """Answers, facility, mean active time and flags for one version's practice answers.

    Practice has no paper total, so there is no discrimination: the flags can only say
    too hard, too easy or few answers.
    """
    facility = stats.facility([row["fraction"] for row in rows])
    # Items with no time recorded (a page that never reported it) would drag the mean down.
    timed = [row["active_seconds"] for row in rows if row["active_seconds"]]
    return {
        "answers": len(rows),
        "facility": facility,
        "mean_seconds": sum(timed) / len(timed) if timed else None,
        "flags": stats.item_flags(facility, None, len(rows)),
    }


def distractors(question_type, payload, responses):
    """Per option of a choice item: its letter, text, whether it is the key, count and share.

    Stored responses hold the options' authored indexes, whatever order the learner saw.
    None for the types that have no options.
    """
    if question_type not in CHOICE_TYPES:
        return None
    options = payload["options"]
    if question_type == "single_choice":
        keys = {payload["answer"]}
        choices = [_choice(response, len(options)) for response in responses]
    else:
        keys = set(payload["answers"])
        choices = [_choices(response, len(options)) for response in responses]
    frequencies = stats.distractor_frequencies(choices, len(options))
    return {
        "multiple": question_type == "multiple_choice",
        "options": [
            {"letter": LETTERS[i], "text": text, "right": i in keys, **frequencies["options"][i]}
            for i, text in enumerate(options)
        ],
        "no_answer": frequencies["no_answer"],
    }


def _valid(index, count):
    return isinstance(index, int) and not isinstance(index, bool) and 0 <= index < count


def _choice(response, count):
    choice = response.get("choice") if isinstance(response, dict) else None
    return choice if _valid(choice, count) else None


def _choices(response, count):
    choices = response.get("choices") if isinstance(response, dict) else None
    return sorted({c for c in choices or [] if _valid(c, count)})


def question_analysis(question, center_id):
    """Every version of the question, newest first, with its mock and practice figures.

    Four queries: the versions, the mock answers, the practice answers and the reports.
    """
    versions = list(question.versions.all())
    mock = defaultdict(list)
    for answer in _mock_answers(center_id, with_response=True, question_id=question.pk):
        mock[answer.version_id].append(answer)
    practice = defaultdict(list)
    if center_id is not None:
        rows = PracticeItem.objects.filter(
            question_id=question.pk,
            session__learner__center_id=center_id,
            answered_at__isnull=False,
            fraction__isnull=False,
        ).values("version_id", "fraction", "response", "active_seconds")
        for row in rows:
            practice[row["version_id"]].append(row)
    entries = []
    for version in versions:
        mock_answers, practice_rows = mock[version.pk], practice[version.pk]
        entries.append(
            {
                "version": version,
                "mock": {
                    **mock_figures(mock_answers),
                    "distractors": distractors(
                        question.type, version.payload, [a.response for a in mock_answers]
                    ),
                },
                "practice": {
                    **practice_figures(practice_rows),
                    "distractors": distractors(
                        question.type, version.payload, [r["response"] for r in practice_rows]
                    ),
                },
            }
        )
    reports = ProblemReport.objects.none()
    if center_id is not None:
        # Reports by the center's own learners: another center's learners are not ours to show.
        reports = (
            ProblemReport.objects.filter(
                question=question, resolved=False, reporter__center_id=center_id
            )
            .select_related("reporter", "version")
            .order_by("-created")
        )
    return {"versions": entries, "reports": list(reports)}


def blueprint_analysis(blueprint, center_id):
    """Score distributions per paper part, reliability and the figures of every version drawn.

    Four queries: the sections, the attempts, their answers, the versions with their questions.
    """
    sections = list(blueprint.sections.all())
    part_scores = {}
    if center_id is not None:
        part_scores = dict(
            _marked_attempts(center_id)
            .filter(blueprint=blueprint)
            .order_by("pk")
            .values_list("pk", "part_scores")
        )
    answers = _mock_answers(center_id, part_scores=part_scores, attempt__blueprint=blueprint)
    by_version = defaultdict(list)
    for answer in answers:
        by_version[answer.version_id].append(answer)
    versions = (
        QuestionVersion.objects.filter(pk__in=list(by_version))
        .select_related("question")
        .only("number", "stem", "question__key", "question__language", "question__type")
    )
    section_by_pk = {section.pk: section for section in sections}
    items = []
    for version in versions:
        version_answers = by_version[version.pk]
        # Sections with overlapping filters can draw the same version: then it has no one section.
        drawn_in = {answer.section_id for answer in version_answers}
        items.append(
            {
                "version": version,
                "question": version.question,
                "section": section_by_pk.get(drawn_in.pop()) if len(drawn_in) == 1 else None,
                **mock_figures(version_answers),
            }
        )
    items.sort(key=_flagged_first)
    return {
        "attempts": len(part_scores),
        "parts": _parts(blueprint, sections, list(part_scores.values())),
        "reliability": reliability(answers),
        "items": items,
    }


def _flagged_first(item):
    # "few_answers" qualifies the other flags rather than being a finding of its own: an item
    # with only that flag sorts with the unflagged ones, or on a new paper every item would.
    findings = [flag for flag in item["flags"] if flag != "few_answers"]
    worst = FLAG_ORDER.index(findings[0]) if findings else len(FLAG_ORDER)
    return (worst, item["question"].key, item["question"].language, -item["version"].number)


def _parts(blueprint, sections, part_scores):
    """Per paper of the blueprint: its maximum, the candidates' scores, their distribution and
    the bin from which scores pass."""
    maxima = {}
    for section in sections:
        maxima[section.paper] = maxima.get(section.paper, 0) + float(section.total_points)
    parts = []
    for paper in Paper.values:
        if paper not in maxima:
            continue
        maximum = maxima[paper] or 100.0  # each part should be worth 100
        # A blueprint edited after the attempts may have shrunk: keep old scores in range.
        scores = [
            min(max(float(scores[paper]), 0.0), maximum)
            for scores in part_scores
            if scores and scores.get(paper) is not None
        ]
        bins = stats.score_distribution(scores, bin_width=BIN_WIDTH, maximum=maximum)
        passed = [score for score in scores if score >= blueprint.pass_mark]
        parts.append(
            {
                "paper": paper,
                "label": Paper(paper).label,
                "maximum": maximum,
                "candidates": len(scores),
                "mean": sum(scores) / len(scores) if scores else None,
                "passed": len(passed),
                "bins": [(f"{b['low']:g}", b["count"]) for b in bins],
                "highlight_from": min(int(blueprint.pass_mark // BIN_WIDTH), len(bins) - 1),
            }
        )
    return parts


def reliability(answers):
    """The paper's reliability from its mock answers, and which coefficient gave it.

    When every attempt drew the very same question versions (a fixed form), the items are
    the form's parts: KR-20 when every score is 0 or 1, Cronbach's alpha over the items
    otherwise. When attempts drew their own questions there is no "item 7" shared by all
    candidates, but every form has the same sections (same topic, count and points), so
    alpha is computed over section sub-scores: attempts × sections, each value the points
    earned in that section. Returns {"method", "value", "attempts", "parts"}; docs/statistics.md
    says more.
    """
    by_attempt = defaultdict(dict)
    sections = defaultdict(lambda: defaultdict(float))
    for answer in answers:
        by_attempt[answer.attempt_id][answer.version_id] = answer.score
        sections[answer.attempt_id][answer.section_id] += answer.score * answer.points
    forms = {frozenset(versions) for versions in by_attempt.values()}
    if len(by_attempt) >= 2 and len(forms) == 1:
        columns = sorted(forms.pop())
        matrix = [[versions[v] for v in columns] for versions in by_attempt.values()]
        right_or_wrong = all(score in (0, 1) for row in matrix for score in row)
        return {
            "method": "kr20" if right_or_wrong else "alpha_items",
            "value": stats.kr20(matrix) if right_or_wrong else stats.cronbach_alpha(matrix),
            "attempts": len(matrix),
            "parts": len(columns),
        }
    columns = sorted({section for earned in sections.values() for section in earned})
    # An attempt that lacks a section (the blueprint gained one later) is another form.
    matrix = [
        [earned[section] for section in columns]
        for earned in sections.values()
        if set(earned) == set(columns)
    ]
    return {
        "method": "alpha_sections",
        "value": stats.cronbach_alpha(matrix) if matrix else None,
        "attempts": len(matrix),
        "parts": len(columns),
    }
