import json

import pytest
from django.core.exceptions import ValidationError

from question_bank.types import get_type
from question_bank.types.base import InvalidResponse

TYPE = get_type("data_quality")
TABLE = {
    "columns": ["订单号", "门店", "金额"],
    "rows": [
        ["A001", "徐汇店", 128.5],
        ["A002", "静安店", None],
        ["A003", "徐汇店", -20],
        ["A001", "徐汇店", 128.5],
        ["A005", "静安店", 134.0],
    ],
    "categories": ["missing", "duplicate", "out_of_range"],
}
PAYLOAD = TYPE.validate_payload(
    {
        **TABLE,
        "flags": {"3": ["duplicate"], "1": ["missing"], "2": ["out_of_range"]},
        "questions": [
            {"id": "q1", "prompt": "有效金额的最大值是多少？", "answer": 134.0},
            {"id": "q2", "prompt": "删去重复行后还有几行？", "answer": 4, "tolerance": 0},
        ],
    }
)


def test_it_sorts_the_flags_by_row_and_fills_in_tolerances():
    assert list(PAYLOAD["flags"]) == ["1", "2", "3"]
    assert PAYLOAD["questions"][0]["tolerance"] == 0


def test_flags_or_questions_may_be_left_out():
    only_flags = TYPE.validate_payload({**TABLE, "flags": {"1": ["missing"]}})
    assert only_flags["questions"] == []
    only_questions = TYPE.validate_payload(
        {**TABLE, "questions": [{"id": "q1", "prompt": "几行？", "answer": 5}]}
    )
    assert only_questions["flags"] == {}


@pytest.mark.parametrize(
    "changes, field, code",
    [
        ({"columns": []}, "columns", "too_few"),
        ({"rows": []}, "rows", "too_few"),
        ({"rows": [["A001", "徐汇店"]]}, "rows[0]", "wrong_length"),
        ({"rows": [["A001", "徐汇店", [1]]]}, "rows[0][2]", "invalid_type"),
        ({"rows": [["A001", "徐汇店", float("inf")]]}, "rows[0][2]", "invalid_type"),
        ({"categories": ["missing", "typo"]}, "categories[1]", "invalid_choice"),
        ({"categories": ["missing", "missing"]}, "categories[1]", "duplicate"),
        ({"flags": {"5": ["missing"]}}, "flags.5", "out_of_range"),
        ({"flags": {"01": ["missing"]}}, "flags.01", "out_of_range"),
        ({"flags": {"1": ["invalid_format"]}}, "flags.1[0]", "invalid_choice"),
        ({"flags": {"1": []}}, "flags.1", "too_few"),
        ({"flags": {"1": ["missing", "missing"]}}, "flags.1[1]", "duplicate"),
        ({"flags": [["1", "missing"]]}, "flags", "invalid_type"),
        ({"flags": {}, "questions": []}, "flags", "empty"),
        ({"questions": [{"id": "q1", "prompt": "?"}]}, "questions[0].answer", "required"),
        (
            {"questions": [{"id": "q1", "prompt": "?", "answer": "4"}]},
            "questions[0].answer",
            "invalid_type",
        ),
        (
            {"questions": [{"id": "q1", "prompt": "?", "answer": 4, "tolerance": -1}]},
            "questions[0].tolerance",
            "out_of_range",
        ),
        (
            {"questions": [{"id": "q1", "prompt": "?", "answer": 4}] * 2},
            "questions[1].id",
            "duplicate",
        ),
    ],
)
def test_it_rejects_a_malformed_payload_naming_the_field(changes, field, code):
    with pytest.raises(ValidationError) as error:
        TYPE.validate_payload({**TABLE, "flags": {"1": ["missing"]}, **changes})
    assert [e.code for e in error.value.error_dict[field]] == [code]


def test_the_learner_view_has_the_table_and_prompts_but_no_key():
    view = TYPE.learner_view(PAYLOAD)
    assert view == {
        **TABLE,
        "questions": [
            {"id": "q1", "prompt": "有效金额的最大值是多少？"},
            {"id": "q2", "prompt": "删去重复行后还有几行？"},
        ],
    }
    dumped = json.dumps(view)
    assert '"flags"' not in dumped and '"answer"' not in dumped and "tolerance" not in dumped


def test_it_gives_no_credit_for_an_empty_response():
    assert TYPE.validate_response(PAYLOAD, {}) == {"flags": {}, "answers": {}}
    assert TYPE.score(PAYLOAD, {"flags": {}, "answers": {}}).fraction == 0.0


def test_it_gives_full_credit_for_the_solution():
    score = TYPE.score(PAYLOAD, TYPE.validate_response(PAYLOAD, TYPE.solution(PAYLOAD)))
    assert score.fraction == 1.0


def test_it_weighs_flag_f1_and_answers_by_their_number_of_key_entries():
    response = TYPE.validate_response(
        PAYLOAD,
        {
            "flags": {"3": ["duplicate", "missing", "duplicate"], "1": ["missing"], "4": []},
            "answers": {"q1": 134, "q2": 3},
        },
    )
    # The repeated category is dropped, the row with none is not flagged.
    assert response == {
        "flags": {"1": ["missing"], "3": ["missing", "duplicate"]},
        "answers": {"q1": 134, "q2": 3},
    }
    score = TYPE.score(PAYLOAD, response)
    # Flags: (1, missing) and (3, duplicate) right, (3, missing) spurious, (2, out_of_range)
    # missed: P = R = F1 = 2/3. Answers: 1 of 2. (3 pairs × 2/3 + 1) / (3 + 2) = 0.6.
    assert score.fraction == pytest.approx(0.6)
    assert score.feedback["flags"]["f1"] == pytest.approx(2 / 3)
    assert score.feedback["flags"]["missed"] == [[2, "out_of_range"]]
    assert score.feedback["flags"]["spurious"] == [[3, "missing"]]
    assert score.feedback["questions"] == [
        {"id": "q1", "given": 134, "answer": 134.0, "tolerance": 0, "correct": True},
        {"id": "q2", "given": 3, "answer": 4, "tolerance": 0, "correct": False},
    ]


def test_an_answer_left_blank_counts_wrong():
    response = TYPE.validate_response(PAYLOAD, {"answers": {"q1": None, "q2": 4}})
    assert response["answers"] == {"q2": 4}
    assert TYPE.score(PAYLOAD, response).feedback["questions"][0]["correct"] is False


@pytest.mark.parametrize(
    "response",
    [
        {"flags": {"5": ["missing"]}},
        {"flags": {"one": ["missing"]}},
        {"flags": {"1": ["invalid_format"]}},
        {"flags": {"1": "missing"}},
        {"flags": [["1", "missing"]]},
        {"answers": {"q9": 1}},
        {"answers": {"q1": "134"}},
        {"answers": {"q1": True}},
        {"answers": [134]},
        {"rows": {}},
    ],
)
def test_it_rejects_a_malformed_response(response):
    with pytest.raises(InvalidResponse):
        TYPE.validate_response(PAYLOAD, response)
