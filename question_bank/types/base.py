"""The interface every question type implements, and the helpers they share.

A question type knows four things about its payload (see docs/question-format.md): whether
an authored payload is well formed, what the learner may see before marking, whether a
learner's response fits the item, and how to score it. Every method is pure, so the views,
the importer and the exam grading can call them freely and the tests need no database.
"""

import json
import math
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# Free text a learner may send; far more than any answer needs, small enough to store.
MAX_TEXT_LENGTH = 20_000


class InvalidResponse(Exception):
    """A response that does not fit its item; the message (translated) says why."""


@dataclass(frozen=True)
class Score:
    fraction: float  # 0.0–1.0 of the item's points
    feedback: dict  # JSON-serialisable, shown to the learner after marking

    @property
    def correct(self):
        return self.fraction >= 1 - 1e-9


class QuestionType:
    key = ""
    label = ""
    category = "theory"  # or "practical"
    # In mock exams an instructor grades these items too, and the instructor's grade wins.
    human_graded = False

    @property
    def template(self):
        return f"question_bank/types/{self.key}.html"

    def validate_payload(self, payload):
        """Return a normalised copy of an authored payload or raise ValidationError."""
        raise NotImplementedError

    def learner_view(self, payload):
        """Return what the learner may see before marking: the payload without its key."""
        raise NotImplementedError

    def validate_response(self, payload, response):
        """Return a normalised copy of a learner's response or raise InvalidResponse."""
        raise NotImplementedError

    def score(self, payload, response):
        """Score a validated response (an empty one scores 0) against a validated payload."""
        raise NotImplementedError

    def option_count(self, payload):
        """How many options a paper may shuffle; 0 when the type has none."""
        return 0

    def shuffled_view(self, view, order):
        """The learner's view with its options in the paper's shuffled ``order``."""
        return view

    def unshuffled_response(self, response, order):
        """A response given on shuffled options, mapped back to the authored order."""
        return response

    def solution(self, payload):
        """Return the gold response, used in read mode and in tests."""
        raise NotImplementedError

    def response_from_form(self, payload, data):
        """Build this type's response from submitted form data (a QueryDict: data.get(name),
        data.getlist(name)).

        Raise InvalidResponse (translated message) when a value cannot be read (e.g. "abc" for
        an index, bad JSON). Missing fields mean "not answered" (an empty response). The result
        still goes through validate_response.
        """
        raise NotImplementedError


def normalise_text(s, case_sensitive=False):
    """Text as compared for marking: NFKC (full-width → half-width), trimmed, single spaces."""
    s = " ".join(unicodedata.normalize("NFKC", s).split())
    return s if case_sensitive else s.casefold()


def f1(tp, n_pred, n_gold):
    """Precision, recall and F1 of tp true positives among n_pred predictions and n_gold gold.

    An empty prediction of an empty gold set is perfect (1.0 each); otherwise a 0/0 ratio
    counts as 0.0, so predicting nothing against some gold scores 0.
    """
    if n_pred == 0 and n_gold == 0:
        return 1.0, 1.0, 1.0
    precision = tp / n_pred if n_pred else 0.0
    recall = tp / n_gold if n_gold else 0.0
    total = precision + recall
    return precision, recall, (2 * precision * recall / total if total else 0.0)


def parse_number(text):
    """The number a learner typed (full-width digits allowed), or None if it is none.

    A whole number comes back as an int, so that "12" is shown back as 12, not 12.0.
    """
    text = normalise_text(text)
    # float() also reads "1_000"; nobody types that meaning a thousand, so it is no number.
    if "_" in text:
        return None
    try:
        number = float(text)
    except ValueError:
        return None
    if not math.isfinite(number):
        return None
    return int(number) if number.is_integer() and abs(number) < 2**53 else number


def within_tolerance(given, value, tolerance):
    # The small margin keeps 0.855 within 0.005 of 0.85 despite binary floating point.
    return abs(given - value) <= tolerance + 1e-9


def is_int(value):
    # JSON true/false arrive as Python bool, which is a subclass of int.
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value):
    return (is_int(value) or isinstance(value, float)) and math.isfinite(value)


# Payload validation. Each check raises at the first problem it finds, naming the field by its
# path in the payload ("items[3].gold"), which is what an author needs to fix it.

_KINDS = {
    "object": (lambda v: isinstance(v, dict), gettext_lazy("an object")),
    "list": (lambda v: isinstance(v, list), gettext_lazy("a list")),
    "string": (lambda v: isinstance(v, str), gettext_lazy("a string")),
    "boolean": (lambda v: isinstance(v, bool), gettext_lazy("true or false")),
    "integer": (is_int, gettext_lazy("a whole number")),
    "number": (is_number, gettext_lazy("a number")),
}


def payload_error(path, message, code, **params):
    """The ValidationError for one problem at one place of a payload."""
    return ValidationError(
        {path: ValidationError(message, code=code, params={"field": path, **params})}
    )


def duplicate_error(path):
    return payload_error(path, gettext_lazy("%(field)s repeats an earlier entry."), "duplicate")


def expect(value, kind, path):
    """Return value if it is of the kind ("list", "integer", ...) or raise for path."""
    test, name = _KINDS[kind]
    if not test(value):
        raise payload_error(
            path, gettext_lazy("%(field)s must be %(kind)s."), "invalid_type", kind=name
        )
    return value


