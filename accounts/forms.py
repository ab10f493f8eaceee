from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Cohort, JoinCode, Role, User


class SignupForm(UserCreationForm):
    join_code = forms.CharField(
        label=_("Join code"),
        max_length=20,
        required=False,
        help_text=_("From your training center. Leave empty to study on your own."),
    )

    class Meta:
        model = User
        fields = ["username", "full_name", "email", "target_level"]

    def clean_join_code(self):
        code = self.cleaned_data["join_code"].strip().upper()
        if not code:
            return None
        join_code = JoinCode.objects.usable().select_related("center", "cohort").filter(code=code)
        if not join_code:
            raise ValidationError(
                _("This join code is not valid or no longer active. Check it with your center."),
                code="invalid_join_code",
            )
        return join_code[0]

    def save(self, commit=True):
        user = super().save(commit=False)
        user.role = Role.LEARNER
        if commit:
            user.save()
            if self.cleaned_data["join_code"]:
                self.cleaned_data["join_code"].admit(user)
        return user


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = [
            "full_name",
            "email",
            "target_level",
            "planned_exam_date",
            "weekly_goal_minutes",
            "preferred_language",
        ]
        widgets = {"planned_exam_date": forms.DateInput(attrs={"type": "date"})}

    def clean_planned_exam_date(self):
        date = self.cleaned_data["planned_exam_date"]
        if date and date < timezone.localdate():
            raise ValidationError(_("The planned exam date is in the past."), code="past_date")
        return date

    def clean_weekly_goal_minutes(self):
        minutes = self.cleaned_data["weekly_goal_minutes"]
        if not 30 <= minutes <= 3000:
            raise ValidationError(
                _("Choose a weekly goal between 30 and 3000 minutes."), code="goal_out_of_range"
            )
        return minutes


class CohortForm(forms.ModelForm):
    class Meta:
        model = Cohort
        fields = ["name", "level", "starts_on", "ends_on", "instructors", "learners"]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
            "instructors": forms.CheckboxSelectMultiple,
            "learners": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, center, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.center = center
        members = User.objects.filter(center=center, is_active=True)
        self.fields["instructors"].queryset = members.filter(role=Role.INSTRUCTOR)
        self.fields["learners"].queryset = members.filter(role=Role.LEARNER)

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        others = Cohort.objects.filter(center=self.instance.center, name=name)
        if others.exclude(pk=self.instance.pk).exists():
            raise ValidationError(
                _("Your center already has a cohort with this name."), code="duplicate_name"
            )
        return name

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error(
                "ends_on",
                ValidationError(_("A cohort cannot end before it starts."), code="ends_first"),
            )
        return cleaned


class InstructorForm(UserCreationForm):
    """A center admin creates an instructor account and hands over the first password."""

    class Meta:
        model = User
        fields = ["username", "full_name", "email"]

    def __init__(self, *args, center, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.center = center
        self.instance.role = Role.INSTRUCTOR


class JoinCodeForm(forms.ModelForm):
    class Meta:
        model = JoinCode
        fields = ["cohort"]

    def __init__(self, *args, center, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.center = center
        self.fields["cohort"].queryset = Cohort.objects.filter(center=center)
        self.fields["cohort"].help_text = _("Learners who use the code also join this cohort.")
