"""The center admin on her phone, in Chinese: Chen reads Pujiang Center's mock-exam pass
rates and takes the cohort table away as CSV and as Excel.

This month Lina (Weekend L3) passed one paper of two and Mei (Weekend L3) her only one; Noa,
in no cohort, passed one of two. Omar's pass at Harbour Center is none of Chen's business.
"""

import csv
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from exams.models import Attempt, Blueprint
from exams.stats import pass_rate
from tests.base import make_user
from tests.browser.conftest import in_chinese

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _marked(learner, blueprint, theory, practical, hours_ago):
    submitted = timezone.now() - timedelta(hours=hours_ago)
    return Attempt.objects.create(
        learner=learner,
        blueprint=blueprint,
        language="zh-hans",
        started_at=submitted - timedelta(minutes=80),
        deadline=submitted + timedelta(minutes=10),
        submitted_at=submitted,
        status=Attempt.Status.DONE,
        part_scores={"theory": theory, "practical": practical},
        score=theory + practical,
        passed=theory >= blueprint.pass_mark and practical >= blueprint.pass_mark,
    )


@pytest.fixture
def attempts(cast):
    mei = make_user("mei", center=cast.center, full_name="Mei")
    noa = make_user("noa", center=cast.center, full_name="Noa")
    cast.cohort.learners.add(mei)
    blueprint = Blueprint.objects.create(name="四级模拟", level=4, pass_mark=60)
    _marked(cast.learner, blueprint, 72, 65, hours_ago=5)
    _marked(cast.learner, blueprint, 55, 70, hours_ago=4)
    _marked(mei, blueprint, 80, 61, hours_ago=3)
    _marked(noa, blueprint, 90, 90, hours_ago=2)
    _marked(noa, blueprint, 40, 30, hours_ago=1)
    _marked(cast.outsider, blueprint, 95, 95, hours_ago=1)


def _rate_text(passed, attempted):
    """How the page writes a pass rate: "60%（23–88%）· 5 次作答"."""
    rate = pass_rate(passed, attempted)
    percents = {key: round(rate[key] * 100) for key in ("rate", "low", "high")}
    text = in_chinese(
        "%(rate)s%% (%(low)s–%(high)s%%) · %(counter)s attempt",
        "%(rate)s%% (%(low)s–%(high)s%%) · %(counter)s attempts",
        attempted,
    )
    return text % {**percents, "counter": attempted}


def _cohort_row(rows, label):
    return next(row for row in rows if row[0] == label)


def test_a_center_admin_reads_the_pass_rates_on_her_phone_and_downloads_them(
    cast, attempts, open_page, log_in
):
    page = open_page(locale="zh-CN")
    log_in(page, cast.center_admin)
    page.locator(".navbar-toggler").tap()
    page.locator('#main-menu a[href="/center/pass-rates/"]').tap()

    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    heading = in_chinese("Mock-exam pass rates")
    assert heading != "Mock-exam pass rates"
    expect(page.locator("main h1")).to_have_text(heading)
    # Five papers of her center, three passed; Omar's is not counted.
    expect(page.locator("#overall")).to_have_text(
        re.compile(re.escape(in_chinese("Overall:")) + r"\s*" + re.escape(_rate_text(3, 5)))
    )
    cohorts = page.locator('table[aria-labelledby="table-cohort"] tbody tr')
    expect(cohorts).to_have_count(2)
    weekend, no_cohort = cohorts.nth(0), cohorts.nth(1)
    expect(weekend.locator("th")).to_have_text("Weekend L3")
    expect(weekend.locator("td").nth(0)).to_have_text("2")
    expect(weekend.locator("td").nth(1)).to_have_text(_rate_text(2, 3))
    expect(no_cohort.locator("th")).to_have_text(in_chinese("In no cohort"))
    expect(no_cohort.locator("td").nth(0)).to_have_text("1")
    expect(no_cohort.locator("td").nth(1)).to_have_text(_rate_text(1, 2))

    weekend_rate = pass_rate(2, 3)
    figures = [3, 2] + [round(weekend_rate[k] * 100, 1) for k in ("rate", "low", "high")]
    cohort_table = page.locator("section", has=page.locator("#table-cohort"))

    with page.expect_download() as download:
        cohort_table.locator('a[href*="/export.csv?table=cohort"]').tap()
    assert re.fullmatch(r"pass-rates-cohort-[\d-]+\.csv", download.value.suggested_filename)
    with download.value.path().open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.reader(file))
    assert rows[0][:4] == [
        in_chinese("Cohort"),
        in_chinese("Attempts"),
        in_chinese("Passed"),
        in_chinese("Pass rate (%)"),
    ]
    assert _cohort_row(rows, "Weekend L3")[1:] == [str(figure) for figure in figures]
    assert _cohort_row(rows, in_chinese("In no cohort"))[1:4] == ["2", "1", "50.0"]

    with page.expect_download() as download:
        cohort_table.locator('a[href*="/export.xlsx?table=cohort"]').tap()
    assert download.value.suggested_filename.endswith(".xlsx")
    with download.value.path().open("rb") as file:  # saved without a suffix
        sheet = load_workbook(file).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0][3] == in_chinese("Pass rate (%)")
    assert _cohort_row(rows, "Weekend L3")[1:] == figures
