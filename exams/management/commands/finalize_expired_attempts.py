from django.core.management.base import BaseCommand
from django.utils import timezone

from exams import papers
from exams.models import Attempt


class Command(BaseCommand):
    help = (
        "Finalise mock-exam attempts left open past their deadline (plus the grace), stamping "
        "each at its deadline. Safe to run every minute; finalising twice changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="list them, change nothing")

    def handle(self, *args, **options):
        now = timezone.now()
        expired = list(Attempt.objects.expired(now).select_related("learner", "blueprint"))
        for attempt in expired:
            if options["dry_run"]:
                self.stdout.write(f"would finalise {attempt.pk}: {attempt}")
            else:
                papers.finalize_if_expired(attempt, now)
        verb = "would finalise" if options["dry_run"] else "finalised"
        self.stdout.write(f"{verb} {len(expired)} attempt(s).")
