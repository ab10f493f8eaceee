from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from question_bank.types.base import (
    InvalidResponse,
    QuestionType,
    Score,
    expect_choice,
    expect_list,
    expect_names,
    expect_new_id,
    expect_object,
    expect_text,
    response_fields,
    response_map,
)


class TextClassification(QuestionType):
    key = "text_classification"
    label = gettext_lazy("Text classification")
    category = "practical"

    def validate_payload(self, payload):
        expect_object(payload, "", required=["labels", "items"])
        labels = expect_names(payload["labels"], "labels", min_count=2)
        items = expect_list(payload["items"], "items")
        ids = set()
        for i, item in enumerate(items):
            path = f"items[{i}]"
            expect_object(item, path, required=["id", "text", "gold"])
            expect_new_id(item["id"], f"{path}.id", ids)
            expect_text(item["text"], f"{path}.text")
            expect_choice(item["gold"], labels, f"{path}.gold")
        return {
            "labels": labels,
            "items": [{"id": it["id"], "text": it["text"], "gold": it["gold"]} for it in items],
        }

    def learner_view(self, payload):
        return {
            "labels": payload["labels"],
            "items": [{"id": item["id"], "text": item["text"]} for item in payload["items"]],
        }

    def validate_response(self, payload, response):
        given = response_fields(response, ["labels"]).get("labels", {})
        response_map(
            given, {item["id"] for item in payload["items"]}, _("Item %(id)s does not exist.")
        )
        for label in given.values():
            if label is not None and label not in payload["labels"]:
                raise InvalidResponse(_("%(label)s is not one of the labels.") % {"label": label})
        # A label set back to null is an item left unlabelled.
        return {"labels": {id_: label for id_, label in given.items() if label is not None}}

    def score(self, payload, response):
        given = response.get("labels", {})
        labels = payload["labels"]
        # Unlabelled items count as wrong but have no column in the matrix.
        confusion = {gold: dict.fromkeys(labels, 0) for gold in labels}
        wrong = []
        for item in payload["items"]:
            label = given.get(item["id"])
            if label is not None:
                confusion[item["gold"]][label] += 1
            if label != item["gold"]:
                wrong.append({"id": item["id"], "gold": item["gold"], "given": label})
        accuracy = (len(payload["items"]) - len(wrong)) / len(payload["items"])
        return Score(
            fraction=accuracy,
            feedback={"accuracy": accuracy, "confusion": confusion, "wrong": wrong},
        )

    def solution(self, payload):
        return {"labels": {item["id"]: item["gold"] for item in payload["items"]}}

    def response_from_form(self, payload, data):
        labels = {}
        for item in payload["items"]:
            label = data.get(f"label-{item['id']}", "")
            if label:
                labels[item["id"]] = label
        return {"labels": labels} if labels else {}
