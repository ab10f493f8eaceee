import secrets

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Level(models.IntegerChoices):
    """The five levels of the standard, 5 being the lowest (初级工)."""

    LEVEL_5 = 5, _("Level 5 (junior)")
    LEVEL_4 = 4, _("Level 4 (intermediate)")
    LEVEL_3 = 3, _("Level 3 (senior)")
    LEVEL_2 = 2, _("Level 2 (technician)")
    LEVEL_1 = 1, _("Level 1 (senior technician)")


class Role(models.TextChoices):
    LEARNER = "learner", _("Learner")
    INSTRUCTOR = "instructor", _("Instructor")
    CENTER_ADMIN = "center_admin", _("Center admin")


class TrainingCenter(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    city = models.CharField(_("city"), max_length=60, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("training center")
        verbose_name_plural = _("training centers")

    def __str__(self):
        return self.name


class User(AbstractUser):
    """Everyone who logs in. The role says what they may do (see accounts.permissions);
    the center says whose people and data they may see."""

    full_name = models.CharField(_("full name"), max_length=80, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role, default=Role.LEARNER)
    center = models.ForeignKey(
        TrainingCenter,
        verbose_name=_("training center"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    target_level = models.PositiveSmallIntegerField(
        _("target level"), choices=Level, default=Level.LEVEL_4
    )
    planned_exam_date = models.DateField(_("planned exam date"), null=True, blank=True)
    weekly_goal_minutes = models.PositiveIntegerField(
        _("weekly study goal (minutes)"),
        default=240,
        help_text=_("How many minutes you plan to study each week."),
    )
    extra_time_factor = models.DecimalField(
        _("extra time in exams"),
        max_digits=3,
        decimal_places=2,
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(3)],
        help_text=_("An accommodation set by an instructor: 1.25 gives a quarter more time."),
    )
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=10,
        blank=True,
        choices=[("", _("Same as my browser")), ("zh-hans", "简体中文"), ("en", "English")],
    )

    objects = UserManager()

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.full_name or self.username

    @property
    def display_name(self):
        return self.full_name or self.username

    @property
    def days_to_exam(self):
        if self.planned_exam_date is None:
            return None
        return max((self.planned_exam_date - timezone.localdate()).days, 0)

    @property
    def is_learner(self):
        return self.role == Role.LEARNER

    @property
    def is_instructor(self):
        return self.role == Role.INSTRUCTOR

    @property
    def is_center_admin(self):
        return self.role == Role.CENTER_ADMIN


class CohortQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Cohorts a staff member may open: a center admin sees every cohort of the
        center, an instructor the cohorts they teach, anyone else none."""
        if user.is_center_admin and user.center_id:
            return self.filter(center_id=user.center_id)
        if user.is_instructor:
            return self.filter(instructors=user, center_id=user.center_id)
        return self.none()


class Cohort(models.Model):
    """A class at a center: its instructors and learners."""

    center = models.ForeignKey(
        TrainingCenter,
        verbose_name=_("training center"),
        on_delete=models.CASCADE,
        related_name="cohorts",
    )
    name = models.CharField(_("name"), max_length=120)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level, default=Level.LEVEL_4)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    instructors = models.ManyToManyField(
        User, verbose_name=_("instructors"), related_name="teaching_cohorts", blank=True
    )
    learners = models.ManyToManyField(
        User, verbose_name=_("learners"), related_name="cohorts", blank=True
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)

    objects = CohortQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        constraints = [
            models.UniqueConstraint(fields=["center", "name"], name="unique_cohort_name_per_center")
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("accounts:cohort", args=[self.pk])


def _new_join_code():
    # Eight characters from an alphabet without look-alikes (0/O, 1/I/L), easy to read aloud.
    alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(8))


class JoinCodeQuerySet(models.QuerySet):
    def usable(self):
        return self.filter(is_active=True)


class JoinCode(models.Model):
    """A code a learner types at sign-up to join a center (and optionally a cohort)."""

    center = models.ForeignKey(
        TrainingCenter,
        verbose_name=_("training center"),
        on_delete=models.CASCADE,
        related_name="join_codes",
    )
    cohort = models.ForeignKey(
        Cohort,
        verbose_name=_("cohort"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="join_codes",
    )
    code = models.CharField(_("code"), max_length=20, unique=True, default=_new_join_code)
    is_active = models.BooleanField(_("active"), default=True)
    uses = models.PositiveIntegerField(_("times used"), default=0)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    objects = JoinCodeQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]
        verbose_name = _("join code")
        verbose_name_plural = _("join codes")

    def __str__(self):
        return self.code

    def admit(self, user):
        """Put a newly signed-up learner into this code's center and cohort."""
        user.center = self.center
        user.save(update_fields=["center"])
        if self.cohort_id:
            self.cohort.learners.add(user)
        JoinCode.objects.filter(pk=self.pk).update(uses=models.F("uses") + 1)
