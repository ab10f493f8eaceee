from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Cohort, Level, Role, User
from accounts.permissions import PRACTISE, VIEW_COHORTS, capability_required
from exams import dashboard, practice, progress
from exams.forms import NoteForm, ReportForm, StartPracticeForm
from exams.models import Paper, PracticeItem, PracticeSession, QuestionState
from question_bank import types
from question_bank.models import Language, ProblemReport, VocationalFunction


def _session_for_learner(request, pk):
    """The learner's own session; anyone else's is a 404."""
    return get_object_or_404(PracticeSession, pk=pk, learner=request.user)


def _item_of(session, position):
    item = (
        PracticeItem.objects.select_related("question", "version")
        .filter(session=session, position=position)
        .first()
    )
    if item is None:
        raise Http404
    item.session = session
    return item


def wants_json(request):
    return "application/json" in request.headers.get("Accept", "")


def _refuse(request, message, status=400):
    if wants_json(request):
        return JsonResponse({"error": message}, status=status)
    return HttpResponseBadRequest(message)


def home(request):
    """Everyone's front door: the welcome page, a staff member's own start page, or the
    learner's dashboard."""
    if not request.user.is_authenticated:
        return render(request, "accounts/welcome.html")
    if request.user.is_center_admin:
        return redirect("accounts:center")
    if request.user.is_instructor:
        return redirect("accounts:cohorts")
    ctx = {
        **_dashboard_context(request.user),
        "unfinished": PracticeSession.objects.unfinished().filter(learner=request.user).first(),
        "scopes": _scopes_with_counts(request.user, request.user.target_level),
        "own": True,
    }
    return render(request, "exams/home.html", ctx)


@capability_required(VIEW_COHORTS)
def learner_dashboard(request, pk):
    """A learner's dashboard as their instructor or center admin sees it."""
    learner = get_object_or_404(_learners_of(request.user), pk=pk)
    return render(request, "exams/home.html", {**_dashboard_context(learner), "own": False})


def _learners_of(user):
    """Learners a staff member may follow: those of the cohorts they teach, or of the
    whole center for its admin."""
    learners = User.objects.filter(role=Role.LEARNER, center_id=user.center_id)
    if user.is_center_admin:
        return learners
    return learners.filter(cohorts__instructors=user).distinct()


def _dashboard_context(learner):
    data = dashboard.learner_dashboard(learner)
    parts = [
        ("theory", _("Theory"), "chart-theory"),
        ("practical", _("Practice"), "chart-practice"),
    ]
    split = [(label, data["week"][key]["minutes"], css) for key, label, css in parts]
    overall_split = [(label, data["overall"][key]["minutes"], css) for key, label, css in parts]
    mastery_rows = [
        (
            function.name,
            round(100 * m["estimate"]),
            f"{reverse('exams:practice_start')}?scope=f:{function.code}",
        )
        for function, m in data["mastery"]
        if m["answers"]
    ]
    unpractised = [function for function, m in data["mastery"] if not m["answers"]]
    series = [
        (
            str(Paper(paper).label),
            [(timezone.localtime(when).strftime("%m-%d"), score) for when, score in points],
            "chart-theory" if paper == Paper.THEORY else "chart-practice",
        )
        for paper, points in sorted(data["history"].items())
    ]
    readiness = [(Paper(paper).label, value) for paper, value in sorted(data["readiness"].items())]
    return {
        "learner": learner,
        "data": data,
        "split": split,
        "overall_split": overall_split,
        "mastery_rows": mastery_rows,
        "unpractised": unpractised,
        "series": series,
        "readiness": readiness,
    }


@capability_required(VIEW_COHORTS)
def cohort_progress(request, pk):
    """Every learner of a cohort: activity, study split, mastery, latest mocks, risk."""
    cohort = get_object_or_404(Cohort.objects.visible_to(request.user), pk=pk)
    rows = progress.cohort_rows(cohort)
    return render(request, "exams/cohort_progress.html", {"cohort": cohort, **rows})


