import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from question_bank import types
from question_bank.exporting import export_bank
from question_bank.importing import (
    Defaults,
    apply_import,
    plan_import,
    read_bank_file,
)
from question_bank.models import Question, QuestionAsset, QuestionVersion, Status

STARTER = Path(__file__).resolve().parents[2] / "question_bank" / "starter"


FILL_IN = {
    "key": "t-fill-in-sample",
    "type": "fill_in",
    "levels": [4],
    "function": "l4-data",
    "work_content": "l4-quality-check",
    "difficulty": 2,
    "tags": ["箱线图"],
    "status": "published",
    "content": {
        "zh-Hans": {
            "stem": "下四分位数为 20、上四分位数为 40 时，按 1.5 倍四分位距规则，上界是多少？",
            "payload": {"mode": "number", "value": 70, "tolerance": 0},
            "explanation": "IQR = 40 − 20 = 20，上界 = 40 + 1.5 × 20 = 70。",
            "reference": "描述统计：四分位距",
        },
        "en": {
            "stem": "With Q1 = 20 and Q3 = 40, what is the upper fence by the 1.5 × IQR rule?",
            "payload": {"mode": "number", "value": 70, "tolerance": 0},
            "explanation": "IQR = 40 − 20 = 20; upper fence = 40 + 1.5 × 20 = 70.",
            "reference": "Descriptive statistics: interquartile range",
        },
    },
}


def _one_entry_per_type():
    chosen = {"fill_in": FILL_IN}
    for path in sorted(STARTER.glob("*/*.json")):
        for entry in json.loads(path.read_text(encoding="utf-8"))["questions"]:
            chosen.setdefault(entry["type"], entry)
    assert set(chosen) == set(types.TYPES)
    return list(chosen.values())


def _import(document, *, center=None, defaults=None, only_valid=False, asset_root=STARTER):
    data = json.dumps(document, ensure_ascii=False, indent=1).encode()
    plan = plan_import(
        read_bank_file("bank.json", data, asset_root=asset_root), center=center, defaults=defaults
    )
    if plan.is_valid or only_valid:
        apply_import(plan, center=center, only_valid=only_valid)
    return plan


def _bank(entries):
    return {"format": "aitrainer-bank", "version": 1, "questions": entries}


def test_export_then_import_round_trips_every_type_without_loss(db):
    plan = _import(_bank(_one_entry_per_type()))
    assert plan.problems == []
    first = export_bank(Question.objects.all())
    assert len(first["questions"]) == len(types.TYPES)

    Question.objects.all().delete()
    QuestionAsset.objects.all().delete()
    plan = _import(first, asset_root=None)
    assert plan.problems == []
    assert export_bank(Question.objects.all()) == first


def test_the_export_keeps_both_languages_of_an_item_in_one_entry(db):
    _import(_bank(_one_entry_per_type()[:1]))
    (entry,) = export_bank(Question.objects.all())["questions"]
    assert set(entry["content"]) == {"zh-Hans", "en"}
    zh, en = Question.objects.order_by("-language")
    assert zh.translation() == en


def test_a_bad_entry_is_reported_with_its_line_and_nothing_is_imported(db):
    entries = _one_entry_per_type()[:3]
    entries[1] = {**entries[1], "difficulty": 9}
    plan = _import(_bank(entries))
    assert not plan.is_valid
    ((where, message),) = plan.problems
    assert "question 2" in where and "line" in where
    assert "Difficulty" in message
    assert Question.objects.count() == 0


def test_payload_problems_name_the_field(db):
    broken = json.loads(json.dumps(FILL_IN))
    broken["content"]["en"]["payload"] = {"mode": "text"}
    plan = _import(_bank([broken]))
    ((where, message),) = plan.problems
    assert message == "en payload: alternatives is required."


def test_the_instructor_may_import_only_the_valid_entries(db):
    entries = _one_entry_per_type()[:3]
    entries[1] = {**entries[1], "work_content": "no-such-content"}
    _import(_bank(entries), only_valid=True)
    assert Question.objects.values("key").distinct().count() == 2


def test_a_duplicate_is_reported_not_doubled(db):
    entry = _one_entry_per_type()[0]
    _import(_bank([entry]))
    copy = {**entry, "key": "a-new-key-for-the-same-question"}
    plan = _import(_bank([copy]))
    assert len(plan.duplicates) == 2  # both languages
    assert not Question.objects.filter(key=copy["key"]).exists()


def test_importing_the_same_file_twice_changes_nothing(db):
    document = _bank(_one_entry_per_type())
    _import(document)
    plan = _import(document)
    assert plan.count("unchanged") == 2 * len(types.TYPES)
    assert QuestionVersion.objects.count() == 2 * len(types.TYPES)


def test_an_updated_entry_makes_a_new_version_of_a_published_question(db):
    entry = {**_one_entry_per_type()[0], "status": "published"}
    _import(_bank([entry]))
    changed = json.loads(json.dumps(entry))
    changed["content"]["zh-Hans"]["explanation"] += "（已更新）"
    plan = _import(_bank([changed]))
    assert plan.count("update") == 1
    question = Question.objects.get(key=entry["key"], language="zh-hans")
    assert question.latest_version.number == 2
    assert question.published_version == question.latest_version
    assert question.versions.get(number=1).frozen


def test_defaults_fill_what_a_file_does_not_say(db):
    entry = _one_entry_per_type()[0]
    bare = {k: v for k, v in entry.items() if k not in ("levels", "function", "work_content")}
    defaults = Defaults(
        levels=[4],
        function=entry["function"],
        work_content=entry["work_content"],
        status=Status.DRAFT,
    )
    plan = _import(_bank([bare]), defaults=defaults)
    assert plan.problems == []
    assert Question.objects.filter(levels=",4,").count() == 2


def test_a_wrong_file_type_or_an_oversized_file_gets_a_clear_message():
    (problem,) = read_bank_file("bank.docx", b"x").problems
    assert ".docx" in problem[1]
    (problem,) = read_bank_file("bank.json", b" " * (10 * 1024 * 1024 + 1)).problems
    assert "larger than 10 MB" in problem[1]


def test_a_file_that_is_not_json_or_not_utf8_is_refused():
    (problem,) = read_bank_file("bank.json", b'{"format": ').problems
    assert "not valid JSON" in problem[1]
    (problem,) = read_bank_file("bank.json", "题目".encode("gbk")).problems
    assert "UTF-8" in problem[1]


def test_the_commands_import_and_export(db, tmp_path):
    path = tmp_path / "bank.json"
    without_pictures = [e for e in _one_entry_per_type() if e["type"] != "bounding_box"]
    path.write_text(json.dumps(_bank(without_pictures[:2]), ensure_ascii=False))
    call_command("import_questions", str(path), stdout=io.StringIO())
    assert Question.objects.count() == 4
    out = io.StringIO()
    call_command("export_questions", stdout=out)
    assert len(json.loads(out.getvalue())["questions"]) == 2


def test_the_import_command_refuses_a_file_with_problems(db, tmp_path):
    path = tmp_path / "bank.json"
    path.write_text(json.dumps(_bank([{"type": "nonsense"}])))
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_questions", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert Question.objects.count() == 0
