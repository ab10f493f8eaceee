"""Moodle XML question files (https://docs.moodle.org/en/Moodle_XML_format), for the
theory types we share with Moodle: truefalse, multichoice, shortanswer and numerical."""

import html
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from typing import NamedTuple

from django.utils.translation import gettext as _

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

# ElementTree expands the entities a DOCTYPE defines, so a few hundred bytes of nested
# definitions ("billion laughs") can grow to gigabytes in memory. Moodle never writes a
# DOCTYPE, so a file with one is refused before it is parsed.
_DECLARATION = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def parse(data, *, language="zh-hans"):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return ParseResult.refused(_("The file is not UTF-8 text, as Moodle writes it."))
    if _DECLARATION.search(text):
        return ParseResult.refused(
            _(
                "The file declares a DOCTYPE or entities, which Moodle files never do, "
                "so it was not read."
            )
        )
    try:
        quiz = ET.fromstring(text)
    except ET.ParseError as error:
        line, column = error.position
        return ParseResult.refused(
            _("The file is not well-formed XML (line %(line)s, column %(column)s).")
            % {"line": line, "column": column}
        )
    if quiz.tag != "quiz":
        return ParseResult.refused(
            _("The file is not a Moodle XML file: it does not start with <quiz>.")
        )

    result = ParseResult()
    category = None
    number = 0
    for question in quiz.findall("question"):
        kind = question.get("type", "")
        if kind == "category":
            # Not a question: it puts the questions after it into a category.
            category = category_tag(question.findtext("category/text", ""))
            continue
        number += 1
        where = _("question %(n)s") % {"n": number}
        try:
            result.entries.append((where, _entry(question, kind, language, category)))
        except Problem as problem:
            result.problems.append((where, str(problem)))
    reject_duplicate_keys(result)
    return result


def export(entries, *, language="zh-hans"):
    """Moodle XML for the theory entries that have content in ``language`` (a Moodle file
    holds one language). Levels, taxonomy, difficulty and references have no place there."""
    quiz = ET.Element("quiz")
    for entry in entries:
        content = next(
            (text for code, text in entry["content"].items() if code.lower() == language.lower()),
            None,
        )
        if entry["type"] in _WRITERS and content is not None:
            quiz.append(_question_element(entry, content))
    ET.indent(quiz)
    return ET.tostring(quiz, encoding="utf-8", xml_declaration=True) + b"\n"


