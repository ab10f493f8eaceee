"""From an item's HTML form to its response, and from a saved response back into the form.

The forms are posted as they are (no JavaScript) or serialised with FormData; either way each
type's response_from_form reads the fields its template writes. The tests build the QueryDict a
browser would send, and read the fields back out of the rendered templates the way FormData
does, so that a template and its type cannot drift apart.
"""

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.http import QueryDict
from django.template.loader import render_to_string

from question_bank.templatetags.bank import tojson
from question_bank.types import TYPES, get_type
from question_bank.types.base import InvalidResponse

STARTER = Path(__file__).resolve().parents[2] / "question_bank" / "starter"


def _starter_payload(path, key):
    entries = json.loads((STARTER / path).read_text(encoding="utf-8"))["questions"]
    return next(e for e in entries if e["key"] == key)["content"]["zh-Hans"]["payload"]


RAW_PAYLOADS = {
    "true_false": _starter_payload("theory/basic.json", "t-basic-ethics-001"),
    "single_choice": _starter_payload("theory/basic.json", "t-basic-ethics-003"),
    "multiple_choice": _starter_payload("theory/basic.json", "t-basic-ethics-002"),
    # The starter bank has no fill-in items.
    "fill_in": {"mode": "text", "alternatives": ["过拟合", "overfitting"]},
    "text_classification": _starter_payload("practical/labeling.json", "p-textcls-01"),
    "span_labeling": _starter_payload("practical/labeling.json", "p-span-01"),
    # Imported, the image is an asset's hash.
    "bounding_box": {**_starter_payload("practical/boxes.json", "p-box-01"), "image": "abc123"},
    "label_audit": _starter_payload("practical/labeling.json", "p-audit-01"),
    "data_quality": _starter_payload("practical/data-and-tuning.json", "p-quality-01"),
    "model_tuning": _starter_payload("practical/data-and-tuning.json", "p-tuning-01"),
    "prompt_design": _starter_payload("practical/writing.json", "p-prompt-01"),
    "written_analysis": _starter_payload("practical/writing.json", "p-written-01"),
}
PAYLOADS = {key: get_type(key).validate_payload(raw) for key, raw in RAW_PAYLOADS.items()}
NUMBER_PAYLOAD = get_type("fill_in").validate_payload(
    {"mode": "number", "value": 0.85, "tolerance": 0.005}
)

# A learner's answer to each item, partly wrong so that the feedback has something to show.
RESPONSES = {
    "true_false": {"answer": False},
    "single_choice": {"choice": 1},
    "multiple_choice": {"choices": [0, 1]},
    "fill_in": {"text": "欠拟合"},
    "text_classification": {"labels": {"c1": "负面", "c2": "负面", "c3": "中性"}},
    "span_labeling": {"spans": [{"text_id": "t1", "start": 4, "end": 7, "type": "人名"}]},
    "bounding_box": {"boxes": [{"class": "饮料瓶", "x": 48, "y": 85, "w": 49, "h": 150}]},
    "label_audit": {"flags": {"a2": None, "a3": "中性", "a7": "中性"}},
    "data_quality": {"flags": {"1": ["out_of_range"], "3": ["missing", "invalid_format"]}},
    "model_tuning": {"params": {"C": 1, "class_weight": None}},
    "prompt_design": {"text": "你是售后客服，负责回答顾客的问题。\n不要承诺赔偿。"},
    "written_analysis": {"text": "解决率下降，原因是知识库没有覆盖新品。"},
}
# Their widgets are written separately; until then their templates have no form fields.
WIDGET_TYPES = ["span_labeling", "bounding_box"]
FORM_TYPES = [key for key in TYPES if key not in WIDGET_TYPES]


def form(*pairs):
    """The QueryDict a browser sends for these (name, value) pairs, in order."""
    data = QueryDict(mutable=True)
    data.appendlist("csrfmiddlewaretoken", "token")
    for name, value in pairs:
        data.appendlist(name, value)
    return data


def from_form(key, data, payload=None):
    question_type = get_type(key)
    return question_type.response_from_form(payload or PAYLOADS[key], data)


def render(key, response=None, feedback=None, readonly=False, prefix="q1-"):
    question_type = get_type(key)
    return render_to_string(
        question_type.template,
        {
            "view": question_type.learner_view(PAYLOADS[key]),
            "response": response,
            "feedback": feedback,
            "readonly": readonly,
            "prefix": prefix,
        },
    )


