from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from question_bank.types.base import (
    InvalidResponse,
    QuestionType,
    Score,
    expect,
    expect_object,
    response_fields,
)


class TrueFalse(QuestionType):
    key = "true_false"
    label = gettext_lazy("True or false")
    category = "theory"

    def validate_payload(self, payload):
        expect_object(payload, "", required=["answer"])
        return {"answer": expect(payload["answer"], "boolean", "answer")}

    def learner_view(self, payload):
        return {}

    def validate_response(self, payload, response):
        answer = response_fields(response, ["answer"]).get("answer")
        if answer is not None and not isinstance(answer, bool):
            raise InvalidResponse(_("The answer must be true or false."))
        return {"answer": answer}

    def score(self, payload, response):
        chosen = response.get("answer")
        return Score(
            fraction=1.0 if chosen == payload["answer"] else 0.0,
            feedback={"chosen": chosen, "answer": payload["answer"]},
        )

    def solution(self, payload):
        return {"answer": payload["answer"]}

    def response_from_form(self, payload, data):
        value = data.get("answer", "").strip()
        if not value:
            return {}
        if value not in ["true", "false"]:
            raise InvalidResponse(_("The answer must be true or false."))
        return {"answer": value == "true"}
