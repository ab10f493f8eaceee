from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import AUTHOR_QUESTIONS, REVIEW_QUESTIONS, can, capability_required
from question_bank import types
from question_bank.exporting import WRITERS, XLSX, export_bank, write_export
from question_bank.formats import native, spreadsheet
from question_bank.forms import BankFilterForm, BulkActionForm, ImportForm, QuestionForm
from question_bank.images import MAX_IMAGE_BYTES, MAX_SIDE
from question_bank.importing import Defaults, apply_import, plan_import, read_bank_file
from question_bank.models import (
    Language,
    PendingImport,
    Question,
    QuestionAsset,
    Status,
    Tag,
    VocationalFunction,
)

PAGE_SIZE = 50


def _question_for_staff(request, pk):
    """A question of the platform bank or the user's center; another center's is a 404."""
    queryset = Question.objects.visible_to(request.user).select_related(
        "latest_version", "published_version", "function", "work_content", "author"
    )
    return get_object_or_404(queryset, pk=pk)


def _editable_question(request, pk):
    return get_object_or_404(Question.objects.editable_by(request.user), pk=pk)


def _filtered_bank(request):
    questions = Question.objects.visible_to(request.user)
    form = BankFilterForm(request.GET or None)
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            tagged = Question.tags.through.objects.filter(tag__name=data["q"])
            questions = questions.filter(
                Q(latest_version__stem__icontains=data["q"])
                | Q(key__icontains=data["q"])
                | Q(pk__in=tagged.values("question_id"))
            )
        if data["level"]:
            questions = questions.for_level(data["level"])
        for name in ("type", "status", "language"):
            if data[name]:
                questions = questions.filter(**{name: data[name]})
        if data["function"]:
            questions = questions.filter(function__code=data["function"])
        if data["author"]:
            questions = questions.filter(author__username=data["author"])
    return form, questions