class _FormData(HTMLParser):
    """The (name, value) pairs a browser submits from a form's HTML, as FormData reads them."""

    def __init__(self):
        super().__init__()
        self.pairs = []
        self._select = None
        self._option = None
        self._textarea = None
        self._fieldsets = []  # whether each open fieldset is disabled

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        # A disabled field is not sent, nor is any field in a disabled fieldset.
        enabled = "name" in attrs and "disabled" not in attrs and not any(self._fieldsets)
        if tag == "fieldset":
            self._fieldsets.append("disabled" in attrs)
        elif tag == "input" and enabled:
            if attrs.get("type") not in ["checkbox", "radio"]:
                self.pairs.append((attrs["name"], attrs.get("value", "")))
            elif "checked" in attrs:
                self.pairs.append((attrs["name"], attrs.get("value", "on")))
        elif tag == "select":
            self._select = {"name": attrs.get("name"), "enabled": enabled, "options": []}
        elif tag == "option" and self._select is not None:
            self._option = {"value": attrs.get("value"), "selected": "selected" in attrs}
            self._option["text"] = ""
            self._select["options"].append(self._option)
        elif tag == "textarea":
            self._textarea = {"name": attrs.get("name"), "enabled": enabled, "text": ""}

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea["text"] += data
        elif self._option is not None:
            self._option["text"] += data

    def handle_endtag(self, tag):
        if tag == "fieldset":
            self._fieldsets.pop()
        elif tag == "option":
            self._option = None
        elif tag == "select" and self._select is not None:
            select, self._select = self._select, None
            # With no option selected, a browser sends the first one.
            chosen = [o for o in select["options"] if o["selected"]] or select["options"][:1]
            if select["enabled"] and chosen:
                value = chosen[0]["value"]
                self.pairs.append((select["name"], chosen[0]["text"] if value is None else value))
        elif tag == "textarea" and self._textarea is not None:
            textarea, self._textarea = self._textarea, None
            if textarea["enabled"]:
                self.pairs.append((textarea["name"], textarea["text"]))


def submitted(html):
    parser = _FormData()
    parser.feed(html)
    parser.close()
    return form(*parser.pairs)


@pytest.mark.parametrize(
    "key, pairs, expected",
    [
        ("true_false", [("answer", "true")], {"answer": True}),
        ("true_false", [("answer", "false")], {"answer": False}),
        ("single_choice", [("choice", "3")], {"choice": 3}),
        ("single_choice", [("choice", " ２ ")], {"choice": 2}),
        (
            "multiple_choice",
            [("choices", "4"), ("choices", "1"), ("choices", "2")],
            {"choices": [4, 1, 2]},
        ),
        ("fill_in", [("text", " 过拟合 ")], {"text": " 过拟合 "}),
        (
            "text_classification",
            [("label-c1", "正面"), ("label-c3", "中性"), ("label-c2", "")],
            {"labels": {"c1": "正面", "c3": "中性"}},
        ),
        (
            "span_labeling",
            [("spans", '[{"text_id": "t2", "start": 21, "end": 24, "type": "人名"}]')],
            {"spans": [{"text_id": "t2", "start": 21, "end": 24, "type": "人名"}]},
        ),
        ("span_labeling", [("spans", "[]")], {"spans": []}),
        (
            "bounding_box",
            [("boxes", '[{"class": "纸盒", "x": 213.5, "y": 107, "w": 120, "h": 128}]')],
            {"boxes": [{"class": "纸盒", "x": 213.5, "y": 107, "w": 120, "h": 128}]},
        ),
        (
            "label_audit",
            [
                ("flag-a3", "on"),
                ("fix-a3", "中性"),
                ("flag-a5", "on"),
                ("fix-a5", ""),
                ("fix-a6", ""),
                ("fix-a7", "负面"),
            ],
            {"flags": {"a3": "中性", "a5": None, "a7": "负面"}},
        ),
        (
            "data_quality",
            [
                ("flag-1", "out_of_range"),
                ("flag-3", "missing"),
                ("flag-3", "invalid_format"),
                ("answer-q1", " ２ "),
            ],
            {
                "flags": {"1": ["out_of_range"], "3": ["missing", "invalid_format"]},
                "answers": {"q1": 2},
            },
        ),
        ("data_quality", [("answer-q1", "12.5")], {"answers": {"q1": 12.5}}),
        ("data_quality", [("answer-q1", "１２．５")], {"answers": {"q1": 12.5}}),
        ("data_quality", [("answer-q1", "-.5"), ("flag-0", "")], {"answers": {"q1": -0.5}}),
        (
            "model_tuning",
            [("param-C", "0.1"), ("param-class_weight", '"balanced"')],
            {"params": {"C": 0.1, "class_weight": "balanced"}},
        ),
        (
            "model_tuning",
            [("param-C", "1"), ("param-class_weight", "null")],
            {"params": {"C": 1, "class_weight": None}},
        ),
        (
            "prompt_design",
            [("text", "你是客服。\r\n不要编造。")],
            {"text": "你是客服。\n不要编造。"},
        ),
        ("written_analysis", [("text", "知识库没有覆盖新品")], {"text": "知识库没有覆盖新品"}),
    ],
)
def test_it_reads_the_fields_a_browser_sends(key, pairs, expected):
    response = from_form(key, form(*pairs))
    assert response == expected
    get_type(key).validate_response(PAYLOADS[key], response)


