import hashlib

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.models import Level
from question_bank import types
from question_bank.types.base import normalise_text


class Language(models.TextChoices):
    CHINESE = "zh-hans", "简体中文"
    ENGLISH = "en", "English"

    @classmethod
    def current(cls):
        """The language of questions that matches the interface's language."""
        return cls.ENGLISH if (get_language() or "").startswith("en") else cls.CHINESE


def _in_current_language(chinese, english):
    return english if (get_language() or "").startswith("en") and english else chinese


class VocationalFunction(models.Model):
    """A 职业功能 of the standard at one level, or a cross-level area (basic requirements,
    the generative-AI extension) when ``level`` is empty. Seeded from the standard; the
    weights are data that instructors may edit in the admin."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    level = models.PositiveSmallIntegerField(
        _("level"), choices=Level, null=True, blank=True, help_text=_("Empty: every level.")
    )
    name_zh = models.CharField(_("Chinese name"), max_length=60)
    name_en = models.CharField(_("English name"), max_length=80)
    theory_weight = models.PositiveSmallIntegerField(
        _("theory weight (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    skill_weight = models.PositiveSmallIntegerField(
        _("skills weight (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    is_extension = models.BooleanField(_("extension track"), default=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("vocational function")
        verbose_name_plural = _("vocational functions")

    def __str__(self):
        return self.name

    @property
    def name(self):
        return _in_current_language(self.name_zh, self.name_en)


class WorkContent(models.Model):
    """A 工作内容 within a vocational function."""

    function = models.ForeignKey(
        VocationalFunction,
        verbose_name=_("vocational function"),
        on_delete=models.CASCADE,
        related_name="work_contents",
    )
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_zh = models.CharField(_("Chinese name"), max_length=60)
    name_en = models.CharField(_("English name"), max_length=80)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["function__position", "position", "code"]
        verbose_name = _("work content")
        verbose_name_plural = _("work contents")

    def __str__(self):
        return self.name

    @property
    def name(self):
        return _in_current_language(self.name_zh, self.name_en)


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=40, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self):
        return self.name


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REVIEW = "review", _("In review")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


def encode_levels(levels):
    """Levels are stored as ",4,3," so that one indexed LIKE finds a level on any database."""
    return "," + ",".join(str(level) for level in sorted(set(levels), reverse=True)) + ","


class QuestionQuerySet(models.QuerySet):
    def published(self):
        """What learners may practise and exams may draw: a published version, not retired."""
        return self.filter(published_version__isnull=False).exclude(status=Status.RETIRED)

    def for_level(self, level):
        return self.filter(levels__contains=f",{int(level)},")

    def visible_to(self, user):
        """The platform's bank plus the user's own center's questions."""
        if user.is_superuser:
            return self
        return self.filter(Q(center__isnull=True) | Q(center_id=user.center_id))

    def visible_to_center(self, center):
        return self.filter(Q(center__isnull=True) | Q(center=center))

    def editable_by(self, user):
        """Instructors and center admins edit their own center's questions; the platform's
        starter bank is edited by the platform operator in the admin."""
        if user.center_id is None:
            return self.none()
        return self.filter(center_id=user.center_id)


