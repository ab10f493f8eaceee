"""Every URL of the app, for every kind of visitor.

The outsider columns are people of the other center: for center A's objects they must get
404 (not 403), so that they cannot even learn the object exists. A new URL that is not in
MATRIX fails ``test_the_matrix_covers_every_url``.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from exams import papers, practice
from exams.models import Blueprint, BlueprintSection, QuestionState
from question_bank.models import PendingImport, QuestionAsset
from tests import matrix_analysis, matrix_center
from tests.base import make_question

ROLES = ["anonymous", "learner", "instructor", "center_admin", "outsider", "outsider_admin"]

LOGIN = "login"  # a redirect to the login page


def _cohort(cast):
    return cast.cohort.pk


def _question(cast):
    return make_question(center=cast.center, author=cast.instructor).pk


def _pending_import(cast):
    return PendingImport.objects.create(
        owner=cast.instructor, filename="bank.json", data=b"[]", options={}
    ).pk


def _session(cast):
    make_question(key="matrix-q", language="en")
    session = practice.start_session(
        cast.learner, mode="in_order", size=0, marking="instant", language="en"
    )
    return session.pk


def _notebook_entry(cast):
    question = make_question(key="matrix-nb", language="en")
    QuestionState.objects.create(learner=cast.learner, question=question, in_notebook=True)
    return question.pk


def _blueprint(cast):
    make_question(key="matrix-bp", language="en")
    blueprint = Blueprint.objects.create(name="Matrix", level=4, duration_minutes=30)
    BlueprintSection.objects.create(
        blueprint=blueprint, paper="theory", count=1, points_per_item=100
    )
    return blueprint


def _attempt(cast):
    return papers.start(_blueprint(cast), cast.learner, language="en").pk


def _gradable(cast):
    make_question(
        "written_analysis",
        key="matrix-w",
        language="en",
        payload={
            "rubric": [{"id": "a", "description": "a", "points": 1, "patterns": ["a"]}],
            "sample_answer": "a",
        },
    )
    blueprint = Blueprint.objects.create(name="Written", level=4, duration_minutes=30)
    BlueprintSection.objects.create(
        blueprint=blueprint,
        paper="practical",
        count=1,
        points_per_item=100,
        types=["written_analysis"],
    )
    attempt = papers.start(blueprint, cast.learner, language="en")
    papers.submit(attempt)
    return attempt.items.get().pk


def _regrade(cast):
    question = make_question(key="matrix-rg", language="en", center=cast.center)
    old = question.published_version
    question.save_content(stem="new", payload=old.payload, explanation="", reference="")
    return f"/exams/regrade/{question.pk}/{old.pk}/"


def _image(cast):
    return QuestionAsset.objects.create(
        center=cast.center,
        name="a.png",
        content_type="image/png",
        data=b"x",
        sha1="f00d",
        width=1,
        height=1,
    ).sha1


# name: (method, path for the cast, expected status per role in ROLES order)
MATRIX = {
    "home": ("get", lambda c: "/", [200, 200, 302, 302, 200, 302]),
    "set_language": ("post", lambda c: "/i18n/setlang/", [302] * 6),
    "accounts:login": ("get", lambda c: "/accounts/login/", [200, 302, 302, 302, 302, 302]),
    "accounts:logout": ("post", lambda c: "/accounts/logout/", [302] * 6),
    "accounts:signup": ("get", lambda c: "/accounts/signup/", [200, 302, 302, 302, 302, 302]),
    "accounts:profile": ("get", lambda c: "/accounts/profile/", [LOGIN, 200, 200, 200, 200, 200]),
    "accounts:password_change": (
        "get",
        lambda c: "/accounts/password/change/",
        [LOGIN, 200, 200, 200, 200, 200],
    ),
    "accounts:password_change_done": (
        "get",
        lambda c: "/accounts/password/change/done/",
        [LOGIN, 200, 200, 200, 200, 200],
    ),
    "accounts:password_reset": ("get", lambda c: "/accounts/password/reset/", [200] * 6),
    "accounts:password_reset_done": ("get", lambda c: "/accounts/password/reset/sent/", [200] * 6),
    "accounts:password_reset_confirm": (
        "get",
        lambda c: "/accounts/password/reset/MQ/set-password/",
        [200] * 6,
    ),
    "accounts:password_reset_complete": (
        "get",
        lambda c: "/accounts/password/reset/done/",
        [200] * 6,
    ),
    "accounts:center": ("get", lambda c: "/accounts/center/", [LOGIN, 403, 403, 200, 403, 200]),
    "accounts:cohorts": ("get", lambda c: "/accounts/cohorts/", [LOGIN, 403, 200, 200, 403, 200]),
    "accounts:cohort_create": (
        "get",
        lambda c: "/accounts/cohorts/new/",
        [LOGIN, 403, 403, 200, 403, 200],
    ),
    "accounts:cohort": (
        "get",
        lambda c: f"/accounts/cohorts/{_cohort(c)}/",
        [LOGIN, 403, 200, 200, 403, 404],
    ),
    "accounts:cohort_edit": (
        "get",
        lambda c: f"/accounts/cohorts/{_cohort(c)}/edit/",
        [LOGIN, 403, 403, 200, 403, 404],
    ),
    "accounts:instructor_create": (
        "get",
        lambda c: "/accounts/instructors/new/",
        [LOGIN, 403, 403, 200, 403, 200],
    ),
    "accounts:instructor_toggle": (
        "post",
        lambda c: f"/accounts/instructors/{c.instructor.pk}/toggle/",
        [LOGIN, 403, 403, 302, 403, 404],
    ),
    "accounts:join_code_create": (
        "post",
        lambda c: "/accounts/join-codes/new/",
        [LOGIN, 403, 403, 302, 403, 302],
    ),
    "accounts:join_code_toggle": (
        "post",
        lambda c: f"/accounts/join-codes/{c.join_code.pk}/toggle/",
        [LOGIN, 403, 403, 302, 403, 404],
    ),
    "question_bank:bank": ("get", lambda c: "/bank/", [LOGIN, 403, 200, 200, 403, 200]),
    "question_bank:bulk": ("post", lambda c: "/bank/bulk/", [LOGIN, 403, 302, 302, 403, 302]),
    "question_bank:create": ("get", lambda c: "/bank/new/", [LOGIN, 403, 200, 200, 403, 200]),
    "question_bank:question": (
        "get",
        lambda c: f"/bank/{_question(c)}/",
        [LOGIN, 403, 200, 200, 403, 404],
    ),
    "question_bank:edit": (
        "get",
        lambda c: f"/bank/{_question(c)}/edit/",
        [LOGIN, 403, 200, 200, 403, 404],
    ),
    "question_bank:status": (
        "post",
        lambda c: f"/bank/{_question(c)}/status/",
        [LOGIN, 403, 400, 400, 403, 404],
    ),
    "question_bank:import": ("get", lambda c: "/bank/import/", [LOGIN, 403, 200, 200, 403, 200]),
    "question_bank:import_check": (
        "get",
        lambda c: f"/bank/import/{_pending_import(c)}/",
        [LOGIN, 403, 200, 404, 403, 404],
    ),
    "question_bank:import_template": (
        "get",
        lambda c: "/bank/import/template/",
        [LOGIN, 403, 200, 200, 403, 200],
    ),
    "question_bank:export": ("get", lambda c: "/bank/export/", [LOGIN, 403, 200, 200, 403, 200]),
    "question_bank:asset": (
        "get",
        lambda c: f"/bank/images/{_image(c)}/",
        [404, 200, 200, 200, 404, 404],
    ),
    "exams:practice_start": ("get", lambda c: "/practice/", [LOGIN, 200, 200, 403, 200, 403]),
    "exams:practice_continue": (
        "get",
        lambda c: "/practice/continue/",
        [LOGIN, 302, 302, 403, 302, 403],
    ),
    "exams:practice_review": (
        "post",
        lambda c: "/practice/review/",
        [LOGIN, 302, 302, 403, 302, 403],
    ),
    "exams:practice_item": (
        "get",
        lambda c: f"/practice/{_session(c)}/0/",
        [LOGIN, 200, 404, 403, 404, 403],
    ),
    "exams:practice_answer": (
        "post",
        lambda c: f"/practice/{_session(c)}/0/answer/",
        [LOGIN, 302, 404, 403, 404, 403],
    ),
    "exams:practice_time": (
        "post",
        lambda c: f"/practice/{_session(c)}/0/time/",
        [LOGIN, 204, 404, 403, 404, 403],
    ),
    "exams:practice_mark": (
        "post",
        lambda c: f"/practice/{_session(c)}/0/mark/",
        [LOGIN, 400, 404, 403, 404, 403],
    ),
    "exams:practice_finish": (
        "post",
        lambda c: f"/practice/{_session(c)}/finish/",
        [LOGIN, 302, 404, 403, 404, 403],
    ),
    "exams:practice_summary": (
        "get",
        lambda c: f"/practice/{_session(c)}/summary/",
        [LOGIN, 200, 404, 403, 404, 403],
    ),
    "exams:notebook": ("get", lambda c: "/notebook/", [LOGIN, 200, 200, 403, 200, 403]),
    "exams:notebook_remove": (
        "post",
        lambda c: f"/notebook/{_notebook_entry(c)}/remove/",
        [LOGIN, 302, 404, 403, 404, 403],
    ),
    "exams:learner_dashboard": (
        "get",
        lambda c: f"/learners/{c.learner.pk}/",
        [LOGIN, 403, 200, 200, 403, 404],
    ),
    "exams:cohort_progress": (
        "get",
        lambda c: f"/cohorts/{c.cohort.pk}/progress/",
        [LOGIN, 403, 200, 200, 403, 404],
    ),
    "exams:papers": ("get", lambda c: "/exams/", [LOGIN, 200, 200, 403, 200, 403]),
    "exams:paper_start": (
        "post",
        lambda c: f"/exams/{_blueprint(c).pk}/start/",
        [LOGIN, 302, 302, 403, 302, 403],
    ),
    "exams:attempt": (
        "get",
        lambda c: f"/exams/attempts/{_attempt(c)}/",
        [LOGIN, 200, 404, 403, 404, 403],
    ),
    "exams:attempt_save": (
        "post",
        lambda c: f"/exams/attempts/{_attempt(c)}/save/",
        [LOGIN, 302, 404, 403, 404, 403],
    ),
    "exams:attempt_submit": (
        "get",
        lambda c: f"/exams/attempts/{_attempt(c)}/submit/",
        [LOGIN, 200, 404, 403, 404, 403],
    ),
    "exams:blueprints": ("get", lambda c: "/exams/blueprints/", [LOGIN, 403, 200, 200, 403, 200]),
    "exams:blueprint_create": (
        "get",
        lambda c: "/exams/blueprints/new/",
        [LOGIN, 403, 200, 200, 403, 200],
    ),
    "exams:blueprint": (
        "get",
        lambda c: f"/exams/blueprints/{_center_blueprint(c)}/",
        [LOGIN, 403, 200, 200, 403, 404],
    ),
    "exams:blueprint_edit": (
        "get",
        lambda c: f"/exams/blueprints/{_center_blueprint(c)}/edit/",
        [LOGIN, 403, 200, 200, 403, 404],
    ),
    "exams:grading": ("get", lambda c: "/exams/grading/", [LOGIN, 403, 200, 403, 403, 403]),
    "exams:grade_item": (
        "get",
        lambda c: f"/exams/grading/{_gradable(c)}/",
        [LOGIN, 403, 200, 403, 403, 403],
    ),
    "exams:regrade": ("post", lambda c: _regrade(c), [LOGIN, 403, 302, 403, 403, 403]),
}


MATRIX.update(matrix_center.MATRIX)
MATRIX.update(matrix_analysis.MATRIX)


def _center_blueprint(cast):
    return Blueprint.objects.create(name="Center paper", level=4, center=cast.center).pk


def url_views(resolver=None, namespace=""):
    """(name, view) of every named URL of the app."""
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue  # Django's own admin, for the platform operator
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_views(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield namespace + pattern.name, pattern.callback


def test_the_matrix_covers_every_url():
    assert {name for name, _view in url_views()} == set(MATRIX)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_access(name, role, cast, client_for):
    method, path, expected = MATRIX[name]
    user = None if role == "anonymous" else getattr(cast, role)
    client = client_for(user)
    response = getattr(client, method)(path(cast))
    want = expected[ROLES.index(role)]
    if want == LOGIN:
        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/")
    else:
        assert response.status_code == want, f"{role} on {name}"
