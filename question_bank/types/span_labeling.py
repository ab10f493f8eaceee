from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from question_bank.types.base import (
    InvalidResponse,
    QuestionType,
    Score,
    expect,
    expect_choice,
    expect_list,
    expect_names,
    expect_new_id,
    expect_object,
    expect_text,
    f1,
    form_json,
    is_int,
    payload_error,
    response_fields,
)

_SPAN_FIELDS = ["text_id", "start", "end", "type"]


class SpanLabeling(QuestionType):
    key = "span_labeling"
    label = gettext_lazy("Span labelling")
    category = "practical"

    def validate_payload(self, payload):
        expect_object(payload, "", required=["entity_types", "texts"])
        types = expect_names(payload["entity_types"], "entity_types")
        texts = []
        ids = set()
        for i, entry in enumerate(expect_list(payload["texts"], "texts")):
            path = f"texts[{i}]"
            expect_object(entry, path, required=["id", "text", "gold"])
            expect_new_id(entry["id"], f"{path}.id", ids)
            text = expect_text(entry["text"], f"{path}.text")
            gold = [
                _gold_span(span, text, types, f"{path}.gold[{j}]")
                for j, span in enumerate(expect(entry["gold"], "list", f"{path}.gold"))
            ]
            _check_no_overlap(gold, f"{path}.gold")
            texts.append({"id": entry["id"], "text": text, "gold": sorted(gold, key=_position)})
        if not any(entry["gold"] for entry in texts):
            raise payload_error(
                "texts", gettext_lazy("%(field)s need at least one gold span."), "no_gold"
            )
        return {"entity_types": types, "texts": texts}

    def learner_view(self, payload):
        return {
            "entity_types": payload["entity_types"],
            "texts": [{"id": t["id"], "text": t["text"]} for t in payload["texts"]],
        }

    def validate_response(self, payload, response):
        spans = response_fields(response, ["spans"]).get("spans", [])
        if not isinstance(spans, list):
            raise InvalidResponse(_("The spans must be a list."))
        texts = {entry["id"]: entry["text"] for entry in payload["texts"]}
        seen = set()
        for span in spans:
            key = _response_span_key(span, texts, payload["entity_types"])
            if key in seen:
                raise InvalidResponse(
                    _("The span %(start)s–%(end)s of text %(id)s is marked twice.")
                    % {"start": span["start"], "end": span["end"], "id": span["text_id"]}
                )
            seen.add(key)
        order = {entry["id"]: i for i, entry in enumerate(payload["texts"])}
        return {
            "spans": sorted(
                ({field: span[field] for field in _SPAN_FIELDS} for span in spans),
                key=lambda s: (order[s["text_id"]], *_position(s)),
            )
        }

    def score(self, payload, response):
        texts = {entry["id"]: entry["text"] for entry in payload["texts"]}
        gold = [
            {"text_id": entry["id"], **span} for entry in payload["texts"] for span in entry["gold"]
        ]
        drawn = [
            {**span, "text": texts[span["text_id"]][span["start"] : span["end"]]}
            for span in response.get("spans", [])
        ]
        gold_keys = {_key(span) for span in gold}
        drawn_keys = {_key(span) for span in drawn}
        precision, recall, f = f1(len(gold_keys & drawn_keys), len(drawn), len(gold))
        return Score(
            fraction=f,
            feedback={
                "precision": precision,
                "recall": recall,
                "f1": f,
                "matched": [span for span in gold if _key(span) in drawn_keys],
                "missed": [span for span in gold if _key(span) not in drawn_keys],
                "spurious": [span for span in drawn if _key(span) not in gold_keys],
            },
        )

    def solution(self, payload):
        return {
            "spans": [
                {"text_id": entry["id"], "start": s["start"], "end": s["end"], "type": s["type"]}
                for entry in payload["texts"]
                for s in entry["gold"]
            ]
        }

    def response_from_form(self, payload, data):
        # One hidden field holds every span, kept up to date by the span selection widget.
        spans = form_json(data, "spans")
        return {} if spans is None else {"spans": spans}


def _key(span):
    return span["text_id"], span["start"], span["end"], span["type"]


def _position(span):
    return span["start"], span["end"], span["type"]


def _response_span_key(span, texts, types):
    """The key of a learner's span, checked to lie inside a text of the item."""
    if not isinstance(span, dict) or sorted(span) != sorted(_SPAN_FIELDS):
        raise InvalidResponse(_("Each span needs text_id, start, end and type, no more."))
    text = texts.get(span["text_id"]) if isinstance(span["text_id"], str) else None
    if text is None:
        raise InvalidResponse(_("Text %(id)s does not exist.") % {"id": span["text_id"]})
    if span["type"] not in types:
        raise InvalidResponse(
            _("%(type)s is not one of the entity types.") % {"type": span["type"]}
        )
    start, end = span["start"], span["end"]
    if not (is_int(start) and is_int(end) and 0 <= start < end <= len(text)):
        raise InvalidResponse(
            _("The span %(start)s–%(end)s is empty or outside text %(id)s.")
            % {"start": start, "end": end, "id": span["text_id"]}
        )
    return _key(span)


def _gold_span(span, text, types, path):
    """A checked gold span of text, with its "text" filled in from the slice."""
    expect_object(span, path, required=["start", "end", "type"], optional=["text"])
    start = expect(span["start"], "integer", f"{path}.start")
    end = expect(span["end"], "integer", f"{path}.end")
    if not 0 <= start < end <= len(text):
        raise payload_error(
            path,
            gettext_lazy("%(field)s must have 0 ≤ start < end ≤ %(length)s (the text's length)."),
            "out_of_range",
            length=len(text),
        )
    expect_choice(span["type"], types, f"{path}.type")
    if "text" in span and span["text"] != text[start:end]:
        raise payload_error(
            f"{path}.text",
            gettext_lazy("%(field)s does not match the text from start to end: %(slice)s"),
            "mismatch",
            slice=text[start:end],
        )
    return {"start": start, "end": end, "type": span["type"], "text": text[start:end]}


def _check_no_overlap(spans, path):
    """Gold spans of one text must not overlap: the key labels each character once at most."""
    previous = None
    for j, span in sorted(enumerate(spans), key=lambda pair: _position(pair[1])):
        if previous is not None and span["start"] < previous["end"]:
            raise payload_error(
                f"{path}[{j}]",
                gettext_lazy("%(field)s overlaps another gold span."),
                "overlap",
            )
        previous = span
