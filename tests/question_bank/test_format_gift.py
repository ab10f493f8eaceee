"""Moodle GIFT files: question banks that training centers bring from their Moodle sites."""

from pathlib import Path

import pytest
from django.utils import translation

from question_bank.formats import gift

FILES = Path(__file__).parent / "files"


@pytest.fixture(autouse=True)
def _messages_in_english():
    with translation.override("en"):
        yield


def _parse_file(name, language="zh-hans"):
    return gift.parse((FILES / name).read_bytes(), language=language)


def _summary(result):
    """(where, key, type, stem, payload) of each entry, for its only language."""
    summary = []
    for where, entry in result.entries:
        (content,) = entry["content"].values()
        summary.append((where, entry["key"], entry["type"], content["stem"], content["payload"]))
    return summary


def _problem_at(result, where):
    return [message for place, message in result.problems if place == where]


def test_it_reads_a_chinese_gift_file():
    result = _parse_file("bank-zh.gift")

    assert result.problems == []
    assert _summary(result) == [
        (
            "line 6",
            "l5-label-rule-001",
            "true_false",
            "多人标注同一批数据前，应先统一标注规范。",
            {"answer": True},
        ),
        (
            "line 8",
            "l5-label-rule-002",
            "single_choice",
            "在情感分析标注中，“物流很快，但商品有破损”这条评论最适合标为：",
            {"options": ["混合情感", "正面", "负面", "与商品无关"], "answer": 0},
        ),
        (
            "line 19",
            "l5-label-rule-003",
            "multiple_choice",
            "下列属于图像标注常见类型的有：",
            {
                "options": ["拉框标注", "多边形标注", "关键点标注", "词性标注"],
                "answers": [0, 1, 2],
                "partial_credit": False,
            },
        ),
        (
            "line 28",
            None,
            "fill_in",
            "数据集中“年龄”字段出现了 -5 和 230 这样的值，这类值通常称为什么？",
            {"mode": "text", "alternatives": ["异常值", "离群值"], "case_sensitive": False},
        ),
        (
            "line 30",
            "l4-quality-check-201",
            "fill_in",
            "抽检 400 条标注，发现 12 条错误，错误率是多少？（用小数表示）",
            {"mode": "number", "value": 0.03, "tolerance": 0.001},
        ),
        (
            "line 32",
            "l4-quality-check-202",
            "fill_in",
            "某项目要求把置信度阈值设在 0.4 到 0.6 之间，请填写一个可接受的阈值。",
            {"mode": "number", "value": 0.5, "tolerance": 0.1},
        ),
        (
            "line 34",
            "l4-quality-check-203",
            "single_choice",
            "在数据预处理中，公式 x' = (x - min) / (max - min) 表示的是：",
            {"options": ["最小-最大归一化", "Z-score 标准化", "独热编码", "数据脱敏"], "answer": 0},
        ),
        (
            "line 37",
            "l4-regex-001",
            "single_choice",
            "正则表达式 a{3} 能匹配下列哪个字符串？",
            {"options": ["aaa", "a3", "a{3}", "aa"], "answer": 0},
        ),
        (
            "line 39",
            "l4-dedup-001",
            "true_false",
            "判断：对文本数据去重时，只需比较前 10 个字符即可。",
            {"answer": False},
        ),
    ]


def test_the_category_becomes_a_tag_and_the_rest_is_left_to_the_importer():
    result = _parse_file("bank-zh.gift")

    assert result.entries[0][1] == {
        "key": "l5-label-rule-001",
        "type": "true_false",
        "levels": [],
        "function": None,
        "work_content": None,
        "difficulty": None,
        "tags": ["标注规范"],
        "status": None,
        "content": {
            "zh-hans": {
                "stem": "多人标注同一批数据前，应先统一标注规范。",
                "payload": {"answer": True},
                "explanation": "统一规范能减少标注员之间的不一致。",
                "reference": "",
            }
        },
    }
    assert [entry["tags"] for _where, entry in result.entries[2:4]] == [["标注规范"], ["数据质量"]]


def test_a_title_becomes_the_key_only_when_it_is_a_valid_key():
    keys = [entry["key"] for _where, entry in _parse_file("bank-zh.gift").entries]

    assert keys[2:4] == ["l5-label-rule-003", None]


def test_general_feedback_comes_first_in_the_explanation_then_the_answers_feedback():
    explanations = [
        entry["content"]["zh-hans"]["explanation"]
        for _where, entry in _parse_file("bank-zh.gift").entries
    ]

    assert explanations[1] == (
        "遇到多种情感并存的评论，应按标注规范选择“混合”或拆分标注。\n\n"
        "混合情感: 既肯定了物流，又否定了商品。"
    )
    assert explanations[2] == "词性标注: 词性标注是文本标注。"
    assert explanations[8] == "不对：前 10 个字符相同的文本，后面可能完全不同。"


