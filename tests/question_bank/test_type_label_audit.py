import json

import pytest
from django.core.exceptions import ValidationError

from question_bank.types import get_type
from question_bank.types.base import InvalidResponse

TYPE = get_type("label_audit")
ITEMS = [
    {"id": "a1", "text": "包装完好，物流很快。", "given": "正面", "gold": "正面"},
    {"id": "a2", "text": "今天点了一份宫保鸡丁。", "given": "正面", "gold": "中性"},
    {"id": "a3", "text": "分量足，还送了饮料！", "given": "中性", "gold": "正面"},
    {"id": "a4", "text": "太咸了，吃不下。", "given": "负面", "gold": "负面"},
    {"id": "a5", "text": "老板回复及时，问题很快解决。", "given": "负面", "gold": "正面"},
]
PAYLOAD = TYPE.validate_payload({"labels": ["正面", "负面", "中性"], "items": ITEMS})


def with_item(**changes):
    return {"labels": ["正面", "负面", "中性"], "items": [{**ITEMS[1], **changes}]}


def test_it_fills_in_the_correction_weight():
    assert PAYLOAD == {"labels": ["正面", "负面", "中性"], "items": ITEMS, "correction_weight": 0.3}


@pytest.mark.parametrize(
    "payload, field, code",
    [
        ({"labels": ["正面", "负面"]}, "items", "required"),
        ({"labels": ["正面"], "items": ITEMS}, "labels", "too_few"),
        (with_item(given="好评"), "items[0].given", "invalid_choice"),
        (with_item(gold="差评"), "items[0].gold", "invalid_choice"),
        (with_item(gold=None), "items[0].gold", "invalid_choice"),
        (with_item(gold="正面"), "items", "no_errors"),
        (with_item(text=""), "items[0].text", "blank"),
        ({"labels": ["正面", "中性"], "items": [ITEMS[1], ITEMS[1]]}, "items[1].id", "duplicate"),
        ({**with_item(), "correction_weight": 1.2}, "correction_weight", "out_of_range"),
        ({**with_item(), "correction_weight": "0.3"}, "correction_weight", "invalid_type"),
    ],
)
def test_it_rejects_a_malformed_payload_naming_the_field(payload, field, code):
    with pytest.raises(ValidationError) as error:
        TYPE.validate_payload(payload)
    assert [e.code for e in error.value.error_dict[field]] == [code]


def test_the_learner_view_has_the_given_labels_but_no_gold():
    view = TYPE.learner_view(PAYLOAD)
    assert view["items"][1] == {"id": "a2", "text": "今天点了一份宫保鸡丁。", "given": "正面"}
    assert list(view) == ["labels", "items"]
    assert "gold" not in json.dumps(view)


def test_it_gives_no_credit_for_an_empty_response():
    assert TYPE.validate_response(PAYLOAD, {}) == {"flags": {}}
    score = TYPE.score(PAYLOAD, {"flags": {}})
    assert score.fraction == 0.0
    assert score.feedback["missed"] == ["a2", "a3", "a5"]


def test_it_gives_full_credit_for_the_solution():
    solution = TYPE.solution(PAYLOAD)
    assert solution == {"flags": {"a2": "中性", "a3": "正面", "a5": "正面"}}
    assert TYPE.score(PAYLOAD, TYPE.validate_response(PAYLOAD, solution)).fraction == 1.0


def test_flags_without_corrections_earn_the_flag_part_only():
    # F1 = 1, no corrections: 0.7 × 1 + 0.3 × 0.
    score = TYPE.score(PAYLOAD, {"flags": {"a2": None, "a3": None, "a5": None}})
    assert score.fraction == pytest.approx(0.7)


def test_it_weighs_the_flag_f1_and_the_corrections():
    response = TYPE.validate_response(PAYLOAD, {"flags": {"a4": None, "a3": "负面", "a2": "中性"}})
    assert list(response["flags"]) == ["a2", "a3", "a4"]
    score = TYPE.score(PAYLOAD, response)
    # Flags a2, a3 right, a4 false, a5 missed: P = R = F1 = 2/3. One of three planted errors
    # corrected (a2): 0.7 × 2/3 + 0.3 × 1/3 = 1.7/3.
    assert score.fraction == pytest.approx(1.7 / 3)
    assert score.feedback["f1"] == pytest.approx(2 / 3)
    assert score.feedback["flagged_right"] == ["a2", "a3"]
    assert score.feedback["missed"] == ["a5"]
    assert score.feedback["false_flags"] == ["a4"]
    assert score.feedback["corrections"] == {"right": ["a2"], "wrong": ["a3"]}
    assert score.feedback["planted"] == {"a2": "中性", "a3": "正面", "a5": "正面"}


@pytest.mark.parametrize(
    "response",
    [
        {"flags": {"a9": None}},
        {"flags": {"a2": "好评"}},
        {"flags": {"a2": "正面"}},
        {"flags": ["a2"]},
        {"flags": {"a2": ["中性"]}},
        {"labels": {"a2": "中性"}},
    ],
)
def test_it_rejects_a_malformed_response(response):
    with pytest.raises(InvalidResponse):
        TYPE.validate_response(PAYLOAD, response)
