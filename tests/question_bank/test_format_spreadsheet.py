"""Question banks as spreadsheets: what instructors upload from Excel or WPS, and what we
give them to fill in and to take away."""

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.utils import translation

from question_bank.formats import spreadsheet
from question_bank.formats.result import theory_entry

FILES = Path(__file__).parent / "files"
NOT_AN_XLSX = "The file is not an Excel workbook (.xlsx), or it is damaged."


@pytest.fixture(autouse=True)
def _messages_in_english():
    with translation.override("en"):
        yield


def _summary(result):
    """(where, key, type, stem, payload) of each entry, for its only language."""
    summary = []
    for where, entry in result.entries:
        (content,) = entry["content"].values()
        summary.append((where, entry["key"], entry["type"], content["stem"], content["payload"]))
    return summary


def _broken_csv():
    return spreadsheet.parse_csv((FILES / "broken-en.csv").read_bytes())


def _csv(*lines):
    return "\n".join(lines).encode()


def test_it_reads_a_chinese_csv_saved_by_excel():
    result = spreadsheet.parse_csv((FILES / "bank-zh.csv").read_bytes())

    assert result.problems == []
    assert _summary(result) == [
        (
            "row 2",
            "l4-quality-check-101",
            "single_choice",
            "某电商订单表中“收货城市”字段有 3% 的记录为空。在数据质量检验中，这类问题属于：",
            {"options": ["完整性问题", "一致性问题", "时效性问题", "唯一性问题"], "answer": 0},
        ),
        (
            "row 3",
            "l4-quality-check-102",
            "multiple_choice",
            "下列做法中，可以发现订单表中重复记录的有：",
            {
                "options": [
                    "按订单号分组统计出现次数",
                    "计算金额字段的平均值",
                    "比对全部字段是否完全相同",
                    "按“用户+商品+下单时间”组合查找重复",
                ],
                "answers": [0, 2, 3],
                "partial_credit": False,
            },
        ),
        (
            "row 4",
            None,
            "true_false",
            "同一批数据由多名标注员标注时，应先统一标注规范，再开始正式标注。",
            {"answer": True},
        ),
        (
            "row 5",
            "l3-algorithm-testing-007",
            "fill_in",
            "在监督学习中，模型在训练集上表现很好、在测试集上明显变差的现象称为____。",
            {"mode": "text", "alternatives": ["过拟合", "overfitting"], "case_sensitive": False},
        ),
        (
            "row 6",
            "l4-label-audit-031",
            "fill_in",
            "一批图片共 500 张，质检抽查 50 张，其中 2 张标注框偏移超出允许范围。\n"
            "本次抽检的合格率是多少？（用小数表示）",
            {"mode": "number", "value": 0.96, "tolerance": 0.001},
        ),
        (
            "row 7",
            None,
            "true_false",
            "数据脱敏后即可随意对外公开，无需再评估个人信息泄露的风险。",
            {"answer": False},
        ),
        (
            "row 8",
            None,
            "single_choice",
            "把“苹果”“香蕉”“橙子”三个类别分别编码为 [1,0,0]、[0,1,0]、[0,0,1] 的方法叫：",
            {"options": ["标签编码", "独热编码", "归一化"], "answer": 1},
        ),
        (
            "row 9",
            None,
            "multiple_choice",
            "以下属于文本数据清洗常见操作的有：",
            {
                "options": [
                    "去除 HTML 标签",
                    "统一全角和半角字符",
                    "增加神经网络层数",
                    "删除重复文本",
                ],
                "answers": [0, 1, 3],
                "partial_credit": False,
            },
        ),
    ]


def test_it_reads_every_column_of_a_row():
    result = spreadsheet.parse_csv((FILES / "bank-zh.csv").read_bytes())

    assert result.entries[0][1] == {
        "key": "l4-quality-check-101",
        "type": "single_choice",
        "levels": [4],
        "function": "l4-data",
        "work_content": "l4-quality-check",
        "difficulty": 2,
        "tags": ["数据质量", "缺失值"],
        "status": None,
        "content": {
            "zh-hans": {
                "stem": "某电商订单表中“收货城市”字段有 3% 的记录为空。"
                "在数据质量检验中，这类问题属于：",
                "payload": {
                    "options": ["完整性问题", "一致性问题", "时效性问题", "唯一性问题"],
                    "answer": 0,
                },
                "explanation": "字段值缺失说明数据不完整，属于完整性问题。",
                "reference": "人工智能训练师国家职业技能标准（2021年版）",
            }
        },
    }
    levels = [entry["levels"] for _where, entry in result.entries]
    assert levels == [[4], [4, 3], [5], [3], [4], [5, 4, 3], [4], [5]]


