import json

import pytest
from django.core.exceptions import ValidationError

from question_bank.types import get_type
from question_bank.types.base import InvalidResponse
from question_bank.types.bounding_box import iou

TYPE = get_type("bounding_box")
GOLD = [
    {"class": "饮料瓶", "x": 40, "y": 60, "w": 80, "h": 200},
    {"class": "纸盒", "x": 300, "y": 100, "w": 100, "h": 100},
    {"class": "饮料瓶", "x": 500, "y": 50, "w": 50, "h": 100},
]
PAYLOAD = TYPE.validate_payload(
    {
        "image": "images/shelf-01.png",
        "width": 640,
        "height": 480,
        "classes": ["饮料瓶", "纸盒"],
        "gold": GOLD,
    }
)


def box(class_, x, y, w, h):
    return {"class": class_, "x": x, "y": y, "w": w, "h": h}


def with_gold(*gold, **changes):
    return {**PAYLOAD, "gold": list(gold), **changes}


def test_it_fills_in_the_iou_threshold():
    assert PAYLOAD["iou_threshold"] == 0.5
    assert PAYLOAD["gold"] == GOLD


@pytest.mark.parametrize(
    "payload, field, code",
    [
        (with_gold(GOLD[0], image=""), "image", "blank"),
        (with_gold(GOLD[0], image={"name": "x.png"}), "image", "invalid_type"),
        (with_gold(GOLD[0], width=0), "width", "out_of_range"),
        (with_gold(GOLD[0], height=5000), "height", "out_of_range"),
        (with_gold(GOLD[0], width=640.0), "width", "invalid_type"),
        (with_gold(GOLD[0], classes=[]), "classes", "too_few"),
        (with_gold(GOLD[0], iou_threshold=0), "iou_threshold", "not_positive"),
        (with_gold(GOLD[0], iou_threshold=1.5), "iou_threshold", "out_of_range"),
        (with_gold(), "gold", "too_few"),
        (with_gold(box("猫", 0, 0, 10, 10)), "gold[0].class", "invalid_choice"),
        (with_gold(box("纸盒", 0, 0, 0, 10)), "gold[0].w", "not_positive"),
        (with_gold(box("纸盒", 0, 0, 10, -5)), "gold[0].h", "not_positive"),
        (with_gold(box("纸盒", -1, 0, 10, 10)), "gold[0].x", "out_of_range"),
        (with_gold(box("纸盒", 600, 0, 41, 10)), "gold[0]", "outside"),
        (with_gold(box("纸盒", 0, 400, 10, 81)), "gold[0]", "outside"),
        (with_gold(box("纸盒", "0", 0, 10, 10)), "gold[0].x", "invalid_type"),
        (with_gold({"class": "纸盒", "x": 0, "y": 0, "w": 10}), "gold[0].h", "required"),
        (with_gold(GOLD[1], dict(GOLD[1])), "gold[1]", "duplicate"),
    ],
)
def test_it_rejects_a_malformed_payload_naming_the_field(payload, field, code):
    with pytest.raises(ValidationError) as error:
        TYPE.validate_payload(payload)
    assert [e.code for e in error.value.error_dict[field]] == [code]


def test_the_learner_view_has_the_image_but_no_gold_box():
    view = TYPE.learner_view(PAYLOAD)
    assert view == {
        "image": "images/shelf-01.png",
        "width": 640,
        "height": 480,
        "classes": ["饮料瓶", "纸盒"],
        "iou_threshold": 0.5,
    }
    assert "gold" not in json.dumps(view)


def test_iou_is_the_overlap_over_the_union():
    # Overlap 79 × 200 = 15800; union 16000 + 79 × 205 − 15800 = 16395.
    assert iou(GOLD[0], box("饮料瓶", 41, 58, 79, 205)) == pytest.approx(15800 / 16395)
    assert iou(GOLD[0], GOLD[1]) == 0.0


