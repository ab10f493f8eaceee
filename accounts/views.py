from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from accounts.forms import CohortForm, InstructorForm, JoinCodeForm, ProfileForm, SignupForm
from accounts.models import Cohort, JoinCode, Role, User
from accounts.permissions import MANAGE_CENTER, VIEW_COHORTS, capability_required


def signup(request):
    if request.user.is_authenticated:
        return redirect("home")
    form = SignupForm(request.POST or None, initial={"join_code": request.GET.get("code", "")})
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome! Your account is ready."))
        return redirect("home")
    return render(request, "accounts/signup.html", {"form": form})


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile is saved."))
        response = redirect("accounts:profile")
        _remember_language(response, request.user.preferred_language)
        return response
    return render(request, "accounts/profile.html", {"form": form})


@require_POST
def set_language(request):
    """Django's language switcher, which also remembers the choice in the profile."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        request.user.preferred_language = language
        request.user.save(update_fields=["preferred_language"])
    return response


def _remember_language(response, language):
    if language:
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax")
    else:
        response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)


def _cohort_for_staff(request, pk):
    """The cohort, if this instructor teaches it or this admin runs its center; else 404."""
    return get_object_or_404(Cohort.objects.visible_to(request.user), pk=pk)


def _center_of(request):
    if request.user.center_id is None:
        raise Http404
    return request.user.center


@capability_required(VIEW_COHORTS)
def cohorts(request):
    cohort_list = (
        Cohort.objects.visible_to(request.user)
        .annotate(learner_count=Count("learners", distinct=True))
        .prefetch_related("instructors")
    )
    return render(request, "accounts/cohorts.html", {"cohorts": cohort_list})


@capability_required(VIEW_COHORTS)
def cohort(request, pk):
    cohort = _cohort_for_staff(request, pk)
    learners = cohort.learners.order_by("full_name", "username")
    ctx = {
        "cohort": cohort,
        "learners": learners,
        "instructors": cohort.instructors.all(),
        "join_codes": cohort.join_codes.usable(),
    }
    return render(request, "accounts/cohort.html", ctx)


@capability_required(MANAGE_CENTER)
def center(request):
    center = _center_of(request)
    ctx = {
        "center": center,
        "cohorts": center.cohorts.annotate(
            learner_count=Count("learners", distinct=True)
        ).prefetch_related("instructors"),
        "instructors": center.members.filter(role=Role.INSTRUCTOR).prefetch_related(
            Prefetch("teaching_cohorts", queryset=Cohort.objects.only("name"))
        ),
        "learner_count": center.members.filter(role=Role.LEARNER, is_active=True).count(),
        "join_codes": center.join_codes.select_related("cohort"),
    }
    return render(request, "accounts/center.html", ctx)


@capability_required(MANAGE_CENTER)
def cohort_create(request):
    return _cohort_form(request, Cohort())


@capability_required(MANAGE_CENTER)
def cohort_edit(request, pk):
    return _cohort_form(request, _cohort_for_staff(request, pk))


def _cohort_form(request, cohort):
    form = CohortForm(request.POST or None, instance=cohort, center=_center_of(request))
    if request.method == "POST" and form.is_valid():
        cohort = form.save()
        messages.success(request, _("The cohort “%(name)s” is saved.") % {"name": cohort.name})
        return redirect(cohort)
    return render(request, "accounts/cohort_form.html", {"form": form, "cohort": cohort})


@capability_required(MANAGE_CENTER)
def instructor_create(request):
    form = InstructorForm(request.POST or None, center=_center_of(request))
    if request.method == "POST" and form.is_valid():
        instructor = form.save()
        messages.success(
            request,
            _("%(name)s can now log in as an instructor.") % {"name": instructor.display_name},
        )
        return redirect("accounts:center")
    return render(request, "accounts/instructor_form.html", {"form": form})


@require_POST
@capability_required(MANAGE_CENTER)
def instructor_toggle(request, pk):
    instructor = get_object_or_404(
        User, pk=pk, role=Role.INSTRUCTOR, center_id=_center_of(request).pk
    )
    instructor.is_active = not instructor.is_active
    instructor.save(update_fields=["is_active"])
    if instructor.is_active:
        messages.success(request, _("%(name)s can log in again.") % {"name": instructor})
    else:
        messages.success(request, _("%(name)s can no longer log in.") % {"name": instructor})
    return redirect("accounts:center")


@require_POST
@capability_required(MANAGE_CENTER)
def join_code_create(request):
    form = JoinCodeForm(request.POST, center=_center_of(request))
    if form.is_valid():
        code = form.save()
        messages.success(request, _("New join code: %(code)s") % {"code": code.code})
    else:
        messages.error(request, _("That cohort is not one of your center's."))
    return redirect("accounts:center")


@require_POST
@capability_required(MANAGE_CENTER)
def join_code_toggle(request, pk):
    code = get_object_or_404(JoinCode, pk=pk, center_id=_center_of(request).pk)
    code.is_active = not code.is_active
    code.save(update_fields=["is_active"])
    return redirect("accounts:center")
