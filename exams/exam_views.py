"""Views of mock exams: the papers a learner may sit, the timed exam page and its autosave,
submission and results; blueprints, the grading queue and regrading for staff."""

from django.contrib import messages
from django.db import transaction
from django.db.models import Count
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import floatformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import GRADE, MANAGE_BLUEPRINTS, PRACTISE, capability_required
from exams import papers
from exams.forms import BlueprintForm, GradeForm, SectionFormSet
from exams.models import GRACE, Attempt, AttemptItem, Blueprint, Paper
from exams.views import wants_json
from question_bank import types
from question_bank.models import Language, Question, QuestionVersion


def _attempt_for_learner(request, pk):
    attempt = get_object_or_404(
        Attempt.objects.select_related("blueprint"), pk=pk, learner=request.user
    )
    return papers.finalize_if_expired(attempt)


@capability_required(PRACTISE)
def paper_list(request):
    blueprints = Blueprint.objects.open_to(request.user).annotate(
        sections_count=Count("sections", distinct=True)
    )
    attempts = (
        Attempt.objects.filter(learner=request.user)
        .select_related("blueprint")
        .order_by("-started_at")[:30]
    )
    return render(request, "exams/papers.html", {"blueprints": blueprints, "attempts": attempts})


@require_POST
@capability_required(PRACTISE)
def paper_start(request, pk):
    blueprint = get_object_or_404(Blueprint.objects.open_to(request.user), pk=pk)
    try:
        attempt = papers.start(blueprint, request.user, language=Language.current())
    except papers.PaperProblem as problem:
        messages.error(request, str(problem))
        return redirect("exams:papers")
    return redirect(attempt)


@capability_required(PRACTISE)
def attempt(request, pk):
    attempt = _attempt_for_learner(request, pk)
    if not attempt.is_open:
        return _result(request, attempt)
    # Only what the page shows: 190 items × three models is the bulk of this page's time.
    items = list(
        attempt.items.select_related("question", "version").only(
            *("attempt", "position", "points", "option_order", "response", "seq", "flagged"),
            *("question__type", "version__stem", "version__payload"),
        )
    )
    for item in items:
        item.question_type = types.get_type(item.question.type)
        item.view = papers.learner_view(item)
        item.shown_response = papers.shown_response(item)
        item.prefix = f"a{item.position}-"
        item.heading = _("Question %(n)s") % {"n": item.position + 1}
        item.points_label = _("%(points)s points") % {"points": floatformat(item.points, "-2")}
    ctx = {
        "attempt": attempt,
        "items": items,
        "remaining": attempt.remaining_seconds(),
        "grace": int(GRACE.total_seconds()),
    }
    return render(request, "exams/attempt.html", ctx)


@require_POST
@capability_required(PRACTISE)
def attempt_save(request, pk):
    try:
        item, attempt = papers.save(pk, request.user, request.POST)
    except papers.SaveRefused as refusal:
        if wants_json(request):
            return JsonResponse({"error": str(refusal), **refusal.extra}, status=refusal.status)
        if refusal.status == 404:
            raise Http404 from None
        messages.error(request, str(refusal))
        return redirect("exams:attempt", pk=pk)
    if wants_json(request):
        return JsonResponse(
            {
                "saved": True,
                "position": item.position,
                "seq": item.seq,
                "remaining": attempt.remaining_seconds(),
            }
        )
    return redirect(f"{attempt.get_absolute_url()}#item-{item.position}")


@capability_required(PRACTISE)
def attempt_submit(request, pk):
    attempt = _attempt_for_learner(request, pk)
    if request.method == "POST":
        if attempt.is_open:
            papers.submit(attempt)
        return redirect(attempt)
    if not attempt.is_open:
        return redirect(attempt)
    items = attempt.items.only("position", "response", "flagged")
    ctx = {
        "attempt": attempt,
        "unanswered": [item.position + 1 for item in items if item.response is None],
        "flagged": [item.position + 1 for item in items if item.flagged],
        "minutes_left": attempt.remaining_seconds() // 60,
    }
    return render(request, "exams/attempt_submit.html", ctx)


def _review_open(attempt, now=None):
    blueprint = attempt.blueprint
    if blueprint.review_when == Blueprint.ReviewWhen.AFTER_WINDOW and blueprint.closes_at:
        return (now or timezone.now()) >= blueprint.closes_at
    return True


def _result(request, attempt):
    blueprint = attempt.blueprint
    items = list(attempt.items.select_related("question__function", "version"))
    by_function = {}
    for item in items:
        row = by_function.setdefault(item.question.function, {"earned": 0.0, "possible": 0.0})
        row["earned"] += item.earned or 0.0
        row["possible"] += float(item.points)
    review = _review_open(attempt)
    for item in items:
        item.question_type = types.get_type(item.question.type)
        item.view = item.question_type.learner_view(item.version.payload)
        item.review_feedback = item.feedback() if review and blueprint.review_shows_key else None
        item.review_response = item.response if blueprint.review_shows_answers else None
        item.prefix = f"r{item.position}-"
    ctx = {
        "attempt": attempt,
        "blueprint": blueprint,
        "items": items,
        "parts": [
            (Paper(paper).label, score, score >= blueprint.pass_mark)
            for paper, score in attempt.part_scores.items()
        ],
        "by_function": sorted(by_function.items(), key=lambda pair: pair[0].position),
        "review": review,
        "minutes_used": round((attempt.submitted_at - attempt.started_at).total_seconds() / 60),
    }
    return render(request, "exams/attempt_result.html", ctx)


