from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from question_bank.importing import apply_import, plan_import, read_bank_file
from question_bank.management.commands.import_questions import report_plan
from question_bank.models import Status

STARTER_DIR = Path(__file__).resolve().parents[2] / "starter"


class Command(BaseCommand):
    help = (
        "Load the starter bank shipped in question_bank/starter/ into the platform's shared "
        "bank. Idempotent: unchanged questions are left alone, changed ones get a new version."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")

    @transaction.atomic
    def handle(self, *args, **options):
        files = sorted(STARTER_DIR.glob("*/*.json"))
        if not files:
            raise CommandError(f"No bank files under {STARTER_DIR}.")
        total = 0
        for path in files:
            parsed = read_bank_file(path.name, path.read_bytes(), asset_root=STARTER_DIR)
            for _where, entry in parsed.entries:
                entry.setdefault("status", Status.PUBLISHED)
            plan = plan_import(parsed)
            self.stdout.write(f"{path.relative_to(STARTER_DIR)}:")
            report_plan(self, plan)
            if plan.problems:
                raise CommandError(f"{path.name} has problems; nothing was loaded.")
            if not options["dry_run"]:
                total += len(apply_import(plan))
        self.stdout.write(self.style.SUCCESS(f"Starter bank loaded: {total} question(s) written."))
