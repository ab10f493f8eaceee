import json

import pytest
from django.core.exceptions import ValidationError

from question_bank.types import get_type
from question_bank.types.base import MAX_TEXT_LENGTH, InvalidResponse

TYPE = get_type("fill_in")
TEXT = TYPE.validate_payload({"mode": "text", "alternatives": ["过拟合", "Overfitting"]})
NUMBER = TYPE.validate_payload({"mode": "number", "value": 0.85, "tolerance": 0.005})


def test_it_fills_in_the_defaults_of_each_mode():
    assert TEXT == {
        "mode": "text",
        "alternatives": ["过拟合", "Overfitting"],
        "case_sensitive": False,
    }
    assert TYPE.validate_payload({"mode": "number", "value": 3}) == {
        "mode": "number",
        "value": 3,
        "tolerance": 0,
    }


@pytest.mark.parametrize(
    "payload, field, code",
    [
        ({"alternatives": ["x"]}, "mode", "invalid_choice"),
        ({"mode": "regex", "alternatives": ["x"]}, "mode", "invalid_choice"),
        ({"mode": "text"}, "alternatives", "required"),
        ({"mode": "text", "alternatives": []}, "alternatives", "too_few"),
        ({"mode": "text", "alternatives": ["a", "A"]}, "alternatives[1]", "duplicate"),
        ({"mode": "text", "alternatives": ["a"], "value": 1}, "value", "unknown_key"),
        (
            {"mode": "text", "alternatives": ["a"], "case_sensitive": 1},
            "case_sensitive",
            "invalid_type",
        ),
        ({"mode": "number"}, "value", "required"),
        ({"mode": "number", "value": "0.85"}, "value", "invalid_type"),
        ({"mode": "number", "value": float("nan")}, "value", "invalid_type"),
        ({"mode": "number", "value": 1, "tolerance": -0.1}, "tolerance", "out_of_range"),
        ({"mode": "number", "value": 1, "alternatives": ["1"]}, "alternatives", "unknown_key"),
    ],
)
def test_it_rejects_a_malformed_payload_naming_the_field(payload, field, code):
    with pytest.raises(ValidationError) as error:
        TYPE.validate_payload(payload)
    assert [e.code for e in error.value.error_dict[field]] == [code]


def test_case_sensitive_alternatives_may_differ_in_case_only():
    payload = {"mode": "text", "alternatives": ["pH", "PH"], "case_sensitive": True}
    assert TYPE.validate_payload(payload)["alternatives"] == ["pH", "PH"]


def test_the_learner_view_shows_the_mode_but_not_the_answer():
    assert TYPE.learner_view(TEXT) == {"mode": "text", "case_sensitive": False}
    assert TYPE.learner_view(NUMBER) == {"mode": "number"}
    assert "过拟合" not in json.dumps(TYPE.learner_view(TEXT), ensure_ascii=False)
    assert "0.85" not in json.dumps(TYPE.learner_view(NUMBER))


@pytest.mark.parametrize("payload", [TEXT, NUMBER])
def test_it_gives_no_credit_for_an_empty_response(payload):
    assert TYPE.validate_response(payload, {}) == {"text": ""}
    assert TYPE.score(payload, {"text": ""}).fraction == 0.0
    assert TYPE.score(payload, {"text": "   "}).fraction == 0.0


@pytest.mark.parametrize("payload", [TEXT, NUMBER])
def test_it_gives_full_credit_for_the_solution(payload):
    response = TYPE.validate_response(payload, TYPE.solution(payload))
    assert TYPE.score(payload, response).fraction == 1.0


def test_it_compares_text_after_normalising_width_space_and_case():
    score = TYPE.score(TEXT, {"text": "  ＯＶＥＲＦＩＴＴＩＮＧ "})
    assert score.fraction == 1.0
    assert score.feedback == {
        "expected": ["过拟合", "Overfitting"],
        "given": "  ＯＶＥＲＦＩＴＴＩＮＧ ",
        "normalised": "overfitting",
    }


def test_a_case_sensitive_item_wants_the_case_right():
    payload = TYPE.validate_payload(
        {"mode": "text", "alternatives": ["ReLU"], "case_sensitive": True}
    )
    assert TYPE.score(payload, {"text": "ReLU"}).fraction == 1.0
    assert TYPE.score(payload, {"text": "relu"}).fraction == 0.0


def test_it_gives_no_credit_for_a_wrong_text():
    assert TYPE.score(TEXT, {"text": "欠拟合"}).fraction == 0.0


def test_a_number_within_the_tolerance_is_right():
    # |0.855 − 0.85| = 0.005, exactly the tolerance; full-width digits count as digits.
    assert TYPE.score(NUMBER, {"text": "0.855"}).fraction == 1.0
    assert TYPE.score(NUMBER, {"text": "０．８４６"}).fraction == 1.0
    score = TYPE.score(NUMBER, {"text": "0.86"})
    assert score.fraction == 0.0
    assert score.feedback == {
        "expected": [0.85],
        "tolerance": 0.005,
        "given": "0.86",
        "normalised": 0.86,
    }


@pytest.mark.parametrize(
    "response",
    [{"text": 0.85}, {"text": ["a"]}, {"answer": "a"}, {"text": "x" * (MAX_TEXT_LENGTH + 1)}],
)
def test_it_rejects_a_malformed_response(response):
    with pytest.raises(InvalidResponse):
        TYPE.validate_response(TEXT, response)


@pytest.mark.parametrize("text", ["about 0.85", "nan", "inf", "0.8.5"])
def test_a_number_item_rejects_text_that_is_no_number(text):
    with pytest.raises(InvalidResponse):
        TYPE.validate_response(NUMBER, {"text": text})
