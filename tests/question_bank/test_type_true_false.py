import json

import pytest
from django.core.exceptions import ValidationError

from question_bank.types import get_type
from question_bank.types.base import InvalidResponse

TYPE = get_type("true_false")
PAYLOAD = {"answer": False}


def test_it_accepts_a_boolean_answer():
    assert TYPE.validate_payload({"answer": True}) == {"answer": True}


@pytest.mark.parametrize(
    "payload, field, code",
    [
        ({}, "answer", "required"),
        ({"answer": "true"}, "answer", "invalid_type"),
        ({"answer": 1}, "answer", "invalid_type"),
        ({"answer": True, "explanation": "…"}, "explanation", "unknown_key"),
        (["answer"], "payload", "invalid_type"),
    ],
)
def test_it_rejects_a_malformed_payload_naming_the_field(payload, field, code):
    with pytest.raises(ValidationError) as error:
        TYPE.validate_payload(payload)
    assert [e.code for e in error.value.error_dict[field]] == [code]


def test_the_learner_view_hides_the_answer():
    assert "answer" not in json.dumps(TYPE.learner_view(PAYLOAD))


def test_it_gives_no_credit_for_an_empty_response():
    assert TYPE.validate_response(PAYLOAD, {}) == {"answer": None}
    assert TYPE.score(PAYLOAD, TYPE.validate_response(PAYLOAD, {})).fraction == 0.0


def test_it_gives_full_credit_for_the_solution():
    score = TYPE.score(PAYLOAD, TYPE.validate_response(PAYLOAD, TYPE.solution(PAYLOAD)))
    assert score.fraction == 1.0
    assert score.correct


def test_it_gives_no_credit_for_the_wrong_answer_and_shows_the_right_one():
    score = TYPE.score(PAYLOAD, {"answer": True})
    assert score.fraction == 0.0
    assert score.feedback == {"chosen": True, "answer": False}


@pytest.mark.parametrize("response", [{"answer": "false"}, {"answer": 0}, {"choice": 1}, [False]])
def test_it_rejects_a_malformed_response(response):
    with pytest.raises(InvalidResponse):
        TYPE.validate_response(PAYLOAD, response)
