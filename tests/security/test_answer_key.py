"""The key never reaches the learner's browser before marking.

For a question of each of the twelve types, Lina practises it with marking at the end and
sits it in a mock exam, answering it rightly. Everything her browser receives before the
marking (the pages, the JSON the scripts get back, a look at the bank, our scripts) is
checked in two ways:

- no byte of it holds one of the key's values, chosen so that nothing else can match them
  ("zq-7731-key", a gold box at x = 173.25, a rubric pattern, the explanation ...);
- it is the same whatever the key says: the same steps are taken again after the key is
  swapped for another (the true answer becomes false, other options are right, the gold
  box moves), which also catches keys that are only an index or a boolean, and any "right
  or wrong" that would give the key away.

The positive controls show that the checks see the key once an item is marked.
"""

import json
import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone

from exams import papers, practice
from exams.models import Blueprint, BlueprintSection
from question_bank import types
from question_bank.models import QuestionVersion
from tests.base import make_question
from tests.security.test_csrf import TOKEN

EXPLANATION = "explanation-secret-5519"
JSON = {"accept": "application/json"}


@dataclass(frozen=True)
class Key:
    payload: dict  # the key Lina answers rightly
    other: dict  # the same task with another key
    answer: dict  # her answer as the form posts it, right for payload and wrong for other
    secrets: tuple = ()  # values of either key that nothing else on a page can contain


OPTIONS = ["完整性", "准确性", "一致性", "时效性"]
RUBRIC = "rubric-secret-description-{}", "rubric-secret-pattern-{}", "sample-secret-answer-{}"


def _rubric(n, points):
    description, pattern, sample = (text.format(n) for text in RUBRIC)
    return {
        "rubric": [
            {"id": "r1", "description": description, "points": points, "patterns": [pattern]}
        ],
        "min_length": 10,
        "sample_answer": sample,
    }


def _box(name, x, y, w, h):
    return {"class": name, "x": x, "y": y, "w": w, "h": h}


def _boxes(*gold):
    return {
        "image": "f00d",
        "width": 640,
        "height": 480,
        "classes": ["饮料瓶", "纸盒"],
        "gold": list(gold),
    }


def _table(flags, answer):
    return {
        "columns": ["id", "age"],
        "rows": [[1, 34], [2, -5], [1, 34]],
        "categories": ["missing", "duplicate", "out_of_range"],
        "flags": flags,
        "questions": [{"id": "q1", "prompt": "Mean age?", "answer": answer, "tolerance": 0.1}],
    }


def _grid(score_3, score_5, target):
    return {
        "dataset": "iris",
        "estimator": "knn",
        "metric": "accuracy",
        "cv": 5,
        "params": {"n_neighbors": [3, 5]},
        "grid": [
            {"params": {"n_neighbors": 3}, "score": score_3},
            {"params": {"n_neighbors": 5}, "score": score_5},
        ],
        "target": target,
    }


def _classified(gold_1, gold_2):
    return {
        "labels": ["正面", "负面"],
        "items": [
            {"id": "t1", "text": "质量很好，物流也快。", "gold": gold_1},
            {"id": "t2", "text": "用了两天就坏了。", "gold": gold_2},
        ],
    }


def _spans(start, end, kind):
    return {
        "entity_types": ["人名", "机构"],
        "texts": [
            {
                "id": "s1",
                "text": "张晓明在浦江中心工作。",
                "gold": [{"start": start, "end": end, "type": kind}],
            }
        ],
    }


def _audit(gold_1, gold_2):
    return {
        "labels": ["正面", "负面", "中性"],
        "items": [
            {"id": "a1", "text": "还可以吧。", "given": "正面", "gold": gold_1},
            {"id": "a2", "text": "太差了。", "given": "中性", "gold": gold_2},
        ],
    }