class Question(models.Model):
    """One question in one language, across its versions.

    Authors edit ``latest_version``; learners and exams get ``published_version``. A version
    that was ever published is frozen: editing it makes a new version, so answers given to
    the old one keep pointing at exactly what the learner saw. The Chinese and English
    questions of an item share their ``key``.
    """

    key = models.SlugField(_("key"), max_length=80)
    language = models.CharField(
        _("language"), max_length=10, choices=Language, default=Language.CHINESE
    )
    type = models.CharField(_("type"), max_length=30, choices=types.choices())
    levels = models.CharField(_("levels"), max_length=20, db_index=True)
    function = models.ForeignKey(
        VocationalFunction,
        verbose_name=_("vocational function"),
        on_delete=models.PROTECT,
        related_name="questions",
    )
    work_content = models.ForeignKey(
        WorkContent,
        verbose_name=_("work content"),
        on_delete=models.PROTECT,
        related_name="questions",
    )
    difficulty = models.PositiveSmallIntegerField(
        _("difficulty"), default=2, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="questions")
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.DRAFT)
    center = models.ForeignKey(
        "accounts.TrainingCenter",
        verbose_name=_("training center"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="questions",
        help_text=_("Empty for the platform's shared bank."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="authored_questions",
    )
    latest_version = models.ForeignKey(
        "QuestionVersion", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_version = models.ForeignKey(
        "QuestionVersion", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    fingerprint = models.CharField(max_length=40, db_index=True, editable=False)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["key", "language"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.UniqueConstraint(fields=["key", "language"], name="unique_question_key_language")
        ]
        indexes = [
            models.Index(fields=["status", "type", "function"]),
            # The bank list shows the most recently changed questions first.
            models.Index(fields=["-updated", "id"], name="question_recent_idx"),
        ]

    def __str__(self):
        return f"{self.key} ({self.language})"

    def get_absolute_url(self):
        return reverse("question_bank:question", args=[self.pk])

    @property
    def question_type(self):
        return types.get_type(self.type)

    @property
    def level_list(self):
        return [int(level) for level in self.levels.strip(",").split(",") if level]

    @level_list.setter
    def level_list(self, levels):
        self.levels = encode_levels(levels)

    def translation(self):
        return Question.objects.filter(key=self.key).exclude(pk=self.pk).first()

    def save_content(self, *, stem, payload, explanation, reference, user=None):
        """Store new content: in place while the latest version was never published,
        as a new version otherwise. Returns the version that holds the content."""
        version = self.latest_version
        content = {
            "stem": stem,
            "payload": payload,
            "explanation": explanation,
            "reference": reference,
        }
        if version is not None and all(getattr(version, k) == v for k, v in content.items()):
            return version
        if version is None or version.frozen:
            number = version.number + 1 if version else 1
            version = QuestionVersion.objects.create(
                question=self, number=number, created_by=user, **content
            )
        else:
            for name, value in content.items():
                setattr(version, name, value)
            version.save()
        self.latest_version = version
        self.fingerprint = fingerprint(stem, payload)
        if self.status == Status.PUBLISHED and version != self.published_version:
            # A published question keeps serving its published version while the edit waits.
            self.status = Status.REVIEW
        self.save()
        return version

    def publish(self):
        version = self.latest_version
        version.frozen = True
        version.save(update_fields=["frozen"])
        self.published_version = version
        self.status = Status.PUBLISHED
        self.save(update_fields=["published_version", "status", "updated"])


def fingerprint(stem, payload):
    """Same normalised stem and options: the test for a duplicate question."""
    options = payload.get("options", []) if isinstance(payload, dict) else []
    text = "\n".join([normalise_text(stem), *sorted(normalise_text(str(o)) for o in options)])
    return hashlib.sha1(text.encode()).hexdigest()


class QuestionVersion(models.Model):
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    stem = models.TextField(_("question text"))
    payload = models.JSONField(_("payload"))
    explanation = models.TextField(_("explanation"), blank=True)
    reference = models.CharField(_("reference"), max_length=300, blank=True)
    frozen = models.BooleanField(
        _("frozen"), default=False, help_text=_("Published once: never edited again.")
    )
    created = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["question", "-number"]
        verbose_name = _("question version")
        verbose_name_plural = _("question versions")
        constraints = [
            models.UniqueConstraint(fields=["question", "number"], name="unique_version_number")
        ]

    def __str__(self):
        return f"{self.question} v{self.number}"


class QuestionAssetQuerySet(models.QuerySet):
    def visible_to(self, user):
        if user.is_superuser:
            return self
        return self.filter(Q(center__isnull=True) | Q(center_id=user.center_id))


class QuestionAsset(models.Model):
    """An image a question shows (the picture of a box-labeling task), kept in the
    database and served through a view that checks who asks, never from a public path.
    Payloads refer to it by its SHA-1, so one picture used by two questions is stored once."""

    center = models.ForeignKey(
        "accounts.TrainingCenter",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="question_assets",
    )
    name = models.CharField(_("name"), max_length=120)
    content_type = models.CharField(max_length=40)
    data = models.BinaryField()
    sha1 = models.CharField(max_length=40, db_index=True)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    created = models.DateTimeField(auto_now_add=True)

    objects = QuestionAssetQuerySet.as_manager()

    class Meta:
        verbose_name = _("image")
        verbose_name_plural = _("images")
        constraints = [
            models.UniqueConstraint(fields=["center", "sha1"], name="unique_asset_per_center")
        ]

    def __str__(self):
        return self.name


class ProblemReport(models.Model):
    """A learner's report of a problem with a question; it lands in the review queue."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="reports")
    version = models.ForeignKey(QuestionVersion, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="problem_reports"
    )
    message = models.TextField(_("what is wrong"), max_length=2000)
    created = models.DateTimeField(auto_now_add=True)
    resolved = models.BooleanField(_("resolved"), default=False)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("problem report")
        verbose_name_plural = _("problem reports")

    def __str__(self):
        return f"{self.question}: {self.message[:40]}"


class PendingImport(models.Model):
    """An uploaded bank file between its check and the instructor's confirmation."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pending_imports"
    )
    filename = models.CharField(max_length=200)
    data = models.BinaryField()
    options = models.JSONField(default=dict)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self):
        return self.filename