def test_it_reads_an_xlsx_with_english_headings_numbers_and_booleans():
    result = spreadsheet.parse_xlsx((FILES / "bank-en.xlsx").read_bytes(), language="en")

    assert result.problems == []
    where_and_payload = [
        (where, entry["key"], entry["content"]["en"]["payload"]) for where, entry in result.entries
    ]
    assert where_and_payload == [
        (
            "row 2",
            "ml-basics-001",
            {
                "options": [
                    "Grouping customers when no labels are known",
                    "Predicting house prices from labelled past sales",
                    "Reducing 100 features to 10 with PCA",
                ],
                "answer": 1,
            },
        ),
        ("row 4", "ml-metrics-002", {"answer": True}),
        ("row 6", "ml-metrics-003", {"mode": "number", "value": 90, "tolerance": 0}),
        ("row 7", "ml-metrics-004", {"mode": "number", "value": 0.85, "tolerance": 0.005}),
        (
            "row 8",
            "label-noise-001",
            {
                "options": [
                    "Identical images carry different labels",
                    "The classes have different numbers of examples",
                    "Annotators disagree on many items of the same batch",
                    "The model fits the training set within few epochs",
                ],
                "answers": [0, 2],
                "partial_credit": False,
            },
        ),
        (
            "row 9",
            "ml-metrics-005",
            {
                "mode": "text",
                "alternatives": ["recall", "sensitivity", "召回率"],
                "case_sensitive": False,
            },
        ),
    ]
    assert result.entries[2][1]["levels"] == [3, 4]


def test_rows_sharing_a_key_become_one_bilingual_entry():
    result = spreadsheet.parse_xlsx((FILES / "bank-en.xlsx").read_bytes(), language="en")

    where, entry = result.entries[0]
    assert where == "row 2"
    assert entry["tags"] == ["supervised learning", "labels", "监督学习"]
    assert entry["content"]["zh-hans"] == {
        "stem": "下列任务中属于监督学习的是：",
        "payload": {
            "options": [
                "在没有标签的情况下对客户分组",
                "根据已标注的历史成交数据预测房价",
                "用主成分分析把 100 个特征降到 10 个",
            ],
            "answer": 1,
        },
        "explanation": "监督学习从带有正确答案（标签）的样本中学习。",
        "reference": "人工智能训练师国家职业技能标准（2021年版）",
    }
    assert list(entry["content"]) == ["en", "zh-hans"]


def test_it_reports_rows_that_share_a_key_and_a_language():
    result = spreadsheet.parse_csv(
        _csv(
            "key,type,stem,answer",
            "ml-split-02,true_false,The test set is used to tune the model.,false",
            "ml-split-02,true_false,Validation data helps choose hyperparameters.,true",
        )
    )

    assert len(result.entries) == 1
    assert result.problems == [("row 3", "Key “ml-split-02” is already used at row 2.")]


def test_it_reports_an_answer_letter_beyond_the_options():
    assert ("row 3", "Answer “E” does not match an option.") in _broken_csv().problems


def test_it_reports_an_empty_stem():
    assert ("row 4", "Column “stem” is empty.") in _broken_csv().problems


def test_it_reports_a_type_that_does_not_exist():
    message = (
        "Type “essay” is not one of 判断, 单选, 多选, 填空 "
        "(true_false, single_choice, multiple_choice, fill_in)."
    )
    assert ("row 5", message) in _broken_csv().problems


def test_it_reports_a_bad_difficulty():
    message = "Difficulty “hard” is not a whole number from 1 to 5."
    assert ("row 6", message) in _broken_csv().problems


def test_it_reports_a_level_outside_one_to_five():
    message = "Level “6” is not a level from 1 to 5, such as 4 or 四级."
    assert ("row 8", message) in _broken_csv().problems


def test_it_reports_a_multiple_choice_answer_with_one_letter():
    message = "A multiple-choice question needs at least two right options, not “B”."
    assert ("row 9", message) in _broken_csv().problems


def test_it_reports_every_problem_of_a_row_and_every_broken_row():
    assert [where for where, _message in _broken_csv().problems] == [
        "row 3",
        "row 4",
        "row 5",
        "row 5",
        "row 6",
        "row 8",
        "row 9",
    ]