@capability_required(PRACTISE)
def practice_start(request):
    form = StartPracticeForm(
        request.POST or None,
        initial={
            "level": _chosen_level(request.GET.get("level"), request.user.target_level),
            "scope": request.GET.get("scope", ""),
            "mode": request.GET.get("mode", "smart"),
        },
    )
    if request.method == "POST" and form.is_valid():
        function, work_content = form.cleaned_data["scope"]
        session = practice.start_session(
            request.user,
            mode=form.cleaned_data["mode"],
            size=form.cleaned_data["size"],
            marking=form.cleaned_data["marking"],
            read_mode=form.cleaned_data["read_mode"],
            language=Language.current(),
            level=form.cleaned_data["level"],
            function=function,
            work_content=work_content,
            type_keys=form.type_keys(),
        )
        if session is None:
            messages.info(
                request, _("No question fits this choice yet. Try another mode or a wider choice.")
            )
        else:
            return redirect(session)
    ctx = {
        "form": form,
        "scopes": _scopes_with_counts(
            request.user, _chosen_level(form["level"].value(), request.user.target_level)
        ),
        "unfinished": PracticeSession.objects.unfinished().filter(learner=request.user).first(),
        "due": QuestionState.objects.due().filter(learner=request.user).count(),
    }
    return render(request, "exams/practice_start.html", ctx)


def _chosen_level(value, default):
    """The level asked for if it is one of the standard's, else the learner's own."""
    try:
        level = int(value)
    except (TypeError, ValueError):
        return default
    return level if level in Level.values else default


def _scopes_with_counts(learner, level):
    """The functions and work contents of a level, each with how many questions it has and
    how many of them the learner has answered: two aggregate queries."""
    questions = practice.candidate_questions(learner, language=Language.current(), level=level)
    available = dict(questions.values_list("work_content").annotate(n=Count("pk")))
    done = dict(
        QuestionState.objects.filter(learner=learner, question__in=questions)
        .values_list("question__work_content")
        .annotate(n=Count("pk"))
    )
    functions = VocationalFunction.objects.filter(
        Q(level=level) | Q(level__isnull=True)
    ).prefetch_related("work_contents")
    scopes = []
    for function in functions:
        contents = [
            {"content": c, "available": available.get(c.pk, 0), "done": done.get(c.pk, 0)}
            for c in function.work_contents.all()
        ]
        scopes.append(
            {
                "function": function,
                "available": sum(c["available"] for c in contents),
                "done": sum(c["done"] for c in contents),
                "contents": [c for c in contents if c["available"]],
            }
        )
    return [s for s in scopes if s["available"]]


@capability_required(PRACTISE)
def practice_continue(request):
    session = PracticeSession.objects.unfinished().filter(learner=request.user).first()
    if session is None:
        return redirect("exams:practice_start")
    return redirect(session)


@require_POST
@capability_required(PRACTISE)
def practice_review(request):
    """One tap from the home page: a session of the notebook's reviews due today."""
    session = practice.start_session(
        request.user,
        mode=PracticeSession.Mode.REVIEW,
        size=0,
        marking=PracticeSession.Marking.INSTANT,
        language=Language.current(),
    )
    if session is None:
        messages.info(request, _("No review is due today. Well done!"))
        return redirect("home")
    return redirect(session)


@capability_required(PRACTISE)
def practice_item(request, pk, position):
    session = _session_for_learner(request, pk)
    item = _item_of(session, position)
    if session.last_position != position:
        PracticeSession.objects.filter(pk=session.pk).update(last_position=position)
    sheet = list(
        session.items.values("position", "answered_at", "fraction", "flagged").order_by("position")
    )
    state = QuestionState.objects.filter(learner=request.user, question=item.question).first()
    ctx = {
        "session": session,
        "item": item,
        "sheet": sheet,
        "total": len(sheet),
        "answered": sum(1 for row in sheet if row["answered_at"]),
        "state": state,
        "note_form": NoteForm(initial={"note": state.note if state else ""}),
        "report_form": ReportForm(),
        **_item_body(session, item),
    }
    return render(request, "exams/practice_item.html", ctx)


def _item_body(session, item):
    """What the item's template shows: the learner's view and, once marked, the feedback."""
    question_type = types.get_type(item.question.type)
    payload = item.version.payload
    marked = (
        session.read_mode
        or session.finished_at is not None
        or (session.marking == session.Marking.INSTANT and item.is_answered)
    )
    feedback = None
    if marked:
        response = item.response if item.is_answered else question_type.solution(payload)
        if session.read_mode:
            response = question_type.solution(payload)
        feedback = question_type.score(payload, response or {}).feedback
    return {
        "question_type": question_type,
        "view": question_type.learner_view(payload),
        "response": item.response,
        "feedback": feedback,
        "marked": marked,
        "readonly": marked,
        "prefix": f"i{item.position}-",
    }