@capability_required(AUTHOR_QUESTIONS)
def bank(request):
    form, questions = _filtered_bank(request)
    counts = questions.aggregate(
        total=Count("pk"),
        **{status: Count("pk", filter=Q(status=status)) for status in Status.values},
    )
    page = _page_of(questions, counts["total"], request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    ctx = {
        "form": form,
        "page": page,
        "counts": counts,
        "statuses": Status.choices,
        "functions": VocationalFunction.objects.all(),
        "query": query.urlencode(),
        "bulk_actions": BulkActionForm.ACTIONS,
    }
    return render(request, "question_bank/bank.html", ctx)


def _page_of(questions, total, number):
    """One page of the bank, newest changes first. Sorting only ids and then fetching the
    page's fifty rows with their joins keeps the page fast over a bank of 20,000."""
    paginator = Paginator(
        questions.order_by("-updated", "-id").values_list("pk", flat=True), PAGE_SIZE
    )
    paginator.count = total  # counted with the status counts already
    page = paginator.get_page(number)
    rows = Question.objects.select_related(
        "latest_version", "function", "work_content", "author"
    ).defer("latest_version__payload", "latest_version__explanation")
    by_pk = rows.in_bulk(list(page.object_list))
    page.object_list = [by_pk[pk] for pk in page.object_list]
    return page


@require_POST
@capability_required(AUTHOR_QUESTIONS)
def bulk_action(request):
    form = BulkActionForm(request.POST, queryset=Question.objects.editable_by(request.user))
    if not form.is_valid():
        messages.error(request, _("Choose an action and at least one question of your center."))
        return redirect("question_bank:bank")
    action, selected = form.cleaned_data["action"], form.cleaned_data["selected"]
    done = 0
    tag = None
    if action == "tag":
        tag, _created = Tag.objects.get_or_create(name=form.cleaned_data["tag"].strip())
    with transaction.atomic():
        for question in selected.select_related("latest_version"):
            if action == "submit" and question.status == Status.DRAFT:
                question.status = Status.REVIEW
                question.save(update_fields=["status", "updated"])
            elif action == "publish" and _may_publish(request.user, question):
                question.publish()
            elif action == "retire" and question.status != Status.RETIRED:
                question.status = Status.RETIRED
                question.save(update_fields=["status", "updated"])
            elif action == "tag":
                question.tags.add(tag)
            else:
                continue
            done += 1
    skipped = len(selected) - done
    messages.success(
        request,
        _("%(done)s question(s) changed, %(skipped)s left as they were.")
        % {"done": done, "skipped": skipped},
    )
    return redirect(request.POST.get("next") or "question_bank:bank")


def _may_publish(user, question):
    """A second pair of eyes: nobody publishes their own new content."""
    return (
        can(user, REVIEW_QUESTIONS)
        and question.status in (Status.REVIEW, Status.DRAFT)
        and question.latest_version.created_by_id != user.pk
        and question.author_id != user.pk
    )


@capability_required(AUTHOR_QUESTIONS)
def question(request, pk):
    question = _question_for_staff(request, pk)
    version = question.latest_version
    question_type = question.question_type
    ctx = {
        "question": question,
        "version": version,
        "question_type": question_type,
        "learner_view": question_type.learner_view(version.payload),
        "solution": question_type.solution(version.payload),
        "feedback": question_type.score(
            version.payload, question_type.solution(version.payload)
        ).feedback,
        "versions": question.versions.select_related("created_by"),
        "translation": question.translation(),
        "reports": question.reports.filter(resolved=False).select_related("reporter"),
        "can_edit": question.center_id is not None and question.center_id == request.user.center_id,
        "can_publish": _may_publish(request.user, question),
    }
    return render(request, "question_bank/question.html", ctx)


@capability_required(AUTHOR_QUESTIONS)
def question_create(request):
    type_key = request.GET.get("type") or request.POST.get("type")
    if type_key not in types.TYPES:
        return render(
            request,
            "question_bank/choose_type.html",
            {
                "theory": types.THEORY_TYPES,
                "practical": types.PRACTICAL_TYPES,
                "types": types.TYPES,
            },
        )
    question = Question(type=type_key, language=request.GET.get("language", "zh-hans"))
    return _question_form(request, question)


@capability_required(AUTHOR_QUESTIONS)
def question_edit(request, pk):
    question = _editable_question(request, pk)
    return _question_form(request, question)


# The editor of static/js/author-payload.js that suits each type; the others keep the JSON.
PAYLOAD_EDITORS = {
    "true_false": "true_false",
    "single_choice": "choice",
    "multiple_choice": "choice",
    "bounding_box": "boxes",
    "span_labeling": "spans",
}


def _question_form(request, question):
    form = QuestionForm(
        request.POST or None, request.FILES or None, instance=question, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            question = form.save(user=request.user)
        messages.success(
            request, _("Saved as version %(number)s.") % {"number": question.latest_version.number}
        )
        return redirect(question)
    ctx = {
        "form": form,
        "question": question,
        "question_type": types.get_type(question.type),
        "example": _example_payload(question.type),
        "editor": PAYLOAD_EDITORS.get(question.type),
        "image_limits": {
            "bytes": MAX_IMAGE_BYTES,
            "megabytes": MAX_IMAGE_BYTES // 2**20,
            "side": MAX_SIDE,
        },
    }
    return render(request, "question_bank/question_form.html", ctx)


def _example_payload(type_key):
    """The payload of the first starter question of this type, as a worked example."""
    example = (
        Question.objects.filter(type=type_key, center__isnull=True, language="zh-hans")
        .select_related("latest_version")
        .order_by("key")
        .first()
    )
    return native.dumps(example.latest_version.payload) if example else ""


@require_POST
@capability_required(AUTHOR_QUESTIONS)
def question_status(request, pk):
    question = _editable_question(request, pk)
    action = request.POST.get("action")
    if action == "publish":
        if not _may_publish(request.user, question):
            messages.error(
                request,
                _("Another instructor or the center admin must review and publish this question."),
            )
            return redirect(question)
        question.publish()
        messages.success(request, _("Published."))
    elif action in ("submit", "retire", "draft"):
        question.status = {
            "submit": Status.REVIEW,
            "retire": Status.RETIRED,
            "draft": Status.DRAFT,
        }[action]
        question.save(update_fields=["status", "updated"])
        messages.success(
            request, _("Status: %(status)s.") % {"status": question.get_status_display()}
        )
    else:
        return HttpResponse(_("Unknown action."), status=400)
    return redirect(question)


@capability_required(AUTHOR_QUESTIONS)
def import_bank(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        work_content = form.cleaned_data["work_content"]
        pending = PendingImport.objects.create(
            owner=request.user,
            filename=upload.name,
            data=upload.read(),
            options={
                "language": form.cleaned_data["language"],
                "levels": form.cleaned_data["levels"],
                "work_content": work_content.code if work_content else None,
                "function": work_content.function.code if work_content else None,
            },
        )
        return redirect("question_bank:import_check", pk=pending.pk)
    return render(request, "question_bank/import.html", {"form": form})


def _pending_plan(request, pk):
    pending = get_object_or_404(PendingImport, pk=pk, owner=request.user)
    options = pending.options
    parsed = read_bank_file(
        pending.filename, bytes(pending.data), language=options.get("language", "zh-hans")
    )
    defaults = Defaults(
        levels=options.get("levels", []),
        function=options.get("function"),
        work_content=options.get("work_content"),
    )
    return pending, plan_import(parsed, center=request.user.center, defaults=defaults)


@capability_required(AUTHOR_QUESTIONS)
def import_check(request, pk):
    pending, plan = _pending_plan(request, pk)
    if request.method == "POST":
        only_valid = request.POST.get("only_valid") == "1"
        if plan.problems and not only_valid:
            messages.error(
                request, _("The file has problems: fix them, or import only the valid questions.")
            )
        else:
            written = apply_import(
                plan, user=request.user, center=request.user.center, only_valid=only_valid
            )
            pending.delete()
            messages.success(
                request, _("Imported %(count)s question(s) as drafts.") % {"count": len(written)}
            )
            return redirect("question_bank:bank")
    ctx = {
        "pending": pending,
        "plan": plan,
        "new": plan.count("new"),
        "updated": plan.count("update"),
        "unchanged": plan.count("unchanged"),
    }
    return render(request, "question_bank/import_check.html", ctx)


@capability_required(AUTHOR_QUESTIONS)
def export(request):
    """The center's questions (as filtered on the bank page) in the chosen format."""
    if request.user.center_id is None:
        raise Http404
    file_format = request.GET.get("format", "json")
    language = request.GET.get("language", "zh-hans")
    if file_format not in WRITERS or language not in Language.values:
        return HttpResponse(_("Unknown export format or language."), status=400)
    _form, questions = _filtered_bank(request)
    if file_format != "json":
        questions = questions.filter(language=language)
    document = export_bank(questions.filter(center_id=request.user.center_id))
    data, content_type, extension = write_export(document, file_format, language)
    return _download(data, content_type, f"question-bank-{timezone.localdate()}.{extension}")


@capability_required(AUTHOR_QUESTIONS)
def import_template(request):
    """An empty bank spreadsheet with two worked rows, in the chosen language."""
    language = request.GET.get("language", "zh-hans")
    if language not in Language.values:
        return HttpResponse(_("Unknown language."), status=400)
    if request.GET.get("format") == "csv":
        return _download(
            spreadsheet.write_template_csv(language),
            "text/csv; charset=utf-8",
            f"question-template-{language}.csv",
        )
    return _download(
        spreadsheet.write_template(language), XLSX, f"question-template-{language}.xlsx"
    )


def _download(data, content_type, filename):
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def asset(request, sha1):
    """A question's picture, for anyone logged in who may see the bank it belongs to."""
    if not request.user.is_authenticated:
        raise Http404
    image = get_object_or_404(QuestionAsset.objects.visible_to(request.user), sha1=sha1)
    response = HttpResponse(bytes(image.data), content_type=image.content_type)
    response["Cache-Control"] = "private, max-age=86400"
    return response
