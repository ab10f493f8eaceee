import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from question_bank.types import get_type
from question_bank.types.base import InvalidResponse

TYPE = get_type("single_choice")
PAYLOAD = {"options": ["精确率", "召回率", "F1 值", "准确率"], "answer": 2}


def test_it_accepts_a_valid_payload():
    assert TYPE.validate_payload(PAYLOAD) == PAYLOAD


@pytest.mark.parametrize(
    "payload, field, code",
    [
        ({"options": ["A", "B"]}, "answer", "required"),
        ({"options": ["A"], "answer": 0}, "options", "too_few"),
        ({"options": list("ABCDEFGHI"), "answer": 0}, "options", "too_many"),
        ({"options": "A B", "answer": 0}, "options", "invalid_type"),
        ({"options": ["A", " "], "answer": 0}, "options[1]", "blank"),
        ({"options": ["A", 2], "answer": 0}, "options[1]", "invalid_type"),
        ({"options": ["Yes", "yes "], "answer": 0}, "options[1]", "duplicate"),
        ({"options": ["A", "B"], "answer": 2}, "answer", "out_of_range"),
        ({"options": ["A", "B"], "answer": -1}, "answer", "out_of_range"),
        ({"options": ["A", "B"], "answer": "1"}, "answer", "invalid_type"),
        ({"options": ["A", "B"], "answer": True}, "answer", "invalid_type"),
    ],
)
def test_it_rejects_a_malformed_payload_naming_the_field(payload, field, code):
    with pytest.raises(ValidationError) as error:
        TYPE.validate_payload(payload)
    assert [e.code for e in error.value.error_dict[field]] == [code]


def test_the_learner_view_shows_the_options_only():
    view = TYPE.learner_view(PAYLOAD)
    assert view == {"options": PAYLOAD["options"]}
    assert "answer" not in json.dumps(view)


def test_it_gives_no_credit_for_an_empty_response():
    for response in [{}, None, {"choice": None}]:
        normalised = TYPE.validate_response(PAYLOAD, response)
        assert normalised == {"choice": None}
        assert TYPE.score(PAYLOAD, normalised).fraction == 0.0


def test_it_gives_full_credit_for_the_solution():
    solution = TYPE.solution(PAYLOAD)
    assert solution == {"choice": 2}
    assert TYPE.score(PAYLOAD, TYPE.validate_response(PAYLOAD, solution)).fraction == 1.0


def test_it_gives_no_credit_for_a_wrong_choice_and_shows_the_answer():
    score = TYPE.score(PAYLOAD, TYPE.validate_response(PAYLOAD, {"choice": 0}))
    assert score.fraction == 0.0
    assert score.feedback == {"chosen": 0, "answer": 2}


@pytest.mark.parametrize(
    "response",
    [{"choice": 4}, {"choice": -1}, {"choice": "2"}, {"choice": True}, {"choices": [2]}, "2"],
)
def test_it_rejects_a_malformed_response(response):
    with pytest.raises(InvalidResponse):
        TYPE.validate_response(PAYLOAD, response)


def test_it_explains_an_unknown_option_in_the_active_language():
    with translation.override("en"), pytest.raises(InvalidResponse) as error:
        TYPE.validate_response(PAYLOAD, {"choice": 7})
    assert str(error.value) == "Option 7 does not exist."