def test_it_reads_an_english_gift_file_in_the_language_it_is_given():
    result = _parse_file("bank-en.gift", language="en")

    assert result.problems == []
    assert _summary(result) == [
        (
            "line 3",
            "labeling-guide-001",
            "true_false",
            "Annotators should follow the **labeling guide** even when they disagree with it, "
            "and raise the disagreement separately.",
            {"answer": True},
        ),
        (
            "line 5",
            "labeling-split-001",
            "single_choice",
            "Which split is used to choose hyperparameters?",
            {"options": ["the validation set", "the training set", "the test set"], "answer": 0},
        ),
        (
            "line 11",
            "labeling-iou-001",
            "fill_in",
            "Two boxes overlap in 50 px² and their union covers 200 px². What is their IoU?",
            {"mode": "number", "value": 0.25, "tolerance": 0.01},
        ),
        (
            "line 13",
            "labeling-metrics-001",
            "multiple_choice",
            "Which of these are classification metrics?",
            {
                "options": ["precision", "recall", "mean squared error", "BLEU"],
                "answers": [0, 1],
                "partial_credit": False,
            },
        ),
        (
            "line 15",
            "labeling-term-001",
            "fill_in",
            "Data whose labels are known in advance and are used to check annotators are "
            "often called a ____ set.",
            {"mode": "text", "alternatives": ["gold", "golden"], "case_sensitive": False},
        ),
    ]
    explanations = [entry["content"]["en"]["explanation"] for _where, entry in result.entries]
    assert explanations[1] == (
        "the validation set: Right: tune on validation data, report on test data."
    )


def test_html_questions_become_plain_text():
    result = gift.parse(
        b"::html-1::[html]<p>Labels &amp; boxes</p><p>Which tool draws <b>boxes</b>?</p>"
        b"{=<i>LabelImg</i> ~a spreadsheet}"
    )

    (content,) = result.entries[0][1]["content"].values()
    assert content["stem"] == "Labels & boxes\n\nWhich tool draws boxes?"
    assert content["payload"]["options"] == ["LabelImg", "a spreadsheet"]


def test_it_reports_an_unclosed_brace():
    result = _parse_file("broken-zh.gift")

    assert _problem_at(result, "line 5") == ["The answers opened with “{” are not closed with “}”."]


def test_it_reports_an_essay_question():
    result = _parse_file("broken-zh.gift")

    assert _problem_at(result, "line 7") == ["Essay questions (empty braces) are not supported."]


def test_it_reports_matching_missing_word_and_description_questions():
    result = _parse_file("broken-zh.gift")

    assert _problem_at(result, "line 9") == [
        "Matching questions (answers with “->”) are not supported."
    ]
    assert _problem_at(result, "line 15") == [
        "Missing-word questions (text after the answers in braces) are not supported."
    ]
    assert _problem_at(result, "line 17") == [
        "Questions without answers in braces (descriptions) are not supported."
    ]


def test_it_reports_an_empty_question_text():
    assert _problem_at(_parse_file("broken-zh.gift"), "line 21") == ["The question text is empty."]


def test_it_reports_a_title_used_as_a_key_twice():
    assert _problem_at(_parse_file("broken-zh.gift"), "line 23") == [
        "Key “ok-1” is already used at line 3."
    ]


def test_good_questions_of_a_partly_broken_file_still_become_entries():
    assert _summary(_parse_file("broken-zh.gift")) == [
        (
            "line 3",
            "ok-1",
            "true_false",
            "标注员可以把客户的原始数据带回家继续工作。",
            {"answer": False},
        ),
        (
            "line 19",
            "ok-2",
            "single_choice",
            "以下哪项是常见的数据脱敏方法？",
            {
                "options": ["用星号替换手机号中间四位", "公开完整身份证号", "把明文密码写进日志"],
                "answer": 0,
            },
        ),
    ]


@pytest.mark.parametrize(
    ("question", "message"),
    [
        (
            "Pick the label. {=cat =dog ~car}",
            "Several answers are marked right with “=”. For several right answers, "
            "give them weights such as ~%50%.",
        ),
        ("Pick the label. {~cat ~dog}", "No answer is marked right."),
        ("Pick the label. {=cat ~cat}", "Options A and B are the same."),
        (
            "How many? {#about three}",
            "“about three” is not a number such as 3.5, 3.5:0.1 or 3.4..3.6.",
        ),
        ("How many? {#5..3}", "“5..3” is not a number such as 3.5, 3.5:0.1 or 3.4..3.6."),
    ],
)
def test_it_reports_answers_it_cannot_turn_into_a_question(question, message):
    result = gift.parse(f"// one question\n\n{question}\n".encode())

    assert result.entries == []
    assert result.problems == [("line 3", message)]


def test_it_refuses_a_file_that_is_not_utf_8():
    result = gift.parse("::q-1::标注前应先阅读规范。{T}".encode("gbk"))

    assert result.entries == []
    assert result.problems == [("", "The file is not UTF-8 text; save it as UTF-8.")]
