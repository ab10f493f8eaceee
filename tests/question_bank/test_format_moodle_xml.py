"""Moodle XML files: question banks exported from Moodle, and our theory items for Moodle."""

from pathlib import Path

import pytest
from django.utils import translation

from question_bank.formats import moodle_xml
from question_bank.formats.result import theory_entry

FILES = Path(__file__).parent / "files"
REFUSED_DECLARATIONS = (
    "The file declares a DOCTYPE or entities, which Moodle files never do, so it was not read."
)


@pytest.fixture(autouse=True)
def _messages_in_english():
    with translation.override("en"):
        yield


def _parse_file(name, language="zh-hans"):
    return moodle_xml.parse((FILES / name).read_bytes(), language=language)


def _summary(result):
    """(where, key, type, stem, payload) of each entry, for its only language."""
    summary = []
    for where, entry in result.entries:
        (content,) = entry["content"].values()
        summary.append((where, entry["key"], entry["type"], content["stem"], content["payload"]))
    return summary


def test_it_reads_a_moodle_export():
    result = _parse_file("bank-en.xml", language="en")

    assert result.problems == []
    assert _summary(result) == [
        (
            "question 1",
            "dq-missing-values-01",
            "single_choice",
            "In an orders table, the column delivery city is empty in 3% of the rows.\n\n"
            "Which quality dimension does this affect?",
            {"options": ["completeness", "uniqueness", "timeliness", "consistency"], "answer": 0},
        ),
        (
            "question 2",
            "dq-duplicates-01",
            "multiple_choice",
            "Which checks can find duplicate orders?",
            {
                "options": [
                    "counting how often each order number occurs",
                    "the mean of the amount column",
                    "comparing whole rows for exact equality",
                ],
                "answers": [0, 2],
                "partial_credit": False,
            },
        ),
        (
            "question 3",
            None,
            "true_false",
            "Every outlier in a dataset is a data-entry error and should be deleted.",
            {"answer": False},
        ),
        (
            "question 4",
            "ml-overfitting-01",
            "fill_in",
            "A model scores 99% on the training set and 70% on the test set.\nWhat is this called?",
            {
                "mode": "text",
                "alternatives": ["overfitting", "over-fitting"],
                "case_sensitive": False,
            },
        ),
        (
            "question 5",
            "ml-f1-01",
            "fill_in",
            "Precision is 0.9 and recall is 0.8. What is the F1 score, to two decimals?",
            {"mode": "number", "value": 0.85, "tolerance": 0.005},
        ),
        (
            "question 6",
            "ml-split-01",
            "single_choice",
            "Which part of the data is used to choose hyperparameters?",
            {"options": ["the training set", "the validation set", "the test set"], "answer": 1},
        ),
    ]


def test_categories_and_moodle_tags_become_tags():
    tags = [entry["tags"] for _where, entry in _parse_file("bank-en.xml").entries]

    assert tags == [
        ["Data quality", "missing values"],
        ["Data quality"],
        ["Data quality"],
        ["ML basics"],
        ["ML basics"],
        ["ML basics", "train/test split"],
    ]


def test_general_feedback_and_answer_feedback_become_the_explanation():
    result = _parse_file("bank-en.xml", language="en")

    explanations = [entry["content"]["en"]["explanation"] for _where, entry in result.entries]
    assert explanations[0] == (
        "Missing values make the data incomplete.\n\n"
        "uniqueness: Uniqueness is about duplicate rows."
    )
    assert explanations[3] == (
        "The model has learnt the noise of the training data & does not generalise.\n\n"
        "underfitting: That is the opposite: poor scores on both sets."
    )
    assert explanations[4] == (
        "F1 = 2 × 0.9 × 0.8 / (0.9 + 0.8) ≈ 0.847\n\n"
        "Use the harmonic mean, not the arithmetic mean."
    )


def test_an_entry_leaves_what_moodle_does_not_know_to_the_importer():
    where, entry = _parse_file("bank-en.xml").entries[2]

    assert entry == {
        "key": None,
        "type": "true_false",
        "levels": [],
        "function": None,
        "work_content": None,
        "difficulty": None,
        "tags": ["Data quality"],
        "status": None,
        "content": {
            "zh-hans": {
                "stem": "Every outlier in a dataset is a data-entry error and should be deleted.",
                "payload": {"answer": False},
                "explanation": "Some outliers are real, rare events; "
                "check them before deleting anything.",
                "reference": "",
            }
        },
    }


@pytest.mark.parametrize(
    ("markup", "text"),
    [
        (
            "<p>Check the labels.</p>\n<p>Then  the\nboxes.</p>",
            "Check the labels.\n\nThen the boxes.",
        ),
        ("first line<br>second<br/>third", "first line\nsecond\nthird"),
        ("<ul><li>cats</li><li>dogs</li></ul>", "cats\ndogs"),
        ("A&nbsp;&amp;&nbsp;B &lt;标签&gt;<style>p {}</style>", "A & B <标签>"),
    ],
)
def test_html_becomes_plain_text_with_its_paragraphs_and_line_breaks(markup, text):
    assert moodle_xml.html_to_text(markup) == text