def expect_positive(value, kind, path):
    """Return value if it is an "integer" or "number" above 0."""
    if expect(value, kind, path) <= 0:
        raise payload_error(path, gettext_lazy("%(field)s must be more than 0."), "not_positive")
    return value


def expect_between(value, kind, path, low, high=None):
    """Return value if it is an "integer" or "number" from low to high (inclusive)."""
    if expect(value, kind, path) < low or (high is not None and value > high):
        if high is None:
            message = gettext_lazy("%(field)s must be at least %(low)s.")
        else:
            message = gettext_lazy("%(field)s must be from %(low)s to %(high)s.")
        raise payload_error(path, message, "out_of_range", low=low, high=high)
    return value


def expect_object(value, path, required, optional=()):
    """Return value if it is an object with every required key and no unknown key."""
    prefix = f"{path}." if path else ""
    expect(value, "object", path or "payload")
    for key in required:
        if key not in value:
            raise payload_error(prefix + key, gettext_lazy("%(field)s is required."), "required")
    for key in value:
        if key not in required and key not in optional:
            raise payload_error(
                prefix + str(key), gettext_lazy("%(field)s is not a known field."), "unknown_key"
            )
    return value


def expect_text(value, path):
    """Return value if it is a string with something in it."""
    if not expect(value, "string", path).strip():
        raise payload_error(path, gettext_lazy("%(field)s must not be blank."), "blank")
    return value


def expect_list(value, path, min_count=1, max_count=None):
    """Return value if it is a list of min_count to max_count entries."""
    if len(expect(value, "list", path)) < min_count:
        raise payload_error(
            path,
            gettext_lazy("%(field)s needs at least %(count)s entries."),
            "too_few",
            count=min_count,
        )
    if max_count is not None and len(value) > max_count:
        raise payload_error(
            path,
            gettext_lazy("%(field)s allows at most %(count)s entries."),
            "too_many",
            count=max_count,
        )
    return value


def expect_names(value, path, min_count=1, max_count=None, case_sensitive=False):
    """Return value if it is a list of distinct non-blank strings (labels, options, ...).

    Two names are alike when they normalise to the same text, so "Positive" and "positive "
    cannot both be offered.
    """
    expect_list(value, path, min_count, max_count)
    seen = set()
    for i, name in enumerate(value):
        normalised = normalise_text(expect_text(name, f"{path}[{i}]"), case_sensitive)
        if normalised in seen:
            raise duplicate_error(f"{path}[{i}]")
        seen.add(normalised)
    return list(value)


def expect_choice(value, allowed, path):
    """Return value if it is one of allowed (labels, classes, categories, ...)."""
    if value not in allowed:
        raise payload_error(
            path,
            gettext_lazy("%(field)s must be one of: %(allowed)s."),
            "invalid_choice",
            allowed=", ".join(map(str, allowed)),
        )
    return value


def expect_new_id(value, path, seen):
    """Return value if it is a non-blank string not in seen, and add it to seen."""
    if expect_text(value, path) in seen:
        raise duplicate_error(path)
    seen.add(value)
    return value


# Response validation. Messages go to the learner (as the reason of an HTTP 400).


def response_fields(response, keys):
    """Return the response as a dict, checking it uses no key but the given ones.

    No response at all (None) is the empty response, which means "not answered".
    """
    if response is None:
        return {}
    if not isinstance(response, dict):
        raise InvalidResponse(_("The response must be a JSON object."))
    for key in response:
        if key not in keys:
            raise InvalidResponse(_("The response has an unknown field %(key)s.") % {"key": key})
    return response


def response_text(value):
    """Return free text from a response, checking its type and length."""
    if not isinstance(value, str):
        raise InvalidResponse(_("The answer must be text."))
    if len(value) > MAX_TEXT_LENGTH:
        raise InvalidResponse(
            _("The answer is longer than %(max)s characters.") % {"max": MAX_TEXT_LENGTH}
        )
    return value


def response_map(value, known, unknown_message):
    """Return value if it is an object keyed by known ids; unknown_message has %(id)s."""
    if not isinstance(value, dict):
        raise InvalidResponse(_("The answers must be an object keyed by id."))
    for key in value:
        if key not in known:
            raise InvalidResponse(unknown_message % {"id": key})
    return value


# Form data: what the templates of question_bank/types/ post (see their response_from_form).
# A missing or blank field is a question not answered, never an error.


def form_text(data, name):
    """Free text from a form field, or None when it is missing or blank."""
    value = data.get(name, "")
    if not value.strip():
        return None
    # Browsers send a textarea's line breaks as CRLF; the answer is stored with plain LF.
    return value.replace("\r\n", "\n")


def form_index(value):
    """An option's index as a form sends it ("2"), or None when blank."""
    text = unicodedata.normalize("NFKC", value).strip()
    if not text:
        return None
    if not (text.isascii() and text.isdigit()):
        raise InvalidResponse(_("A choice must be the number of an option."))
    return int(text)


def form_json(data, name):
    """The JSON value of a form field (a widget's hidden field), or None when it is blank."""
    value = data.get(name, "")
    if not value.strip():
        return None
    try:
        return json.loads(value, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        raise InvalidResponse(
            _("The field %(name)s could not be read: it is not valid JSON.") % {"name": name}
        ) from None


def _reject_constant(name):
    # NaN and Infinity are no JSON, although Python's json module reads them by default.
    raise ValueError(name)
