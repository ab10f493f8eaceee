"""Every request that can change something needs the CSRF token.

The browsers here are a test client that checks CSRF as a real browser would be checked
(``enforce_csrf_checks``). For each URL that takes a POST, the cast member who may use it
sends a request that would change something; without the token it is refused with a 403
and not a row of the database changes (nor is any mail sent); with the token the very same
request goes through. A view that starts taking a POST without being added to POSTS fails
``test_every_view_that_takes_a_post_is_in_the_list``.
"""

import ast
import inspect
import json
import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from exams import papers, practice
from exams.models import Blueprint, BlueprintSection, QuestionState
from question_bank.models import WorkContent
from tests.base import PASSWORD, SAMPLE_PAYLOADS, make_question
from tests.test_role_matrix import LOGIN, MATRIX, ROLES, url_views

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
REFUSED = "CSRF verification failed"
JSON = {"accept": "application/json"}


def _client(cast, role):
    client = Client(enforce_csrf_checks=True, headers={"accept-language": "en"})
    if role != "anonymous":
        client.force_login(getattr(cast, role))
    return client


def _token(client, page=None):
    """The token as the browser has it: from a form on a page of the site."""
    if page is None:
        logged_in = "_auth_user_id" in client.session
        page = "/accounts/profile/" if logged_in else "/accounts/login/"
    return TOKEN.search(client.get(page).content.decode()).group(1)


def _state():
    """Every row of every table and the mail sent: what a refused request must leave alone."""
    rows = {
        model._meta.label: list(model._base_manager.order_by("pk").values())
        for model in apps.get_models(include_auto_created=True)
    }
    return rows, len(mail.outbox)


def _allowed_role(name):
    """The first role the matrix lets through (anonymous first, for the public pages)."""
    expected = MATRIX[name][2]
    return next(
        role for role, want in zip(ROLES, expected, strict=True) if want not in (LOGIN, 403, 404)
    )


# Request data that would change something ---------------------------------------------------


def _question_form(question_type="true_false", payload=None, **overrides):
    return {
        "type": question_type,
        "language": "zh-hans",
        "difficulty": 2,
        "levels_choice": [4],
        "work_content": WorkContent.objects.get(code="l4-quality-check").pk,
        "tags_text": "",
        "stem": "缺失值一定要删除。",
        "payload": json.dumps(payload or {"answer": False}),
        "explanation": "",
        "reference": "",
        **overrides,
    }


def _blueprint_form(cast):
    return {
        "name": "CSRF paper",
        "level": 4,
        "duration_minutes": 90,
        "pass_mark": 60,
        "review_when": "after_submission",
        "attempts_allowed": 0,
        "is_active": "on",
        "sections-TOTAL_FORMS": 1,
        "sections-INITIAL_FORMS": 0,
        "sections-0-paper": "theory",
        "sections-0-work_content": WorkContent.objects.get(code="l4-quality-check").pk,
        "sections-0-difficulty_min": 1,
        "sections-0-difficulty_max": 5,
        "sections-0-count": 10,
        "sections-0-points_per_item": 10,
    }


def _bank_file(cast):
    bank = {
        "format": "aitrainer-bank",
        "version": 1,
        "questions": [
            {
                "key": "csrf-1",
                "type": "true_false",
                "levels": [4],
                "function": "l4-data",
                "work_content": "l4-quality-check",
                "difficulty": 2,
                "content": {
                    "zh-Hans": {"stem": "缺失值一定要删除。", "payload": {"answer": False}}
                },
            }
        ],
    }
    upload = SimpleUploadedFile("bank.json", json.dumps(bank, ensure_ascii=False).encode())
    return {"file": upload, "language": "zh-hans"}


def _practice_choice(cast):
    make_question(key="csrf-start", language="en")
    return {
        "level": 4,
        "scope": "",
        "kind": "",
        "mode": "in_order",
        "size": 10,
        "marking": "instant",
    }


def _due_review(cast):
    question = make_question(key="csrf-review", language="en")
    QuestionState.objects.create(
        learner=cast.learner,
        question=question,
        in_notebook=True,
        due_at=timezone.now() - timedelta(days=1),
    )
    return {}


def _reset_request(cast):
    cast.learner.email = "lina@example.com"
    cast.learner.save()
    return {"email": "lina@example.com"}


def _set_password_page(cast, client):
    # The emailed link puts the token in the session and sends the browser on to the form.
    uid = urlsafe_base64_encode(force_bytes(cast.learner.pk))
    token = default_token_generator.make_token(cast.learner)
    return client.get(f"/accounts/password/reset/{uid}/{token}/").url


def _bulk_tag(cast):
    question = make_question(key="csrf-bulk", center=cast.center, author=cast.instructor)
    return {"action": "tag", "tag": "checked", "selected": [question.pk]}


NEW_PASSWORD = {"new_password1": "a-new-pass-99", "new_password2": "a-new-pass-99"}


