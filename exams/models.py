import math
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from fsrs import Card, Rating, Scheduler

from accounts.models import Level
from question_bank import types

# An item leaves the wrong-answer notebook after this many right answers in a row.
NOTEBOOK_MASTERY_STREAK = getattr(settings, "NOTEBOOK_MASTERY_STREAK", 3)
# Time on one item beyond this is idle time (a learner who left the phone on the table).
MAX_ACTIVE_SECONDS = 5 * 60

# FSRS with whole-day steps: the minute-long learning steps of flash-card apps do not fit
# people who practise once a day, and fuzzing is off so that schedules can be tested.
_SCHEDULER = Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False)


class Category(models.TextChoices):
    THEORY = "theory", _("Theory")
    PRACTICE = "practical", _("Practice")


class PracticeSessionQuerySet(models.QuerySet):
    def unfinished(self):
        return self.filter(finished_at__isnull=True)


class PracticeSession(models.Model):
    class Mode(models.TextChoices):
        SMART = "smart", _("Smart: reviews due, then wrong, then new")
        IN_ORDER = "in_order", _("In order")
        RANDOM = "random", _("Random")
        UNSEEN = "unseen", _("Only questions I have not seen")
        WRONG = "wrong", _("Only my wrong answers")
        FAVOURITES = "favourites", _("Only my favourites")
        REVIEW = "review", _("Reviews due today")

    class Marking(models.TextChoices):
        INSTANT = "instant", _("Mark each answer at once")
        AT_END = "at_end", _("Mark everything at the end")

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="practice_sessions"
    )
    mode = models.CharField(_("mode"), max_length=12, choices=Mode, default=Mode.SMART)
    marking = models.CharField(
        _("marking"), max_length=10, choices=Marking, default=Marking.INSTANT
    )
    read_mode = models.BooleanField(
        _("read mode"), default=False, help_text=_("Show the answers with the questions.")
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=Level, null=True, blank=True)
    function = models.ForeignKey(
        "question_bank.VocationalFunction", on_delete=models.SET_NULL, null=True, blank=True
    )
    work_content = models.ForeignKey(
        "question_bank.WorkContent", on_delete=models.SET_NULL, null=True, blank=True
    )
    types = models.JSONField(_("question types"), default=list, blank=True)
    created = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    last_position = models.PositiveIntegerField(default=0)

    objects = PracticeSessionQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]
        verbose_name = _("practice session")
        verbose_name_plural = _("practice sessions")
        indexes = [models.Index(fields=["learner", "finished_at", "-created"])]

    def __str__(self):
        return f"{self.learner} {self.created:%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return reverse("exams:practice_item", args=[self.pk, self.last_position])

    @property
    def shows_answers_at_once(self):
        return self.marking == self.Marking.INSTANT or self.read_mode

    def finish(self):
        if self.finished_at is None:
            self.finished_at = timezone.now()
            self.save(update_fields=["finished_at"])


class PracticeItemQuerySet(models.QuerySet):
    def marked(self):
        """Answers whose mark the learner has been shown. In a session marked at the end,
        answers stay unmarked until it is finished: counting them anywhere the learner can
        see (a score, a mastery) would tell right from wrong before the end."""
        return self.filter(MARKED_ANSWER)

    def study_minutes(self, learner, since=None):
        """Active minutes by category ("theory", "practical"), since a moment if given."""
        items = self.filter(session__learner=learner, active_seconds__gt=0)
        if since is not None:
            items = items.filter(active_at__gte=since)
        totals = dict(items.values_list("category").annotate(s=models.Sum("active_seconds")))
        return {c: round((totals.get(c) or 0) / 60) for c in Category.values}


MARKED_ANSWER = models.Q(answered_at__isnull=False) & (
    models.Q(session__marking=PracticeSession.Marking.INSTANT)
    | models.Q(session__read_mode=True)
    | models.Q(session__finished_at__isnull=False)
)


