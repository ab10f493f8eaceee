from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Cohort, Level
from exams.models import Blueprint, BlueprintSection, Paper, PracticeSession
from exams.practice import SIZES
from question_bank import types
from question_bank.models import VocationalFunction, WorkContent

KIND_CHOICES = [
    ("", _("Theory and practical")),
    ("theory", _("Theory only")),
    ("practical", _("Practical tasks only")),
    *types.choices(),
]


class StartPracticeForm(forms.Form):
    level = forms.TypedChoiceField(label=_("Level"), choices=Level.choices, coerce=int)
    scope = forms.CharField(label=_("Function or work content"), required=False)
    kind = forms.ChoiceField(label=_("Question types"), choices=KIND_CHOICES, required=False)
    mode = forms.ChoiceField(
        label=_("Mode"), choices=PracticeSession.Mode.choices, initial=PracticeSession.Mode.SMART
    )
    size = forms.TypedChoiceField(
        label=_("How many"),
        coerce=int,
        initial=20,
        choices=[(n, n) if n else (0, _("All")) for n in SIZES],
    )
    marking = forms.ChoiceField(
        label=_("Marking"),
        choices=PracticeSession.Marking.choices,
        initial=PracticeSession.Marking.INSTANT,
    )
    read_mode = forms.BooleanField(label=_("Read mode (背题): show the answers"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("kind", "mode", "marking"):
            self.fields[name].widget.attrs["class"] = "form-select"

    def clean_scope(self):
        """ "f:<code>" for a function, "w:<code>" for a work content, "" for the whole level."""
        scope = self.cleaned_data["scope"]
        kind, _sep, code = scope.partition(":")
        if not scope:
            return None, None
        if kind == "f":
            function = VocationalFunction.objects.filter(code=code).first()
            if function:
                return function, None
        if kind == "w":
            content = WorkContent.objects.select_related("function").filter(code=code).first()
            if content:
                return content.function, content
        raise forms.ValidationError(
            _("Choose a function or work content from the list."), code="unknown_scope"
        )

    def type_keys(self):
        kind = self.cleaned_data["kind"]
        if kind == "theory":
            return types.THEORY_TYPES
        if kind == "practical":
            return types.PRACTICAL_TYPES
        return [kind] if kind else []


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("My note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReportForm(forms.Form):
    message = forms.CharField(
        label=_("What is wrong with this question?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class BlueprintForm(forms.ModelForm):
    class Meta:
        model = Blueprint
        fields = [
            "name",
            "level",
            "duration_minutes",
            "pass_mark",
            "shuffle_items",
            "shuffle_options",
            "review_shows_answers",
            "review_shows_correctness",
            "review_shows_points",
            "review_shows_key",
            "review_shows_explanations",
            "review_when",
            "attempts_allowed",
            "opens_at",
            "closes_at",
            "cohorts",
            "is_active",
        ]
        widgets = {
            "opens_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "closes_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "cohorts": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, center, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.center = center
        self.fields["cohorts"].queryset = Cohort.objects.filter(center=center)

    def clean(self):
        cleaned = super().clean()
        opens, closes = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error(
                "closes_at",
                forms.ValidationError(
                    _("The paper must close after it opens."), code="closes_first"
                ),
            )
        if not 1 <= (cleaned.get("duration_minutes") or 0) <= 600:
            self.add_error(
                "duration_minutes",
                forms.ValidationError(_("A paper lasts from 1 to 600 minutes."), code="duration"),
            )
        return cleaned


class SectionForm(forms.ModelForm):
    types = forms.MultipleChoiceField(
        label=_("Question types"),
        choices=types.choices(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = BlueprintSection
        fields = [
            "title",
            "paper",
            "function",
            "work_content",
            "types",
            "difficulty_min",
            "difficulty_max",
            "count",
            "points_per_item",
        ]

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("difficulty_min"), cleaned.get("difficulty_max")
        if low and high and not 1 <= low <= high <= 5:
            self.add_error(
                "difficulty_max",
                forms.ValidationError(
                    _("Difficulty goes from 1 to 5, the easiest first."), code="difficulty"
                ),
            )
        content, function = cleaned.get("work_content"), cleaned.get("function")
        if content and function and content.function_id != function.pk:
            self.add_error(
                "work_content",
                forms.ValidationError(
                    _("This work content belongs to another function."), code="content_function"
                ),
            )
        if cleaned.get("count") == 0:
            self.add_error(
                "count", forms.ValidationError(_("A section needs questions."), code="empty")
            )
        return cleaned


class BaseSectionFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        totals = {}
        for form in self.forms:
            if not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            paper = form.cleaned_data.get("paper")
            totals[paper] = totals.get(paper, 0) + (
                (form.cleaned_data.get("count") or 0)
                * (form.cleaned_data.get("points_per_item") or 0)
            )
        if not totals:
            raise forms.ValidationError(_("Add at least one section."), code="no_sections")
        for paper, total in totals.items():
            if total != 100:
                raise forms.ValidationError(
                    _(
                        "The %(paper)s sections add up to %(total)s points; each paper is out of "
                        "100."
                    ),
                    code="not_100",
                    params={"paper": Paper(paper).label, "total": total},
                )


SectionFormSet = forms.inlineformset_factory(
    Blueprint,
    BlueprintSection,
    form=SectionForm,
    formset=BaseSectionFormSet,
    extra=2,
    can_delete=True,
)


class GradeForm(forms.Form):
    """The rubric's points, ticked where the answer meets them (pre-filled by the automatic
    marking), and a comment for the learner."""

    comment = forms.CharField(
        label=_("Comment for the learner"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, rubric, met, **kwargs):
        super().__init__(*args, **kwargs)
        self.rubric = rubric
        for point in rubric:
            self.fields[f"point_{point['id']}"] = forms.BooleanField(
                label=f"{point['description']} ({point['points']})",
                required=False,
                initial=point["id"] in met,
            )

    def fraction(self):
        possible = sum(point["points"] for point in self.rubric)
        earned = sum(
            point["points"]
            for point in self.rubric
            if self.cleaned_data.get(f"point_{point['id']}")
        )
        return earned / possible if possible else 0.0