def test_good_rows_of_a_partly_broken_file_still_become_entries():
    summary = _summary(_broken_csv())

    assert summary == [
        (
            "row 2",
            "dq-outliers-01",
            "single_choice",
            'An "age" column holds the values 23, 41, 35 and 230. What is 230 most likely?',
            {
                "options": ["a typo or an outlier", "the mean", "the median", "a duplicate"],
                "answer": 0,
            },
        ),
        (
            "row 7",
            "ml-split-01",
            "true_false",
            "The test set should be used only once, after the model has been tuned.",
            {"answer": True},
        ),
    ]


def test_it_reports_unknown_columns_and_still_reads_the_rows():
    result = spreadsheet.parse_csv(
        _csv("题型,题干,答案,备注,分值", "判断,标注前应先阅读标注规范。,对,新题,2")
    )

    assert result.problems == [("row 1", "Unknown columns: “备注”, “分值”.")]
    assert _summary(result) == [
        ("row 2", None, "true_false", "标注前应先阅读标注规范。", {"answer": True})
    ]


def test_it_reports_missing_required_columns_and_reads_no_rows():
    result = spreadsheet.parse_csv(_csv("编号,题干", "q-1,标注前应先阅读标注规范。"))

    assert result.entries == []
    assert result.problems == [
        ("row 1", "Required columns are missing: “type/题型”, “answer/答案”.")
    ]


def test_it_reports_an_option_left_empty_between_others():
    result = spreadsheet.parse_csv(
        _csv("type,stem,A,B,C,answer", "single_choice,Which is a label?,cat,,dog,A")
    )

    assert result.problems == [("row 2", "Option B is empty.")]


def test_it_reports_a_key_that_is_not_lower_case_letters_digits_and_dashes():
    result = spreadsheet.parse_csv(_csv("key,type,stem,answer", "Q 1,判断,数据需要清洗。,对"))

    message = "Key “Q 1” may only hold lower-case letters, digits and “-”, at most 80 characters."
    assert result.problems == [("row 2", message)]


def test_it_reports_a_cell_longer_than_10000_characters():
    result = spreadsheet.parse_csv(_csv("type,stem,answer", "true_false," + "a" * 10_001 + ",T"))

    assert result.problems == [("row 2", "Column “stem” is longer than 10,000 characters.")]


def test_it_asks_for_csv_utf_8_when_a_file_is_gbk():
    result = spreadsheet.parse_csv((FILES / "bank-gbk.csv").read_bytes())

    assert result.entries == []
    [(where, message)] = result.problems
    assert where == ""
    assert "CSV UTF-8" in message


def test_it_reports_csv_cells_that_a_spreadsheet_would_run_as_formulas():
    result = spreadsheet.parse_csv((FILES / "formulas.csv").read_bytes())

    hint = "starts like a spreadsheet formula; put a ' before it if it is meant as text."
    assert result.problems == [
        ("row 2", f"Column “题干” {hint}"),
        ("row 4", f"Column “选项B” {hint}"),
    ]


def test_quoted_formulas_and_negative_numbers_in_a_csv_are_text_and_numbers():
    result = spreadsheet.parse_csv((FILES / "formulas.csv").read_bytes())

    assert _summary(result) == [
        (
            "row 3",
            None,
            "fill_in",
            "=SUM(A1:A3) 在表格软件中计算的是什么？",
            {
                "mode": "text",
                "alternatives": ["A1 到 A3 三个单元格之和", "求和"],
                "case_sensitive": False,
            },
        ),
        (
            "row 5",
            None,
            "fill_in",
            "某模型第一轮损失为 0.8，第二轮为 1.0，损失变化了多少？",
            {"mode": "number", "value": -0.2, "tolerance": 0.01},
        ),
        (
            "row 6",
            None,
            "fill_in",
            "温度从 3℃ 降到 -2℃，变化了多少摄氏度？",
            {"mode": "number", "value": -5, "tolerance": 0},
        ),
    ]


def test_it_refuses_more_than_20000_rows():
    rows = ["type,stem,answer"] + [f"true_false,Statement {n},T" for n in range(20_001)]

    result = spreadsheet.parse_csv(_csv(*rows))

    assert result.entries == []
    assert result.problems == [
        ("", "The file has more than 20,000 rows of questions; split it into smaller files.")
    ]


