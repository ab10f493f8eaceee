"""Every URL of the app, for every kind of visitor.

The outsider columns are people of the other center: for center A's objects they must get
404 (not 403), so that they cannot even learn the object exists. A new URL that is not in
MATRIX fails ``test_the_matrix_covers_every_url``.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from question_bank.models import PendingImport, QuestionAsset
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
}


def _url_names(resolver=None, namespace=""):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue  # Django's own admin, for the platform operator
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _url_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield namespace + pattern.name


def test_the_matrix_covers_every_url():
    assert set(_url_names()) == set(MATRIX)


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
