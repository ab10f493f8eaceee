import json

import pytest

from question_bank.types import get_type
from question_bank.types.base import InvalidResponse
from question_bank.types.rubric import RubricType

TYPE = get_type("written_analysis")
SAMPLE = (
    "问题：新品上线后机器人独立解决率从78%降到61%。原因：知识库没有覆盖新品的问答。"
    "方案：补充知识库并标注新问法、重新训练意图模型，灰度测试后上线。预期解决率两周内回升到75%以上。"
)
PAYLOAD = TYPE.validate_payload(
    {
        "rubric": [
            {"id": "problem", "description": "描述问题", "points": 1, "patterns": ["解决率"]},
            {"id": "cause", "description": "找出原因", "points": 2, "patterns": ["知识库", "意图"]},
            {
                "id": "plan",
                "description": "提出方案",
                "points": 3,
                "patterns": ["补充", "重新训练"],
            },
            {
                "id": "effect",
                "description": "给出可衡量的预期效果",
                "points": 2,
                "patterns": [r"re:(回升|提高)到\s*\d+%"],
            },
        ],
        "min_length": 50,
        "sample_answer": SAMPLE,
    }
)


def test_it_is_a_human_graded_rubric_type_of_its_own():
    assert isinstance(TYPE, RubricType)
    assert (TYPE.key, TYPE.category, TYPE.human_graded) == ("written_analysis", "practical", True)
    assert TYPE.template == "question_bank/types/written_analysis.html"


def test_the_learner_view_hides_the_rubric_and_the_sample_answer():
    view = TYPE.learner_view(PAYLOAD)
    assert view == {"min_length": 50}
    assert "rubric" not in json.dumps(view) and "sample" not in json.dumps(view)


def test_it_gives_no_credit_for_an_empty_response():
    assert TYPE.score(PAYLOAD, TYPE.validate_response(PAYLOAD, {})).fraction == 0.0


def test_the_sample_answer_meets_every_point():
    score = TYPE.score(PAYLOAD, TYPE.validate_response(PAYLOAD, TYPE.solution(PAYLOAD)))
    assert score.fraction == 1.0
    assert score.feedback["earned"] == score.feedback["possible"] == 8


def test_an_analysis_without_cause_or_measurable_effect_earns_part_of_the_points():
    text = (
        "问题是解决率下降了很多，客户等待时间也变长了。"
        "我们应该补充新品的答案并安排人工跟进，之后持续观察各项指标的变化。"
    )
    # problem (1) and plan (3) of 8 points.
    score = TYPE.score(PAYLOAD, TYPE.validate_response(PAYLOAD, {"text": text}))
    assert score.fraction == pytest.approx(4 / 8)
    assert [p["id"] for p in score.feedback["points_missed"]] == ["cause", "effect"]


def test_it_rejects_a_response_that_is_not_text():
    with pytest.raises(InvalidResponse):
        TYPE.validate_response(PAYLOAD, {"text": None})
