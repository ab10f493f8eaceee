from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from question_bank.types.base import (
    InvalidResponse,
    QuestionType,
    Score,
    expect_between,
    expect_choice,
    expect_list,
    expect_names,
    expect_new_id,
    expect_object,
    expect_text,
    f1,
    payload_error,
    response_fields,
    response_map,
)


class LabelAudit(QuestionType):
    key = "label_audit"
    label = gettext_lazy("Label audit")
    category = "practical"

    def validate_payload(self, payload):
        expect_object(payload, "", required=["labels", "items"], optional=["correction_weight"])
        labels = expect_names(payload["labels"], "labels", min_count=2)
        ids = set()
        for i, item in enumerate(expect_list(payload["items"], "items")):
            path = f"items[{i}]"
            expect_object(item, path, required=["id", "text", "given", "gold"])
            expect_new_id(item["id"], f"{path}.id", ids)
            expect_text(item["text"], f"{path}.text")
            expect_choice(item["given"], labels, f"{path}.given")
            expect_choice(item["gold"], labels, f"{path}.gold")
        if not _planted_errors(payload):
            raise payload_error(
                "items",
                gettext_lazy("%(field)s need at least one planted error (given ≠ gold)."),
                "no_errors",
            )
        weight = payload.get("correction_weight", 0.3)
        return {
            "labels": labels,
            "items": [
                {key: item[key] for key in ["id", "text", "given", "gold"]}
                for item in payload["items"]
            ],
            "correction_weight": expect_between(weight, "number", "correction_weight", 0, 1),
        }

    def learner_view(self, payload):
        return {
            "labels": payload["labels"],
            "items": [
                {key: item[key] for key in ["id", "text", "given"]} for item in payload["items"]
            ],
        }

    def validate_response(self, payload, response):
        flags = response_fields(response, ["flags"]).get("flags", {})
        items = {item["id"]: item for item in payload["items"]}
        response_map(flags, items, _("Item %(id)s does not exist."))
        for id_, label in flags.items():
            if label is None:
                continue
            if label not in payload["labels"]:
                raise InvalidResponse(_("%(label)s is not one of the labels.") % {"label": label})
            # A correction to the label the item already has contradicts the flag.
            if label == items[id_]["given"]:
                raise InvalidResponse(
                    _("Item %(id)s is corrected to the label it already has.") % {"id": id_}
                )
        return {"flags": {id_: flags[id_] for id_ in items if id_ in flags}}

    def score(self, payload, response):
        flags = response.get("flags", {})
        planted = _planted_errors(payload)
        flagged_right = [id_ for id_ in planted if id_ in flags]
        precision, recall, f = f1(len(flagged_right), len(flags), len(planted))
        corrected = [id_ for id_ in flagged_right if flags[id_] == planted[id_]]
        # (1 − weight) × f + weight × share, written so that full marks come out as exactly 1.
        share = len(corrected) / len(planted)
        return Score(
            fraction=f + payload["correction_weight"] * (share - f),
            feedback={
                "precision": precision,
                "recall": recall,
                "f1": f,
                "flagged_right": flagged_right,
                "missed": [id_ for id_ in planted if id_ not in flags],
                "false_flags": [id_ for id_ in flags if id_ not in planted],
                "corrections": {
                    "right": corrected,
                    "wrong": [
                        id_
                        for id_ in flagged_right
                        if flags[id_] is not None and flags[id_] != planted[id_]
                    ],
                },
                # After marking the learner may see every planted error's right label.
                "planted": planted,
            },
        )

    def solution(self, payload):
        return {"flags": _planted_errors(payload)}

    def response_from_form(self, payload, data):
        flags = {}
        for item in payload["items"]:
            flagged = data.get(f"flag-{item['id']}", "")
            if flagged not in ["", "on"]:
                raise InvalidResponse(
                    _("The flag of item %(id)s could not be read.") % {"id": item["id"]}
                )
            # A right label chosen without ticking the flag still says the given one is wrong.
            fix = data.get(f"fix-{item['id']}", "")
            if flagged or fix:
                flags[item["id"]] = fix or None
        return {"flags": flags} if flags else {}


def _planted_errors(payload):
    """The right label of each item whose given label is wrong."""
    return {item["id"]: item["gold"] for item in payload["items"] if item["given"] != item["gold"]}
