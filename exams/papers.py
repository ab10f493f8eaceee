"""Mock-exam papers: drawing a form from a blueprint, taking saves against the server's
clock, finalising, grading and regrading.

Every function that changes an attempt locks its row first (SELECT … FOR UPDATE), so an
autosave and a submission racing each other are served one after the other and the attempt
stays consistent.
"""

import random
from collections import Counter
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from exams.models import GRACE, Attempt, AttemptItem, FunctionScore, PracticeItem, RegradeLog
from question_bank import types
from question_bank.models import Question
from question_bank.types.base import InvalidResponse


class PaperProblem(Exception):
    """Why a learner cannot start or save, in words for them."""


class SaveRefused(Exception):
    def __init__(self, message, *, status, **extra):
        super().__init__(message)
        self.status = status
        self.extra = extra


def section_candidates(section, *, language, center):
    questions = (
        Question.objects.published()
        .visible_to_center(center)
        .filter(language=language)
        .for_level(section.blueprint.level)
        .filter(difficulty__gte=section.difficulty_min, difficulty__lte=section.difficulty_max)
    )
    if section.work_content_id:
        questions = questions.filter(work_content_id=section.work_content_id)
    elif section.function_id:
        questions = questions.filter(function_id=section.function_id)
    if section.types:
        questions = questions.filter(type__in=section.types)
    return questions


def shortfalls(blueprint, *, language, center=None):
    """[(section, needed, available)] for every section the bank cannot fill, taking
    questions already drawn by earlier sections into account."""
    taken, lacking = set(), []
    for section in blueprint.sections.select_related("blueprint"):
        ids = (
            set(
                section_candidates(section, language=language, center=center).values_list(
                    "pk", flat=True
                )
            )
            - taken
        )
        taken |= set(list(ids)[: section.count])
        if len(ids) < section.count:
            lacking.append((section, section.count, len(ids)))
    return lacking


def draw(blueprint, learner, *, language, rng=random):
    """The questions of a new form: for each section, published questions at random,
    preferring those this learner has met least (in practice and in earlier papers)."""
    seen = Counter(
        dict(
            PracticeItem.objects.filter(session__learner=learner)
            .values_list("question_id")
            .annotate(n=Count("pk"))
        )
    )
    seen.update(
        dict(
            AttemptItem.objects.filter(attempt__learner=learner)
            .values_list("question_id")
            .annotate(n=Count("pk"))
        )
    )
    drawn, taken = [], set()
    for section in blueprint.sections.select_related("blueprint"):
        rows = [
            row
            for row in section_candidates(
                section, language=language, center=learner.center
            ).values_list("pk", "published_version_id", "type", "published_version__payload")
            if row[0] not in taken
        ]
        if len(rows) < section.count:
            raise PaperProblem(
                _(
                    "This paper cannot be assembled now: the bank lacks questions "
                    "for “%(section)s”. Your instructors have been told."
                )
                % {"section": section}
            )
        rng.shuffle(rows)
        rows.sort(key=lambda row: seen[row[0]])  # stable: random among the equally seen
        for row in rows[: section.count]:
            taken.add(row[0])
            drawn.append((section, row))
    if blueprint.shuffle_items:
        # Shuffle within each paper part, keeping theory before practical.
        rng.shuffle(drawn)
        drawn.sort(key=lambda pair: pair[0].paper != "theory")
    return drawn