def test_a_form_sent_as_a_url_encoded_body_reads_the_same():
    data = QueryDict("choices=0&choices=3&csrfmiddlewaretoken=x")
    assert from_form("multiple_choice", data) == {"choices": [0, 3]}


def test_model_tuning_tells_null_true_and_numbers_apart():
    payload = get_type("model_tuning").validate_payload(
        {
            "dataset": "iris",
            "estimator": "knn",
            "metric": "accuracy",
            "cv": 5,
            "params": {"p": [1, True, None, "1"]},
            "target": 0.9,
            "grid": [
                {"params": {"p": value}, "score": score}
                for value, score in [(1, 0.9), (True, 0.8), (None, 0.7), ("1", 0.6)]
            ],
        }
    )
    for typed, value in [("1", 1), ("true", True), ("null", None), ('"1"', "1")]:
        response = from_form("model_tuning", form(("param-p", typed)), payload)
        assert response == {"params": {"p": value}}
        validated = get_type("model_tuning").validate_response(payload, response)
        assert type(validated["params"]["p"]) is type(value)


@pytest.mark.parametrize("key", list(TYPES))
def test_an_empty_form_is_an_empty_response_which_scores_0(key):
    question_type = get_type(key)
    response = question_type.response_from_form(PAYLOADS[key], form())
    assert response == {}
    validated = question_type.validate_response(PAYLOADS[key], response)
    assert validated == question_type.validate_response(PAYLOADS[key], {})
    assert question_type.score(PAYLOADS[key], validated).fraction == 0.0


@pytest.mark.parametrize(
    "key, pairs",
    [
        ("fill_in", [("text", "  \r\n ")]),
        ("span_labeling", [("spans", "")]),
        ("bounding_box", [("boxes", " ")]),
        ("label_audit", [(f"fix-a{i}", "") for i in range(1, 11)]),
        ("data_quality", [("answer-q1", " ")]),
        ("model_tuning", [("param-C", ""), ("param-class_weight", "")]),
        ("prompt_design", [("text", "")]),
    ],
)
def test_blank_fields_are_not_answered(key, pairs):
    assert from_form(key, form(*pairs)) == {}


@pytest.mark.parametrize(
    "key, pairs",
    [
        ("true_false", [("answer", "yes")]),
        ("true_false", [("answer", "True")]),
        ("single_choice", [("choice", "abc")]),
        ("single_choice", [("choice", "-1")]),
        ("single_choice", [("choice", "1.0")]),
        ("multiple_choice", [("choices", "1"), ("choices", "B")]),
        ("span_labeling", [("spans", '[{"text_id": "t1"')]),
        ("span_labeling", [("spans", "[" * 100_000)]),
        ("bounding_box", [("boxes", "boxes")]),
        ("bounding_box", [("boxes", '[{"class": "纸盒", "x": NaN, "y": 0, "w": 1, "h": 1}]')]),
        ("label_audit", [("flag-a3", "yes")]),
        ("data_quality", [("answer-q1", "12,5")]),
        ("data_quality", [("answer-q1", "两")]),
        ("data_quality", [("answer-q1", "1_000")]),
        ("data_quality", [("answer-q1", "nan")]),
        ("model_tuning", [("param-C", "1"), ("param-class_weight", "balanced")]),
        ("model_tuning", [("param-C", "Infinity"), ("param-class_weight", "null")]),
    ],
)
def test_it_rejects_a_value_it_cannot_read(key, pairs):
    with pytest.raises(InvalidResponse):
        from_form(key, form(*pairs))