def test_it_refuses_a_truncated_xlsx():
    data = (FILES / "bank-en.xlsx").read_bytes()

    result = spreadsheet.parse_xlsx(data[: len(data) // 2])

    assert result.entries == []
    assert result.problems == [("", NOT_AN_XLSX)]


def test_it_refuses_a_csv_uploaded_as_xlsx():
    result = spreadsheet.parse_xlsx((FILES / "bank-zh.csv").read_bytes())

    assert result.problems == [("", NOT_AN_XLSX)]


def test_it_refuses_a_zip_bomb():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        # 12 MB of one repeated tag shrink to about 12 kB.
        archive.writestr("xl/worksheets/sheet1.xml", "<row/>" * 2_000_000)

    result = spreadsheet.parse_xlsx(buffer.getvalue())

    assert result.entries == []
    assert result.problems == [
        (
            "",
            "The workbook is compressed suspiciously well (like a “zip bomb”), "
            "so it was not opened.",
        )
    ]


def test_it_refuses_a_workbook_that_unpacks_to_more_than_50_mb():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (50 * 1024 * 1024 + 1))

    result = spreadsheet.parse_xlsx(buffer.getvalue())

    assert result.problems == [
        ("", "The workbook unpacks to more than 50 MB; split it into smaller files.")
    ]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize(
    ("write", "parse"),
    [
        (spreadsheet.write_template, spreadsheet.parse_xlsx),
        (spreadsheet.write_template_csv, spreadsheet.parse_csv),
    ],
)
def test_the_template_reads_back_as_its_two_examples(write, parse, language):
    result = parse(write(language))

    assert result.problems == []
    assert result.entries == [
        ("row 2", spreadsheet.template_examples(language)[0]),
        ("row 3", spreadsheet.template_examples(language)[1]),
    ]
    [single_choice, fill_in] = spreadsheet.template_examples(language)
    assert single_choice["content"][language]["payload"]["answer"] == 1
    assert fill_in["content"][language]["payload"] == {
        "mode": "number",
        "value": 0.97,
        "tolerance": 0.005,
    }


def test_the_template_has_headings_in_its_language_frozen_and_sized():
    workbook = openpyxl.load_workbook(io.BytesIO(spreadsheet.write_template("zh-hans")))
    sheet = workbook.active

    assert [cell.value for cell in sheet[1]][:8] == [
        "编号",
        "题型",
        "等级",
        "职业功能",
        "工作内容",
        "难度",
        "标签",
        "题干",
    ]
    assert sheet["A1"].font.bold
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["H"].width == 50


def test_the_csv_template_starts_with_a_byte_order_mark_for_excel():
    data = spreadsheet.write_template_csv("en")

    assert data.startswith(b"\xef\xbb\xbfkey,type,level,")


def _entry_with_formulas():
    return theory_entry(
        "single_choice",
        '=HYPERLINK("http://example.com/answers","查看答案")',
        {"options": ["+86 123", "@提及", "-1", "普通选项"], "answer": 3},
        "zh-hans",
        key="formula-test",
        explanation="=1+1",
    )


def test_the_xlsx_export_puts_a_quote_before_formula_like_text_and_writes_only_strings():
    data = spreadsheet.export_xlsx([_entry_with_formulas()], "zh-hans")

    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    row = {heading.value: cell for heading, cell in zip(sheet[1], sheet[2], strict=True)}
    assert row["题干"].value == '\'=HYPERLINK("http://example.com/answers","查看答案")'
    assert [row[f"选项{letter}"].value for letter in "ABCD"] == [
        "'+86 123",
        "'@提及",
        "'-1",
        "普通选项",
    ]
    assert row["解析"].value == "'=1+1"
    assert {cell.data_type for cell in sheet[2] if cell.value is not None} == {"s"}


def test_the_csv_export_puts_a_quote_before_formula_like_text():
    text = spreadsheet.export_csv([_entry_with_formulas()], "en").decode("utf-8-sig")

    assert '"\'=HYPERLINK(""http://example.com/answers"",""查看答案"")"' in text
    assert ",'+86 123,'@提及,'-1,普通选项," in text


@pytest.mark.parametrize(
    ("export", "parse"),
    [
        (spreadsheet.export_xlsx, spreadsheet.parse_xlsx),
        (spreadsheet.export_csv, spreadsheet.parse_csv),
    ],
)
def test_an_export_reads_back_as_the_same_entries(export, parse):
    bilingual = spreadsheet.parse_xlsx((FILES / "bank-en.xlsx").read_bytes(), language="en")
    entries = [entry for _where, entry in bilingual.entries] + [_entry_with_formulas()]

    result = parse(export(entries, "zh-hans"))

    assert result.problems == []
    assert [entry for _where, entry in result.entries] == entries


def test_an_export_leaves_out_practical_tasks():
    task = theory_entry(
        "text_classification", "给评论分类。", {"labels": [], "items": []}, "zh-hans"
    )

    data = spreadsheet.export_csv([task, _entry_with_formulas()], "zh-hans")

    assert len(spreadsheet.parse_csv(data).entries) == 1
