import random
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Cohort, Level, Role, TrainingCenter, User
from exams.models import (
    Attempt,
    AttemptItem,
    Blueprint,
    FunctionScore,
    PracticeItem,
    PracticeSession,
)
from question_bank.models import Question

BATCH = 20_000


class Command(BaseCommand):
    help = (
        "Fill the database with a large, realistic data set for benchmarks: centers, cohorts, "
        "learners with mock attempts and practice. Needs the starter bank and the default "
        "blueprints. Never run it on a production database."
    )

    def add_arguments(self, parser):
        parser.add_argument("--centers", type=int, default=20)
        parser.add_argument("--learners", type=int, default=5000, help="in all")
        parser.add_argument("--attempts", type=int, default=100_000, help="in all")
        parser.add_argument("--items-per-attempt", type=int, default=50)
        parser.add_argument(
            "--practice-per-learner", type=int, default=40, help="practice answers per learner"
        )
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, **options):
        rng = random.Random(options["seed"])
        blueprint = Blueprint.objects.filter(key="default-l3-theory").first()
        questions = list(
            Question.objects.published()
            .filter(language="zh-hans", type__in=["true_false", "single_choice", "multiple_choice"])
            .values_list("pk", "published_version_id")
        )
        if blueprint is None or not questions:
            raise CommandError("Load the starter bank and the default blueprints first.")
        section = blueprint.sections.first()
        password = make_password("benchmark-2026")
        now = timezone.now()
        with transaction.atomic():
            centers = TrainingCenter.objects.bulk_create(
                TrainingCenter(name=f"基准培训中心 {n:02d}", city="上海")
                for n in range(options["centers"])
            )
            cohorts = Cohort.objects.bulk_create(
                Cohort(center=center, name=f"周末班 {k}", level=Level.LEVEL_3)
                for center in centers
                for k in range(5)
            )
            learners = User.objects.bulk_create(
                (
                    User(
                        username=f"bench{n:05d}",
                        role=Role.LEARNER,
                        password=password,
                        center=centers[n % len(centers)],
                        target_level=Level.LEVEL_3,
                        full_name=f"学员{n:05d}",
                    )
                    for n in range(options["learners"])
                ),
                batch_size=BATCH,
            )
            memberships = [
                Cohort.learners.through(
                    cohort=cohorts[(n % len(centers)) * 5 + n // len(centers) % 5], user=learner
                )
                for n, learner in enumerate(learners)
            ]
            Cohort.learners.through.objects.bulk_create(memberships, batch_size=BATCH)
        skill = {learner.pk: rng.uniform(0.35, 0.9) for learner in learners}
        self.stdout.write(
            f"{len(centers)} centers, {len(cohorts)} cohorts, {len(learners)} learners"
        )

        per_attempt = options["items_per_attempt"]
        points = 100 / per_attempt
        made = 0
        while made < options["attempts"]:
            chunk = min(BATCH // per_attempt, options["attempts"] - made)
            with transaction.atomic():
                attempts = []
                for n in range(chunk):
                    learner = learners[(made + n) % len(learners)]
                    started = now - timedelta(days=rng.randint(0, 360), minutes=rng.randint(0, 600))
                    attempts.append(
                        Attempt(
                            learner=learner,
                            blueprint=blueprint,
                            language="zh-hans",
                            started_at=started,
                            deadline=started + timedelta(minutes=90),
                            submitted_at=started + timedelta(minutes=rng.randint(30, 90)),
                            finished_by="learner",
                            status="done",
                        )
                    )
                Attempt.objects.bulk_create(attempts)
                items = []
                for attempt in attempts:
                    drawn = rng.sample(questions, per_attempt)
                    earned = 0.0
                    for position, (question_id, version_id) in enumerate(drawn):
                        right = rng.random() < skill[attempt.learner_id]
                        earned += points if right else 0
                        items.append(
                            AttemptItem(
                                attempt=attempt,
                                position=position,
                                section=section,
                                paper="theory",
                                question_id=question_id,
                                version_id=version_id,
                                points=points,
                                response={"choice": 0},
                                seq=1,
                                saved_at=attempt.submitted_at,
                                fraction=1.0 if right else 0.0,
                            )
                        )
                    attempt.part_scores = {"theory": round(earned, 2)}
                    attempt.score = round(earned, 2)
                    attempt.passed = earned >= 60
                AttemptItem.objects.bulk_create(items, batch_size=BATCH)
                Attempt.objects.bulk_update(
                    attempts, ["part_scores", "score", "passed"], batch_size=2000
                )
                FunctionScore.objects.rebuild(attempt.pk for attempt in attempts)
            made += chunk
            self.stdout.write(f"  {made} attempts")

        with transaction.atomic():
            sessions = PracticeSession.objects.bulk_create(
                (
                    PracticeSession(learner=learner, level=3, finished_at=now)
                    for learner in learners
                ),
                batch_size=BATCH,
            )
            items = []
            for session in sessions:
                for position in range(options["practice_per_learner"]):
                    question_id, version_id = rng.choice(questions)
                    when = now - timedelta(days=rng.randint(0, 60), minutes=rng.randint(0, 900))
                    right = rng.random() < skill[session.learner_id]
                    items.append(
                        PracticeItem(
                            session=session,
                            position=position,
                            question_id=question_id,
                            version_id=version_id,
                            category="theory" if position % 3 else "practical",
                            response={"choice": 0},
                            fraction=1.0 if right else 0.0,
                            answered_at=when,
                            active_seconds=rng.randint(20, 180),
                            active_at=when,
                        )
                    )
                if len(items) >= BATCH:
                    PracticeItem.objects.bulk_create(items, batch_size=BATCH)
                    items = []
            PracticeItem.objects.bulk_create(items, batch_size=BATCH)
        if connection.vendor == "postgresql":
            # Fresh planner statistics: without them the first queries over millions of
            # new rows pick plans a hundred times slower.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.stdout.write(self.style.SUCCESS("Done."))