@transaction.atomic
def start(blueprint, learner, *, language, now=None, rng=random):
    """The learner's open attempt at this blueprint, or a new one."""
    now = now or timezone.now()
    # Two starts at once (a double tap, two tabs) take turns on the learner's row, so the
    # second finds the attempt the first made instead of breaking the one-open-attempt rule.
    get_user_model().objects.select_for_update().only("pk").get(pk=learner.pk)
    existing = Attempt.objects.open().filter(learner=learner, blueprint=blueprint).first()
    if existing is not None:
        return existing
    if blueprint.attempts_allowed:
        done = Attempt.objects.filter(learner=learner, blueprint=blueprint).count()
        if done >= blueprint.attempts_allowed:
            raise PaperProblem(
                _("You have used all %(n)s attempts at this paper.")
                % {"n": blueprint.attempts_allowed}
            )
    drawn = draw(blueprint, learner, language=language, rng=rng)
    minutes = blueprint.duration_minutes * float(learner.extra_time_factor)
    attempt = Attempt.objects.create(
        learner=learner,
        blueprint=blueprint,
        language=language,
        started_at=now,
        deadline=now + timedelta(minutes=minutes),
    )
    items = []
    for position, (section, (question_id, version_id, type_key, payload)) in enumerate(drawn):
        options = types.get_type(type_key).option_count(payload)
        order = (
            rng.sample(range(options), options) if blueprint.shuffle_options and options else None
        )
        items.append(
            AttemptItem(
                attempt=attempt,
                position=position,
                section=section,
                paper=section.paper,
                question_id=question_id,
                version_id=version_id,
                points=section.points_per_item,
                option_order=order,
            )
        )
    AttemptItem.objects.bulk_create(items)
    return attempt


def learner_view(item):
    """What the exam page shows for an item: the type's view, options in the paper's order."""
    question_type = types.get_type(item.question.type)
    view = question_type.learner_view(item.version.payload)
    if item.option_order:
        view = question_type.shuffled_view(view, item.option_order)
    return view


def shown_response(item):
    """The saved response in the order the learner sees the options (to pre-fill the form)."""
    if item.response is None or not item.option_order:
        return item.response
    question_type = types.get_type(item.question.type)
    inverse = [0] * len(item.option_order)
    for shown, original in enumerate(item.option_order):
        inverse[original] = shown
    return question_type.unshuffled_response(item.response, inverse)


def save(attempt_id, learner, data, *, now=None):
    """Store one item's answer from an autosave. Returns (item, attempt)."""
    now = now or timezone.now()
    with transaction.atomic():
        attempt = Attempt.objects.select_for_update().filter(pk=attempt_id, learner=learner).first()
        if attempt is None:
            raise SaveRefused(_("No such attempt."), status=404)
        if attempt.accepts_saves(now):
            return _save_locked(attempt, data, now), attempt
        # Too late: finalise (and commit) before refusing.
        _finalize_locked(attempt, now)
    handed_in = attempt.finished_by == Attempt.FinishedBy.LEARNER
    raise SaveRefused(
        _("This paper has been handed in: it no longer takes answers.")
        if handed_in
        else _("The time is over: this paper no longer takes answers."),
        status=410,
        closed=True,
        result_url=attempt.get_absolute_url(),
    )


def _save_locked(attempt, data, now):
    try:
        position, seq = int(data.get("position", "")), int(data.get("seq", ""))
    except ValueError:
        raise SaveRefused(
            _("A save needs the question's position and a sequence number."), status=400
        ) from None
    item = attempt.items.select_related("question", "version").filter(position=position).first()
    if item is None:
        raise SaveRefused(_("This paper has no question %(n)s.") % {"n": position + 1}, status=400)
    if seq <= item.seq:
        raise SaveRefused(
            _(
                "A newer answer to this question was saved from another window "
                "or device. Reload the page to see it."
            ),
            status=409,
            conflict=True,
            seq=item.seq,
        )
    question_type = types.get_type(item.question.type)
    payload = item.version.payload
    try:
        response = question_type.response_from_form(payload, data)
        if item.option_order:
            response = question_type.unshuffled_response(response, item.option_order)
        response = question_type.validate_response(payload, response)
    except InvalidResponse as error:
        raise SaveRefused(str(error), status=400) from None
    item.response = response or None
    item.seq = seq
    item.saved_at = now
    if "flagged" in data:
        item.flagged = data.get("flagged") in ("1", "true", "on")
    item.save(update_fields=["response", "seq", "saved_at", "flagged"])
    return item


def finalize_if_expired(attempt, now=None):
    """Called whenever an attempt is touched: one left open past its deadline is finalised
    and stamped at the deadline."""
    now = now or timezone.now()
    if attempt.is_open and now > attempt.deadline + GRACE:
        with transaction.atomic():
            locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
            _finalize_locked(locked, now)
        attempt.refresh_from_db()
    return attempt


