import json
from pathlib import Path

from django.db import migrations

TAXONOMY = Path(__file__).resolve().parent.parent / "data" / "taxonomy.json"


def seed_taxonomy(apps, schema_editor):
    """The functions and work contents of the standard, from question_bank/data/taxonomy.json.
    Existing rows are left as they are, so weights edited in the admin survive."""
    VocationalFunction = apps.get_model("question_bank", "VocationalFunction")
    WorkContent = apps.get_model("question_bank", "WorkContent")
    data = json.loads(TAXONOMY.read_text(encoding="utf-8"))
    for position, item in enumerate(data["functions"]):
        contents = item.pop("work_contents")
        function, _ = VocationalFunction.objects.get_or_create(
            code=item.pop("code"), defaults={**item, "position": position}
        )
        for content_position, content in enumerate(contents):
            WorkContent.objects.get_or_create(
                code=content.pop("code"),
                defaults={**content, "function": function, "position": content_position},
            )


def remove_taxonomy(apps, schema_editor):
    apps.get_model("question_bank", "WorkContent").objects.all().delete()
    apps.get_model("question_bank", "VocationalFunction").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("question_bank", "0001_initial")]

    operations = [migrations.RunPython(seed_taxonomy, remove_taxonomy)]