def test_it_refuses_a_doctype_with_entities_before_parsing_it():
    result = _parse_file("billion-laughs.xml")

    assert result.entries == []
    assert result.problems == [("", REFUSED_DECLARATIONS)]


def test_it_refuses_an_entity_declaration_even_without_a_doctype_keyword_in_capitals():
    data = b'<?xml version="1.0"?>\n<!doctype quiz [<!entity x "y">]>\n<quiz/>'

    assert moodle_xml.parse(data).problems == [("", REFUSED_DECLARATIONS)]


def test_it_reports_unsupported_question_types_with_their_number():
    result = _parse_file("broken-zh.xml")

    assert ("question 2", "Moodle questions of type “essay” are not supported.") in result.problems
    assert (
        "question 3",
        "Moodle questions of type “matching” are not supported.",
    ) in result.problems
    assert ("question 5", "Moodle questions of type “cloze” are not supported.") in result.problems


def test_it_reports_questions_whose_answers_do_not_fit_our_types():
    result = _parse_file("broken-zh.xml")

    assert (
        "question 4",
        "A one-answer question needs exactly one answer worth 100%.",
    ) in result.problems
    assert (
        "question 6",
        "A numerical question needs exactly one answer worth 100%.",
    ) in result.problems
    assert ("question 7", "The question text is empty.") in result.problems
    assert len(result.problems) == 6


def test_good_questions_of_a_partly_broken_file_still_become_entries():
    assert _summary(_parse_file("broken-zh.xml")) == [
        (
            "question 1",
            "desensitise-01",
            "true_false",
            "把手机号中间四位替换为星号，属于数据脱敏。",
            {"answer": True},
        ),
        (
            "question 8",
            "desensitise-05",
            "fill_in",
            "用固定符号（如 *）遮盖部分字符的脱敏方法叫作什么？",
            {"mode": "text", "alternatives": ["掩码", "遮盖"], "case_sensitive": False},
        ),
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b"<quiz><question type='truefalse'>",
            "The file is not well-formed XML (line 1, column 33).",
        ),
        (b"<questions/>", "The file is not a Moodle XML file: it does not start with <quiz>."),
        ("<quiz/>".encode("utf-16"), "The file is not UTF-8 text, as Moodle writes it."),
    ],
)
def test_it_refuses_files_that_are_not_moodle_xml(data, message):
    assert moodle_xml.parse(data).problems == [("", message)]


def _theory_entries():
    return [
        theory_entry(
            "single_choice",
            "标注数据交付前，质检抽样发现错误率超标，应当：\n\n（选出最合适的一项）",
            {
                "options": ["直接交付", "退回返工并复检", "删除出错的样本", "只修改被抽到的样本"],
                "answer": 1,
            },
            "zh-hans",
            key="l4-label-audit-040",
            tags=["质检"],
            explanation="错误率超标说明整批质量有问题，应整批返工后重新抽检。",
        ),
        theory_entry(
            "multiple_choice",
            "下列属于 <数据标注> 工具常见功能的有：",
            {
                "options": ["拉框", "多边形", "关键点", "自动生成论文"],
                "answers": [0, 1, 2],
                "partial_credit": False,
            },
            "zh-hans",
            key="l5-tools-002",
            explanation="A & B & C.",
        ),
        theory_entry("true_false", "训练集和测试集可以重叠。", {"answer": False}, "zh-hans"),
        theory_entry(
            "fill_in",
            "模型在训练集上很好、测试集上很差，称为____。",
            {"mode": "text", "alternatives": ["过拟合", "Overfitting"], "case_sensitive": True},
            "zh-hans",
            key="l3-overfitting-001",
        ),
        theory_entry(
            "fill_in",
            "500 条中有 15 条错误，错误率是多少？",
            {"mode": "number", "value": 0.03, "tolerance": 0.001},
            "zh-hans",
            key="l4-error-rate-002",
            explanation="15 ÷ 500 = 0.03",
        ),
    ]


def test_export_then_parse_round_trips_stem_options_key_and_explanation():
    entries = _theory_entries()

    result = moodle_xml.parse(moodle_xml.export(entries))

    assert result.problems == []
    assert [entry for _where, entry in result.entries] == entries


def test_export_writes_moodle_types_and_fractions():
    data = moodle_xml.export(_theory_entries())

    assert data.startswith(b"<?xml version='1.0' encoding='utf-8'?>\n<quiz>")
    for moodle_type in ("multichoice", "truefalse", "shortanswer", "numerical"):
        assert f'<question type="{moodle_type}">'.encode() in data
    assert b'<answer fraction="33.33333" format="html">' in data
    assert b'<answer fraction="-100" format="html">' in data
    assert b"<tolerance>0.001</tolerance>" in data
    assert b"<usecase>1</usecase>" in data


def test_export_writes_one_language_and_only_theory_entries():
    english = theory_entry("true_false", "Labels can be wrong.", {"answer": True}, "en")
    task = theory_entry(
        "text_classification", "给评论分类。", {"labels": [], "items": []}, "zh-hans"
    )

    data = moodle_xml.export([english, task, *_theory_entries()], language="en")

    result = moodle_xml.parse(data, language="en")
    assert _summary(result) == [
        ("question 1", None, "true_false", "Labels can be wrong.", {"answer": True})
    ]