KEYS = {
    "true_false": Key({"answer": True}, {"answer": False}, {"answer": "true"}),
    "single_choice": Key(
        {"options": OPTIONS, "answer": 1}, {"options": OPTIONS, "answer": 3}, {"choice": "1"}
    ),
    "multiple_choice": Key(
        {"options": OPTIONS, "answers": [0, 2]},
        {"options": OPTIONS, "answers": [1, 3]},
        {"choices": ["0", "2"]},
    ),
    "fill_in": Key(
        {"mode": "text", "alternatives": ["zq-7731-key", "zq-7731-alias"]},
        {"mode": "text", "alternatives": ["zq-8842-key"]},
        # Right, since case does not count; and not the key's own bytes.
        {"text": "ZQ-7731-KEY"},
        ("zq-7731-key", "zq-7731-alias", "zq-8842-key"),
    ),
    "text_classification": Key(
        _classified("正面", "负面"),
        _classified("负面", "正面"),
        {"label-t1": "正面", "label-t2": "负面"},
    ),
    "span_labeling": Key(
        _spans(0, 3, "人名"),
        _spans(4, 8, "机构"),
        {"spans": json.dumps([{"text_id": "s1", "start": 0, "end": 3, "type": "人名"}])},
    ),
    "bounding_box": Key(
        _boxes(_box("饮料瓶", 173.25, 61.75, 88.5, 44.125)),
        _boxes(_box("纸盒", 311.5, 207.375, 55.25, 66.625)),
        # Near enough to the gold box to match it, in whole pixels.
        {"boxes": json.dumps([_box("饮料瓶", 173, 62, 88, 44)])},
        ("173.25", "61.75", "44.125", "311.5", "207.375", "55.25", "66.625"),
    ),
    "label_audit": Key(
        _audit("负面", "中性"),
        _audit("正面", "负面"),
        {"flag-a1": "on", "fix-a1": "负面"},
    ),
    "data_quality": Key(
        _table({"1": ["out_of_range"]}, 7731.25),
        _table({"2": ["duplicate"]}, 8842.75),
        {"flag-1": "out_of_range", "answer-q1": "7731.3"},
        ("7731.25", "8842.75"),
    ),
    "model_tuning": Key(
        _grid(0.9173, 0.8842, 0.9051),
        _grid(0.8846, 0.9377, 0.9266),
        {"param-n_neighbors": "3"},
        ("0.9173", "0.8842", "0.9051", "0.8846", "0.9377", "0.9266"),
    ),
    "prompt_design": Key(
        _rubric(1, 3),
        _rubric(2, 7),
        {"text": "My prompt names RUBRIC-SECRET-PATTERN-1 and sets the tone."},
        tuple(text.format(n) for text in RUBRIC for n in (1, 2)),
    ),
    "written_analysis": Key(
        _rubric(1, 3),
        _rubric(2, 7),
        {"text": "The cause is RUBRIC-SECRET-PATTERN-1, so we relabel."},
        tuple(text.format(n) for text in RUBRIC for n in (1, 2)),
    ),
}


def test_every_type_is_checked():
    assert set(KEYS) == set(types.TYPES)


@pytest.mark.parametrize("type_key", sorted(KEYS))
def test_the_answers_are_right_for_one_key_and_wrong_for_the_other(type_key):
    # Otherwise the comparison of the two keys below could miss a "right or wrong".
    question_type = types.get_type(type_key)
    key = KEYS[type_key]
    data = QueryDict(mutable=True)
    for name, value in key.answer.items():
        data.setlist(name, value if isinstance(value, list) else [value])
    scores = []
    for payload in (key.payload, key.other):
        payload = question_type.validate_payload(payload)
        response = question_type.validate_response(
            payload, question_type.response_from_form(payload, data)
        )
        scores.append(question_type.score(payload, response).fraction)
    assert scores[0] == 1.0 and scores[1] < 0.5


# What the learner's browser gets -----------------------------------------------------------------


@dataclass
class Scene:
    question: object
    session: object
    attempt: object


