import json

import pytest
from django.core.exceptions import ValidationError

from question_bank.types import get_type
from question_bank.types.base import InvalidResponse

TYPE = get_type("multiple_choice")
PAYLOAD = TYPE.validate_payload({"options": ["A", "B", "C", "D", "E"], "answers": [3, 0, 2]})
PARTIAL = {**PAYLOAD, "partial_credit": True}


def test_it_fills_in_partial_credit_and_sorts_the_answers():
    assert PAYLOAD == {
        "options": ["A", "B", "C", "D", "E"],
        "answers": [0, 2, 3],
        "partial_credit": False,
    }


@pytest.mark.parametrize(
    "payload, field, code",
    [
        ({"options": ["A", "B", "C"]}, "answers", "required"),
        ({"options": ["A", "B", "C"], "answers": [1]}, "answers", "too_few"),
        ({"options": ["A", "B", "C"], "answers": 1}, "answers", "invalid_type"),
        ({"options": ["A", "B", "C"], "answers": [0, 3]}, "answers[1]", "out_of_range"),
        ({"options": ["A", "B", "C"], "answers": [0, 1, 0]}, "answers[2]", "duplicate"),
        ({"options": ["A", "B", "C"], "answers": [0, "1"]}, "answers[1]", "invalid_type"),
        (
            {"options": ["A", "B", "C"], "answers": [0, 1], "partial_credit": "yes"},
            "partial_credit",
            "invalid_type",
        ),
        ({"options": ["A", "B", "a"], "answers": [0, 1]}, "options[2]", "duplicate"),
    ],
)
def test_it_rejects_a_malformed_payload_naming_the_field(payload, field, code):
    with pytest.raises(ValidationError) as error:
        TYPE.validate_payload(payload)
    assert [e.code for e in error.value.error_dict[field]] == [code]


def test_the_learner_view_hides_the_answers():
    view = TYPE.learner_view(PAYLOAD)
    assert view == {"options": PAYLOAD["options"]}
    assert "answers" not in json.dumps(view)


def test_it_gives_no_credit_for_an_empty_response():
    assert TYPE.validate_response(PAYLOAD, {}) == {"choices": []}
    assert TYPE.score(PARTIAL, {"choices": []}).fraction == 0.0


def test_it_gives_full_credit_for_the_solution():
    score = TYPE.score(PAYLOAD, TYPE.validate_response(PAYLOAD, TYPE.solution(PAYLOAD)))
    assert score.fraction == 1.0


def test_it_is_all_or_nothing_by_default():
    assert TYPE.score(PAYLOAD, {"choices": [0, 2]}).fraction == 0.0


def test_with_partial_credit_it_gives_the_share_of_right_options_chosen():
    # Two of the three right options.
    assert TYPE.score(PARTIAL, {"choices": [0, 2]}).fraction == pytest.approx(2 / 3)


def test_with_partial_credit_any_wrong_option_scores_nothing():
    assert TYPE.score(PARTIAL, {"choices": [0, 2, 3, 4]}).fraction == 0.0


def test_it_ignores_an_option_chosen_twice():
    normalised = TYPE.validate_response(PAYLOAD, {"choices": [3, 0, 2, 0]})
    assert normalised == {"choices": [0, 2, 3]}
    assert TYPE.score(PAYLOAD, normalised).fraction == 1.0


def test_the_feedback_shows_the_choices_and_the_answers():
    score = TYPE.score(PAYLOAD, {"choices": [1, 2]})
    assert score.feedback == {"chosen": [1, 2], "answer": [0, 2, 3]}


@pytest.mark.parametrize(
    "response",
    [{"choices": [5]}, {"choices": [-1]}, {"choices": 2}, {"choices": ["2"]}, {"choice": 2}],
)
def test_it_rejects_a_malformed_response(response):
    with pytest.raises(InvalidResponse):
        TYPE.validate_response(PAYLOAD, response)
