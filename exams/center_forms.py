from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Cohort, Level
from exams import reports
from exams.models import Blueprint, Paper, RealExamResult

# A browser's date picker takes ISO dates only, whatever the page's language.
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# A weekly table over more than three years is a wall of empty rows, and slow to read.
MAX_RANGE_DAYS = 3 * 366


class PassRateFilterForm(forms.Form):
    """The filters of the pass-rate page (GET). ``filters()`` gives the figures' scope, with
    the default of any filter that is missing or could not be understood."""

    period = forms.ChoiceField(
        label=_("Period"),
        choices=[(reports.MONTH, _("Month")), (reports.WEEK, _("Week"))],
        required=False,
    )
    level = forms.TypedChoiceField(
        label=_("Level"),
        choices=[("", _("All levels")), *Level.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    paper = forms.ChoiceField(
        label=_("Paper"), choices=[("", _("Both papers")), *Paper.choices], required=False
    )
    blueprint = forms.ModelChoiceField(
        label=_("Blueprint"),
        queryset=Blueprint.objects.none(),
        required=False,
        empty_label=_("All blueprints"),
    )
    cohort = forms.ModelChoiceField(
        label=_("Cohort"),
        queryset=Cohort.objects.none(),
        required=False,
        empty_label=_("All cohorts"),
    )
    start = forms.DateField(label=_("From"), required=False, widget=DATE_INPUT)
    end = forms.DateField(label=_("To"), required=False, widget=DATE_INPUT)

    def __init__(self, data=None, *, user, today=None):
        super().__init__(data)
        self.center_id = user.center_id
        self.today = today or timezone.localdate()
        self.fields["blueprint"].queryset = Blueprint.objects.visible_to(user)
        self.fields["cohort"].queryset = Cohort.objects.filter(center_id=user.center_id).order_by(
            "name"
        )
        for field in self.fields.values():
            select = isinstance(field.widget, forms.Select)
            field.widget.attrs["class"] = "form-select" if select else "form-control"
        if not self.is_bound:
            start, end = reports.default_range(reports.MONTH, self.today)
            self.initial = {"period": reports.MONTH, "start": start, "end": end}

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            self.add_error(
                "end",
                forms.ValidationError(
                    _("The end date comes before the start date."), code="end_before_start"
                ),
            )
            cleaned.pop("start", None)
        elif start and ((end or self.today) - start).days > MAX_RANGE_DAYS:
            self.add_error(
                "start",
                forms.ValidationError(
                    _("Choose a range of at most three years."), code="range_too_long"
                ),
            )
        return cleaned

    def filters(self):
        """The scope of the figures: every filter that was understood, defaults for the rest."""
        cleaned = {}
        if self.is_bound:
            self.is_valid()  # a filter that fails is left out of cleaned_data
            cleaned = self.cleaned_data
        period = cleaned.get("period") or reports.MONTH
        end = cleaned.get("end") or self.today
        start = cleaned.get("start") or reports.default_range(period, end)[0]
        if start > end:  # a start after today, with no end given
            start = reports.default_range(period, end)[0]
        blueprint, cohort = cleaned.get("blueprint"), cleaned.get("cohort")
        return reports.Filters(
            center_id=self.center_id,
            start=start,
            end=end,
            period=period,
            level=cleaned.get("level"),
            paper=cleaned.get("paper") or None,
            blueprint_id=blueprint.pk if blueprint else None,
            cohort_id=cohort.pk if cohort else None,
        )


class RealExamResultForm(forms.ModelForm):
    """A real evaluation session of the center: how many sat and how many were certified."""

    class Meta:
        model = RealExamResult
        fields = ["session_date", "level", "cohort", "sat", "certified", "note"]
        widgets = {"session_date": DATE_INPUT}

    def __init__(self, *args, center_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = Cohort.objects.filter(center_id=center_id).order_by("name")
        self.fields["cohort"].empty_label = _("Mixed or no cohort")
        self.fields["cohort"].help_text = _("Choose a cohort when the whole session came from it.")

    def clean_session_date(self):
        session_date = self.cleaned_data["session_date"]
        if session_date > timezone.localdate():
            raise forms.ValidationError(
                _("Record a session once it has taken place."), code="future_session"
            )
        return session_date

    def clean_sat(self):
        sat = self.cleaned_data["sat"]
        if sat < 1:
            raise forms.ValidationError(
                _("At least one person must have sat the exam."), code="nobody_sat"
            )
        return sat

    def clean(self):
        cleaned = super().clean()
        sat, certified = cleaned.get("sat"), cleaned.get("certified")
        if sat is not None and certified is not None and certified > sat:
            self.add_error(
                "certified",
                forms.ValidationError(
                    _("More people were certified than sat the exam."),
                    code="more_certified_than_sat",
                ),
            )
        return cleaned