@dataclass(frozen=True)
class Post:
    role: str
    data: Callable = field(default=lambda cast: {})
    status: int = 302
    # The path when the matrix's will not do; called with the cast and the client.
    path: Callable | None = None


POSTS = {
    "set_language": Post("learner", lambda c: {"language": "en", "next": "/"}),
    "accounts:login": Post("anonymous", lambda c: {"username": "lina", "password": PASSWORD}),
    "accounts:logout": Post("learner"),
    "accounts:signup": Post(
        "anonymous",
        lambda c: {
            "username": "newbie",
            "full_name": "Xu Jing",
            "email": "",
            "target_level": 4,
            "password1": PASSWORD,
            "password2": PASSWORD,
            "join_code": "PUJIANG1",
        },
    ),
    "accounts:profile": Post(
        "learner",
        lambda c: {
            "full_name": "Lina Li",
            "email": "",
            "target_level": 4,
            "planned_exam_date": "",
            "weekly_goal_minutes": 300,
            "preferred_language": "en",
        },
    ),
    "accounts:password_change": Post(
        "learner", lambda c: {"old_password": PASSWORD, **NEW_PASSWORD}
    ),
    "accounts:password_reset": Post("anonymous", _reset_request),
    "accounts:password_reset_confirm": Post(
        "anonymous", lambda c: NEW_PASSWORD, path=_set_password_page
    ),
    "accounts:cohort_create": Post("center_admin", lambda c: {"name": "Spring L4", "level": 4}),
    "accounts:cohort_edit": Post(
        "center_admin",
        lambda c: {
            "name": "Weekend L3 (renamed)",
            "level": 3,
            "instructors": [c.instructor.pk],
            "learners": [c.learner.pk],
        },
    ),
    "accounts:instructor_create": Post(
        "center_admin",
        lambda c: {
            "username": "newteacher",
            "full_name": "Zhao",
            "email": "",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    ),
    "accounts:instructor_toggle": Post("center_admin"),
    "accounts:join_code_create": Post("center_admin", lambda c: {"cohort": c.cohort.pk}),
    "accounts:join_code_toggle": Post("center_admin"),
    "question_bank:bulk": Post("instructor", _bulk_tag),
    "question_bank:create": Post("instructor", lambda c: _question_form()),
    "question_bank:edit": Post(
        "instructor",
        lambda c: _question_form("single_choice", SAMPLE_PAYLOADS["single_choice"]),
    ),
    "question_bank:status": Post("instructor", lambda c: {"action": "retire"}),
    "question_bank:import": Post("instructor", _bank_file),
    "question_bank:import_check": Post("instructor", lambda c: {"only_valid": "1"}),
    "exams:practice_start": Post("learner", _practice_choice),
    "exams:practice_review": Post("learner", _due_review),
    "exams:practice_answer": Post("learner", lambda c: {"choice": "0"}),
    "exams:practice_time": Post("learner", lambda c: {"seconds": "30"}, status=204),
    "exams:practice_mark": Post("learner", lambda c: {"action": "flag"}),
    "exams:practice_finish": Post("learner"),
    "exams:notebook_remove": Post("learner"),
    "exams:paper_start": Post("learner"),
    "exams:attempt_save": Post("learner", lambda c: {"position": "0", "seq": "1", "choice": "0"}),
    "exams:attempt_submit": Post("learner"),
    "exams:blueprint_create": Post("instructor", _blueprint_form),
    "exams:blueprint_edit": Post("instructor", _blueprint_form),
    "exams:grade_item": Post("instructor", lambda c: {"point_a": "on", "comment": "Fine."}),
    "exams:regrade": Post("instructor"),
    "center:real_results": Post(
        "center_admin",
        lambda c: {
            "session_date": "2025-05-10",
            "level": 3,
            "cohort": "",
            "sat": 10,
            "certified": 7,
            "note": "",
        },
    ),
    "center:real_result_delete": Post("center_admin"),
}


def _prepared(name, cast):
    """The client of the role that may post here, the path and the data, all set up."""
    post = POSTS[name]
    client = _client(cast, post.role)
    path = post.path(cast, client) if post.path else MATRIX[name][1](cast)
    return client, path, post.data(cast)


# Which views take a POST ----------------------------------------------------------------------


def _takes_post(view):
    """Whether a view handles POST: a class view with post(), or a function view whose code
    (or that of a helper of its module it calls, such as _question_form) reads POST."""
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        return hasattr(view_class, "post")
    return _reads_post(inspect.unwrap(view), set())


def _reads_post(function, seen):
    seen.add(function)
    source = textwrap.dedent(inspect.getsource(function))
    if "POST" in source:
        return True
    module = inspect.getmodule(function)
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            helper = getattr(module, node.func.id, None)
            if (
                inspect.isfunction(helper)
                and helper.__module__ == module.__name__
                and helper not in seen
                and _reads_post(helper, seen)
            ):
                return True
    return False


def test_every_view_that_takes_a_post_is_in_the_list():
    posted_in_matrix = {name for name, (method, *_rest) in MATRIX.items() if method == "post"}
    takes_post = {name for name, view in url_views() if _takes_post(view)}
    assert set(POSTS) == posted_in_matrix | takes_post


def test_the_list_finds_form_pages_whose_helper_reads_the_post():
    # The matrix lists these as pages (GET); their views hand the POST to a helper.
    views = dict(url_views())
    for name in ["accounts:cohort_edit", "question_bank:edit", "exams:blueprint_edit"]:
        assert _takes_post(views[name]), name
    assert not _takes_post(views["exams:practice_summary"])


def test_no_view_is_exempt_from_the_check():
    assert [name for name, view in url_views() if getattr(view, "csrf_exempt", False)] == []


# The requests -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(POSTS))
def test_a_post_without_the_token_is_refused_and_changes_nothing(name, cast):
    client, path, data = _prepared(name, cast)
    before = _state()
    response = client.post(path, data)
    assert response.status_code == 403
    assert REFUSED in response.content.decode()
    assert _state() == before


@pytest.mark.parametrize("name", sorted(POSTS))
def test_the_same_post_with_the_token_goes_through(name, cast):
    client, path, data = _prepared(name, cast)
    data["csrfmiddlewaretoken"] = _token(client)
    before = _state()
    response = client.post(path, data)
    assert response.status_code == POSTS[name].status
    assert _state() != before


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_every_address_refuses_a_post_without_the_token(name, cast):
    # Pages that take no POST too: the check comes before the view, whatever it does.
    client = _client(cast, _allowed_role(name))
    response = client.post(MATRIX[name][1](cast), {})
    assert response.status_code == 403
    assert REFUSED in response.content.decode()


# The JSON endpoints the pages' scripts call -----------------------------------------------------
#
# static/js/practice.js posts the answer form as FormData, and static/js/exam.js copies the
# form's csrfmiddlewaretoken into its body: the token travels in the form data. The header
# (X-CSRFToken) is accepted too; a request with neither is refused.


def _end_marked_session(cast):
    make_question(key="csrf-json", language="en")
    return practice.start_session(
        cast.learner, mode="in_order", size=0, marking="at_end", language="en"
    )


def _open_attempt(cast):
    make_question(key="csrf-exam", language="en")
    blueprint = Blueprint.objects.create(name="CSRF", level=4, duration_minutes=30)
    BlueprintSection.objects.create(
        blueprint=blueprint, paper="theory", count=1, points_per_item=100
    )
    return papers.start(blueprint, cast.learner, language="en")


def test_a_practice_answer_sent_as_json_needs_the_token(cast):
    session = _end_marked_session(cast)
    client = _client(cast, "learner")
    url = f"/practice/{session.pk}/0/answer/"
    token = _token(client, f"/practice/{session.pk}/0/")

    refused = client.post(url, {"choice": "0"}, headers=JSON)
    assert refused.status_code == 403
    assert not session.items.get().is_answered

    by_header = client.post(url, {"choice": "0"}, headers={**JSON, "x-csrftoken": token})
    assert (by_header.status_code, by_header.json()["saved"]) == (200, True)
    by_form = client.post(url, {"choice": "1", "csrfmiddlewaretoken": token}, headers=JSON)
    assert (by_form.status_code, by_form.json()["saved"]) == (200, True)
    assert session.items.get().response == {"choice": 1}


def test_an_exam_autosave_needs_the_token(cast):
    attempt = _open_attempt(cast)
    client = _client(cast, "learner")
    url = f"/exams/attempts/{attempt.pk}/save/"
    token = _token(client, f"/exams/attempts/{attempt.pk}/")
    save = {"position": "0", "seq": "1", "choice": "0"}

    refused = client.post(url, save, headers=JSON)
    assert refused.status_code == 403
    assert attempt.items.get().response is None

    by_header = client.post(url, save, headers={**JSON, "x-csrftoken": token})
    assert (by_header.status_code, by_header.json()["seq"]) == (200, 1)
    by_form = client.post(url, {**save, "seq": "2", "csrfmiddlewaretoken": token}, headers=JSON)
    assert (by_form.status_code, by_form.json()["seq"]) == (200, 2)


def test_a_token_from_another_browser_is_refused(cast):
    # The token is tied to the browser's own cookie: one copied from elsewhere does not help.
    session = _end_marked_session(cast)
    stranger = _client(cast, "outsider")
    stolen = _token(stranger)
    client = _client(cast, "learner")
    _token(client)  # the learner's browser has a cookie of its own
    response = client.post(
        f"/practice/{session.pk}/0/answer/", {"choice": "0", "csrfmiddlewaretoken": stolen}
    )
    assert response.status_code == 403
    assert not session.items.get().is_answered
