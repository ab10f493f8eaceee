from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.models import TrainingCenter
from question_bank.importing import Defaults, apply_import, plan_import, read_bank_file


class Command(BaseCommand):
    help = (
        "Import questions from a bank file: .json (our format), .xlsx, .csv, .gift/.txt or "
        ".xml (Moodle). The whole file is checked first; nothing is imported unless all of "
        "it is valid (or --only-valid is given)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--center",
            help="name of the training center that owns them (default: the platform's shared bank)",
        )
        parser.add_argument(
            "--language",
            default="zh-hans",
            choices=["zh-hans", "en"],
            help="language of files that do not say (spreadsheets, GIFT, XML)",
        )
        parser.add_argument("--levels", default="", help="levels for entries without any, e.g. 4,3")
        parser.add_argument("--function", help="function code for entries without one")
        parser.add_argument("--work-content", help="work-content code for entries without one")
        parser.add_argument(
            "--status",
            default="draft",
            choices=["draft", "review", "published", "retired"],
            help="status for entries without one",
        )
        parser.add_argument(
            "--only-valid",
            action="store_true",
            help="import the valid entries even when others have problems",
        )
        parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        center = None
        if options["center"]:
            center = TrainingCenter.objects.filter(name=options["center"]).first()
            if center is None:
                raise CommandError(f"No training center named {options['center']!r}.")
        try:
            levels = [int(level) for level in options["levels"].split(",") if level.strip()]
        except ValueError:
            raise CommandError("--levels takes numbers separated by commas, e.g. 4,3") from None
        defaults = Defaults(
            levels=levels,
            function=options["function"],
            work_content=options["work_content"],
            status=options["status"],
        )
        parsed = read_bank_file(
            path.name, path.read_bytes(), language=options["language"], asset_root=path.parent
        )
        plan = plan_import(parsed, center=center, defaults=defaults)
        report_plan(self, plan)
        if plan.problems and not options["only_valid"]:
            raise CommandError(
                "Nothing was imported: fix the problems above, or use "
                "--only-valid to import the valid entries."
            )
        if options["dry_run"]:
            self.stdout.write("Dry run: nothing was written.")
            return
        written = apply_import(plan, center=center, only_valid=options["only_valid"])
        self.stdout.write(self.style.SUCCESS(f"Imported {len(written)} question(s)."))


def report_plan(command, plan):
    for where, message in plan.problems:
        command.stderr.write(f"{where}: {message}" if where else message)
    for where, message in plan.duplicates:
        command.stdout.write(f"duplicate, skipped: {where}: {message}")
    command.stdout.write(
        f"{plan.count('new')} new, {plan.count('update')} updated, "
        f"{plan.count('unchanged')} unchanged, {len(plan.duplicates)} duplicate(s), "
        f"{len(plan.problems)} problem(s)."
    )
