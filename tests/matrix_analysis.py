"""Role-matrix rows for the analysis pages, merged into tests/test_role_matrix.py.

Both pages are for staff of the object's center (or of any center, for the platform's
objects): learners get 403, the other center's admin 404 for center A's question and paper.
"""

from exams.models import Blueprint
from tests.base import make_question

LOGIN = "login"  # a redirect to the login page


def _question(cast):
    return make_question(center=cast.center, author=cast.instructor).pk


def _blueprint(cast):
    return Blueprint.objects.create(name="Center paper", level=4, center=cast.center).pk


MATRIX = {
    "analysis:question": (
        "get",
        lambda c: f"/analysis/questions/{_question(c)}/",
        [LOGIN, 403, 200, 200, 403, 404],
    ),
    "analysis:blueprint": (
        "get",
        lambda c: f"/analysis/blueprints/{_blueprint(c)}/",
        [LOGIN, 403, 200, 200, 403, 404],
    ),
}
