import json
import secrets
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import Level
from question_bank import types
from question_bank.images import MAX_IMAGE_BYTES, MAX_SIDE, inspect_image
from question_bank.importing import MAX_FILE_BYTES, PARSERS
from question_bank.models import Language, Question, QuestionAsset, Status, Tag, WorkContent


class WorkContentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.function.name} · {obj.name}"


def _split_tags(text):
    return sorted(
        {t.strip() for t in text.replace("，", ",").replace("、", ",").split(",") if t.strip()}
    )


# What a box task's payload says about its picture; an upload decides all three.
_PICTURE_KEYS = ("image", "width", "height")


@dataclass(frozen=True)
class Picture:
    """An uploaded picture that passed inspect_image, waiting to be stored as an asset."""

    name: str
    content_type: str
    width: int
    height: int
    sha1: str
    data: bytes


class QuestionForm(forms.ModelForm):
    """Metadata and content of a question. The payload is the type's JSON (documented in
    docs/question-format.md, with an example shown beside the field); the type's own
    validation names the field of the payload that is wrong. The editors of the page
    (static/js/author-payload.js) only write into that JSON, so it stays the one thing
    the server checks. A box-labeling task also takes its picture here."""

    levels_choice = forms.TypedMultipleChoiceField(
        label=_("Levels"),
        choices=Level.choices,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    work_content = WorkContentChoiceField(
        label=_("Work content"),
        queryset=WorkContent.objects.select_related("function"),
    )
    tags_text = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=400,
        help_text=_("Separate tags with commas."),
    )
    stem = forms.CharField(label=_("Question text"), widget=forms.Textarea(attrs={"rows": 4}))
    image = forms.FileField(
        label=_("Picture to label"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
    )
    payload = forms.CharField(
        label=_("Answer and task data (JSON)"),
        widget=forms.Textarea(attrs={"rows": 12, "class": "font-monospace", "spellcheck": "false"}),
    )
    explanation = forms.CharField(
        label=_("Explanation"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Why the right answer is right and the tempting wrong one is wrong."),
    )
    reference = forms.CharField(
        label=_("Reference"),
        required=False,
        max_length=300,
        help_text=_("Where the answer comes from."),
    )

    class Meta:
        model = Question
        fields = ["type", "language", "difficulty"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        question = self.instance
        if question.type != "bounding_box":
            del self.fields["image"]
        else:
            limits = {"mb": MAX_IMAGE_BYTES // 2**20, "side": MAX_SIDE}
            self.fields["image"].help_text = (
                _(
                    "Leave this empty to keep the picture; a new one replaces it. PNG, JPEG or "
                    "WebP, at most %(mb)s MB and %(side)s pixels on each side."
                )
                if question.pk
                else _("PNG, JPEG or WebP, at most %(mb)s MB and %(side)s pixels on each side.")
            ) % limits
        if question.pk:
            self.fields["type"].disabled = True
            version = question.latest_version
            self.initial.update(
                {
                    "levels_choice": question.level_list,
                    "work_content": question.work_content_id,
                    "tags_text": ", ".join(t.name for t in question.tags.all()),
                    "stem": version.stem,
                    "payload": json.dumps(version.payload, ensure_ascii=False, indent=1),
                    "explanation": version.explanation,
                    "reference": version.reference,
                }
            )

    def clean_payload(self):
        try:
            payload = json.loads(self.cleaned_data["payload"])
        except json.JSONDecodeError as error:
            raise ValidationError(
                _("This is not valid JSON (line %(line)s, column %(column)s): %(error)s"),
                code="invalid_json",
                params={"line": error.lineno, "column": error.colno, "error": error.msg},
            ) from None
        if not isinstance(payload, dict):
            raise ValidationError(_("The payload must be a JSON object."), code="not_an_object")
        return payload

    def clean_image(self):
        upload = self.cleaned_data.get("image")
        if not upload:
            return None
        # One byte past the limit is enough for inspect_image to refuse a huge file.
        data = upload.read(MAX_IMAGE_BYTES + 1)
        content_type, width, height, sha1 = inspect_image(data)
        return Picture(upload.name[-120:], content_type, width, height, sha1, data)

    def clean_tags_text(self):
        tags = _split_tags(self.cleaned_data["tags_text"])
        if any(len(tag) > 40 for tag in tags):
            raise ValidationError(_("A tag is at most 40 characters."), code="tag_too_long")
        return tags

    def clean(self):
        cleaned = super().clean()
        type_key = cleaned.get("type") or self.instance.type
        payload = cleaned.get("payload")
        if type_key == "bounding_box" and payload is not None:
            payload = cleaned["payload"] = self._with_picture(payload, cleaned.get("image"))
        if type_key and payload is not None:
            try:
                cleaned["payload"] = types.get_type(type_key).validate_payload(payload)
            except ValidationError as error:
                problems = error.message_dict
                if "image" in self.errors:
                    # The picture field already says what is wrong with the picture.
                    problems = {k: v for k, v in problems.items() if k not in _PICTURE_KEYS}
                if problems:
                    self.add_error(
                        "payload",
                        ValidationError(
                            # Each message names the field of the payload it is about.
                            [message for messages in problems.values() for message in messages]
                        ),
                    )
        return cleaned

    def _with_picture(self, payload, picture):
        """The payload with the picture's reference and size: those of a new upload (what
        the JSON says about them does not count), else those the JSON names."""
        if picture is not None:
            return {
                **payload,
                "image": picture.sha1,
                "width": picture.width,
                "height": picture.height,
            }
        if "image" not in payload and self.instance.pk:
            previous = self.instance.latest_version.payload
            payload = {key: previous[key] for key in _PICTURE_KEYS} | payload
        if "image" not in self.errors and not (
            isinstance(payload.get("image"), str)
            and QuestionAsset.objects.visible_to(self.user).filter(sha1=payload["image"]).exists()
        ):
            self.add_error(
                "image",
                ValidationError(_("Upload the picture to label."), code="no_image"),
            )
        return payload

    def save(self, *, user):
        question = super().save(commit=False)
        question.level_list = self.cleaned_data["levels_choice"]
        question.work_content = self.cleaned_data["work_content"]
        question.function = question.work_content.function
        if question.pk is None:
            question.center = user.center
            question.author = user
            question.status = Status.DRAFT
            question.key = question.key or _new_key(user)
        question.save()
        picture = self.cleaned_data.get("image")
        if picture is not None:
            QuestionAsset.objects.get_or_create(
                center=user.center,
                sha1=picture.sha1,
                defaults={
                    "name": picture.name,
                    "content_type": picture.content_type,
                    "width": picture.width,
                    "height": picture.height,
                    "data": picture.data,
                },
            )
        question.save_content(
            stem=self.cleaned_data["stem"].strip(),
            payload=self.cleaned_data["payload"],
            explanation=self.cleaned_data["explanation"].strip(),
            reference=self.cleaned_data["reference"].strip(),
            user=user,
        )
        tags = []
        for name in self.cleaned_data["tags_text"]:
            tags.append(Tag.objects.get_or_create(name=name)[0])
        question.tags.set(tags)
        return question


def _new_key(user):
    return f"c{user.center_id or 0}-{secrets.token_hex(5)}"


class BankFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    level = forms.TypedChoiceField(
        label=_("Level"),
        choices=[("", _("All levels")), *Level.choices],
        coerce=int,
        required=False,
        empty_value=None,
    )
    function = forms.CharField(label=_("Function"), required=False)
    type = forms.ChoiceField(
        label=_("Type"), choices=[("", _("All types")), *types.choices()], required=False
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any status")), *Status.choices], required=False
    )
    language = forms.ChoiceField(
        label=_("Language"), choices=[("", _("Both languages")), *Language.choices], required=False
    )
    author = forms.CharField(label=_("Author"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            is_select = isinstance(field.widget, forms.Select)
            field.widget.attrs["class"] = (
                "form-select-sm form-select" if is_select else ("form-control form-control-sm")
            )


class BulkActionForm(forms.Form):
    ACTIONS = [
        ("submit", _("Submit for review")),
        ("publish", _("Publish")),
        ("retire", _("Retire")),
        ("tag", _("Add a tag")),
    ]
    action = forms.ChoiceField(choices=ACTIONS)
    selected = forms.ModelMultipleChoiceField(queryset=Question.objects.none())
    tag = forms.CharField(required=False, max_length=40)

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["selected"].queryset = queryset

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == "tag" and not cleaned.get("tag", "").strip():
            self.add_error("tag", ValidationError(_("Type the tag to add."), code="no_tag"))
        return cleaned


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Bank file"),
        help_text=_(
            "Our JSON, Excel (.xlsx), CSV, Moodle GIFT (.gift or .txt) or Moodle XML; "
            "at most 10 MB."
        ),
    )
    language = forms.ChoiceField(
        label=_("Language of the questions"),
        choices=Language.choices,
        help_text=_("For files that do not say."),
    )
    levels = forms.TypedMultipleChoiceField(
        label=_("Levels"),
        choices=Level.choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("For questions that do not say."),
    )
    work_content = WorkContentChoiceField(
        label=_("Work content"),
        required=False,
        queryset=WorkContent.objects.select_related("function"),
        help_text=_("For questions that do not say."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        suffix = "." + upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
        if suffix not in PARSERS:
            raise ValidationError(
                _(
                    "Files of type “%(suffix)s” cannot be imported: use .json, .xlsx, .csv, "
                    ".gift, .txt or .xml."
                ),
                code="file_type",
                params={"suffix": suffix or upload.name},
            )
        if upload.size > MAX_FILE_BYTES:
            raise ValidationError(
                _("The file is larger than 10 MB; split it into smaller files."), code="file_size"
            )
        return upload