@require_POST
@capability_required(PRACTISE)
def practice_answer(request, pk, position):
    session = _session_for_learner(request, pk)
    item = (
        PracticeItem.objects.select_related("question", "version")
        .filter(session=session, position=position)
        .first()
    )
    if item is None:
        return _refuse(request, _("This session has no question %(n)s.") % {"n": position + 1})
    item.session = session
    try:
        seconds = int(request.POST.get("seconds") or 0)
    except ValueError:
        return _refuse(request, _("The time spent must be a whole number of seconds."))
    try:
        score = practice.answer(item, request.POST, seconds=seconds)
    except practice.AnswerRefused as refusal:
        return _refuse(request, str(refusal))
    if not wants_json(request):
        return redirect("exams:practice_item", pk=session.pk, position=position)
    body = _item_body(session, item)
    data = {"saved": True, "position": position, "marked": body["marked"]}
    if body["marked"]:
        data.update(
            correct=score.correct,
            fraction=score.fraction,
            html=render_to_string(
                "exams/_practice_feedback.html",
                {"item": item, "session": session, **body},
                request=request,
            ),
        )
    return JsonResponse(data)


@require_POST
@capability_required(PRACTISE)
def practice_time(request, pk, position):
    """Active time on an item the learner leaves without answering (sent by the page)."""
    session = _session_for_learner(request, pk)
    try:
        seconds = int(request.POST.get("seconds") or 0)
    except ValueError:
        return HttpResponseBadRequest(_("The time spent must be a whole number of seconds."))
    item = get_object_or_404(PracticeItem, session=session, position=position)
    item.add_active_time(seconds)
    return HttpResponse(status=204)


@require_POST
@capability_required(PRACTISE)
def practice_mark(request, pk, position):
    """Favourite, flag or note an item; favourites and notes belong to the question."""
    session = _session_for_learner(request, pk)
    item = _item_of(session, position)
    action = request.POST.get("action")
    if action == "flag":
        item.flagged = not item.flagged
        item.save(update_fields=["flagged"])
    elif action in ("favourite", "note"):
        state, _created = QuestionState.objects.get_or_create(
            learner=request.user, question=item.question
        )
        if action == "favourite":
            state.favourite = not state.favourite
        else:
            form = NoteForm(request.POST)
            if not form.is_valid():
                return _refuse(request, _("A note is at most 2000 characters."))
            state.note = form.cleaned_data["note"]
        state.save()
    elif action == "report":
        form = ReportForm(request.POST)
        if not form.is_valid():
            return _refuse(request, _("Say in a few words what is wrong."))
        ProblemReport.objects.create(
            question=item.question,
            version=item.version,
            reporter=request.user,
            message=form.cleaned_data["message"],
        )
        messages.success(request, _("Thank you: your instructors will look at it."))
    else:
        return _refuse(request, _("Unknown action."))
    if wants_json(request):
        return JsonResponse({"saved": True, "flagged": item.flagged})
    return redirect("exams:practice_item", pk=session.pk, position=position)


@require_POST
@capability_required(PRACTISE)
def practice_finish(request, pk):
    session = _session_for_learner(request, pk)
    practice.finish(session)
    return redirect("exams:practice_summary", pk=session.pk)


@capability_required(PRACTISE)
def practice_summary(request, pk):
    session = _session_for_learner(request, pk)
    if not session.shows_answers_at_once and session.finished_at is None:
        # Marked at the end: the results wait for the end, or they would give the key away.
        return redirect(session)
    items = list(session.items.select_related("question", "version").order_by("position"))
    answered = [item for item in items if item.is_answered]
    ctx = {
        "session": session,
        "items": items,
        "answered": len(answered),
        "right": sum(1 for item in answered if item.is_correct),
        "points": sum(item.fraction for item in answered),
        "minutes": round(sum(item.active_seconds for item in items) / 60),
    }
    return render(request, "exams/practice_summary.html", ctx)


@capability_required(PRACTISE)
def notebook(request):
    states = (
        QuestionState.objects.in_notebook()
        .filter(learner=request.user)
        .select_related("question__latest_version", "question__work_content")
        .order_by("due_at")
    )
    ctx = {
        "states": states,
        "now": timezone.now(),
        "due": sum(1 for s in states if s.due_at and s.due_at <= timezone.now()),
    }
    return render(request, "exams/notebook.html", ctx)


@require_POST
@capability_required(PRACTISE)
def notebook_remove(request, question_id):
    state = get_object_or_404(
        QuestionState, learner=request.user, question_id=question_id, in_notebook=True
    )
    state.leave_notebook()
    state.save()
    messages.success(request, _("Removed from your notebook."))
    return redirect("exams:notebook")