# Staff: blueprints


@capability_required(MANAGE_BLUEPRINTS)
def blueprint_list(request):
    blueprints = (
        Blueprint.objects.visible_to(request.user)
        .annotate(attempts_count=Count("attempts", distinct=True))
        .prefetch_related("sections")
    )
    return render(request, "exams/blueprints.html", {"blueprints": blueprints})


def _blueprint_for_staff(request, pk, editable=False):
    queryset = Blueprint.objects.visible_to(request.user)
    if editable:
        queryset = queryset.filter(center_id=request.user.center_id)
    return get_object_or_404(queryset, pk=pk)


@capability_required(MANAGE_BLUEPRINTS)
def blueprint(request, pk):
    blueprint = _blueprint_for_staff(request, pk)
    sections = blueprint.sections.select_related("function", "work_content")
    ctx = {
        "blueprint": blueprint,
        "sections": sections,
        "parts": blueprint.parts(),
        "lacking": {
            language: papers.shortfalls(blueprint, language=language, center=request.user.center)
            for language in ("zh-hans", "en")
        },
        "editable": blueprint.center_id is not None
        and blueprint.center_id == request.user.center_id,
    }
    return render(request, "exams/blueprint.html", ctx)


@capability_required(MANAGE_BLUEPRINTS)
def blueprint_create(request):
    return _blueprint_form(
        request, Blueprint(center=request.user.center, level=4, created_by=request.user)
    )


@capability_required(MANAGE_BLUEPRINTS)
def blueprint_edit(request, pk):
    return _blueprint_form(request, _blueprint_for_staff(request, pk, editable=True))


def _blueprint_form(request, blueprint):
    if request.user.center_id is None:
        raise Http404
    form = BlueprintForm(request.POST or None, instance=blueprint, center=request.user.center)
    sections = SectionFormSet(request.POST or None, instance=blueprint)
    if request.method == "POST" and form.is_valid() and sections.is_valid():
        with transaction.atomic():
            blueprint = form.save()
            sections.instance = blueprint
            sections.save()
        messages.success(request, _("The blueprint is saved."))
        return redirect(blueprint)
    return render(
        request,
        "exams/blueprint_form.html",
        {"form": form, "sections": sections, "blueprint": blueprint},
    )


# Staff: grading


def _gradable_items(user):
    """Written and prompt answers of submitted attempts by the staff member's learners."""
    human = [key for key, t in types.TYPES.items() if t.human_graded]
    return AttemptItem.objects.filter(
        question__type__in=human,
        attempt__submitted_at__isnull=False,
        attempt__learner__center_id=user.center_id,
    ).exclude(attempt__learner__center__isnull=True)


@capability_required(GRADE)
def grading_queue(request):
    waiting = (
        _gradable_items(request.user)
        .filter(grade_fraction__isnull=True)
        .select_related("attempt__learner", "attempt__blueprint", "version", "question")
        .order_by("attempt__submitted_at")
    )
    recent = (
        _gradable_items(request.user)
        .filter(grade_fraction__isnull=False)
        .select_related("attempt__learner", "attempt__blueprint", "version", "graded_by")
        .order_by("-graded_at")[:20]
    )
    return render(request, "exams/grading.html", {"waiting": waiting, "recent": recent})


@capability_required(GRADE)
def grade_item(request, pk):
    item = get_object_or_404(
        _gradable_items(request.user).select_related(
            "attempt__learner", "attempt__blueprint", "version", "question"
        ),
        pk=pk,
    )
    rubric = item.version.payload.get("rubric", [])
    met = {point["id"] for point in item.feedback().get("points_met", [])}
    form = GradeForm(
        request.POST or None, rubric=rubric, met=met, initial={"comment": item.grade_comment}
    )
    if request.method == "POST" and form.is_valid():
        papers.grade(
            item, fraction=form.fraction(), by=request.user, comment=form.cleaned_data["comment"]
        )
        messages.success(request, _("Grade saved."))
        return redirect("exams:grading")
    return render(request, "exams/grade_item.html", {"item": item, "form": form})


@require_POST
@capability_required(GRADE)
def regrade(request, question_pk, version_pk):
    question = get_object_or_404(Question.objects.editable_by(request.user), pk=question_pk)
    old_version = get_object_or_404(QuestionVersion, pk=version_pk, question=question)
    if old_version == question.latest_version:
        messages.error(request, _("Fix the key in a new version first, then regrade."))
        return redirect(question)
    log = papers.regrade(question, old_version=old_version, by=request.user)
    messages.success(
        request,
        _("%(items)s answers rescored; %(attempts)s attempts changed.")
        % {"items": log.items_rescored, "attempts": log.attempts_changed},
    )
    return redirect(question)