def test_it_gives_no_credit_for_an_empty_response():
    assert TYPE.validate_response(PAYLOAD, {}) == {"boxes": []}
    score = TYPE.score(PAYLOAD, {"boxes": []})
    assert score.fraction == 0.0
    assert score.feedback["missed_gold"] == [0, 1, 2]


def test_it_gives_full_credit_for_the_solution():
    score = TYPE.score(PAYLOAD, TYPE.validate_response(PAYLOAD, TYPE.solution(PAYLOAD)))
    assert score.fraction == 1.0
    assert [m["iou"] for m in score.feedback["matches"]] == [1.0, 1.0, 1.0]


def test_it_scores_f1_of_boxes_matched_by_class_and_iou():
    drawn = [
        box("饮料瓶", 41, 58, 79, 205),  # gold 0, IoU 15800/16395 ≈ 0.96
        box("纸盒", 300, 100, 100, 50),  # gold 1, overlap 5000 / union 10000 = 0.5 exactly
        box("饮料瓶", 300, 100, 100, 100),  # on gold 1 but of the wrong class
    ]
    score = TYPE.score(PAYLOAD, TYPE.validate_response(PAYLOAD, {"boxes": drawn}))
    # 2 matches of 3 drawn and 3 gold: P = R = F1 = 2/3.
    assert score.fraction == pytest.approx(2 / 3)
    assert score.feedback["matches"] == [
        {"gold": 0, "drawn": 0, "iou": pytest.approx(15800 / 16395)},
        {"gold": 1, "drawn": 1, "iou": 0.5},
    ]
    assert score.feedback["missed_gold"] == [2]
    assert score.feedback["spurious_drawn"] == [2]
    assert score.feedback["gold"] == GOLD
    assert score.feedback["drawn"] == drawn


def test_a_box_below_the_threshold_does_not_match():
    # Overlap 80 × 60 = 4800 of a union of 16000 + 4800 − 4800: IoU 0.3.
    score = TYPE.score(PAYLOAD, {"boxes": [box("饮料瓶", 40, 60, 80, 60)]})
    assert score.feedback["matches"] == []
    assert score.fraction == 0.0


def test_it_matches_one_to_one_best_iou_first():
    # Both boxes overlap gold 0; the exact one (IoU 1) wins, the other (IoU 0.9) is spurious.
    drawn = [box("饮料瓶", 40, 60, 80, 180), box("饮料瓶", 40, 60, 80, 200)]
    score = TYPE.score(PAYLOAD, TYPE.validate_response(PAYLOAD, {"boxes": drawn}))
    assert score.feedback["matches"] == [{"gold": 0, "drawn": 1, "iou": 1.0}]
    assert score.feedback["spurious_drawn"] == [0]


def test_it_keeps_two_identical_boxes_as_two_boxes():
    drawn = [GOLD[1], GOLD[1]]
    assert TYPE.validate_response(PAYLOAD, {"boxes": drawn}) == {"boxes": drawn}


def test_a_box_may_stick_out_of_the_image_by_one_pixel():
    drawn = [box("纸盒", -1, -1, 642, 482)]
    assert TYPE.validate_response(PAYLOAD, {"boxes": drawn}) == {"boxes": drawn}


@pytest.mark.parametrize(
    "response",
    [
        {"boxes": {"纸盒": []}},
        {"boxes": [[0, 0, 10, 10]]},
        {"boxes": [box("猫", 0, 0, 10, 10)]},
        {"boxes": [box("纸盒", -1.5, 0, 10, 10)]},
        {"boxes": [box("纸盒", 600, 0, 41.5, 10)]},
        {"boxes": [box("纸盒", 0, 0, 0, 10)]},
        {"boxes": [box("纸盒", 0, 0, 10, -3)]},
        {"boxes": [box("纸盒", "0", 0, 10, 10)]},
        {"boxes": [box("纸盒", True, 0, 10, 10)]},
        {"boxes": [{**box("纸盒", 0, 0, 10, 10), "score": 0.9}]},
        {"box": []},
    ],
)
def test_it_rejects_a_malformed_response(response):
    with pytest.raises(InvalidResponse):
        TYPE.validate_response(PAYLOAD, response)
