import json

import pytest
from django.core.exceptions import ValidationError

from question_bank.types import get_type
from question_bank.types.base import InvalidResponse

TYPE = get_type("span_labeling")
# 张0 晓1 明2 在3 上4 海5 交6 通7 大8 学9 工10 作11 。12 / 李0 娜1 住2 在3 杭4 州5 。6
PAYLOAD = TYPE.validate_payload(
    {
        "entity_types": ["人名", "机构", "地点"],
        "texts": [
            {
                "id": "t1",
                "text": "张晓明在上海交通大学工作。",
                "gold": [
                    {"start": 4, "end": 10, "type": "机构"},
                    {"start": 0, "end": 3, "type": "人名", "text": "张晓明"},
                ],
            },
            {
                "id": "t2",
                "text": "李娜住在杭州。",
                "gold": [
                    {"start": 0, "end": 2, "type": "人名"},
                    {"start": 4, "end": 6, "type": "地点"},
                ],
            },
        ],
    }
)


def text_with_gold(*gold):
    return {
        "entity_types": ["人名", "地点"],
        "texts": [{"id": "t1", "text": "李娜住在杭州。", "gold": list(gold)}],
    }


def span(text_id, start, end, type_):
    return {"text_id": text_id, "start": start, "end": end, "type": type_}


def test_it_sorts_the_gold_spans_and_fills_in_their_text():
    assert PAYLOAD["texts"][0]["gold"] == [
        {"start": 0, "end": 3, "type": "人名", "text": "张晓明"},
        {"start": 4, "end": 10, "type": "机构", "text": "上海交通大学"},
    ]


@pytest.mark.parametrize(
    "payload, field, code",
    [
        ({"entity_types": ["人名"]}, "texts", "required"),
        ({"entity_types": [], "texts": []}, "entity_types", "too_few"),
        (
            text_with_gold({"start": 0, "end": 2, "type": "机构"}),
            "texts[0].gold[0].type",
            "invalid_choice",
        ),
        (
            text_with_gold({"start": 5, "end": 9, "type": "地点"}),
            "texts[0].gold[0]",
            "out_of_range",
        ),
        (
            text_with_gold({"start": 2, "end": 2, "type": "地点"}),
            "texts[0].gold[0]",
            "out_of_range",
        ),
        (
            text_with_gold({"start": -1, "end": 2, "type": "人名"}),
            "texts[0].gold[0]",
            "out_of_range",
        ),
        (
            text_with_gold({"start": "0", "end": 2, "type": "人名"}),
            "texts[0].gold[0].start",
            "invalid_type",
        ),
        (text_with_gold({"start": 0, "type": "人名"}), "texts[0].gold[0].end", "required"),
        (
            text_with_gold({"start": 0, "end": 2, "type": "人名", "text": "李"}),
            "texts[0].gold[0].text",
            "mismatch",
        ),
        (
            text_with_gold(
                {"start": 4, "end": 6, "type": "地点"}, {"start": 0, "end": 5, "type": "人名"}
            ),
            "texts[0].gold[0]",
            "overlap",
        ),
        (
            text_with_gold(
                {"start": 0, "end": 2, "type": "人名"}, {"start": 0, "end": 2, "type": "人名"}
            ),
            "texts[0].gold[1]",
            "overlap",
        ),
        (text_with_gold(), "texts", "no_gold"),
        (
            {
                "entity_types": ["人名"],
                "texts": [
                    {"id": "t1", "text": "李娜", "gold": [{"start": 0, "end": 2, "type": "人名"}]},
                    {"id": "t1", "text": "王芳", "gold": []},
                ],
            },
            "texts[1].id",
            "duplicate",
        ),
    ],
)
def test_it_rejects_a_malformed_payload_naming_the_field(payload, field, code):
    with pytest.raises(ValidationError) as error:
        TYPE.validate_payload(payload)
    assert [e.code for e in error.value.error_dict[field]] == [code]


