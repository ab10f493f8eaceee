"""Theory questions as a spreadsheet (xlsx or CSV), one question per row.

The first non-empty row holds the column headings, in Chinese or English (编号/key, 题型/type,
等级/level, 职业功能/function, 工作内容/work_content, 难度/difficulty, 标签/tags, 题干/stem,
选项A…选项H or A…H, 答案/answer, 解析/explanation, 出处/reference, 语言/language). Rows that
share a key are the language versions of one entry, as in our JSON format, so a bilingual
export reads back as bilingual entries.
"""

import csv
import io
import re
import unicodedata
import zipfile
from decimal import Decimal
from itertools import islice

import openpyxl
from django.utils.translation import gettext as _
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from question_bank.formats.result import (
    OPTION_LETTERS,
    THEORY_TYPES,
    ParseResult,
    Problem,
    check_options,
    is_key,
    number_payload,
    parse_number,
    theory_entry,
)

MAX_ROWS = 20_000
MAX_CELL_LENGTH = 10_000
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
# Parts smaller than this cannot hurt whatever their ratio, and small repetitive parts of
# ordinary workbooks (styles, empty sheets) may well compress more than 100 times.
_RATIO_CHECK_FROM_BYTES = 1024 * 1024

# (field, English heading, Chinese heading, column width in the files we write)
_COLUMNS = [
    ("key", "key", "编号", 16),
    ("type", "type", "题型", 14),
    ("level", "level", "等级", 8),
    ("function", "function", "职业功能", 14),
    ("work_content", "work_content", "工作内容", 20),
    ("difficulty", "difficulty", "难度", 8),
    ("tags", "tags", "标签", 16),
    ("stem", "stem", "题干", 50),
    *[(letter, letter, f"选项{letter}", 20) for letter in OPTION_LETTERS],
    ("answer", "answer", "答案", 14),
    ("explanation", "explanation", "解析", 40),
    ("reference", "reference", "出处", 30),
    ("language", "language", "语言", 10),
]
_REQUIRED_FIELDS = ("type", "stem", "answer")

_TYPE_NAMES = {
    "判断": "true_false",
    "单选": "single_choice",
    "多选": "multiple_choice",
    "填空": "fill_in",
}
_TRUE_WORDS = {"对", "正确", "√", "✓", "t", "true", "是"}
_FALSE_WORDS = {"错", "错误", "×", "✗", "f", "false", "否"}
_TYPE_LABELS = {question_type: label for label, question_type in _TYPE_NAMES.items()}
_LEVEL_NAMES = {
    "初级工": 5,
    "初级": 5,
    "中级工": 4,
    "中级": 4,
    "高级工": 3,
    "高级": 3,
    "技师": 2,
    "高级技师": 1,
}
_CHINESE_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5}
_LANGUAGE_NAMES = {
    **dict.fromkeys(["zh-hans", "zh", "zh-cn", "中文", "简体中文"], "zh-hans"),
    **dict.fromkeys(["en", "english", "英文", "英语"], "en"),
}
_LIST_SEPARATORS = re.compile(r"[,，、;；]")
_CODE_PATTERN = re.compile(r"[a-z0-9-]{1,40}")


def _normalise_heading(text):
    return re.sub(r"[\s_-]+", "", unicodedata.normalize("NFKC", text).casefold())


# Headings compare without case, spaces, "_" and "-", and full-width letters count as
# half-width ones: "Work Content", "work_content" and "ＷＯＲＫ－ＣＯＮＴＥＮＴ" are one column.
_FIELD_BY_HEADING = {
    **{_normalise_heading(english): field for field, english, _chinese, _width in _COLUMNS},
    **{_normalise_heading(chinese): field for field, _english, chinese, _width in _COLUMNS},
    **{f"option{letter.lower()}": letter for letter in OPTION_LETTERS},
    "levels": "level",
    "tag": "tags",
    "题目": "stem",
    "正确答案": "answer",
}

# A spreadsheet runs a cell that starts with one of these as a formula (a tab or carriage
# return may hide one), so text from any author could run =HYPERLINK(...) or a DDE command on
# the computer of whoever opens an export. A leading quote makes Excel, WPS and LibreOffice
# show the cell as text; reading a file removes that quote again.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def parse_xlsx(data, *, language="zh-hans"):
    refusal = _unsafe_zip_reason(data)
    if refusal:
        return ParseResult.refused(refusal)
    damaged = _("The file is not an Excel workbook (.xlsx), or it is damaged.")
    # openpyxl fails on damaged workbooks with errors of many kinds, some only while reading.
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        return ParseResult.refused(damaged)
    try:
        rows = _first_rows(workbook.worksheets[0].iter_rows(values_only=True))
    except Exception:
        return ParseResult.refused(damaged)
    finally:
        workbook.close()
    return _parse_table(rows, language, from_csv=False)


