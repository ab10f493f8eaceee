"""Damaged and hostile bank files, uploaded the way an instructor does: the upload, the check
page, and "import the valid questions". Each must end with a message that names the problem,
no 500 and no question saved.

tests/question_bank/test_format_*.py already cover, at the parser: a truncated xlsx, a CSV
uploaded as xlsx, a zip bomb, a workbook unpacking to more than 50 MB, a billion-laughs Moodle
XML, more than 20,000 rows, a cell over 10,000 characters, a GBK CSV, formulas in an uploaded
CSV and the quote put before formula-like text in both spreadsheet exports. What follows is
what they leave out."""

import html
import io
import re
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from question_bank.formats import spreadsheet
from question_bank.models import Question, WorkContent
from tests.base import make_question

DAMAGED = "The file is not an Excel workbook (.xlsx), or it is damaged."


@pytest.fixture
def wang(cast, tab_for):
    return tab_for(cast.instructor)


def _import(tab, filename, data, only_valid="1"):
    """Upload a file, read the problems its check page lists, then ask to import (by default
    only the valid questions): ([(where, message)], the status of that last request)."""
    content = WorkContent.objects.get(code="l4-quality-check")
    upload = tab.post(
        "/bank/import/",
        {
            "file": SimpleUploadedFile(filename, data),
            "language": "en",
            "levels": [4],
            "work_content": content.pk,
        },
    )
    assert upload.status_code == 302, upload.content.decode()[:500]
    check = tab.get(upload["Location"])
    assert check.status_code == 200
    listed = re.search(r'import-problems">(.*?)</ul>', check.content.decode(), re.S)
    problems = [
        (html.unescape(where), html.unescape(message))
        for where, message in re.findall(
            r"<li>(?:<strong>(.*?)</strong>: )?(.*?)</li>", listed.group(1) if listed else ""
        )
    ]
    return problems, tab.post(upload["Location"], {"only_valid": only_valid}).status_code


def _workbook(stem):
    """An English bank workbook of one true/false question with this stem, as bytes."""
    workbook = openpyxl.Workbook()
    workbook.active.append(["type", "stem", "answer"])
    workbook.active.append(["true_false", stem, "true"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _with_sheet(data, change):
    """The workbook with its sheet's XML passed through change(text)."""
    source, buffer = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            content = source.read(name)
            if name == "xl/worksheets/sheet1.xml":
                content = change(content.decode()).encode()
            target.writestr(name, content)
    return buffer.getvalue()


def _with_doctype(declarations, reference):
    """A workbook whose stem cell refers to an entity its sheet declares."""

    def change(sheet):
        sheet = sheet.replace("<worksheet", f"<!DOCTYPE worksheet [{declarations}]><worksheet", 1)
        return sheet.replace("PLACEHOLDER", reference)

    return _with_sheet(_workbook("PLACEHOLDER"), change)


NUL_FILES = {
    "bank.csv": b"type,stem,answer\ntrue_false,Data\x00 needs cleaning.,true\n",
    "bank.json": (
        b'{"format": "aitrainer-bank", "version": 1, "questions": [{"key": "nul-1", '
        b'"type": "true_false", "levels": [4], "function": "l4-data", '
        b'"work_content": "l4-quality-check", "difficulty": 2, "content": {"en": '
        b'{"stem": "Data\\u0000 needs cleaning.", "payload": {"answer": true}}}}]}'
    ),
    "bank.gift": b"::nul-1:: Data\x00 needs cleaning. {T}\n",
}


@pytest.mark.parametrize("filename", NUL_FILES)
def test_a_file_with_a_nul_character_is_refused_with_a_message_and_saves_nothing(wang, filename):
    problems, confirmed = _import(wang, filename, NUL_FILES[filename])

    assert confirmed == 302
    assert any(re.search("NUL|control character", message) for _where, message in problems)
    assert not Question.objects.exists()


def test_a_csv_cell_too_long_for_the_csv_reader_is_refused_with_a_message(wang):
    data = b"type,stem,answer\ntrue_false," + b"a" * 200_000 + b",true\n"

    problems, confirmed = _import(wang, "bank.csv", data)

    assert problems == [
        ("", "The file could not be read as CSV: field larger than field limit (131072)")
    ]
    assert confirmed == 302
    assert not Question.objects.exists()


def test_a_csv_saved_as_unicode_text_is_refused_with_a_message(wang):
    data = "type,stem,answer\ntrue_false,Data needs cleaning.,true\n".encode("utf-16")

    problems, confirmed = _import(wang, "bank.csv", data)

    assert len(problems) == 1 and "not UTF-8 text" in problems[0][1]
    assert confirmed == 302
    assert not Question.objects.exists()


def test_a_csv_row_of_a_hundred_thousand_columns_is_refused_with_a_message(wang):
    extra = ",".join(f"x{n}" for n in range(100_000))
    data = f"type,stem,answer,{extra}\ntrue_false,Data needs cleaning.,true\n".encode()

    problems, confirmed = _import(wang, "bank.csv", data, only_valid="")

    ((where, message),) = problems
    assert where == "row 1" and message.startswith("Unknown columns: “x0”, “x1”")
    assert confirmed == 200  # the check page again, with "the file has problems"
    assert not Question.objects.exists()


def test_an_xlsx_with_an_entity_bomb_in_its_sheet_is_refused_as_damaged(wang):
    # Ten to the ninth "lol"s from a few hundred bytes. A harmless entity would be read (the
    # XML parser expands internal entities), so the refusal is the parser's bomb guard.
    levels = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)
    ]
    assert spreadsheet.parse_xlsx(
        _with_doctype('<!ENTITY harmless "Data needs cleaning.">', "&harmless;"), language="en"
    ).entries

    problems, confirmed = _import(wang, "bank.xlsx", _with_doctype("".join(levels), "&lol9;"))

    assert problems == [("", DAMAGED)]
    assert confirmed == 302
    assert not Question.objects.exists()