def _scene(cast, type_key, marking="at_end"):
    question_type = types.get_type(type_key)
    question = make_question(
        type_key,
        key=f"key-{type_key.replace('_', '-')}",
        language="en",
        payload=KEYS[type_key].payload,
        explanation=EXPLANATION,
    )
    session = practice.start_session(
        cast.learner, mode="in_order", size=0, marking=marking, language="en"
    )
    blueprint = Blueprint.objects.create(
        name="Key check", level=4, duration_minutes=30, shuffle_items=False, shuffle_options=False
    )
    BlueprintSection.objects.create(
        blueprint=blueprint,
        paper="theory" if question_type.category == "theory" else "practical",
        count=1,
        points_per_item=100,
        types=[type_key],
    )
    attempt = papers.start(blueprint, cast.learner, language="en")
    return Scene(question, session, attempt)


def _before_marking(client, scene, answer):
    """Each learner-facing response, in the order Lina meets them, before any marking."""
    s, a, q = scene.session.pk, scene.attempt.pk, scene.question.pk
    save = {"position": "0", "seq": "1", **answer}
    steps = [
        ("practice item", "get", f"/practice/{s}/0/", None, 200),
        ("practice answer (JSON)", "post", f"/practice/{s}/0/answer/", answer, 200),
        ("practice item, answered", "get", f"/practice/{s}/0/", None, 200),
        # Marked at the end and not finished: the results wait (a redirect to the session).
        ("practice summary", "get", f"/practice/{s}/summary/", None, 302),
        ("home", "get", "/", None, 200),
        ("notebook", "get", "/notebook/", None, 200),
        ("exam page", "get", f"/exams/attempts/{a}/", None, 200),
        ("exam autosave (JSON)", "post", f"/exams/attempts/{a}/save/", save, 200),
        ("exam autosave conflict (JSON)", "post", f"/exams/attempts/{a}/save/", save, 409),
        ("exam page, saved", "get", f"/exams/attempts/{a}/", None, 200),
        ("hand-in page", "get", f"/exams/attempts/{a}/submit/", None, 200),
        ("papers", "get", "/exams/", None, 200),
        ("the question in the bank", "get", f"/bank/{q}/", None, 403),
        ("the question's analysis", "get", f"/analysis/questions/{q}/", None, 403),
    ]
    seen = {}
    for label, method, url, data, status in steps:
        if method == "get":
            response = client.get(url)
        else:
            response = client.post(url, data, headers=JSON)
        assert response.status_code == status, label
        seen[label] = response.content.decode()
    return seen


def _with_each_key(scene, type_key, steps):
    """What steps() returns with the question's key, then with the other key, from the same
    starting point: each run is rolled back."""
    question_type = types.get_type(type_key)
    version = QuestionVersion.objects.filter(pk=scene.question.published_version_id)
    runs = []
    for payload in (KEYS[type_key].payload, KEYS[type_key].other):
        with transaction.atomic():
            version.update(payload=question_type.validate_payload(payload))
            runs.append(steps())
            transaction.set_rollback(True)
    return runs


@pytest.fixture
def frozen_clock(monkeypatch):
    # Both runs happen at the same instant, so the exam's remaining time reads the same.
    now = timezone.now() + timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: now)


CHART_ID = re.compile(r"chart-[0-9a-f]{8}")


def _same_page(page):
    # The token is masked afresh on every page and each chart has an id of its own; nothing
    # else may differ.
    return CHART_ID.sub("chart-…", TOKEN.sub('name="csrfmiddlewaretoken" value="…"', page))


def _scripts():
    """Our own scripts, as the browser downloads them."""
    folder = Path(finders.find("js/exam.js")).parent
    return {f"static/js/{path.name}": path.read_text() for path in sorted(folder.glob("*.js"))}


def _secrets(type_key):
    return (EXPLANATION, *KEYS[type_key].secrets)


