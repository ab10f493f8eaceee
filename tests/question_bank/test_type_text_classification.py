import json

import pytest
from django.core.exceptions import ValidationError

from question_bank.types import get_type
from question_bank.types.base import InvalidResponse

TYPE = get_type("text_classification")
PAYLOAD = {
    "labels": ["正面", "负面", "中性"],
    "items": [
        {"id": "c1", "text": "物流很快，包装完好。", "gold": "正面"},
        {"id": "c2", "text": "用了三天就坏了。", "gold": "负面"},
        {"id": "c3", "text": "可以开发票吗？", "gold": "中性"},
        {"id": "c4", "text": "味道不错，下次还来。", "gold": "正面"},
    ],
}


def item(**changes):
    return {"labels": PAYLOAD["labels"], "items": [{**PAYLOAD["items"][0], **changes}]}


def test_it_accepts_a_valid_payload():
    assert TYPE.validate_payload(PAYLOAD) == PAYLOAD


@pytest.mark.parametrize(
    "payload, field, code",
    [
        ({"labels": ["正面", "负面"]}, "items", "required"),
        ({"labels": ["正面"], "items": PAYLOAD["items"]}, "labels", "too_few"),
        ({"labels": ["正面", "正面"], "items": []}, "labels[1]", "duplicate"),
        ({"labels": ["正面", "负面"], "items": []}, "items", "too_few"),
        (item(gold="好评"), "items[0].gold", "invalid_choice"),
        (item(id=""), "items[0].id", "blank"),
        (item(id=1), "items[0].id", "invalid_type"),
        (item(text=None), "items[0].text", "invalid_type"),
        (item(note="x"), "items[0].note", "unknown_key"),
        (
            {**PAYLOAD, "items": [PAYLOAD["items"][0], {**PAYLOAD["items"][1], "id": "c1"}]},
            "items[1].id",
            "duplicate",
        ),
        ({**PAYLOAD, "items": ["c1"]}, "items[0]", "invalid_type"),
    ],
)
def test_it_rejects_a_malformed_payload_naming_the_field(payload, field, code):
    with pytest.raises(ValidationError) as error:
        TYPE.validate_payload(payload)
    assert [e.code for e in error.value.error_dict[field]] == [code]


def test_the_learner_view_has_the_texts_but_no_gold_label():
    view = TYPE.learner_view(PAYLOAD)
    assert view["items"][0] == {"id": "c1", "text": "物流很快，包装完好。"}
    assert "gold" not in json.dumps(view)


def test_it_gives_no_credit_for_an_empty_response():
    assert TYPE.validate_response(PAYLOAD, {}) == {"labels": {}}
    score = TYPE.score(PAYLOAD, {"labels": {}})
    assert score.fraction == 0.0
    assert [w["given"] for w in score.feedback["wrong"]] == [None] * 4


def test_it_gives_full_credit_for_the_solution():
    score = TYPE.score(PAYLOAD, TYPE.validate_response(PAYLOAD, TYPE.solution(PAYLOAD)))
    assert score.fraction == 1.0
    assert score.feedback["wrong"] == []


def test_it_scores_the_accuracy_counting_unlabelled_items_wrong():
    # c1 right, c2 wrong, c3 right, c4 unlabelled (a null label clears it): 2 of 4 = 0.5.
    response = TYPE.validate_response(
        PAYLOAD, {"labels": {"c1": "正面", "c2": "中性", "c3": "中性", "c4": None}}
    )
    assert response == {"labels": {"c1": "正面", "c2": "中性", "c3": "中性"}}
    score = TYPE.score(PAYLOAD, response)
    assert score.fraction == 0.5
    assert score.feedback["accuracy"] == 0.5
    assert score.feedback["wrong"] == [
        {"id": "c2", "gold": "负面", "given": "中性"},
        {"id": "c4", "gold": "正面", "given": None},
    ]
    assert score.feedback["confusion"] == {
        "正面": {"正面": 1, "负面": 0, "中性": 0},
        "负面": {"正面": 0, "负面": 0, "中性": 1},
        "中性": {"正面": 0, "负面": 0, "中性": 1},
    }


@pytest.mark.parametrize(
    "response",
    [
        {"labels": {"c9": "正面"}},
        {"labels": {"c1": "好评"}},
        {"labels": {"c1": ["正面"]}},
        {"labels": [["c1", "正面"]]},
        {"c1": "正面"},
    ],
)
def test_it_rejects_a_malformed_response(response):
    with pytest.raises(InvalidResponse):
        TYPE.validate_response(PAYLOAD, response)
