from django.utils.translation import gettext_lazy

from question_bank.types.base import Score, expect_object, form_index, response_fields
from question_bank.types.choices import ChoiceType


class SingleChoice(ChoiceType):
    key = "single_choice"
    label = gettext_lazy("Single choice")

    def validate_payload(self, payload):
        expect_object(payload, "", required=["options", "answer"])
        options = self._options(payload)
        return {
            "options": options,
            "answer": self._option_index(payload["answer"], options, "answer"),
        }

    def validate_response(self, payload, response):
        choice = response_fields(response, ["choice"]).get("choice")
        if choice is not None:
            self._chosen_index(payload, choice)
        return {"choice": choice}

    def score(self, payload, response):
        chosen = response.get("choice")
        return Score(
            fraction=1.0 if chosen == payload["answer"] else 0.0,
            feedback={"chosen": chosen, "answer": payload["answer"]},
        )

    def solution(self, payload):
        return {"choice": payload["answer"]}

    def unshuffled_response(self, response, order):
        if "choice" not in response:
            return response
        return {"choice": self._original_index(response["choice"], order)}

    def response_from_form(self, payload, data):
        choice = form_index(data.get("choice", ""))
        return {} if choice is None else {"choice": choice}