def test_an_xlsx_whose_sheet_refers_to_a_file_on_the_server_reveals_nothing(wang):
    secret = '<!ENTITY secret SYSTEM "file:///etc/hostname">'

    problems, confirmed = _import(wang, "bank.xlsx", _with_doctype(secret, "&secret;"))

    assert problems == [("", DAMAGED)]
    assert confirmed == 302
    assert not Question.objects.exists()


def test_an_xlsx_whose_sheet_data_is_corrupted_is_refused_as_damaged(wang):
    data = bytearray(_workbook("Data needs cleaning."))
    sheet = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("xl/worksheets/sheet1.xml")
    # Inside the sheet's compressed bytes: the zip's directory stays readable, the data not.
    start = sheet.header_offset + 30 + len(sheet.filename) + len(sheet.extra)
    data[start + sheet.compress_size // 2] ^= 0xFF

    problems, confirmed = _import(wang, "bank.xlsx", bytes(data))

    assert problems == [("", DAMAGED)]
    assert confirmed == 302
    assert not Question.objects.exists()


def test_the_xlsx_export_defuses_every_cell_that_starts_like_a_formula(cast, wang):
    make_question(
        center=cast.center,
        stem='=HYPERLINK("http://evil.example","answers")',
        payload={"options": ["+86 123", "-1", "@mention", "plain"], "answer": 3},
    )

    reply = wang.get("/bank/export/?format=xlsx&language=zh-hans")

    sheet = openpyxl.load_workbook(io.BytesIO(reply.content)).active
    row = {heading.value: cell for heading, cell in zip(sheet[1], sheet[2], strict=True)}
    assert row["题干"].value == '\'=HYPERLINK("http://evil.example","answers")'
    assert [row[f"选项{letter}"].value for letter in "ABCD"] == [
        "'+86 123",
        "'-1",
        "'@mention",
        "plain",
    ]
    assert {cell.data_type for cell in sheet[2] if cell.value is not None} == {"s"}
