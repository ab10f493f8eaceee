"""The Content-Security-Policy, and pages that keep to it.

The policy (config/settings.py, sent by config/middleware.py) allows our own scripts and
styles only: no inline script, no event-handler attribute, no javascript: URL, no inline
style, nothing from another origin. Every page of the role matrix is fetched as each role
that may see it and read tag by tag; so are the pages of each question type (the exam and
practice pages, marked and not, and the bank's view of the question) and the error pages.
"""

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client

from tests.security.test_answer_key import KEYS, _scene
from tests.test_role_matrix import MATRIX, ROLES

UNSAFE = {"'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*", "data:", "http:", "https:"}


def _policy(response):
    header = response.headers.get("Content-Security-Policy")
    assert header, "no Content-Security-Policy header"
    directives = {}
    for directive in filter(None, (part.strip() for part in header.split(";"))):
        name, *sources = directive.split()
        directives[name] = set(sources)
    return directives


def _assert_strict(response):
    policy = _policy(response)
    script = policy.get("script-src", policy.get("default-src"))
    style = policy.get("style-src", policy.get("default-src"))
    assert not script & UNSAFE, script
    assert "'unsafe-inline'" not in style, style
    assert policy.get("object-src") == {"'none'"}
    assert policy.get("frame-ancestors") == {"'none'"}
    assert policy.get("base-uri") == {"'self'"}
    assert policy.get("form-action") == {"'self'"}


def _same_origin(url):
    parts = urlsplit(url.strip())
    return not parts.scheme and not parts.netloc


class _Audit(HTMLParser):
    """What in a page the policy would block, or would let reach another origin."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []
        self.in_script = False

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…>")
            elif name == "style":
                self.problems.append(f"<{tag} style=…>")
            elif value and re.match(r"\s*javascript:", value, re.I):
                self.problems.append(f"<{tag} {name}={value!r}>")
        found = dict(attrs)
        if tag == "script":
            self.in_script = True
            if not found.get("src"):
                self.problems.append("<script> without src")
        elif tag == "style":
            self.problems.append("<style>")
        elif tag in ("iframe", "object", "embed", "frame"):
            self.problems.append(f"<{tag}>")
        for name in ("href", "src", "action", "formaction", "xlink:href"):
            url = found.get(name)
            if url is None or _same_origin(url):
                continue
            # A link the learner follows may lead anywhere; what the page loads may not.
            if tag == "a" or (tag in ("img", "image") and url.startswith("data:image/")):
                continue
            self.problems.append(f"<{tag} {name}={url!r}>")

    def handle_endtag(self, tag):
        if tag == "script":
            self.in_script = False

    def handle_data(self, data):
        if self.in_script and data.strip():
            self.problems.append(f"<script> with a body: {data.strip()[:60]!r}")


def _assert_keeps_to_the_policy(response):
    _assert_strict(response)
    if not response["Content-Type"].startswith("text/html"):
        return
    audit = _Audit()
    audit.feed(response.content.decode())
    assert audit.problems == []


def _pages():
    """(name, role) of every page of the matrix, for each role that may see it."""
    return [
        (name, role)
        for name, (method, _path, expected) in sorted(MATRIX.items())
        if method == "get"
        for role, want in zip(ROLES, expected, strict=True)
        if want == 200
    ]


@pytest.mark.parametrize(("name", "role"), _pages())
def test_every_page_keeps_to_the_policy(name, role, cast, client_for):
    client = client_for(None if role == "anonymous" else getattr(cast, role))
    response = client.get(MATRIX[name][1](cast))
    assert response.status_code == 200
    _assert_keeps_to_the_policy(response)


def test_the_audit_sees_what_the_policy_would_block():
    audit = _Audit()
    audit.feed(
        '<script>alert(1)</script><button onclick="x()">x</button><p style="color:red">'
        '<a href="javascript:x()">x</a><script src="https://other.example/x.js"></script>'
        '<link rel="stylesheet" href="//other.example/x.css"><img src="http://x.example/a.png">'
        '<a href="https://example.com/">fine</a><img src="data:image/png;base64,AA==">'
        '<script type="module" src="/static/js/exam.js"></script>'
    )
    assert audit.problems == [
        "<script> without src",
        "<script> with a body: 'alert(1)'",
        "<button onclick=…>",
        "<p style=…>",
        "<a href='javascript:x()'>",
        "<script src='https://other.example/x.js'>",
        "<link href='//other.example/x.css'>",
        "<img src='http://x.example/a.png'>",
    ]


@pytest.mark.parametrize("type_key", sorted(KEYS))
def test_the_pages_of_each_question_type_keep_to_the_policy(type_key, cast, client_for):
    scene = _scene(cast, type_key, marking="instant")
    learner = client_for(cast.learner)
    item = f"/practice/{scene.session.pk}/0/"
    exam = f"/exams/attempts/{scene.attempt.pk}/"
    pages = [learner.get(item), learner.get(exam)]
    learner.post(f"{item}answer/", KEYS[type_key].answer)
    learner.post(f"{exam}save/", {"position": "0", "seq": "1", **KEYS[type_key].answer})
    pages.append(learner.get(item))  # marked, with the feedback of the type
    learner.post(f"{exam}submit/")
    pages.append(learner.get(exam))  # the review
    instructor = client_for(cast.instructor)
    pages.append(instructor.get(f"/bank/{scene.question.pk}/"))
    pages.append(instructor.get(f"/bank/new/?type={type_key}"))
    for response in pages:
        assert response.status_code == 200
        _assert_keeps_to_the_policy(response)


def test_the_error_pages_keep_to_the_policy(cast, client_for):
    learner = client_for(cast.learner)
    not_found = learner.get("/no-such-page/")
    forbidden = learner.get("/bank/")
    assert (not_found.status_code, forbidden.status_code) == (404, 403)
    _assert_keeps_to_the_policy(not_found)
    _assert_keeps_to_the_policy(forbidden)


def test_the_locked_out_page_keeps_to_the_policy(cast, client):
    for _ in range(5):
        client.post("/accounts/login/", {"username": "lina", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "lina", "password": "wrong"})
    assert response.status_code == 429
    _assert_keeps_to_the_policy(response)


def test_the_csrf_failure_page_sends_the_policy(cast):
    # Django's own page, with a <style> element that the policy blocks: harmless, since it
    # only makes the page plainer; so only the header is checked here.
    response = Client(enforce_csrf_checks=True).post("/accounts/login/", {})
    assert response.status_code == 403
    _assert_strict(response)


def test_downloads_send_the_policy_too(cast, client_for):
    instructor = client_for(cast.instructor)
    for url in ["/bank/export/?format=json", "/bank/import/template/?format=csv"]:
        response = instructor.get(url)
        assert response.status_code == 200
        _assert_strict(response)


def test_the_settings_policy_is_the_one_sent(client):
    assert client.get("/accounts/login/")["Content-Security-Policy"] == (
        settings.CONTENT_SECURITY_POLICY
    )


def test_our_scripts_need_neither_eval_nor_inline_style():
    # 'unsafe-eval' is off and style-src has no 'unsafe-inline': such code would fail.
    folder = Path(finders.find("js/exam.js")).parent
    for path in folder.glob("*.js"):
        source = path.read_text()
        assert not re.search(r"\beval\(|new Function\(|setTimeout\(\s*['\"`]", source), path
        assert not re.search(r"setAttribute\(\s*['\"]style|style=|cssText", source), path
