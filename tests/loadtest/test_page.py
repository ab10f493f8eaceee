"""The load test reads the real pages: if a template changes what it relies on, these fail
(rather than a long load test with every learner stuck at the start)."""

import pytest

from exams.models import Attempt, Blueprint, BlueprintSection
from loadtest import page
from tests.base import make_question


@pytest.fixture
def blueprint(cast):
    make_question(key="sc0")
    make_question("true_false", key="tf0", payload={"answer": True})
    make_question("multiple_choice", key="mc0")
    blueprint = Blueprint.objects.create(name="小测验 · Mini paper", level=4, duration_minutes=30)
    BlueprintSection.objects.create(blueprint=blueprint, count=3, points_per_item=20)
    return blueprint


def test_a_learner_starts_and_saves_with_what_the_pages_give(client_for, cast, blueprint):
    client = client_for(cast.learner, language="zh-hans")
    papers_page = client.get("/exams/").content.decode()
    url = page.start_url(papers_page, "小测验 · Mini paper")
    assert url == f"/exams/{blueprint.pk}/start/"
    assert page.form_token(papers_page, url)

    client.post(url)
    attempt = Attempt.objects.get(learner=cast.learner)
    exam = page.exam_page(client.get(attempt.get_absolute_url()).content.decode())

    assert (exam.attempt, exam.save_url) == (attempt.pk, f"/exams/attempts/{attempt.pk}/save/")
    assert exam.token and exam.submit_url == f"/exams/attempts/{attempt.pk}/submit/"
    assert sorted(exam.items) == [0, 1, 2]
    assert all(item.answerable and item.seq == 0 for item in exam.items.values())
    assert sorted(name for item in exam.items.values() for name in item.choices) == [
        "answer",
        "choice",
        "choices",
    ]

    item = exam.items[0]
    ((name, values),) = item.choices.items()
    boundary = "----test"
    fields = [("csrfmiddlewaretoken", exam.token), ("position", 0), ("seq", item.seq + 1)]
    fields += [("flagged", "1"), (name, values[-1])]
    response = client.post(
        exam.save_url,
        page.multipart(fields, boundary),
        content_type=f"multipart/form-data; boundary={boundary}",
        headers={"accept": "application/json"},
    )
    assert response.json()["saved"] is True and response.json()["seq"] == 1

    again = page.exam_page(client.get(attempt.get_absolute_url()).content.decode())
    assert (again.items[0].seq, again.items[0].flagged) == (1, "1")
    assert again.items[0].checked == [(name, values[-1])]


def test_it_finds_static_files_and_module_imports():
    text = '<link href="/static/css/app.1a2b.css"><script src="/static/js/exam.9f.js">'
    assert page.static_assets(text) == ["/static/css/app.1a2b.css", "/static/js/exam.9f.js"]
    script = 'import { a } from "./exam-form.js";\nimport { b } from "../lib/x.js";'
    assert page.module_imports("/static/js/exam.9f.js", script) == [
        "/static/js/exam-form.js",
        "/static/lib/x.js",
    ]