@pytest.fixture(params=sorted(KEYS))
def before_marking(request, cast, client_for, frozen_clock):
    """(type, what Lina sees with the key, what she sees with the other key)."""
    type_key = request.param
    scene = _scene(cast, type_key)
    client = client_for(cast.learner)
    answer = KEYS[type_key].answer
    first, second = _with_each_key(scene, type_key, lambda: _before_marking(client, scene, answer))
    return type_key, first, second


def test_no_response_before_marking_holds_a_value_of_the_key(before_marking):
    type_key, *runs = before_marking
    seen = {f"{label} ({n})": page for n, run in enumerate(runs) for label, page in run.items()}
    seen.update(_scripts())
    leaks = [
        (label, secret)
        for label, page in seen.items()
        for secret in _secrets(type_key)
        if secret in page
    ]
    assert leaks == []


def test_no_response_before_marking_depends_on_the_key(before_marking):
    type_key, first, second = before_marking
    differing = [label for label in first if _same_page(first[label]) != _same_page(second[label])]
    assert differing == []


def test_the_results_of_a_session_marked_at_the_end_wait_for_its_end(
    cast, client_for, frozen_clock
):
    scene = _scene(cast, "single_choice")
    client = client_for(cast.learner)
    s = scene.session.pk
    client.post(f"/practice/{s}/0/answer/", KEYS["single_choice"].answer, headers=JSON)

    early = client.get(f"/practice/{s}/summary/")
    assert early.status_code == 302 and early.url == scene.session.get_absolute_url()

    client.post(f"/practice/{s}/finish/")
    assert "✓" in client.get(f"/practice/{s}/summary/").content.decode()


def test_the_dashboard_does_not_count_answers_not_yet_marked(cast, client_for, frozen_clock):
    scene = _scene(cast, "single_choice")
    client = client_for(cast.learner)
    first, second = _with_each_key(
        scene, "single_choice", lambda: _before_marking(client, scene, {"choice": "1"})
    )
    assert _same_page(first["home"]) == _same_page(second["home"])


# Positive controls: once marked, the same checks see the key --------------------------------------


@pytest.mark.parametrize("type_key", sorted(KEYS))
def test_the_key_shows_once_an_item_is_marked_at_once(type_key, cast, client_for, frozen_clock):
    scene = _scene(cast, type_key, marking="instant")
    client = client_for(cast.learner)
    url = f"/practice/{scene.session.pk}/0/answer/"

    def mark():
        response = client.post(url, KEYS[type_key].answer, headers=JSON)
        return response.json()["html"]

    first, second = _with_each_key(scene, type_key, mark)
    assert EXPLANATION in first
    assert _same_page(first) != _same_page(second)
    for secret in KEYS[type_key].secrets:
        if secret in first:
            break
    else:
        assert not KEYS[type_key].secrets, "no value of the key in the marked item"


def test_the_explanation_shows_once_a_session_marked_at_the_end_is_finished(cast, client_for):
    scene = _scene(cast, "fill_in")
    client = client_for(cast.learner)
    item = f"/practice/{scene.session.pk}/0/"
    client.post(f"{item}answer/", KEYS["fill_in"].answer)
    assert EXPLANATION not in client.get(item).content.decode()
    client.post(f"/practice/{scene.session.pk}/finish/")
    page = client.get(item).content.decode()
    assert EXPLANATION in page and "zq-7731-key" in page


def test_the_key_shows_in_the_review_once_the_paper_is_handed_in(cast, client_for):
    scene = _scene(cast, "fill_in")
    client = client_for(cast.learner)
    exam = f"/exams/attempts/{scene.attempt.pk}/"
    client.post(f"{exam}save/", {"position": "0", "seq": "1", **KEYS["fill_in"].answer})
    client.post(f"{exam}submit/")
    page = client.get(exam).content.decode()
    assert EXPLANATION in page and "zq-7731-key" in page
