"""Moodle GIFT files (https://docs.moodle.org/en/GIFT_format), for the theory kinds we
share with Moodle: true/false, multiple choice, short answer and numerical.

Questions are separated by blank lines. A question is an optional ``::title::``, an
optional format marker such as ``[html]``, the question text and its answers in braces.
"""

import re
from decimal import Decimal
from typing import NamedTuple

from django.utils.translation import gettext as _

from question_bank.formats.moodle_xml import html_to_text
from question_bank.formats.result import (
    ParseResult,
    Problem,
    category_tag,
    check_options,
    check_stem,
    explanation_with_feedback,
    is_key,
    number_payload,
    parse_number,
    reject_duplicate_keys,
    theory_entry,
)

# Escaped special characters become private-use placeholders first, so that the structure
# of a question can be found with plain string operations; _text() turns them back.
_PLACEHOLDERS = {character: chr(0xE000 + index) for index, character in enumerate("~=#{}:")}
_TRUE_FALSE = re.compile(r"(T|TRUE|F|FALSE)((?:#[^#]*)*)", re.IGNORECASE)


class _Answer(NamedTuple):
    marked_right: bool  # "=" rather than "~"
    weight: Decimal | None  # from "%50%"
    text: str
    feedback: str


def parse(data, *, language="zh-hans"):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return ParseResult.refused(_("The file is not UTF-8 text; save it as UTF-8."))
    result = ParseResult()
    category = None
    for block in _blocks(text):
        first_line = block[0][1].strip()
        if first_line.startswith("$CATEGORY:"):
            category = category_tag(first_line.removeprefix("$CATEGORY:"))
            block = block[1:]
            if not block:
                continue
        where = _("line %(n)s") % {"n": block[0][0]}
        source = "\n".join(line for _number, line in block)
        try:
            result.entries.append((where, _entry(source, language, category)))
        except Problem as problem:
            result.problems.append((where, str(problem)))
    reject_duplicate_keys(result)
    return result


def _blocks(text):
    """The questions as lists of (line number, line), blank lines between them and comment
    lines left out."""
    block = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().startswith("//"):
            continue
        if line.strip():
            block.append((number, line))
        elif block:
            yield block
            block = []
    if block:
        yield block


def _entry(source, language, category):
    for character, placeholder in _PLACEHOLDERS.items():
        source = source.replace("\\" + character, placeholder)
    source = source.strip()
    key = None
    title = re.match(r"::(.*?)::", source, re.DOTALL)
    if title:
        name = _text(title[1])
        key = name if is_key(name) else None
        source = source[title.end() :]
    marker = re.match(r"\s*\[(html|moodle|plain|markdown)\]", source)
    html = bool(marker) and marker[1] == "html"
    if marker:
        source = source[marker.end() :]

    opening = source.find("{")
    if opening < 0:
        raise Problem(_("Questions without answers in braces (descriptions) are not supported."))
    closing = source.find("}", opening)
    if closing < 0 or "{" in source[opening + 1 : closing]:
        raise Problem(_("The answers opened with “{” are not closed with “}”."))
    if source[closing + 1 :].strip():
        raise Problem(
            _("Missing-word questions (text after the answers in braces) are not supported.")
        )
    stem = _text(source[:opening], html)
    check_stem(stem)
    answers, _separator, general_feedback = source[opening + 1 : closing].partition("####")
    question_type, payload, feedback = _read_answers(answers.strip(), html)
    return theory_entry(
        question_type,
        stem,
        payload,
        language,
        key=key,
        tags=[category] if category else [],
        explanation=explanation_with_feedback(_text(general_feedback, html), feedback),
    )


def _read_answers(body, html):
    """The type, payload and per-answer feedback of the text between the braces."""
    if not body:
        raise Problem(_("Essay questions (empty braces) are not supported."))
    if body.startswith("#"):
        return _read_numerical(body[1:].strip(), html)
    true_false = _TRUE_FALSE.fullmatch(body)
    if true_false:
        feedback = [(None, _text(part, html)) for part in true_false[2].split("#")[1:]]
        return "true_false", {"answer": true_false[1].upper().startswith("T")}, feedback
    answers = _answers(body, html)
    feedback = [(answer.text, answer.feedback) for answer in answers]
    if any("->" in answer.text for answer in answers):
        raise Problem(_("Matching questions (answers with “->”) are not supported."))
    if all(answer.marked_right for answer in answers):
        alternatives = [answer.text for answer in answers if answer.weight in (None, 100)]
        return (
            "fill_in",
            {"mode": "text", "alternatives": alternatives, "case_sensitive": False},
            feedback,
        )
    return *_choice(answers), feedback


def _choice(answers):
    options = [answer.text for answer in answers]
    check_options(options)
    if any(answer.marked_right for answer in answers):
        # "=" marks the one right option; "~%50%" options then only earn partial credit,
        # which a single-choice question here does not give.
        right = [index for index, answer in enumerate(answers) if answer.marked_right]
        if len(right) > 1:
            raise Problem(
                _(
                    "Several answers are marked right with “=”. For several right answers, "
                    "give them weights such as ~%50%."
                )
            )
    else:
        right = [index for index, answer in enumerate(answers) if (answer.weight or 0) > 0]
    if not right:
        raise Problem(_("No answer is marked right."))
    if len(right) == 1:
        return "single_choice", {"options": options, "answer": right[0]}
    return "multiple_choice", {"options": options, "answers": right, "partial_credit": False}


def _read_numerical(body, html):
    if body.startswith("="):
        right = [answer for answer in _answers(body, html) if answer.weight in (None, 100)]
        if len(right) != 1:
            raise Problem(_("A numerical question needs exactly one fully right answer."))
        text, feedback = right[0].text, right[0].feedback
    else:
        raw_text, _separator, raw_feedback = body.partition("#")
        text, feedback = _text(raw_text, html), _text(raw_feedback, html)
    return "fill_in", _number_payload(text), [(None, feedback)]


def _number_payload(text):
    """3.5 (exact), 3.5:0.1 (with a tolerance) or 3.4..3.6 (a range)."""
    low_text, range_separator, high_text = text.partition("..")
    if range_separator:
        low, high = parse_number(low_text), parse_number(high_text)
        if low is not None and high is not None and low <= high:
            return number_payload((low + high) / 2, (high - low) / 2)
    else:
        value_text, _separator, tolerance_text = text.partition(":")
        value, tolerance = parse_number(value_text), parse_number(tolerance_text or "0")
        if value is not None and tolerance is not None:
            return number_payload(value, tolerance)
    raise Problem(
        _("“%(answer)s” is not a number such as 3.5, 3.5:0.1 or 3.4..3.6.") % {"answer": text}
    )


def _answers(body, html):
    if body[0] not in "=~":
        raise Problem(_("The answers in braces must start with “=” or “~”."))
    answers = []
    for marker, raw in re.findall(r"([=~])([^=~]*)", body):
        weight = re.match(r"\s*%(-?\d+(?:\.\d+)?)%", raw)
        if weight:
            raw = raw[weight.end() :]
        text, _separator, feedback = raw.partition("#")
        answer = _Answer(
            marker == "=",
            Decimal(weight[1]) if weight else None,
            _text(text, html),
            _text(feedback, html),
        )
        if not answer.text:
            raise Problem(_("An answer is empty."))
        answers.append(answer)
    return answers


def _text(raw, html=False):
    for character, placeholder in _PLACEHOLDERS.items():
        raw = raw.replace(placeholder, character)
    return html_to_text(raw) if html else raw.replace("\\n", "\n").strip()
