"""The starter bank as shipped: complete, well formed, bilingual, and loadable twice."""

import json
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import call_command

from question_bank import types
from question_bank.importing import plan_import, read_bank_file
from question_bank.models import Question, QuestionAsset, Status, WorkContent
from question_bank.types.base import normalise_text

STARTER = Path(__file__).resolve().parents[2] / "question_bank" / "starter"
FILES = sorted(STARTER.glob("*/*.json"))


def _entries():
    for path in FILES:
        yield from json.loads(path.read_text(encoding="utf-8"))["questions"]


def test_every_file_parses_and_every_payload_fits_its_type(db):
    for path in FILES:
        parsed = read_bank_file(path.name, path.read_bytes(), asset_root=STARTER)
        plan = plan_import(parsed)
        assert plan.problems == [], f"{path.name}: {plan.problems[:5]}"
        assert plan.duplicates == [], f"{path.name}: {plan.duplicates[:5]}"


def test_every_item_is_in_chinese_and_english_with_an_explanation_in_both():
    for entry in _entries():
        assert set(entry["content"]) == {"zh-Hans", "en"}, entry["key"]
        for language, body in entry["content"].items():
            assert body["explanation"].strip(), f"{entry['key']} {language}"
            assert body["stem"].strip(), f"{entry['key']} {language}"


def test_no_two_items_share_a_normalised_stem():
    for language in ("zh-Hans", "en"):
        stems = Counter(normalise_text(e["content"][language]["stem"]) for e in _entries())
        repeated = [stem[:50] for stem, count in stems.items() if count > 1]
        assert repeated == [], language


def test_keys_are_unique():
    keys = Counter(e["key"] for e in _entries())
    assert [k for k, n in keys.items() if n > 1] == []


def test_there_are_500_theory_items_in_roughly_the_papers_mix():
    theory = Counter(e["type"] for e in _entries() if e["type"] in types.THEORY_TYPES)
    total = sum(theory.values())
    assert total >= 500
    assert 0.18 <= theory["true_false"] / total <= 0.32
    assert 0.55 <= theory["single_choice"] / total <= 0.75
    assert 0.05 <= theory["multiple_choice"] / total <= 0.15


@pytest.mark.django_db
@pytest.mark.parametrize("level", [4, 3])
def test_every_work_content_of_levels_4_and_3_has_ten_theory_items(level):
    counts = Counter(e["work_content"] for e in _entries() if e["type"] in types.THEORY_TYPES)
    contents = WorkContent.objects.filter(function__level=level)
    assert contents.exists()
    thin = {c.code: counts[c.code] for c in contents if counts[c.code] < 10}
    assert thin == {}


def test_basic_requirements_and_the_genai_extension_are_covered():
    counts = Counter(e["work_content"] for e in _entries() if e["type"] in types.THEORY_TYPES)
    for code in [
        "basic-ethics",
        "basic-laws",
        "basic-computing-ai",
        "genai-prompt",
        "genai-applications",
    ]:
        assert counts[code] >= 10, code


def test_every_practical_type_has_five_tasks_and_there_are_sixty():
    practical = Counter(e["type"] for e in _entries() if e["type"] in types.PRACTICAL_TYPES)
    assert sum(practical.values()) >= 60
    assert {t: practical[t] for t in types.PRACTICAL_TYPES if practical[t] < 5} == {}


def test_the_gold_answer_of_every_scored_item_earns_full_marks():
    for entry in _entries():
        question_type = types.get_type(entry["type"])
        if question_type.human_graded:
            continue
        for body in entry["content"].values():
            payload = body["payload"]
            if entry["type"] == "bounding_box":
                payload = {**payload, "image": "stand-in"}
            payload = question_type.validate_payload(payload)
            assert question_type.score(payload, question_type.solution(payload)).correct, entry[
                "key"
            ]


def test_loading_twice_changes_nothing(db):
    call_command("load_starter_bank", stdout=_Quiet(), stderr=_Quiet())
    count = Question.objects.count()
    versions = sorted(Question.objects.values_list("pk", "latest_version__number"))
    assert count == 2 * sum(1 for _ in _entries())
    assert not Question.objects.exclude(status=Status.PUBLISHED).exists()
    assert QuestionAsset.objects.count() == 8

    call_command("load_starter_bank", stdout=_Quiet(), stderr=_Quiet())
    assert Question.objects.count() == count
    assert sorted(Question.objects.values_list("pk", "latest_version__number")) == versions


class _Quiet:
    def write(self, *args, **kwargs):
        pass

    def flush(self):
        pass
