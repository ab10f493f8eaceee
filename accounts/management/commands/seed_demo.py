from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import Cohort, JoinCode, Level, Role, TrainingCenter, User

DEMO_CENTER = "浦江示范培训中心"
DEMO_COHORT = "2026 冬季周末班（三级）"
DEMO_JOIN_CODE = "DEMO2026"
# (username, password, role, full name); the outsider belongs to another center.
DEMO_ACCOUNTS = [
    ("learner", "learn-2026", Role.LEARNER, "李小雨"),
    ("instructor", "teach-2026", Role.INSTRUCTOR, "王老师"),
    ("centeradmin", "manage-2026", Role.CENTER_ADMIN, "陈主任"),
]


class Command(BaseCommand):
    help = "Create a demo center, cohort, join code and one account per role (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        center, _ = TrainingCenter.objects.get_or_create(
            name=DEMO_CENTER, defaults={"city": "上海"}
        )
        cohort, _ = Cohort.objects.get_or_create(
            center=center, name=DEMO_COHORT, defaults={"level": Level.LEVEL_3}
        )
        JoinCode.objects.get_or_create(
            code=DEMO_JOIN_CODE, defaults={"center": center, "cohort": cohort}
        )
        for username, password, role, full_name in DEMO_ACCOUNTS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "role": role,
                    "center": center,
                    "full_name": full_name,
                    "target_level": Level.LEVEL_3,
                },
            )
            if created:
                user.set_password(password)
                user.save()
            if role == Role.LEARNER:
                cohort.learners.add(user)
            elif role == Role.INSTRUCTOR:
                cohort.instructors.add(user)

        self.stdout.write("Demo accounts (username / password):")
        for username, password, role, _ in DEMO_ACCOUNTS:
            self.stdout.write(f"  {role.label:<14} {username} / {password}")
        self.stdout.write(f"Join code for new learners: {DEMO_JOIN_CODE}")