def html_to_text(markup):
    """Plain text of an HTML fragment: tags dropped, entities unescaped, a line break for
    each <br> and a blank line between paragraphs (our stems' paragraph rule)."""
    collector = _TextCollector()
    collector.feed(markup)
    collector.close()
    text = "".join(collector.parts).replace("\xa0", " ")
    text = "\n".join(line.strip() for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


class _TextCollector(HTMLParser):
    _PARAGRAPHS = {"p", "div", "blockquote", "pre", "table", "ul", "ol", "h1", "h2", "h3", "h4"}
    _LINES = {"br", "li", "tr"}
    _HIDDEN = {"script", "style"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in self._HIDDEN:
            self.hidden += 1
        if tag in self._PARAGRAPHS:
            self.parts.append("\n\n")
        elif tag in self._LINES:
            self.parts.append("\n")

    def handle_startendtag(self, tag, attrs):
        # <br/> is one break, not a start and an end tag.
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag in self._HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        if tag in self._PARAGRAPHS:
            self.parts.append("\n\n")

    def handle_data(self, data):
        if not self.hidden:
            # Line breaks in HTML source are spaces; only tags make lines.
            self.parts.append(re.sub(r"[ \t\r\n\f]+", " ", data))


# Reading


class _Answer(NamedTuple):
    element: ET.Element
    fraction: float
    text: str
    feedback: str


def _entry(question, kind, language, category):
    reader = _READERS.get(kind)
    if reader is None:
        raise Problem(_("Moodle questions of type “%(type)s” are not supported.") % {"type": kind})
    stem = _formatted_text(question.find("questiontext"))
    check_stem(stem)
    answers = [_answer(element) for element in question.findall("answer")]
    question_type, payload = reader(question, answers)
    name = question.findtext("name/text", "").strip()
    tags = [category] if category else []
    for tag in question.findall("tags/tag/text"):
        if tag.text and tag.text.strip() not in tags:
            tags.append(tag.text.strip())
    explanation = explanation_with_feedback(
        _formatted_text(question.find("generalfeedback")),
        # "*" is Moodle's catch-all answer ("anything else"), no label a learner could follow.
        [(answer.text if answer.text != "*" else None, answer.feedback) for answer in answers],
    )
    return theory_entry(
        question_type,
        stem,
        payload,
        language,
        key=name if is_key(name) else None,
        tags=tags,
        explanation=explanation,
    )


def _formatted_text(element):
    if element is None:
        return ""
    text = element.findtext("text", "")
    return html_to_text(text) if element.get("format") == "html" else text.strip()


def _answer(element):
    fraction = parse_number(element.get("fraction", "0"))
    if fraction is None:
        raise Problem(
            _("Answer fraction “%(fraction)s” is not a number.")
            % {"fraction": element.get("fraction")}
        )
    return _Answer(
        element,
        float(fraction),
        _formatted_text(element),
        _formatted_text(element.find("feedback")),
    )


def _read_true_false(question, answers):
    right = [answer.text.lower() for answer in answers if answer.fraction == 100]
    if right not in (["true"], ["false"]):
        raise Problem(_("A true/false question needs one right answer, “true” or “false”."))
    return "true_false", {"answer": right == ["true"]}


def _read_multichoice(question, answers):
    options = [answer.text for answer in answers]
    check_options(options)
    if question.findtext("single", "true").strip().lower() in ("true", "1"):
        right = [index for index, answer in enumerate(answers) if answer.fraction == 100]
        if len(right) != 1:
            raise Problem(_("A one-answer question needs exactly one answer worth 100%."))
        return "single_choice", {"options": options, "answer": right[0]}
    right = [index for index, answer in enumerate(answers) if answer.fraction > 0]
    if len(right) < 2:
        raise Problem(_("A multiple-answer question needs at least two right answers."))
    return "multiple_choice", {"options": options, "answers": right, "partial_credit": False}


def _read_short_answer(question, answers):
    alternatives = [answer.text for answer in answers if answer.fraction == 100 and answer.text]
    if not alternatives:
        raise Problem(_("No answer is worth 100%."))
    case_sensitive = question.findtext("usecase", "0").strip() == "1"
    return "fill_in", {
        "mode": "text",
        "alternatives": alternatives,
        "case_sensitive": case_sensitive,
    }


def _read_numerical(question, answers):
    right = [answer for answer in answers if answer.fraction == 100 and answer.text != "*"]
    if len(right) != 1:
        raise Problem(_("A numerical question needs exactly one answer worth 100%."))
    value = parse_number(right[0].text)
    tolerance = parse_number(right[0].element.findtext("tolerance", "0"))
    if value is None or tolerance is None:
        raise Problem(_("The right answer or its tolerance is not a number."))
    return "fill_in", number_payload(value, tolerance)


_READERS = {
    "truefalse": _read_true_false,
    "multichoice": _read_multichoice,
    "shortanswer": _read_short_answer,
    "numerical": _read_numerical,
}


# Writing


def _question_element(entry, content):
    payload = content["payload"]
    question = ET.Element("question", type=_moodle_type(entry["type"], payload))
    _add_text(question, "name", entry["key"] or content["stem"].split("\n")[0][:60])
    _add_text(question, "questiontext", _to_html(content["stem"]), format="html")
    _add_text(question, "generalfeedback", _to_html(content.get("explanation", "")), format="html")
    ET.SubElement(question, "defaultgrade").text = "1"
    _WRITERS[entry["type"]](question, payload)
    if entry["tags"]:
        tags = ET.SubElement(question, "tags")
        for tag in entry["tags"]:
            _add_text(tags, "tag", tag)
    return question


def _moodle_type(question_type, payload):
    if question_type == "fill_in":
        return "numerical" if payload["mode"] == "number" else "shortanswer"
    return "truefalse" if question_type == "true_false" else "multichoice"


def _write_true_false(question, payload):
    for value in (True, False):
        fraction = "100" if payload["answer"] is value else "0"
        _add_text(question, "answer", str(value).lower(), fraction=fraction)


def _write_choice(question, payload):
    single = "answer" in payload
    right = [payload["answer"]] if single else payload["answers"]
    ET.SubElement(question, "single").text = "true" if single else "false"
    # Keep the authored order: options such as "以上都对" only make sense last.
    ET.SubElement(question, "shuffleanswers").text = "false"
    ET.SubElement(question, "answernumbering").text = "ABCD"
    # Moodle adds the fractions of the chosen answers; a wrong one cancels the right ones,
    # as close as Moodle comes to our all-or-nothing scoring.
    right_fraction = f"{100 / len(right):.5f}".rstrip("0").rstrip(".")
    wrong_fraction = "0" if single else "-100"
    for index, option in enumerate(payload["options"]):
        fraction = right_fraction if index in right else wrong_fraction
        _add_text(question, "answer", _to_html(option), fraction=fraction, format="html")


def _write_fill_in(question, payload):
    if payload["mode"] == "number":
        answer = _add_text(question, "answer", str(payload["value"]), fraction="100")
        ET.SubElement(answer, "tolerance").text = str(payload["tolerance"])
        return
    ET.SubElement(question, "usecase").text = "1" if payload.get("case_sensitive") else "0"
    for alternative in payload["alternatives"]:
        _add_text(question, "answer", alternative, fraction="100")


_WRITERS = {
    "true_false": _write_true_false,
    "single_choice": _write_choice,
    "multiple_choice": _write_choice,
    "fill_in": _write_fill_in,
}


def _add_text(parent, tag, text, **attributes):
    element = ET.SubElement(parent, tag, attributes)
    ET.SubElement(element, "text").text = text
    return element


def _to_html(text):
    paragraphs = [part for part in re.split(r"\n\s*\n", text.strip()) if part]
    return "".join(
        "<p>" + html.escape(paragraph, quote=False).replace("\n", "<br>") + "</p>"
        for paragraph in paragraphs
    )
