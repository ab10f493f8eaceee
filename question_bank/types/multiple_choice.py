from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from question_bank.types.base import (
    InvalidResponse,
    Score,
    duplicate_error,
    expect,
    expect_list,
    expect_object,
    form_index,
    response_fields,
)
from question_bank.types.choices import ChoiceType


class MultipleChoice(ChoiceType):
    key = "multiple_choice"
    label = gettext_lazy("Multiple choice")

    def validate_payload(self, payload):
        expect_object(payload, "", required=["options", "answers"], optional=["partial_credit"])
        options = self._options(payload)
        # "answers" needs at least two entries, or it would be a single choice.
        answers = expect_list(payload["answers"], "answers", min_count=2)
        for i, answer in enumerate(answers):
            self._option_index(answer, options, f"answers[{i}]")
            if answer in answers[:i]:
                raise duplicate_error(f"answers[{i}]")
        partial_credit = payload.get("partial_credit", False)
        return {
            "options": options,
            "answers": sorted(answers),
            "partial_credit": expect(partial_credit, "boolean", "partial_credit"),
        }

    def validate_response(self, payload, response):
        choices = response_fields(response, ["choices"]).get("choices", [])
        if not isinstance(choices, list):
            raise InvalidResponse(_("The choices must be a list of options."))
        # Choosing an option twice says nothing new, so it is not an error.
        return {"choices": sorted({self._chosen_index(payload, c) for c in choices})}

    def score(self, payload, response):
        chosen = set(response.get("choices", []))
        answers = set(payload["answers"])
        if chosen == answers:
            fraction = 1.0
        elif payload["partial_credit"] and chosen <= answers:
            fraction = len(chosen) / len(answers)
        else:
            fraction = 0.0
        return Score(
            fraction=fraction, feedback={"chosen": sorted(chosen), "answer": payload["answers"]}
        )

    def solution(self, payload):
        return {"choices": list(payload["answers"])}

    def unshuffled_response(self, response, order):
        if "choices" not in response:
            return response
        return {"choices": [self._original_index(shown, order) for shown in response["choices"]]}

    def response_from_form(self, payload, data):
        choices = [form_index(value) for value in data.getlist("choices")]
        choices = [choice for choice in choices if choice is not None]
        return {"choices": choices} if choices else {}