def parse_csv(data, *, language="zh-hans"):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return ParseResult.refused(
            _(
                "The file is not UTF-8 text. In Excel, choose “Save as” and the type "
                "“CSV UTF-8 (Comma delimited)”, then upload it again."
            )
        )
    try:
        rows = _first_rows(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        return ParseResult.refused(
            _("The file could not be read as CSV: %(error)s") % {"error": error}
        )
    return _parse_table(rows, language, from_csv=True)


def write_template(language):
    return export_xlsx(template_examples(language), language)


def write_template_csv(language):
    return export_csv(template_examples(language), language)


def export_xlsx(entries, language):
    """An xlsx of the theory entries, one row per entry and language, with the headings of
    ``language``. Entries of other types are left out: the columns only fit theory. A
    fill-in's case sensitivity has no column, and an alternative holding "|" cannot be
    told apart from two."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "题库" if _is_chinese(language) else "Questions"
    for row_number, row in enumerate(_export_rows(entries, language), start=1):
        for column_number, text in enumerate(row, start=1):
            if text:
                cell = sheet.cell(row=row_number, column=column_number)
                cell.value = ILLEGAL_CHARACTERS_RE.sub("", text)
                # openpyxl takes any string starting with "=" for a formula; ours never are.
                cell.data_type = "s"
    for column_number, (*_names, width) in enumerate(_COLUMNS, start=1):
        sheet.cell(row=1, column=column_number).font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(column_number)].width = width
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_csv(entries, language):
    """Like export_xlsx, as CSV."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows(_export_rows(entries, language))
    # The byte-order mark makes Excel read UTF-8 instead of the local code page (GBK on a
    # Chinese Windows), which would garble every Chinese character.
    return buffer.getvalue().encode("utf-8-sig")


# Reading


def _unsafe_zip_reason(data):
    """Why the bytes must not reach openpyxl (not a zip, or a zip bomb), or None."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError):
        return _("The file is not an Excel workbook (.xlsx), or it is damaged.")
    # zipfile never unpacks more than the sizes declared here, so checking them is enough.
    if sum(member.file_size for member in members) > MAX_UNCOMPRESSED_BYTES:
        return _("The workbook unpacks to more than 50 MB; split it into smaller files.")
    for member in members:
        if (
            member.file_size > _RATIO_CHECK_FROM_BYTES
            and member.file_size > MAX_COMPRESSION_RATIO * member.compress_size
        ):
            return _(
                "The workbook is compressed suspiciously well (like a “zip bomb”), "
                "so it was not opened."
            )
    return None


def _first_rows(rows):
    """The non-empty rows as (row number, raw cell texts), one more than the limit allows
    at most, so that too long a file is noticed without reading all of it."""
    numbered = (
        (number, [_raw_text(value) for value in values])
        for number, values in enumerate(rows, start=1)
    )
    non_empty = ((number, cells) for number, cells in numbered if any(cells))
    return list(islice(non_empty, MAX_ROWS + 2))


def _raw_text(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _parse_table(rows, language, *, from_csv):
    if not rows:
        return ParseResult.refused(_("The file holds no rows."))
    if len(rows) > MAX_ROWS + 1:
        return ParseResult.refused(
            _("The file has more than %(limit)s rows of questions; split it into smaller files.")
            % {"limit": f"{MAX_ROWS:,}"}
        )
    result = ParseResult()
    header_number, header = rows[0]
    header_where = _("row %(n)s") % {"n": header_number}
    columns, headings, problems = _read_headings(header)
    result.problems += [(header_where, problem) for problem in problems]
    missing = [field for field in _REQUIRED_FIELDS if field not in headings]
    if missing:
        names = ", ".join(f"“{_heading(field, 'en')}/{_heading(field, 'zh')}”" for field in missing)
        result.problems.append(
            (header_where, _("Required columns are missing: %(columns)s.") % {"columns": names})
        )
        return result
    for number, values in rows[1:]:
        row = _Row(values, columns, headings, from_csv=from_csv)
        entry = _entry_from_row(row, language)
        where = _("row %(n)s") % {"n": number}
        if row.problems:
            result.problems += [(where, problem) for problem in row.problems]
        else:
            result.entries.append((where, entry))
    _merge_translations(result)
    return result


def _read_headings(header):
    """The field of each column (None for unknown ones), the heading of each field as the
    file spells it, and the problems with the headings."""
    columns, headings, unknown, problems = [], {}, [], []
    for text in header:
        heading = text.strip()
        field = _FIELD_BY_HEADING.get(_normalise_heading(heading))
        if heading and field is None:
            unknown.append(f"“{heading}”")
        if field in headings:
            problems.append(_("Column “%(column)s” appears twice.") % {"column": heading})
            field = None
        if field is not None:
            headings[field] = heading
        columns.append(field)
    if unknown:
        problems.append(_("Unknown columns: %(columns)s.") % {"columns": ", ".join(unknown)})
    return columns, headings, problems


def _heading(field, language):
    for name, english, chinese, _width in _COLUMNS:
        if name == field:
            return chinese if _is_chinese(language) else english
    raise KeyError(field)


class _Row:
    """The cells of one row by field, and the problems found in them."""

    def __init__(self, values, columns, headings, *, from_csv):
        self.headings = headings
        self.problems = []
        self.cells = {}
        for position, field in enumerate(columns):
            if field is None:
                continue
            raw = values[position] if position < len(values) else ""
            column = {"column": headings[field]}
            if len(raw) > MAX_CELL_LENGTH:
                self.problems.append(
                    _("Column “%(column)s” is longer than 10,000 characters.") % column
                )
            if from_csv and raw.startswith(("=", "@")):
                # Excel computes such a cell when it opens the CSV, so the author saw
                # something else than this text.
                self.problems.append(
                    _(
                        "Column “%(column)s” starts like a spreadsheet formula; put a ' "
                        "before it if it is meant as text."
                    )
                    % column
                )
            if raw.startswith("'") and raw[1:].startswith(_FORMULA_STARTS):
                raw = raw[1:]
            self.cells[field] = raw.strip()

    def read(self, field, parse, *args, required=False):
        """parse(text, *args) of the field's cell; None when the cell is empty or wrong."""
        text = self.cells.get(field, "")
        if not text:
            if required:
                self.problems.append(
                    _("Column “%(column)s” is empty.") % {"column": self.headings[field]}
                )
            return None
        return self.check(parse, text, *args)

    def check(self, function, *args):
        try:
            return function(*args)
        except Problem as problem:
            self.problems.append(str(problem))
            return None

    def options(self):
        """The option texts up to the last filled one (check_options finds gaps)."""
        texts = [self.cells.get(letter, "") for letter in OPTION_LETTERS]
        while texts and not texts[-1]:
            texts.pop()
        return texts


def _entry_from_row(row, default_language):
    question_type = row.read("type", _parse_type, required=True)
    stem = row.read("stem", str, required=True)
    options = row.options()
    if question_type in ("single_choice", "multiple_choice"):
        row.check(check_options, options)
    elif options and question_type is not None:
        row.problems.append(_("Only choice questions have options."))
    if question_type is None:
        payload = row.read("answer", str, required=True)
    else:
        payload = row.read("answer", _parse_answer, question_type, options, required=True)
    entry = theory_entry(
        question_type,
        stem,
        payload,
        row.read("language", _parse_language) or default_language,
        key=row.read("key", _parse_key),
        levels=row.read("level", _parse_levels),
        function=row.read("function", _parse_code, row.headings.get("function")),
        work_content=row.read("work_content", _parse_code, row.headings.get("work_content")),
        difficulty=row.read("difficulty", _parse_difficulty),
        tags=row.read("tags", _parse_tags),
        explanation=row.cells.get("explanation", ""),
        reference=row.cells.get("reference", ""),
    )
    return None if row.problems else entry


def _parse_type(text):
    name = re.sub(r"[\s/-]+", "_", unicodedata.normalize("NFKC", text).casefold())
    name = name.removesuffix("题")
    if name in THEORY_TYPES:
        return name
    if name in _TYPE_NAMES:
        return _TYPE_NAMES[name]
    raise Problem(
        _(
            "Type “%(type)s” is not one of 判断, 单选, 多选, 填空 "
            "(true_false, single_choice, multiple_choice, fill_in)."
        )
        % {"type": text}
    )


def _parse_answer(text, question_type, options):
    if question_type == "single_choice":
        letters = _answer_letters(text)
        if len(letters) != 1:
            raise Problem(
                _("A single-choice question has one answer letter, not “%(answer)s”.")
                % {"answer": text}
            )
        return {"options": options, "answer": _option_index(letters[0], options)}
    if question_type == "multiple_choice":
        answers = sorted({_option_index(letter, options) for letter in _answer_letters(text)})
        if len(answers) < 2:
            raise Problem(
                _("A multiple-choice question needs at least two right options, not “%(answer)s”.")
                % {"answer": text}
            )
        return {"options": options, "answers": answers, "partial_credit": False}
    if question_type == "true_false":
        word = unicodedata.normalize("NFKC", text).casefold()
        if word in _TRUE_WORDS or word in _FALSE_WORDS:
            return {"answer": word in _TRUE_WORDS}
        raise Problem(
            _("Answer “%(answer)s” is neither true nor false (对/错, T/F).") % {"answer": text}
        )
    return _fill_in_payload(text)


def _answer_letters(text):
    return list(re.sub(r"[\s,，、;；]+", "", unicodedata.normalize("NFKC", text).upper()))


def _option_index(letter, options):
    index = OPTION_LETTERS.find(letter)
    if index < 0 or index >= len(options):
        raise Problem(_("Answer “%(letter)s” does not match an option.") % {"letter": letter})
    return index


def _fill_in_payload(text):
    """A number with an optional tolerance ("0.85±0.005") in number mode, otherwise the
    right answers separated by "|" in text mode."""
    value_text, *tolerance_text = re.split(
        r"±|\+/-|\+-", unicodedata.normalize("NFKC", text), maxsplit=1
    )
    value = parse_number(value_text)
    if value is not None:
        tolerance = parse_number(tolerance_text[0]) if tolerance_text else Decimal(0)
        if tolerance is None:
            raise Problem(
                _("“%(answer)s” is not a number with a tolerance, such as 0.85±0.005.")
                % {"answer": text}
            )
        return number_payload(value, tolerance)
    alternatives = [part.strip() for part in text.split("|") if part.strip()]
    return {"mode": "text", "alternatives": alternatives, "case_sensitive": False}


def _parse_language(text):
    language = _LANGUAGE_NAMES.get(text.casefold())
    if language is None:
        raise Problem(_("Language “%(language)s” is not zh-hans or en.") % {"language": text})
    return language


def _parse_key(text):
    if not is_key(text):
        raise Problem(
            _(
                "Key “%(key)s” may only hold lower-case letters, digits and “-”, "
                "at most 80 characters."
            )
            % {"key": text}
        )
    return text


def _parse_code(text, column):
    if not _CODE_PATTERN.fullmatch(text):
        raise Problem(
            _("“%(code)s” in column “%(column)s” is not a code such as “l4-data”.")
            % {"code": text, "column": column}
        )
    return text


def _parse_levels(text):
    levels = []
    # "三级/高级工" names one level twice; the parts agree, so they may all be read.
    for part in re.split(r"[,，、;；/\s]+", text):
        if not part:
            continue
        level = _level(part)
        if level is None:
            raise Problem(
                _("Level “%(level)s” is not a level from 1 to 5, such as 4 or 四级.")
                % {"level": part}
            )
        if level not in levels:
            levels.append(level)
    return levels


def _level(text):
    text = unicodedata.normalize("NFKC", text).upper()
    if text in _LEVEL_NAMES:
        return _LEVEL_NAMES[text]
    text = text.removeprefix("L").removesuffix("级")
    if text in _CHINESE_DIGITS:
        return _CHINESE_DIGITS[text]
    return int(text) if re.fullmatch(r"[1-5]", text) else None


def _parse_difficulty(text):
    number = parse_number(unicodedata.normalize("NFKC", text))
    if number is None or number != number.to_integral_value() or not 1 <= number <= 5:
        raise Problem(
            _("Difficulty “%(difficulty)s” is not a whole number from 1 to 5.")
            % {"difficulty": text}
        )
    return int(number)


def _parse_tags(text):
    tags = []
    for part in _LIST_SEPARATORS.split(text):
        tag = part.strip()
        if tag and tag not in tags:
            tags.append(tag)
    return tags


def _merge_translations(result):
    """Join rows that share a key into one entry with one content per language."""
    merged, first = [], {}
    for where, entry in result.entries:
        key = entry["key"]
        if key is None or key not in first:
            merged.append((where, entry))
            if key is not None:
                first[key] = (where, entry)
            continue
        first_where, first_entry = first[key]
        try:
            _merge(first_entry, entry, first_where)
        except Problem as problem:
            result.problems.append((where, str(problem)))
    result.entries = merged


def _merge(into, entry, into_where):
    language, content = next(iter(entry["content"].items()))
    names = {"key": entry["key"], "where": into_where}
    if language in into["content"]:
        raise Problem(_("Key “%(key)s” is already used at %(where)s.") % names)
    fields = ("type", "levels", "function", "work_content", "difficulty")
    for field in fields:
        if into[field] and entry[field] and into[field] != entry[field]:
            raise Problem(
                _("This row and %(where)s share the key “%(key)s” but not the %(field)s.")
                % {**names, "field": _heading(field, language)}
            )
    for field in fields:
        into[field] = into[field] or entry[field]
    into["tags"] += [tag for tag in entry["tags"] if tag not in into["tags"]]
    into["content"][language] = content


# Writing


def _export_rows(entries, language):
    yield [_heading(field, language) for field, *_rest in _COLUMNS]
    for entry in entries:
        if entry["type"] not in THEORY_TYPES:
            continue
        for content_language, content in entry["content"].items():
            cells = _export_cells(entry, content_language, content, language)
            yield [_protect(cells.get(field, "")) for field, *_rest in _COLUMNS]


def _export_cells(entry, content_language, content, language):
    payload = content["payload"]
    chinese = _is_chinese(language)
    cells = {
        "key": entry["key"] or "",
        "type": _TYPE_LABELS[entry["type"]] if chinese else entry["type"],
        "level": ",".join(str(level) for level in entry["levels"]),
        "function": entry["function"] or "",
        "work_content": entry["work_content"] or "",
        "difficulty": str(entry["difficulty"] or ""),
        "tags": ", ".join(entry["tags"]),
        "stem": content["stem"],
        "answer": _answer_text(entry["type"], payload, chinese),
        "explanation": content.get("explanation", ""),
        "reference": content.get("reference", ""),
        "language": content_language,
    }
    cells.update(zip(OPTION_LETTERS, payload.get("options", []), strict=False))
    return cells


def _answer_text(question_type, payload, chinese):
    if question_type == "single_choice":
        return OPTION_LETTERS[payload["answer"]]
    if question_type == "multiple_choice":
        return "".join(OPTION_LETTERS[index] for index in payload["answers"])
    if question_type == "true_false":
        return ("对" if payload["answer"] else "错") if chinese else str(payload["answer"]).lower()
    if payload["mode"] == "number":
        tolerance = payload["tolerance"]
        return f"{payload['value']}±{tolerance}" if tolerance else str(payload["value"])
    return "|".join(payload["alternatives"])


def _protect(text):
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _is_chinese(language):
    return language.lower().startswith("zh")


def template_examples(language):
    """The two entries the templates show, in ``language``."""
    if _is_chinese(language):
        return [
            theory_entry(
                "single_choice",
                "在图像标注中，用矩形框标出目标物体位置和范围的标注方式称为：",
                {"options": ["语义分割", "拉框标注", "关键点标注", "文本分类"], "answer": 1},
                "zh-hans",
                levels=[5, 4],
                function="l5-annotation",
                work_content="l5-cleaning-labeling",
                difficulty=1,
                tags=["图像标注", "拉框"],
                explanation="拉框（边界框）标注用矩形框出目标；语义分割要逐像素标注类别。",
                reference="人工智能训练师国家职业技能标准（2021年版）",
            ),
            theory_entry(
                "fill_in",
                "抽检 200 条标注，发现 6 条有误。这批标注的准确率是多少？用小数表示。",
                {"mode": "number", "value": 0.97, "tolerance": 0.005},
                "zh-hans",
                levels=[4],
                function="l4-annotation",
                work_content="l4-label-audit",
                difficulty=2,
                tags=["准确率", "抽检"],
                explanation="准确率 = 正确条数 ÷ 抽检条数 = 194 ÷ 200 = 0.97。",
            ),
        ]
    return [
        theory_entry(
            "single_choice",
            "In image annotation, marking the position and extent of an object with a "
            "rectangle is called:",
            {
                "options": [
                    "semantic segmentation",
                    "bounding-box annotation",
                    "keypoint annotation",
                    "text classification",
                ],
                "answer": 1,
            },
            "en",
            levels=[5, 4],
            function="l5-annotation",
            work_content="l5-cleaning-labeling",
            difficulty=1,
            tags=["image annotation", "bounding boxes"],
            explanation="A bounding box frames the object with a rectangle; semantic "
            "segmentation labels every pixel.",
            reference="National Occupational Skill Standard for AI Trainers (2021 edition)",
        ),
        theory_entry(
            "fill_in",
            "A spot check of 200 labels finds 6 wrong ones. What is the accuracy of this "
            "batch? Answer as a decimal.",
            {"mode": "number", "value": 0.97, "tolerance": 0.005},
            "en",
            levels=[4],
            function="l4-annotation",
            work_content="l4-label-audit",
            difficulty=2,
            tags=["accuracy", "spot check"],
            explanation="Accuracy = correct labels ÷ labels checked = 194 ÷ 200 = 0.97.",
        ),
    ]
