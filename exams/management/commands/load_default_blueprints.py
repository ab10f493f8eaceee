import json
from decimal import Decimal
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from exams import papers
from exams.models import Blueprint, BlueprintSection
from question_bank.models import VocationalFunction, WorkContent

DEFAULTS = Path(__file__).resolve().parents[2] / "data" / "blueprints.json"


class Command(BaseCommand):
    help = (
        "Create or update the platform's default mock-exam blueprints from exams/data/"
        "blueprints.json (idempotent), and report any section the bank cannot fill."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        data = json.loads(DEFAULTS.read_text(encoding="utf-8"))
        for spec in data["blueprints"]:
            blueprint, created = Blueprint.objects.update_or_create(
                key=spec["key"],
                defaults={
                    "center": None,
                    "name": f"{spec['name_zh']} · {spec['name_en']}",
                    "level": spec["level"],
                    "duration_minutes": spec["duration_minutes"],
                },
            )
            total = Decimal(0)
            # Sections are updated in place by position: attempts keep pointing at them.
            for position, section in enumerate(spec["sections"]):
                points = Decimal(section["points_per_item"])
                total += points * section["count"]
                BlueprintSection.objects.update_or_create(
                    blueprint=blueprint,
                    position=position,
                    defaults={
                        "title": f"{section['title_zh']} · {section['title_en']}",
                        "paper": section["paper"],
                        "function": _function(section.get("function")),
                        "work_content": _content(section.get("work_content")),
                        "types": section.get("types", []),
                        "count": section["count"],
                        "points_per_item": points,
                    },
                )
            blueprint.sections.filter(position__gte=len(spec["sections"])).delete()
            if total != 100:
                raise CommandError(f"{spec['key']} adds up to {total} points, not 100.")
            self.stdout.write(f"{'created' if created else 'updated'} {blueprint.name}")
            for language in ("zh-hans", "en"):
                for section, needed, available in papers.shortfalls(blueprint, language=language):
                    self.stderr.write(f"  {language}: {section} needs {needed}, has {available}")


def _function(code):
    if code is None:
        return None
    try:
        return VocationalFunction.objects.get(code=code)
    except VocationalFunction.DoesNotExist:
        raise CommandError(f"Unknown function {code!r}.") from None


def _content(code):
    if code is None:
        return None
    try:
        return WorkContent.objects.get(code=code)
    except WorkContent.DoesNotExist:
        raise CommandError(f"Unknown work content {code!r}.") from None
