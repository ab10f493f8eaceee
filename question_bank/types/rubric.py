"""Free text marked on key points: what prompt design and written analysis share."""

import re

from django.utils.translation import gettext_lazy

from question_bank.types.base import (
    QuestionType,
    Score,
    expect_between,
    expect_list,
    expect_names,
    expect_new_id,
    expect_object,
    expect_text,
    form_text,
    normalise_text,
    payload_error,
    response_fields,
    response_text,
)

REGEX_PREFIX = "re:"


class RubricType(QuestionType):
    category = "practical"
    # The automatic score is a first reading; an instructor's grade wins in mock exams.
    human_graded = True

    def validate_payload(self, payload):
        expect_object(payload, "", required=["rubric", "sample_answer"], optional=["min_length"])
        rubric = []
        ids = set()
        for i, point in enumerate(expect_list(payload["rubric"], "rubric")):
            path = f"rubric[{i}]"
            expect_object(point, path, required=["id", "description", "points", "patterns"])
            expect_new_id(point["id"], f"{path}.id", ids)
            patterns = expect_names(point["patterns"], f"{path}.patterns")
            for j, pattern in enumerate(patterns):
                _check_pattern(pattern, f"{path}.patterns[{j}]")
            rubric.append(
                {
                    "id": point["id"],
                    "description": expect_text(point["description"], f"{path}.description"),
                    "points": expect_between(point["points"], "integer", f"{path}.points", 1),
                    "patterns": patterns,
                }
            )
        return {
            "rubric": rubric,
            "min_length": expect_between(payload.get("min_length", 0), "integer", "min_length", 0),
            "sample_answer": expect_text(payload["sample_answer"], "sample_answer"),
        }

    def learner_view(self, payload):
        return {"min_length": payload["min_length"]}

    def validate_response(self, payload, response):
        return {"text": response_text(response_fields(response, ["text"]).get("text", ""))}

    def score(self, payload, response):
        # Normalised text is also what min_length counts, so padding with spaces does not help.
        text = normalise_text(response.get("text", ""))
        too_short = len(text) < payload["min_length"]
        met, missed = [], []
        for point in payload["rubric"]:
            summary = {key: point[key] for key in ["id", "description", "points"]}
            (met if _is_met(point, text) else missed).append(summary)
        earned = sum(point["points"] for point in met)
        possible = earned + sum(point["points"] for point in missed)
        return Score(
            fraction=0.0 if too_short else earned / possible,
            feedback={
                "points_met": met,
                "points_missed": missed,
                "earned": earned,
                "possible": possible,
                "too_short": too_short,
                "length": len(text),
                "min_length": payload["min_length"],
            },
        )

    def solution(self, payload):
        return {"text": payload["sample_answer"]}

    def response_from_form(self, payload, data):
        text = form_text(data, "text")
        return {} if text is None else {"text": text}


def _is_met(point, text):
    """Whether normalised text contains any of the point's patterns."""
    for pattern in point["patterns"]:
        if pattern.startswith(REGEX_PREFIX):
            # The text is case-folded, so the expression ignores case to match it.
            if re.search(pattern[len(REGEX_PREFIX) :], text, re.IGNORECASE):
                return True
        elif normalise_text(pattern) in text:
            return True
    return False


def _check_pattern(pattern, path):
    if not pattern.startswith(REGEX_PREFIX):
        return
    try:
        re.compile(pattern[len(REGEX_PREFIX) :])
    except re.error as error:
        raise payload_error(
            path,
            gettext_lazy("%(field)s is not a valid regular expression: %(error)s"),
            "invalid_regex",
            error=str(error),
        ) from None
