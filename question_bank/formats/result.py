"""What every foreign-format parser hands back, and the rules they all apply to an item.

A parser never raises on bad input. Each item it can read becomes an entry in our own
format (docs/question-format.md); each item it cannot read becomes a problem saying where
and why. A problem about the whole file has an empty ``where`` and comes without entries.
The importer validates the entries' payloads with the question types afterwards.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

THEORY_TYPES = ("true_false", "single_choice", "multiple_choice", "fill_in")
OPTION_LETTERS = "ABCDEFGH"
KEY_PATTERN = re.compile(r"[a-z0-9-]{1,80}")
_NUMBER_PATTERN = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")


@dataclass
class ParseResult:
    entries: list[tuple[str, dict]] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)

    @classmethod
    def refused(cls, message):
        """The whole file is unusable: one problem, no entries."""
        return cls(problems=[("", message)])


class Problem(Exception):
    """Why one item cannot be read; parsers catch it and report it with the item's place."""


def theory_entry(
    question_type,
    stem,
    payload,
    language,
    *,
    key=None,
    levels=None,
    function=None,
    work_content=None,
    difficulty=None,
    tags=None,
    explanation="",
    reference="",
):
    return {
        "key": key,
        "type": question_type,
        "levels": levels or [],
        "function": function,
        "work_content": work_content,
        "difficulty": difficulty,
        "tags": tags or [],
        "status": None,
        "content": {
            language: {
                "stem": stem,
                "payload": payload,
                "explanation": explanation,
                "reference": reference,
            }
        },
    }


def is_key(text):
    return bool(KEY_PATTERN.fullmatch(text))


def check_stem(stem):
    if not stem:
        raise Problem(_("The question text is empty."))


def check_options(options):
    if not 2 <= len(options) <= len(OPTION_LETTERS):
        raise Problem(_("A choice question needs 2 to 8 options, not %(n)s.") % {"n": len(options)})
    for index, option in enumerate(options):
        if not option:
            raise Problem(_("Option %(letter)s is empty.") % {"letter": OPTION_LETTERS[index]})
        earlier = options.index(option)
        if earlier != index:
            raise Problem(
                _("Options %(first)s and %(second)s are the same.")
                % {"first": OPTION_LETTERS[earlier], "second": OPTION_LETTERS[index]}
            )


def parse_number(text):
    """A Decimal from text such as "0.85", "-3" or "1e-3", else None. Numbers beyond 1e15
    or below 1e-15 are refused: "1e999999999" would fill memory when turned into an int."""
    text = text.strip()
    if not _NUMBER_PATTERN.fullmatch(text):
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if not number or -15 <= number.adjusted() <= 15 else None


def number_payload(value, tolerance):
    """The fill-in number payload for two Decimals (decimal arithmetic keeps 3.4..3.6 exact)."""
    if tolerance < 0:
        raise Problem(_("The tolerance cannot be negative."))
    return {"mode": "number", "value": _plain_number(value), "tolerance": _plain_number(tolerance)}


def _plain_number(decimal):
    return int(decimal) if decimal == decimal.to_integral_value() else float(decimal)


def explanation_with_feedback(general, feedback):
    """The general feedback, then the feedback of single answers, one per line. ``feedback``
    holds (answer, text) pairs; an answer of None is left out of the line."""
    lines = "\n".join(f"{answer}: {text}" if answer else text for answer, text in feedback if text)
    return "\n\n".join(part for part in (general, lines) if part)


def category_tag(path):
    """Moodle categories are paths like "$course$/top/数据标注/质量检验"; the last part is the
    most specific one, and the only one that makes a useful tag."""
    parts = [part.strip() for part in path.split("/")]
    parts = [part for part in parts if part and not part.startswith("$") and part != "top"]
    return parts[-1] if parts else None


def reject_duplicate_keys(result):
    """Drop entries whose key an earlier entry already uses: importing both would make the
    second silently overwrite the first."""
    first_place = {}
    kept = []
    for where, entry in result.entries:
        key = entry["key"]
        if key is not None and key in first_place:
            result.problems.append(
                (
                    where,
                    _("Key “%(key)s” is already used at %(where)s.")
                    % {"key": key, "where": first_place[key]},
                )
            )
            continue
        if key is not None:
            first_place[key] = where
        kept.append((where, entry))
    result.entries = kept