class PracticeItem(models.Model):
    """One question of a session, with the learner's answer to the exact version shown."""

    session = models.ForeignKey(PracticeSession, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField()
    question = models.ForeignKey(
        "question_bank.Question", on_delete=models.CASCADE, related_name="practice_items"
    )
    version = models.ForeignKey(
        "question_bank.QuestionVersion", on_delete=models.CASCADE, related_name="practice_items"
    )
    category = models.CharField(max_length=10, choices=Category)
    response = models.JSONField(null=True, blank=True)
    fraction = models.FloatField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    flagged = models.BooleanField(default=False)
    active_seconds = models.PositiveIntegerField(default=0)
    active_at = models.DateTimeField(null=True, blank=True)  # when time was last added

    objects = PracticeItemQuerySet.as_manager()

    class Meta:
        ordering = ["session", "position"]
        constraints = [
            models.UniqueConstraint(fields=["session", "position"], name="unique_item_position")
        ]
        indexes = [models.Index(fields=["active_at", "category"])]

    def __str__(self):
        return f"{self.session_id}#{self.position}"

    @property
    def is_answered(self):
        return self.answered_at is not None

    @property
    def is_correct(self):
        return self.fraction is not None and self.fraction >= 1 - 1e-9

    def add_active_time(self, seconds, now=None, save=True):
        """Count a visit's active time, never more than MAX_ACTIVE_SECONDS (idle time)."""
        self.active_seconds += max(0, min(int(seconds), MAX_ACTIVE_SECONDS))
        self.active_at = now or timezone.now()
        if save:
            self.save(update_fields=["active_seconds", "active_at"])


class QuestionStateQuerySet(models.QuerySet):
    def in_notebook(self):
        return self.filter(in_notebook=True)

    def due(self, now=None):
        return self.in_notebook().filter(due_at__lte=now or timezone.now())


class QuestionState(models.Model):
    """What one learner has done with one question: the history the practice modes choose
    from, the wrong-answer notebook, favourites, notes and the review schedule."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="question_states"
    )
    question = models.ForeignKey(
        "question_bank.Question", on_delete=models.CASCADE, related_name="learner_states"
    )
    answers = models.PositiveIntegerField(default=0)
    right_answers = models.PositiveIntegerField(default=0)
    streak = models.PositiveIntegerField(default=0)  # right answers in a row
    last_answered_at = models.DateTimeField(null=True, blank=True)
    last_fraction = models.FloatField(null=True, blank=True)
    in_notebook = models.BooleanField(default=False)
    favourite = models.BooleanField(default=False)
    note = models.TextField(blank=True, max_length=2000)
    card = models.JSONField(null=True, blank=True)  # the FSRS card while in the notebook
    due_at = models.DateTimeField(null=True, blank=True)

    objects = QuestionStateQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["learner", "question"], name="unique_learner_state")
        ]
        indexes = [models.Index(fields=["learner", "in_notebook", "due_at"])]

    def __str__(self):
        return f"{self.learner_id}/{self.question_id}"

    def record(self, fraction, when):
        """Count an answer; a wrong one enters the notebook, three right in a row leave it."""
        right = fraction >= 1 - 1e-9
        self.answers += 1
        self.last_answered_at = when
        self.last_fraction = fraction
        if right:
            self.right_answers += 1
            self.streak += 1
        else:
            self.streak = 0
            self.in_notebook = True
        if self.in_notebook and right and self.streak >= NOTEBOOK_MASTERY_STREAK:
            self.leave_notebook()
        elif self.in_notebook:
            self._schedule(Rating.Good if right else Rating.Again, when)

    def leave_notebook(self):
        self.in_notebook = False
        self.card = None
        self.due_at = None

    def _schedule(self, rating, when):
        card = Card.from_dict(self.card) if self.card else Card()
        card, _log = _SCHEDULER.review_card(card, rating, when)
        self.card = card.to_dict()
        self.due_at = card.due


class Paper(models.TextChoices):
    THEORY = "theory", _("Theory paper")
    PRACTICAL = "practical", _("Practical paper")


class BlueprintQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The platform's blueprints and those of the user's center."""
        return self.filter(models.Q(center__isnull=True) | models.Q(center_id=user.center_id))

    def open_to(self, learner, now=None):
        """Blueprints a learner may start now: active, inside the window, and either for
        everyone or for one of the learner's cohorts."""
        now = now or timezone.now()
        return (
            self.visible_to(learner)
            .filter(is_active=True)
            .filter(models.Q(opens_at__isnull=True) | models.Q(opens_at__lte=now))
            .filter(models.Q(closes_at__isnull=True) | models.Q(closes_at__gt=now))
            .filter(models.Q(cohorts__isnull=True) | models.Q(cohorts__learners=learner))
            .distinct()
        )


class Blueprint(models.Model):
    """The recipe of a mock exam: sections that draw published questions at random, each
    part (theory, practical) worth 100 points, timed on the server."""

    class ReviewWhen(models.TextChoices):
        AFTER_SUBMISSION = "after_submission", _("Right after submission")
        AFTER_WINDOW = "after_window", _("After the availability window closes")

    key = models.SlugField(_("key"), max_length=80, unique=True, null=True, blank=True)
    center = models.ForeignKey(
        "accounts.TrainingCenter",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="blueprints",
        help_text=_("Empty for the platform's default papers."),
    )
    name = models.CharField(_("name"), max_length=120)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level)
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), default=90)
    pass_mark = models.PositiveSmallIntegerField(_("pass mark"), default=60)
    shuffle_items = models.BooleanField(_("shuffle the questions"), default=True)
    shuffle_options = models.BooleanField(_("shuffle the options"), default=True)
    review_shows_answers = models.BooleanField(
        _("review shows the learner's answers"), default=True
    )
    review_shows_correctness = models.BooleanField(_("review shows right and wrong"), default=True)
    review_shows_points = models.BooleanField(_("review shows the points"), default=True)
    review_shows_key = models.BooleanField(_("review shows the right answers"), default=True)
    review_shows_explanations = models.BooleanField(
        _("review shows the explanations"), default=True
    )
    review_when = models.CharField(
        _("review available"),
        max_length=20,
        choices=ReviewWhen,
        default=ReviewWhen.AFTER_SUBMISSION,
    )
    attempts_allowed = models.PositiveSmallIntegerField(
        _("attempts allowed"), default=0, help_text=_("0 for no limit.")
    )
    opens_at = models.DateTimeField(_("opens at"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    cohorts = models.ManyToManyField(
        "accounts.Cohort",
        verbose_name=_("cohorts"),
        blank=True,
        related_name="blueprints",
        help_text=_("Empty: every learner who can see it."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created = models.DateTimeField(default=timezone.now)

    objects = BlueprintQuerySet.as_manager()

    class Meta:
        ordering = ["level", "name"]
        verbose_name = _("mock-exam blueprint")
        verbose_name_plural = _("mock-exam blueprints")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("exams:blueprint", args=[self.pk])

    def parts(self):
        """{paper: total points} over the sections (each should be 100)."""
        totals = {}
        for section in self.sections.all():
            totals[section.paper] = totals.get(section.paper, 0) + section.total_points
        return totals


class BlueprintSection(models.Model):
    blueprint = models.ForeignKey(Blueprint, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=120, blank=True)
    paper = models.CharField(_("paper"), max_length=10, choices=Paper, default=Paper.THEORY)
    function = models.ForeignKey(
        "question_bank.VocationalFunction",
        verbose_name=_("vocational function"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    work_content = models.ForeignKey(
        "question_bank.WorkContent",
        verbose_name=_("work content"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    types = models.JSONField(_("question types"), default=list, blank=True)
    difficulty_min = models.PositiveSmallIntegerField(_("easiest"), default=1)
    difficulty_max = models.PositiveSmallIntegerField(_("hardest"), default=5)
    count = models.PositiveSmallIntegerField(_("number of questions"))
    points_per_item = models.DecimalField(_("points each"), max_digits=5, decimal_places=2)

    class Meta:
        ordering = ["blueprint", "position"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self):
        return self.title or f"{self.blueprint} #{self.position + 1}"

    @property
    def total_points(self):
        return self.count * self.points_per_item


# Saves are accepted this long after the deadline: it absorbs network lag, nothing more.
GRACE = timedelta(seconds=60)


class AttemptQuerySet(models.QuerySet):
    def open(self):
        return self.filter(submitted_at__isnull=True)

    def expired(self, now=None):
        """Open attempts whose deadline and grace are over: to be finalised."""
        now = now or timezone.now()
        return self.open().filter(deadline__lt=now - GRACE)


class Attempt(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("In progress")
        AWAITING_GRADING = "awaiting_grading", _("Awaiting grading")
        DONE = "done", _("Marked")

    class FinishedBy(models.TextChoices):
        LEARNER = "learner", _("Submitted by the learner")
        DEADLINE = "deadline", _("Submitted at the deadline")

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attempts"
    )
    blueprint = models.ForeignKey(Blueprint, on_delete=models.PROTECT, related_name="attempts")
    language = models.CharField(max_length=10)
    started_at = models.DateTimeField(default=timezone.now)
    deadline = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    finished_by = models.CharField(max_length=10, choices=FinishedBy, blank=True)
    status = models.CharField(max_length=20, choices=Status, default=Status.OPEN)
    score = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    part_scores = models.JSONField(default=dict, blank=True)  # {"theory": 72.5, ...}
    passed = models.BooleanField(null=True)

    objects = AttemptQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("mock-exam attempt")
        verbose_name_plural = _("mock-exam attempts")
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "blueprint"],
                condition=models.Q(submitted_at__isnull=True),
                name="one_open_attempt_per_blueprint",
            )
        ]
        indexes = [models.Index(fields=["submitted_at", "deadline"])]

    def __str__(self):
        return f"{self.learner} · {self.blueprint}"

    def get_absolute_url(self):
        return reverse("exams:attempt", args=[self.pk])

    @property
    def is_open(self):
        return self.submitted_at is None

    def remaining_seconds(self, now=None):
        # Rounded up, so that a page counting down reaches zero at the deadline, not before.
        return max(0, math.ceil((self.deadline - (now or timezone.now())).total_seconds()))

    def accepts_saves(self, now=None):
        """Saves are taken until the deadline plus a grace that absorbs network lag."""
        return self.is_open and (now or timezone.now()) <= self.deadline + GRACE


class AttemptItem(models.Model):
    """One question of an attempt's paper, the exact version drawn, and the answer."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField()
    section = models.ForeignKey(BlueprintSection, on_delete=models.PROTECT, related_name="+")
    paper = models.CharField(max_length=10, choices=Paper)
    question = models.ForeignKey(
        "question_bank.Question", on_delete=models.PROTECT, related_name="attempt_items"
    )
    version = models.ForeignKey(
        "question_bank.QuestionVersion", on_delete=models.PROTECT, related_name="attempt_items"
    )
    points = models.DecimalField(max_digits=5, decimal_places=2)
    option_order = models.JSONField(null=True, blank=True)  # the shuffled order shown
    response = models.JSONField(null=True, blank=True)
    seq = models.PositiveIntegerField(default=0)  # the newest save's sequence number
    saved_at = models.DateTimeField(null=True, blank=True)
    flagged = models.BooleanField(default=False)
    fraction = models.FloatField(null=True, blank=True)  # the automatic score
    grade_fraction = models.FloatField(null=True, blank=True)  # an instructor's grade wins
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    graded_at = models.DateTimeField(null=True, blank=True)
    grade_comment = models.TextField(blank=True)

    class Meta:
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "position"], name="unique_attempt_position")
        ]

    def __str__(self):
        return f"{self.attempt_id}#{self.position}"

    def feedback(self):
        """The scorer's feedback on the answer (worked out when shown, not stored)."""
        question_type = types.get_type(self.question.type)
        return question_type.score(self.version.payload, self.response or {}).feedback

    @property
    def final_fraction(self):
        return self.grade_fraction if self.grade_fraction is not None else self.fraction

    @property
    def earned(self):
        fraction = self.final_fraction
        return None if fraction is None else float(self.points) * fraction


class FunctionScoreQuerySet(models.QuerySet):
    def rebuild(self, attempt_ids):
        """Work these attempts' rows out again from their items' final fractions (an
        instructor's grade wins over the automatic score; items still waiting count nowhere)."""
        attempt_ids = list(attempt_ids)
        self.filter(attempt_id__in=attempt_ids).delete()
        sums = (
            AttemptItem.objects.filter(attempt_id__in=attempt_ids)
            .alias(final=Coalesce("grade_fraction", "fraction"))
            .filter(final__isnull=False)
            .values("attempt_id", "paper", function_id=models.F("question__function_id"))
            .annotate(total=models.Sum("final"), answers=models.Count("pk"))
            .order_by()
        )
        self.bulk_create([self.model(**row) for row in sums], batch_size=2000)


class FunctionScore(models.Model):
    """An attempt's marked answers summed per vocational function and paper.

    The center's weakness map reads these instead of every answer of every paper (about 50
    rows per paper become 5); `papers` rebuilds an attempt's rows whenever its score changes.
    """

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="function_scores")
    function = models.ForeignKey(
        "question_bank.VocationalFunction", on_delete=models.CASCADE, related_name="+"
    )
    paper = models.CharField(max_length=10, choices=Paper)
    answers = models.PositiveIntegerField()  # marked answers
    total = models.FloatField()  # the sum of their final fractions

    objects = FunctionScoreQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "function", "paper"], name="unique_function_score"
            )
        ]

    def __str__(self):
        return f"{self.attempt_id} · {self.function_id} · {self.paper}"


class RegradeLog(models.Model):
    """An audit entry: the attempts on a version were rescored after its key was fixed."""

    question = models.ForeignKey(
        "question_bank.Question", on_delete=models.CASCADE, related_name="regrades"
    )
    old_version = models.ForeignKey(
        "question_bank.QuestionVersion", on_delete=models.CASCADE, related_name="+"
    )
    new_version = models.ForeignKey(
        "question_bank.QuestionVersion", on_delete=models.CASCADE, related_name="+"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    items_rescored = models.PositiveIntegerField(default=0)
    attempts_changed = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-at"]

    def __str__(self):
        return f"{self.question} v{self.old_version.number}→v{self.new_version.number}"


class RealExamResult(models.Model):
    """A real evaluation session of the center, as the center admin records it, to compare
    mock pass rates with what really happened."""

    center = models.ForeignKey(
        "accounts.TrainingCenter", on_delete=models.CASCADE, related_name="real_exam_results"
    )
    session_date = models.DateField(_("session date"))
    level = models.PositiveSmallIntegerField(_("level"), choices=Level)
    cohort = models.ForeignKey(
        "accounts.Cohort",
        verbose_name=_("cohort"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="real_exam_results",
    )
    sat = models.PositiveIntegerField(_("people who sat"))
    certified = models.PositiveIntegerField(_("people certified"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-session_date"]
        verbose_name = _("real exam result")
        verbose_name_plural = _("real exam results")

    def __str__(self):
        return f"{self.center} {self.session_date} L{self.level}"
