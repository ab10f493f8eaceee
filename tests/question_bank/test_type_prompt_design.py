import json

import pytest
from django.core.exceptions import ValidationError

from question_bank.types import get_type
from question_bank.types.base import MAX_TEXT_LENGTH, InvalidResponse

TYPE = get_type("prompt_design")
RUBRIC = [
    {"id": "role", "description": "给模型设定角色", "points": 2, "patterns": ["你是", "you are"]},
    {"id": "task", "description": "说明任务", "points": 2, "patterns": ["回答", "解答"]},
    {
        "id": "format",
        "description": "限定回复长度",
        "points": 1,
        "patterns": [r"re:不超过\s*\d+\s*字", "re:at most \\d+ words"],
    },
]
SAMPLE = "你是一名售后客服，负责回答退换货问题，每次回复不超过 80 字。"
PAYLOAD = TYPE.validate_payload({"rubric": RUBRIC, "min_length": 10, "sample_answer": SAMPLE})


def with_point(**changes):
    return {"rubric": [{**RUBRIC[0], **changes}], "sample_answer": SAMPLE}


def test_it_is_a_practical_type_that_an_instructor_grades_too():
    assert TYPE.category == "practical"
    assert TYPE.human_graded


def test_it_accepts_a_valid_payload_and_fills_in_min_length():
    assert PAYLOAD == {"rubric": RUBRIC, "min_length": 10, "sample_answer": SAMPLE}
    assert TYPE.validate_payload({"rubric": RUBRIC, "sample_answer": SAMPLE})["min_length"] == 0


@pytest.mark.parametrize(
    "payload, field, code",
    [
        ({"rubric": RUBRIC}, "sample_answer", "required"),
        ({"rubric": RUBRIC, "sample_answer": " "}, "sample_answer", "blank"),
        ({"rubric": [], "sample_answer": SAMPLE}, "rubric", "too_few"),
        (
            {"rubric": RUBRIC, "sample_answer": SAMPLE, "min_length": -1},
            "min_length",
            "out_of_range",
        ),
        (with_point(points=0), "rubric[0].points", "out_of_range"),
        (with_point(points=1.5), "rubric[0].points", "invalid_type"),
        (with_point(patterns=[]), "rubric[0].patterns", "too_few"),
        (with_point(patterns=["你是", "你是 "]), "rubric[0].patterns[1]", "duplicate"),
        (with_point(patterns=["re:(unclosed"]), "rubric[0].patterns[0]", "invalid_regex"),
        (with_point(description=""), "rubric[0].description", "blank"),
        (with_point(weight=1), "rubric[0].weight", "unknown_key"),
        ({"rubric": [RUBRIC[0], RUBRIC[0]], "sample_answer": SAMPLE}, "rubric[1].id", "duplicate"),
    ],
)
def test_it_rejects_a_malformed_payload_naming_the_field(payload, field, code):
    with pytest.raises(ValidationError) as error:
        TYPE.validate_payload(payload)
    assert [e.code for e in error.value.error_dict[field]] == [code]


def test_the_learner_view_shows_the_minimum_length_only():
    view = TYPE.learner_view(PAYLOAD)
    assert view == {"min_length": 10}
    assert "你是" not in json.dumps(view, ensure_ascii=False)


def test_it_gives_no_credit_for_an_empty_response():
    assert TYPE.validate_response(PAYLOAD, {}) == {"text": ""}
    score = TYPE.score(PAYLOAD, {"text": ""})
    assert score.fraction == 0.0
    assert score.feedback["too_short"]


def test_the_sample_answer_meets_every_point():
    score = TYPE.score(PAYLOAD, TYPE.validate_response(PAYLOAD, TYPE.solution(PAYLOAD)))
    assert score.fraction == 1.0
    assert TYPE.solution(PAYLOAD) == {"text": SAMPLE}


def test_it_gives_the_share_of_points_met():
    # Role (2 points) met; task (2) and format (1) missed: 2/5.
    score = TYPE.score(PAYLOAD, {"text": "你是客服，请帮顾客处理问题。"})
    assert score.fraction == pytest.approx(0.4)
    assert score.feedback == {
        "points_met": [{"id": "role", "description": "给模型设定角色", "points": 2}],
        "points_missed": [
            {"id": "task", "description": "说明任务", "points": 2},
            {"id": "format", "description": "限定回复长度", "points": 1},
        ],
        "earned": 2,
        "possible": 5,
        "too_short": False,
        "length": 14,
        "min_length": 10,
    }


def test_patterns_match_after_normalising_width_and_case():
    # "ＹＯＵ　ＡＲＥ" is full-width; "At Most 50 Words" meets the expression in any case.
    score = TYPE.score(PAYLOAD, {"text": "ＹＯＵ　ＡＲＥ a support agent. At Most 50 Words."})
    assert [p["id"] for p in score.feedback["points_met"]] == ["role", "format"]


def test_a_text_shorter_than_the_minimum_scores_nothing_but_shows_what_it_met():
    # Seven characters, fewer than 10, once spaces are collapsed.
    score = TYPE.score(PAYLOAD, {"text": "你是客服   回答"})
    assert score.fraction == 0.0
    assert score.feedback["too_short"]
    assert score.feedback["length"] == 7
    assert [p["id"] for p in score.feedback["points_met"]] == ["role", "task"]


@pytest.mark.parametrize(
    "response",
    [
        {"text": 5},
        {"text": ["你是"]},
        {"answer": "你是"},
        "你是",
        {"text": "你" * (MAX_TEXT_LENGTH + 1)},
    ],
)
def test_it_rejects_a_malformed_response(response):
    with pytest.raises(InvalidResponse):
        TYPE.validate_response(PAYLOAD, response)


def test_it_accepts_text_up_to_the_cap():
    text = "你" * MAX_TEXT_LENGTH
    assert TYPE.validate_response(PAYLOAD, {"text": text}) == {"text": text}