@transaction.atomic
def submit(attempt, *, now=None):
    """The learner hands the paper in (or the page does, at zero). Idempotent."""
    locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
    _finalize_locked(locked, now or timezone.now())
    return locked


def _finalize_locked(attempt, now):
    if not attempt.is_open:
        return  # finalising twice changes nothing
    if now >= attempt.deadline:
        attempt.submitted_at = attempt.deadline
        attempt.finished_by = Attempt.FinishedBy.DEADLINE
    else:
        attempt.submitted_at = now
        attempt.finished_by = Attempt.FinishedBy.LEARNER
    items = list(attempt.items.select_related("question", "version"))
    for item in items:
        question_type = types.get_type(item.question.type)
        score = question_type.score(item.version.payload, item.response or {})
        item.fraction = score.fraction
    _store_fractions(items)
    _total(attempt, items)


def _store_fractions(items):
    """One UPDATE per distinct score: a 190-item paper has two or three (0, 1, a partial)."""
    by_fraction = {}
    for item in items:
        by_fraction.setdefault(item.fraction, []).append(item.pk)
    for fraction, pks in by_fraction.items():
        AttemptItem.objects.filter(pk__in=pks).update(fraction=fraction)


def _total(attempt, items, *, keep_sums=True):
    """Part scores, pass or fail, and whether written answers still wait for a grade; then
    the per-function sums (a caller totalling many attempts rebuilds them once itself)."""
    parts = {}
    for item in items:
        parts[item.paper] = parts.get(item.paper, 0.0) + (item.earned or 0.0)
    waiting = any(
        types.get_type(item.question.type).human_graded and item.grade_fraction is None
        for item in items
    )
    attempt.part_scores = {paper: round(points, 2) for paper, points in parts.items()}
    attempt.score = Decimal(str(round(sum(parts.values()), 2)))
    if waiting:
        attempt.status, attempt.passed = Attempt.Status.AWAITING_GRADING, None
    else:
        attempt.status = Attempt.Status.DONE
        attempt.passed = all(points >= attempt.blueprint.pass_mark for points in parts.values())
    attempt.save()
    if keep_sums:
        FunctionScore.objects.rebuild([attempt.pk])


@transaction.atomic
def grade(item, *, fraction, by, comment="", now=None):
    """An instructor's grade for a written or prompt answer; it wins over the automatic one."""
    attempt = (
        Attempt.objects.select_for_update().select_related("blueprint").get(pk=item.attempt_id)
    )
    item.grade_fraction = max(0.0, min(1.0, fraction))
    item.graded_by = by
    item.graded_at = now or timezone.now()
    item.grade_comment = comment
    item.save(update_fields=["grade_fraction", "graded_by", "graded_at", "grade_comment"])
    _total(attempt, list(attempt.items.select_related("question")))


@transaction.atomic
def regrade(question, *, old_version, by):
    """Rescore every submitted attempt that drew ``old_version`` against the question's
    fixed key (its latest version), and leave an audit entry."""
    new_version = question.latest_version
    question_type = types.get_type(question.type)
    items = list(
        AttemptItem.objects.filter(
            version=old_version, attempt__submitted_at__isnull=False
        ).select_related("attempt__blueprint")
    )
    changed = set()
    for item in items:
        score = question_type.score(new_version.payload, item.response or {})
        if score.fraction != item.fraction:
            changed.add(item.attempt_id)
        item.fraction = score.fraction
    _store_fractions(items)
    for attempt in Attempt.objects.filter(pk__in=changed).select_related("blueprint"):
        _total(attempt, list(attempt.items.select_related("question")), keep_sums=False)
    FunctionScore.objects.rebuild(changed)
    return RegradeLog.objects.create(
        question=question,
        old_version=old_version,
        new_version=new_version,
        by=by,
        items_rescored=len(items),
        attempts_changed=len(changed),
    )
