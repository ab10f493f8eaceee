from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.models import TrainingCenter
from question_bank.exporting import export_bank
from question_bank.formats import native
from question_bank.models import Question


class Command(BaseCommand):
    help = "Export the bank in our JSON format, to standard output or --output FILE."

    def add_arguments(self, parser):
        parser.add_argument("--output", help="file to write (default: standard output)")
        parser.add_argument(
            "--center",
            help="only this training center's questions (default: the platform's shared bank)",
        )

    def handle(self, *args, **options):
        questions = Question.objects.filter(center__isnull=True)
        if options["center"]:
            center = TrainingCenter.objects.filter(name=options["center"]).first()
            if center is None:
                raise CommandError(f"No training center named {options['center']!r}.")
            questions = Question.objects.filter(center=center)
        text = native.dumps(export_bank(questions))
        if options["output"]:
            Path(options["output"]).write_text(text, encoding="utf-8")
            self.stderr.write(f"Wrote {questions.count()} question(s) to {options['output']}.")
        else:
            self.stdout.write(text, ending="")