@pytest.mark.parametrize(
    "key, pairs",
    [
        ("single_choice", [("choice", "9")]),
        ("text_classification", [("label-c1", "好评")]),
        ("label_audit", [("flag-a3", "on"), ("fix-a3", "正面")]),
        ("data_quality", [("flag-2", "duplicate")]),
        ("model_tuning", [("param-C", "0.1")]),
        ("model_tuning", [("param-C", "0.5"), ("param-class_weight", "null")]),
    ],
)
def test_a_readable_answer_that_does_not_fit_the_item_is_left_to_validate_response(key, pairs):
    response = from_form(key, form(*pairs))
    with pytest.raises(InvalidResponse):
        get_type(key).validate_response(PAYLOADS[key], response)


@pytest.mark.parametrize("key", FORM_TYPES)
def test_the_template_pre_fills_a_saved_response_and_submits_it_unchanged(key):
    question_type = get_type(key)
    response = question_type.validate_response(PAYLOADS[key], RESPONSES[key])
    data = submitted(render(key, response))
    read_back = question_type.validate_response(PAYLOADS[key], from_form(key, data))
    assert read_back == response


@pytest.mark.parametrize("key", FORM_TYPES)
def test_the_solution_survives_the_round_trip_through_the_form(key):
    question_type = get_type(key)
    solution = question_type.validate_response(PAYLOADS[key], question_type.solution(PAYLOADS[key]))
    data = submitted(render(key, solution))
    assert question_type.validate_response(PAYLOADS[key], from_form(key, data)) == solution


@pytest.mark.parametrize("key", FORM_TYPES)
def test_an_untouched_form_submits_an_empty_response(key):
    assert from_form(key, submitted(render(key))) == {}


def test_a_number_answer_is_shown_back_as_typed():
    html = render("data_quality", {"flags": {}, "answers": {"q1": 12.5}})
    assert 'value="12.5"' in html
    html = render("fill_in", {"text": "０.８５"})
    assert 'value="０.８５"' in html


@pytest.mark.parametrize(
    "key, prefilled",
    [
        ("true_false", ['value="false" checked']),
        ("single_choice", ['value="1" checked']),
        ("multiple_choice", ['value="0" checked', 'value="1" checked']),
        ("fill_in", ['value="欠拟合"']),
        ("text_classification", ['name="label-c1" id="q1-label-0-1" value="负面" checked']),
        ("label_audit", ['name="flag-a3" value="on" id="q1-flag-2" checked', "selected>中性<"]),
        ("data_quality", ['value="missing" id="q1-flag-3-0" checked']),
        ("model_tuning", ['value="1" selected', 'value="null" selected']),
        ("prompt_design", ["不要承诺赔偿。</textarea>"]),
        ("written_analysis", ["没有覆盖新品。</textarea>"]),
    ],
)
def test_the_template_shows_the_learner_answer_next_to_the_feedback(key, prefilled):
    question_type = get_type(key)
    response = question_type.validate_response(PAYLOADS[key], RESPONSES[key])
    feedback = question_type.score(PAYLOADS[key], response).feedback
    html = render(key, response, feedback, readonly=True)
    for fragment in prefilled:
        assert fragment in html


# What only the answer key (or the feedback built from it) would put into a template.
SECRETS = {
    "true_false": ["option-right", "Right answer"],
    "single_choice": ["option-right", "Right answer"],
    "multiple_choice": ["option-right", "Right answers"],
    "fill_in": ["过拟合", "overfitting", "Accepted answers"],
    "text_classification": ["Accuracy", "right label"],
    "span_labeling": ["F1", "Missed"],
    "bounding_box": ["box-gold", 'x="48"', "right boxes"],
    "label_audit": ["Errors missed", "Right label: <strong>"],
    "data_quality": ["right answer", "F1"],
    "model_tuning": ["0.975", "0.9807", "table-success", "best"],
    "prompt_design": ["给模型设定售后客服的角色", "转人工", "运费险", "小暖家电"],
    "written_analysis": ["找出原因", "灰度", "扫地机器人"],
}


