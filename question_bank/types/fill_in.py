from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from question_bank.types.base import (
    InvalidResponse,
    QuestionType,
    Score,
    expect,
    expect_between,
    expect_choice,
    expect_names,
    expect_object,
    form_text,
    normalise_text,
    parse_number,
    response_fields,
    response_text,
    within_tolerance,
)

# The fields of each mode; the first list is required, the second optional.
_FIELDS = {
    "text": (["mode", "alternatives"], ["case_sensitive"]),
    "number": (["mode", "value"], ["tolerance"]),
}


class FillIn(QuestionType):
    key = "fill_in"
    label = gettext_lazy("Fill in the blank")
    category = "theory"

    def validate_payload(self, payload):
        # The mode decides which other fields belong, so it is checked first.
        mode = expect_choice(
            expect(payload, "object", "payload").get("mode"), list(_FIELDS), "mode"
        )
        required, optional = _FIELDS[mode]
        expect_object(payload, "", required=required, optional=optional)
        if mode == "text":
            case_sensitive = expect(
                payload.get("case_sensitive", False), "boolean", "case_sensitive"
            )
            alternatives = expect_names(
                payload["alternatives"], "alternatives", case_sensitive=case_sensitive
            )
            return {"mode": mode, "alternatives": alternatives, "case_sensitive": case_sensitive}
        return {
            "mode": mode,
            "value": expect(payload["value"], "number", "value"),
            "tolerance": expect_between(payload.get("tolerance", 0), "number", "tolerance", 0),
        }

    def learner_view(self, payload):
        # The learner needs the mode (a number field or a text field) and whether case counts.
        view = {"mode": payload["mode"]}
        if payload["mode"] == "text":
            view["case_sensitive"] = payload["case_sensitive"]
        return view

    def validate_response(self, payload, response):
        text = response_text(response_fields(response, ["text"]).get("text", ""))
        if payload["mode"] == "number" and text.strip() and parse_number(text) is None:
            raise InvalidResponse(_("The answer must be a number, for example 0.85."))
        return {"text": text}

    def score(self, payload, response):
        given = response.get("text", "")
        if payload["mode"] == "text":
            normalised = normalise_text(given, payload["case_sensitive"])
            right = normalised in {
                normalise_text(a, payload["case_sensitive"]) for a in payload["alternatives"]
            }
            feedback = {"expected": payload["alternatives"]}
        else:
            normalised = parse_number(given)
            right = normalised is not None and within_tolerance(
                normalised, payload["value"], payload["tolerance"]
            )
            feedback = {"expected": [payload["value"]], "tolerance": payload["tolerance"]}
        return Score(
            fraction=1.0 if right else 0.0,
            feedback={**feedback, "given": given, "normalised": normalised},
        )

    def solution(self, payload):
        if payload["mode"] == "text":
            return {"text": payload["alternatives"][0]}
        return {"text": str(payload["value"])}

    def response_from_form(self, payload, data):
        text = form_text(data, "text")
        return {} if text is None else {"text": text}