def test_the_learner_view_has_the_texts_but_no_gold_span():
    view = TYPE.learner_view(PAYLOAD)
    assert view == {
        "entity_types": ["人名", "机构", "地点"],
        "texts": [
            {"id": "t1", "text": "张晓明在上海交通大学工作。"},
            {"id": "t2", "text": "李娜住在杭州。"},
        ],
    }
    assert "gold" not in json.dumps(view)


def test_it_gives_no_credit_for_an_empty_response():
    assert TYPE.validate_response(PAYLOAD, {}) == {"spans": []}
    score = TYPE.score(PAYLOAD, {"spans": []})
    assert score.fraction == 0.0
    assert len(score.feedback["missed"]) == 4


def test_it_gives_full_credit_for_the_solution():
    score = TYPE.score(PAYLOAD, TYPE.validate_response(PAYLOAD, TYPE.solution(PAYLOAD)))
    assert score.fraction == 1.0
    assert score.feedback["missed"] == score.feedback["spurious"] == []


def test_it_scores_span_level_f1_with_exact_bounds_and_type():
    # Right: 张晓明 and 李娜. Spurious: 上海 (too short) and 杭州 typed 机构.
    # Missed: 上海交通大学 and 杭州 as 地点. P = 2/4, R = 2/4, F1 = 0.5.
    response = TYPE.validate_response(
        PAYLOAD,
        {
            "spans": [
                span("t2", 4, 6, "机构"),
                span("t1", 4, 6, "地点"),
                span("t2", 0, 2, "人名"),
                span("t1", 0, 3, "人名"),
            ]
        },
    )
    assert response["spans"][0] == span("t1", 0, 3, "人名")
    score = TYPE.score(PAYLOAD, response)
    assert score.fraction == 0.5
    assert (score.feedback["precision"], score.feedback["recall"]) == (0.5, 0.5)
    assert [s["text"] for s in score.feedback["matched"]] == ["张晓明", "李娜"]
    assert score.feedback["missed"] == [
        {"text_id": "t1", "start": 4, "end": 10, "type": "机构", "text": "上海交通大学"},
        {"text_id": "t2", "start": 4, "end": 6, "type": "地点", "text": "杭州"},
    ]
    assert score.feedback["spurious"] == [
        {"text_id": "t1", "start": 4, "end": 6, "type": "地点", "text": "上海"},
        {"text_id": "t2", "start": 4, "end": 6, "type": "机构", "text": "杭州"},
    ]


def test_it_rejects_a_span_marked_twice():
    with pytest.raises(InvalidResponse, match="twice"):
        TYPE.validate_response(PAYLOAD, {"spans": [span("t2", 0, 2, "人名")] * 2})


def test_it_accepts_one_stretch_marked_with_two_types():
    spans = [span("t2", 4, 6, "地点"), span("t2", 4, 6, "机构")]
    assert TYPE.validate_response(PAYLOAD, {"spans": spans}) == {"spans": spans}


@pytest.mark.parametrize(
    "response",
    [
        {"spans": {"t1": []}},
        {"spans": [["t1", 0, 3, "人名"]]},
        {"spans": [span("t9", 0, 3, "人名")]},
        {"spans": [span("t1", 0, 3, "时间")]},
        {"spans": [span("t2", 4, 8, "地点")]},
        {"spans": [span("t2", 3, 3, "地点")]},
        {"spans": [span("t2", -1, 2, "人名")]},
        {"spans": [span("t2", "0", 2, "人名")]},
        {"spans": [{**span("t2", 0, 2, "人名"), "text": "李娜"}]},
        {"spans": [{"text_id": ["t1"], "start": 0, "end": 2, "type": "人名"}]},
    ],
)
def test_it_rejects_a_malformed_response(response):
    with pytest.raises(InvalidResponse):
        TYPE.validate_response(PAYLOAD, response)