@pytest.mark.parametrize("key", list(TYPES))
def test_before_marking_the_template_shows_nothing_of_the_answer_key(key):
    html = render(key, None, None)
    for secret in SECRETS[key]:
        assert secret not in html


@pytest.mark.parametrize("key", list(TYPES))
def test_after_marking_the_template_shows_the_answer_key(key):
    question_type = get_type(key)
    response = question_type.validate_response(PAYLOADS[key], RESPONSES[key])
    html = render(key, response, question_type.score(PAYLOADS[key], response).feedback)
    assert any(secret in html for secret in SECRETS[key])


def test_label_audit_marks_each_planted_error_with_its_right_label_after_marking():
    question_type = get_type("label_audit")
    feedback = question_type.score(PAYLOADS["label_audit"], {"flags": {}}).feedback
    html = render("label_audit", None, feedback)
    assert html.count("Right label: <strong>") == 3


@pytest.mark.parametrize("key", list(TYPES))
def test_every_element_id_carries_the_prefix_so_two_items_never_clash(key):
    question_type = get_type(key)
    response = question_type.validate_response(PAYLOADS[key], RESPONSES[key])
    html = render(key, response, question_type.score(PAYLOADS[key], response).feedback)
    ids = re.findall(r'(?<![\w-])(?:id|for)="([^"]*)"', html)
    assert all(value.startswith("q1-") for value in ids), ids
    element_ids = re.findall(r'(?<![\w-])id="([^"]*)"', html)
    assert len(element_ids) == len(set(element_ids))


@pytest.mark.parametrize("key", list(TYPES))
def test_the_template_has_no_inline_style_or_script(key):
    question_type = get_type(key)
    response = question_type.validate_response(PAYLOADS[key], RESPONSES[key])
    html = render(key, response, question_type.score(PAYLOADS[key], response).feedback)
    assert "style=" not in html
    # A widget may load its module (<script src=...>); an inline script is never allowed.
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert not re.search(r"\son\w+=", html)


@pytest.mark.parametrize("key", FORM_TYPES)
def test_a_readonly_form_submits_nothing(key):
    question_type = get_type(key)
    response = question_type.validate_response(PAYLOADS[key], RESPONSES[key])
    assert list(submitted(render(key, response, readonly=True))) == ["csrfmiddlewaretoken"]


def test_a_fill_in_number_answer_is_read_as_typed_and_checked_as_a_number():
    question_type = get_type("fill_in")
    response = question_type.response_from_form(NUMBER_PAYLOAD, form(("text", "０．８５")))
    assert question_type.score(NUMBER_PAYLOAD, response).fraction == 1.0
    with pytest.raises(InvalidResponse):
        question_type.validate_response(
            NUMBER_PAYLOAD, question_type.response_from_form(NUMBER_PAYLOAD, form(("text", "1_0")))
        )


@pytest.mark.parametrize(
    "value, encoded",
    [(None, "null"), (True, "true"), (10, "10"), (0.5, "0.5"), ("平衡", '"平衡"')],
)
def test_tojson_writes_json_keeping_chinese_readable(value, encoded):
    assert tojson(value) == encoded


def test_tojson_is_escaped_inside_an_attribute():
    html = render("model_tuning")
    assert 'value="&quot;balanced&quot;"' in html
    assert 'value="null"' in html


def test_the_feedback_names_items_by_the_numbers_the_learner_sees():
    def marked(key):
        question_type = get_type(key)
        response = question_type.validate_response(PAYLOADS[key], RESPONSES[key])
        feedback = question_type.score(PAYLOADS[key], response).feedback
        shown = [item["id"] for item in question_type.learner_view(PAYLOADS[key])["items"]]
        return feedback, shown, render(key, response, feedback, readonly=True)

    feedback, shown, html = marked("text_classification")
    assert feedback["wrong"]
    for wrong in feedback["wrong"]:
        assert f"<li>{shown.index(wrong['id']) + 1}: " in html

    feedback, shown, html = marked("label_audit")
    assert feedback["missed"]
    numbers = ", ".join(str(shown.index(item_id) + 1) for item_id in feedback["missed"])
    assert f"Errors missed: {numbers}</p>" in html
