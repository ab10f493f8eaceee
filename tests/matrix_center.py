"""Role-matrix rows for the center pages, merged into tests/test_role_matrix.py."""

import datetime

from exams.models import RealExamResult

LOGIN = "login"  # a redirect to the login page
ADMINS_ONLY = [LOGIN, 403, 403, 200, 403, 200]


def _real_result(cast):
    return RealExamResult.objects.create(
        center=cast.center, session_date=datetime.date(2025, 5, 10), level=3, sat=10, certified=7
    ).pk


MATRIX = {
    "center:pass_rates": ("get", lambda c: "/center/pass-rates/", ADMINS_ONLY),
    "center:pass_rates_export": (
        "get",
        lambda c: "/center/pass-rates/export.csv?table=cohort",
        ADMINS_ONLY,
    ),
    "center:real_results": ("get", lambda c: "/center/results/", ADMINS_ONLY),
    "center:real_result_delete": (
        "post",
        lambda c: f"/center/results/{_real_result(c)}/delete/",
        [LOGIN, 403, 403, 302, 403, 404],
    ),
}
