"""The center admin's pass-rate pages, on a data set small enough to work out by hand.

Pujiang Center (A) has two cohorts: "Weekend L3" (Lina and Mei) and a cohort whose name a
mischievous admin typed as a spreadsheet formula (Tao and Mei: Mei is in both). Noa is in no
cohort. In March and April 2025 they sat eleven marked mock papers:

    #   who   blueprint       submitted (Shanghai)  theory  practical  passed
    1   Lina  L3 mock (60)    03-01 00:30           72      65         yes
    2   Lina  L3 mock         03-05                 55      70         no
    3   Mei   L3 mock         03-16 (a Sunday)      80      58         no
    4   Tao   L3 mock         03-20                 61      90         yes
    5   Lina  L3 mock         04-02                 90      50         no
    6   Mei   L3 mock         04-09                 60      60         yes  (60 is a pass)
    7   Tao   L3 mock         04-16                 40      30         no
    8   Noa   L3 mock         04-23                 75      62         yes
    9   Tao   L4 theory (70)  04-24                 72      —          yes
    10  Noa   L4 theory       04-29                 65      —          no   (65 < 70)
    11  Noa   L4 theory       04-30 23:30           88      —          yes

Left out of March–April: Lina's paper of 02-26 00:05 and her paper of 05-01 00:10 (both just
across a boundary in Shanghai time, not in UTC), an open attempt, a paper awaiting grading, a
paper by Wang (an instructor), and Omar's paper at Harbour Center (B).
"""

import csv
import io
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import Cohort
from exams.models import (
    Attempt,
    AttemptItem,
    Blueprint,
    BlueprintSection,
    FunctionScore,
    PracticeItem,
    PracticeSession,
    RealExamResult,
)
from tests.base import make_question, make_user

SHANGHAI = ZoneInfo("Asia/Shanghai")
FORMULA_COHORT = '=HYPERLINK("http://evil.example","click")'
MARCH_APRIL = {"start": "2025-03-01", "end": "2025-04-30"}


def at(month, day, hour=10, minute=0, year=2025):
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def make_attempt(learner, blueprint, when, theory=None, practical=None, passed=None, **fields):
    parts = {
        paper: score
        for paper, score in (("theory", theory), ("practical", practical))
        if score is not None
    }
    if passed is None and parts:
        passed = all(score >= blueprint.pass_mark for score in parts.values())
    values = {
        "status": Attempt.Status.DONE,
        "submitted_at": when,
        "part_scores": parts,
        "passed": passed,
        **fields,
    }
    return Attempt.objects.create(
        learner=learner,
        blueprint=blueprint,
        language="en",
        started_at=when - timedelta(hours=1),
        deadline=when + timedelta(minutes=30),
        **values,
    )


def practise(learner, question, fraction, when, position=[0]):  # noqa: B006
    position[0] += 1
    session = PracticeSession.objects.create(learner=learner, created=when)
    return PracticeItem.objects.create(
        session=session,
        position=position[0],
        question=question,
        version=question.published_version,
        category="theory",
        fraction=fraction,
        answered_at=when if fraction is not None else None,
    )


def answer_in_paper(attempt, question, fraction, grade_fraction=None):
    section = attempt.blueprint.sections.first()
    item = AttemptItem.objects.create(
        attempt=attempt,
        position=attempt.items.count(),
        section=section,
        paper="theory",
        question=question,
        version=question.published_version,
        points=Decimal("1"),
        fraction=fraction,
        grade_fraction=grade_fraction,
    )
    FunctionScore.objects.rebuild([attempt.pk])  # as exams.papers does when it marks a paper
    return item


@pytest.fixture
def data(cast):
    mei = make_user("mei", center=cast.center, full_name="Mei")
    tao = make_user("tao", center=cast.center, full_name="Tao")
    noa = make_user("noa", center=cast.center, full_name="Noa")
    weekend = cast.cohort
    weekend.learners.add(mei)
    formula = Cohort.objects.create(center=cast.center, name=FORMULA_COHORT, level=3)
    formula.learners.add(tao, mei)

    l3 = Blueprint.objects.create(name="L3 mock", level=3, pass_mark=60)
    BlueprintSection.objects.create(blueprint=l3, paper="theory", count=1, points_per_item=100)
    l4 = Blueprint.objects.create(name="L4 theory", level=4, pass_mark=70, center=cast.center)
    lina = cast.learner

    attempts = [
        make_attempt(lina, l3, at(3, 1, 0, 30), 72, 65, True),
        make_attempt(lina, l3, at(3, 5), 55, 70, False),
        make_attempt(mei, l3, at(3, 16), 80, 58, False),
        make_attempt(tao, l3, at(3, 20), 61, 90, True),
        make_attempt(lina, l3, at(4, 2), 90, 50, False),
        make_attempt(mei, l3, at(4, 9), 60, 60, True),
        make_attempt(tao, l3, at(4, 16), 40, 30, False),
        make_attempt(noa, l3, at(4, 23), 75, 62, True),
        make_attempt(tao, l4, at(4, 24), 72, None, True),
        make_attempt(noa, l4, at(4, 29), 65, None, False),
        make_attempt(noa, l4, at(4, 30, 23, 30), 88, None, True),
    ]
    # Left out of March–April, each for its own reason.
    make_attempt(lina, l3, at(2, 26, 0, 5), 50, 50, False)
    make_attempt(lina, l3, at(5, 1, 0, 10), 95, 95, True)
    make_attempt(lina, l4, at(3, 10), status=Attempt.Status.OPEN, submitted_at=None)
    make_attempt(mei, l3, at(4, 10), 70, None, status=Attempt.Status.AWAITING_GRADING)
    make_attempt(cast.instructor, l3, at(4, 11), 90, 90, True)
    make_attempt(cast.outsider, l3, at(4, 12), 90, 90, True)

    business = make_question(key="biz", work_content="l3-process-design", levels=(3,))
    training = make_question(key="train", work_content="l3-processing-spec", levels=(3,))
    data_quality = make_question(key="l4-dq", work_content="l4-quality-check", levels=(4,))
    practise(lina, business, 1.0, at(3, 2))
    practise(lina, business, 0.0, at(3, 3))
    practise(lina, business, None, at(3, 4))  # shown, never answered
    practise(lina, training, 0.0, at(2, 10))  # before the range
    practise(tao, business, 0.25, at(4, 5))
    practise(tao, data_quality, 0.0, at(4, 5))  # a level-4 function
    practise(cast.outsider, training, 0.1, at(4, 5))  # another center
    answer_in_paper(attempts[2], business, 0.5, grade_fraction=1.0)  # the instructor's grade wins
    answer_in_paper(attempts[0], training, 0.8)

    RealExamResult.objects.create(
        center=cast.center,
        session_date=date(2025, 5, 10),
        level=3,
        cohort=weekend,
        sat=10,
        certified=7,
    )
    RealExamResult.objects.create(
        center=cast.center, session_date=date(2025, 4, 23), level=3, sat=20, certified=12
    )
    RealExamResult.objects.create(
        center=cast.other_center, session_date=date(2025, 5, 10), level=4, sat=5, certified=5
    )
    return {"weekend": weekend, "formula": formula, "l3": l3, "l4": l4, "attempts": attempts}


def page(client, **params):
    response = client.get("/center/pass-rates/", {**MARCH_APRIL, **params})
    assert response.status_code == 200
    return response


def counts(rows):
    """{label: (passed, attempted)}, the numbers to check by hand."""
    return {str(row["label"]): (row["passed"], row["attempted"]) for row in rows}


def table(response, key):
    return next(rows for name, _h, _l, rows in response.context["tables"] if name == key)


# The tables ---------------------------------------------------------------------------------


def test_the_cohort_table_counts_an_attempt_in_every_cohort_of_its_learner(cast, data, client_for):
    response = page(client_for(cast.center_admin))
    assert counts(table(response, "cohort")) == {
        FORMULA_COHORT: (3, 5),  # Mei 3, 6 and Tao 4, 7, 9: 4, 6 and 9 passed
        "Weekend L3": (2, 5),  # Lina 1, 2, 5 and Mei 3, 6: 1 and 6 passed
        "In no cohort": (2, 3),  # Noa 8, 10, 11
    }
    # 2 of 5: the Wilson interval of the textbooks is 11.8%–76.9%.
    assert "40% (12–77%) · 5 attempts" in response.content.decode()


def test_the_overall_level_and_blueprint_tables_add_up(cast, data, client_for):
    response = page(client_for(cast.center_admin))
    totals = response.context["totals"]
    assert (totals["passed"], totals["attempted"]) == (6, 11)  # 1, 4, 6, 8, 9, 11
    assert counts(table(response, "level")) == {
        "Level 4 (intermediate)": (2, 3),
        "Level 3 (senior)": (4, 8),
    }
    assert counts(table(response, "blueprint")) == {"L4 theory": (2, 3), "L3 mock": (4, 8)}
    assert [str(row["label"]) for row in table(response, "level")][0].startswith("Level 4")


def test_the_paper_table_counts_each_part_against_its_blueprints_pass_mark(cast, data, client_for):
    response = page(client_for(cast.center_admin))
    assert counts(table(response, "paper")) == {
        # Theory fails: 2 (55), 7 (40) and 10 (65 under the L4 mark of 70).
        "Theory paper": (8, 11),
        # Practical fails: 3 (58), 5 (50), 7 (30); the L4 papers have no practical part.
        "Practical paper": (5, 8),
    }
    assert "62% (31–86%) · 8 attempts" in response.content.decode()  # 5/8 = 62.5%


def test_months_split_at_midnight_in_shanghai_and_carry_a_trend_per_paper(cast, data, client_for):
    response = page(client_for(cast.center_admin))
    rows = response.context["period_rows"]
    assert counts(rows) == {"2025-03": (2, 4), "2025-04": (4, 7)}
    assert [(r["theory"]["passed"], r["theory"]["attempted"]) for r in rows] == [(3, 4), (5, 7)]
    assert [(r["practical"]["passed"], r["practical"]["attempted"]) for r in rows] == [
        (3, 4),
        (2, 4),
    ]
    theory, practical = response.context["trend"]
    assert theory[1] == [("2025-03", 75), ("2025-04", 71)]
    assert practical[1] == [("2025-03", 75), ("2025-04", 50)]
    assert 'class="chart chart-line' in response.content.decode()


def test_weeks_start_on_monday_and_empty_weeks_are_shown(cast, data, client_for):
    response = page(
        client_for(cast.center_admin), period="week", start="2025-03-01", end="2025-03-31"
    )
    assert counts(response.context["period_rows"]) == {
        "2025-02-24": (1, 1),  # 03-01 is a Saturday
        "2025-03-03": (0, 1),
        "2025-03-10": (0, 1),  # Sunday 03-16 still belongs to the week of 03-10
        "2025-03-17": (1, 1),
        "2025-03-24": (0, 0),
        "2025-03-31": (0, 0),
    }


def test_a_level_filter_narrows_every_table(cast, data, client_for):
    response = page(client_for(cast.center_admin), level=4)
    assert counts(table(response, "cohort")) == {
        FORMULA_COHORT: (1, 1),  # Tao's 9
        "Weekend L3": (0, 0),
        "In no cohort": (1, 2),  # Noa's 10 and 11
    }
    assert counts(table(response, "paper")) == {"Theory paper": (2, 3), "Practical paper": (0, 0)}
    # The exports carry the same filters, default ones included.
    query = "table=cohort&amp;period=month&amp;start=2025-03-01&amp;end=2025-04-30&amp;level=4"
    assert f"/center/pass-rates/export.xlsx?{query}" in response.content.decode()


def test_a_paper_filter_counts_that_part_in_every_table(cast, data, client_for):
    response = page(client_for(cast.center_admin), paper="practical")
    assert counts(table(response, "cohort")) == {
        FORMULA_COHORT: (2, 4),  # Mei 3 no, 6 yes; Tao 4 yes, 7 no
        "Weekend L3": (3, 5),  # Lina 1, 2 yes, 5 no; Mei 3 no, 6 yes
        "In no cohort": (1, 1),  # Noa 8
    }
    assert counts(table(response, "paper")) == {"Practical paper": (5, 8)}
    assert counts(table(response, "level")) == {"Level 3 (senior)": (5, 8)}


def test_a_cohort_or_blueprint_filter_narrows_to_its_attempts(cast, data, client_for):
    client = client_for(cast.center_admin)
    response = page(client, cohort=data["formula"].pk)
    assert counts(table(response, "cohort")) == {FORMULA_COHORT: (3, 5)}
    assert counts(table(response, "level")) == {
        "Level 4 (intermediate)": (1, 1),
        "Level 3 (senior)": (2, 4),
    }
    response = page(client, blueprint=data["l4"].pk)
    totals = response.context["totals"]
    assert (totals["passed"], totals["attempted"]) == (2, 3)


def test_the_default_range_is_the_last_twelve_months(cast, data, client_for):
    make_attempt(cast.learner, data["l3"], timezone.now(), 70, 70, True)
    make_attempt(cast.learner, data["l3"], timezone.now() - timedelta(days=400), 70, 70, True)
    response = client_for(cast.center_admin).get("/center/pass-rates/")
    filters = response.context["filters"]
    today = timezone.localdate()
    assert filters.end == today and filters.start.day == 1
    assert len(response.context["period_rows"]) == 12
    assert (filters.start.year * 12 + filters.start.month) == (today.year * 12 + today.month - 11)
    assert response.context["totals"]["attempted"] == 1


def test_the_weakness_map_is_the_mean_score_per_function_and_cohort(cast, data, client_for):
    response = page(client_for(cast.center_admin), level=3)
    weakness = response.context["weakness"]
    assert [c.name for c in weakness["columns"]] == [FORMULA_COHORT, "Weekend L3"]
    codes = [function.code for function in weakness["rows"]]
    assert {"l3-business", "l3-training", "l3-design", "l3-coaching", "basic"} <= set(codes)
    assert "l4-data" not in codes
    cells = dict(zip(codes, weakness["values"], strict=True))
    # Weekend L3: Lina's practice 1.0 and 0.0, Mei's graded paper answer 1.0 → 2/3.
    # The other cohort: Mei's 1.0 and Tao's practice 0.25 → 0.625.
    assert cells["l3-business"] == [pytest.approx(0.625), pytest.approx(2 / 3)]
    # Lina's paper answer 0.8; her practice of 02-10 is out of range.
    assert cells["l3-training"] == [None, pytest.approx(0.8)]
    assert cells["l3-design"] == [None, None]
    assert 'class="chart chart-heatmap' in response.content.decode()


def test_without_a_level_the_map_shows_the_functions_answered(cast, data, client_for):
    response = page(client_for(cast.center_admin))
    codes = [function.code for function in response.context["weakness"]["rows"]]
    assert sorted(codes) == ["l3-business", "l3-training", "l4-data"]
    assert "Data collection and processing (level 4)" in response.context["weakness_rows"]


def test_real_results_sit_beside_the_mock_rate_of_the_eight_weeks_before(cast, data, client_for):
    response = page(client_for(cast.center_admin))
    may, april = response.context["real"]
    # 05-10, Weekend L3, 7 of 10: its learners' L3 papers from 03-15 to 05-09 are 3 (no),
    # 5 (no), 6 (yes) and Lina's 05-01 (yes; the page's dates do not apply): 2 of 4.
    assert (may["mock"]["passed"], may["mock"]["attempted"]) == (2, 4)
    assert may["real"]["rate"] == pytest.approx(0.7)
    assert may["difference"] == pytest.approx(-20)
    # 04-23, every cohort, 12 of 20: L3 papers from 02-26 (Lina's, no) to 04-22: 1 to 7, of
    # which 1, 4 and 6 passed; 8 was sat on the session day and does not count.
    assert (april["mock"]["passed"], april["mock"]["attempted"]) == (3, 8)
    assert april["difference"] == pytest.approx(37.5 - 60)
    assert RealExamResult.objects.count() == 3  # Harbour's is not on A's page


# Filters that cannot be used ----------------------------------------------------------------


def test_bad_filters_are_left_out_with_a_message(cast, data, client_for):
    response = page(
        client_for(cast.center_admin),
        period="year",
        level="9",
        cohort=cast.other_cohort.pk,
        blueprint="x",
        start="not-a-date",
    )
    filters = response.context["filters"]
    assert (filters.period, filters.level, filters.cohort_id, filters.blueprint_id) == (
        "month",
        None,
        None,
        None,
    )
    assert filters.end == date(2025, 4, 30)
    html = response.content.decode()
    assert "Some filters could not be used and were left out" in html
    assert "Cohort: Select a valid choice" in html


@pytest.mark.parametrize(
    "dates, field, code",
    [
        ({"start": "2025-05-01", "end": "2025-04-01"}, "end", "end_before_start"),
        ({"start": "2020-01-01", "end": "2025-04-01"}, "start", "range_too_long"),
        ({"start": "2000-01-01", "end": ""}, "start", "range_too_long"),
    ],
)
def test_a_range_that_cannot_be_shown_is_refused(cast, data, client_for, dates, field, code):
    response = page(client_for(cast.center_admin), **dates)
    assert response.context["form"].errors.as_data()[field][0].code == code
    filters = response.context["filters"]
    assert filters.start < filters.end
    assert len(response.context["period_rows"]) <= 12


# Exports ------------------------------------------------------------------------------------


def export(client, file_format, table_name, **params):
    return client.get(
        f"/center/pass-rates/export.{file_format}",
        {"table": table_name, **MARCH_APRIL, **params},
    )


def csv_rows(response):
    assert response.content.startswith(b"\xef\xbb\xbf")  # the BOM that Excel needs
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def xlsx_rows(response):
    workbook = load_workbook(io.BytesIO(response.content))
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


def test_the_csv_export_has_the_cohort_figures_and_defuses_formulas(cast, data, client_for):
    response = export(client_for(cast.center_admin), "csv", "cohort")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    assert csv_rows(response) == [
        [
            "Cohort",
            "Attempts",
            "Passed",
            "Pass rate (%)",
            "95% interval from (%)",
            "95% interval to (%)",
        ],
        ["'" + FORMULA_COHORT, "5", "3", "60.0", "23.1", "88.2"],
        ["Weekend L3", "5", "2", "40.0", "11.8", "76.9"],
        ["In no cohort", "3", "2", "66.7", "20.8", "93.9"],
    ]


def test_the_xlsx_export_has_the_same_numbers_as_numbers(cast, data, client_for):
    client = client_for(cast.center_admin)
    for table_name in reports_tables():
        from_csv = csv_rows(export(client, "csv", table_name))
        from_xlsx = xlsx_rows(export(client, "xlsx", table_name))
        assert [[plain(v) for v in row] for row in from_xlsx] == [
            [plain(v) for v in row] for row in from_csv
        ]
    rows = xlsx_rows(export(client, "xlsx", "cohort"))
    assert rows[1] == ["'" + FORMULA_COHORT, 5, 3, 60.0, 23.1, 88.2]
    workbook = load_workbook(io.BytesIO(export(client, "xlsx", "cohort").content))
    assert workbook.active["A2"].data_type == "s"  # text, not a formula


def plain(value):
    """A cell as CSV and xlsx can both say it: a number, or text (None is empty)."""
    if value is None:
        return ""
    try:
        return float(value)
    except ValueError:
        return value


def reports_tables():
    from exams.center_views import EXPORTS

    return [name for name in EXPORTS if name != "real"]  # dates read back as datetimes


def test_every_table_exports_with_translated_headings(cast, data, client_for):
    client = client_for(cast.center_admin, language="en")
    period = csv_rows(export(client, "csv", "period"))
    assert period[0][:2] == ["Month", "Attempts"]
    assert period[0][6:] == [
        "Theory paper: attempts",
        "Theory paper: passed",
        "Theory paper: pass rate (%)",
        "Practical paper: attempts",
        "Practical paper: passed",
        "Practical paper: pass rate (%)",
    ]
    assert period[1] == ["2025-03", "4", "2", "50.0", "15.0", "85.0", "4", "3", "75.0"] + [
        "4",
        "3",
        "75.0",
    ]
    weakness = csv_rows(export(client, "csv", "weakness", level=3))
    assert weakness[0][1:] == ["'" + FORMULA_COHORT, "Weekend L3"]
    business = next(row for row in weakness if row[0] == "Business analysis")
    assert business[1:] == ["62.5", "66.7"]
    real = xlsx_rows(export(client, "xlsx", "real"))
    assert real[1][:6] == [datetime(2025, 5, 10), "Level 3 (senior)", "Weekend L3", 10, 7, 70.0]
    assert real[1][6:] == [4, 2, 50.0, 15.0, 85.0, -20.0]


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_any_text_that_starts_like_a_formula_is_defused(cast, start, client_for):
    Cohort.objects.create(center=cast.center, name=f"{start}1+1")
    rows = csv_rows(export(client_for(cast.center_admin), "csv", "cohort"))
    assert ["'" + start + "1+1", "0", "0", "", "", ""] in rows
    workbook = load_workbook(
        io.BytesIO(export(client_for(cast.center_admin), "xlsx", "cohort").content)
    )
    names = [row[0] for row in workbook.active.iter_rows(values_only=True)]
    # XML reads a carriage return back as a line feed; the apostrophe is what matters.
    assert "'" + start.replace("\r", "\n") + "1+1" in names


def test_an_unknown_table_format_or_filter_is_a_400_with_a_reason(cast, data, client_for):
    client = client_for(cast.center_admin)
    unknown_table = export(client, "csv", "salaries")
    assert unknown_table.status_code == 400
    assert "Unknown table" in unknown_table.content.decode()
    unknown_format = export(client, "pdf", "cohort")
    assert unknown_format.status_code == 400
    assert "csv or xlsx" in unknown_format.content.decode()
    bad_filter = export(client, "csv", "cohort", cohort=cast.other_cohort.pk)
    assert bad_filter.status_code == 400
    assert "Cohort: Select a valid choice" in bad_filter.content.decode()


# Another center -----------------------------------------------------------------------------


def test_the_outsider_admin_sees_none_of_center_as_data(cast, data, client_for):
    client = client_for(cast.outsider_admin)
    response = page(client)
    # Harbour's only paper is Omar's.
    assert response.context["totals"]["attempted"] == 1
    assert counts(table(response, "cohort")) == {"Evening L4": (1, 1)}
    assert response.context["real"][0]["result"].center == cast.other_center
    html = response.content.decode()
    for name in ["Weekend L3", "HYPERLINK", "L4 theory"]:
        assert name not in html
    rows = csv_rows(export(client, "csv", "cohort"))
    assert [row[0] for row in rows[1:]] == ["Evening L4"]


def test_the_outsider_admin_cannot_filter_on_center_as_cohort_or_blueprint(cast, data, client_for):
    response = page(
        client_for(cast.outsider_admin), cohort=data["weekend"].pk, blueprint=data["l4"].pk
    )
    assert response.context["filters"].cohort_id is None
    assert response.context["filters"].blueprint_id is None
    assert response.context["totals"]["attempted"] == 1


def test_another_centers_result_is_a_404(cast, data, client_for):
    result = RealExamResult.objects.filter(center=cast.center).first()
    response = client_for(cast.outsider_admin).post(f"/center/results/{result.pk}/delete/")
    assert response.status_code == 404
    assert RealExamResult.objects.filter(pk=result.pk).exists()
    listing = client_for(cast.outsider_admin).get("/center/results/").content.decode()
    assert "2025-04-23" not in listing


# Real results -------------------------------------------------------------------------------


def record(client, **fields):
    values = {
        "session_date": "2025-06-14",
        "level": 3,
        "cohort": "",
        "sat": 12,
        "certified": 9,
        "note": "",
        **fields,
    }
    return client.post("/center/results/", values)


def test_an_admin_records_and_deletes_a_real_session(cast, client_for):
    client = client_for(cast.center_admin)
    response = record(client, cohort=cast.cohort.pk, note="Spring session")
    assert response.status_code == 302
    result = RealExamResult.objects.get()
    assert (result.center, result.cohort, result.sat, result.certified) == (
        cast.center,
        cast.cohort,
        12,
        9,
    )
    listing = client.get("/center/results/").content.decode()
    assert "75% (47–91%) · 9 of 12 certified" in listing
    assert "Spring session" in listing
    assert client.post(f"/center/results/{result.pk}/delete/").status_code == 302
    assert not RealExamResult.objects.exists()


@pytest.mark.parametrize(
    "fields, field, code",
    [
        ({"sat": 5, "certified": 6}, "certified", "more_certified_than_sat"),
        ({"sat": 0, "certified": 0}, "sat", "nobody_sat"),
        ({"session_date": "2999-01-01"}, "session_date", "future_session"),
    ],
)
def test_a_session_that_cannot_be_right_is_refused(cast, client_for, fields, field, code):
    response = record(client_for(cast.center_admin), **fields)
    assert response.status_code == 200
    assert response.context["form"].errors.as_data()[field][0].code == code
    assert not RealExamResult.objects.exists()


def test_a_session_cannot_name_another_centers_cohort(cast, client_for):
    response = record(client_for(cast.center_admin), cohort=cast.other_cohort.pk)
    assert response.context["form"].errors.as_data()["cohort"][0].code == "invalid_choice"
    assert not RealExamResult.objects.exists()


def test_the_page_works_in_chinese_with_iso_dates_for_the_date_pickers(cast, data, client_for):
    client = client_for(cast.center_admin, language="zh-hans")
    response = client.get("/center/pass-rates/", {**MARCH_APRIL, "level": 3})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="2025-03-01"' in html
    assert "业务分析" in html  # the map's rows are the functions' Chinese names
    export = client.get("/center/pass-rates/export.xlsx", {"table": "level", **MARCH_APRIL})
    assert export.status_code == 200


def test_the_pages_link_to_each_other(cast, client_for):
    client = client_for(cast.center_admin)
    assert 'href="/center/results/"' in client.get("/center/pass-rates/").content.decode()
    assert 'href="/center/pass-rates/"' in client.get("/center/results/").content.decode()


# Queries ------------------------------------------------------------------------------------


def more_data(cast, data, n=5):
    """Five more cohorts with two learners each, each with papers and practice answers."""
    question = make_question(key="more", work_content="l3-monitoring", levels=(3,))
    for i in range(n):
        cohort = Cohort.objects.create(center=cast.center, name=f"Extra {i}", level=3)
        for j in range(2):
            learner = make_user(f"extra-{i}-{j}", center=cast.center)
            cohort.learners.add(learner)
            for day in (3, 10, 17):
                attempt = make_attempt(learner, data["l3"], at(4, day + i), 70, 50 + 5 * j)
                answer_in_paper(attempt, question, 0.5)
            practise(learner, question, 1.0, at(3, 10 + i))
        RealExamResult.objects.create(
            center=cast.center,
            session_date=date(2025, 5, 1 + i),
            level=3,
            cohort=cohort,
            sat=4,
            certified=2,
        )


def test_the_pages_run_a_constant_number_of_queries(
    cast, data, client_for, django_assert_max_num_queries
):
    client = client_for(cast.center_admin)
    urls = [
        ("/center/pass-rates/", {**MARCH_APRIL, "level": 3}),
        ("/center/pass-rates/export.csv", {**MARCH_APRIL, "table": "real"}),
        ("/center/pass-rates/export.xlsx", {**MARCH_APRIL, "table": "weakness"}),
        ("/center/results/", {}),
    ]
    before = []
    for url, params in urls:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, params).status_code == 200
        before.append(len(queries))
    more_data(cast, data)
    # The page: session, user, cohorts, 5 pass-rate tables, the map's 2 answer queries and its
    # functions, the real results and their 2 mock counts, and the 2 selects of the filters.
    with django_assert_max_num_queries(16):
        response = client.get(*urls[0])
    assert response.context["totals"]["attempted"] == 8 + 30
    with django_assert_max_num_queries(5):  # session, user, results, 2 mock counts
        client.get(*urls[1])
    with django_assert_max_num_queries(6):  # session, user, cohorts, 2 answer queries, functions
        client.get(*urls[2])
    with django_assert_max_num_queries(4):  # session, user, results, the form's cohorts
        client.get(*urls[3])
    for (url, params), count in zip(urls, before, strict=True):
        with CaptureQueriesContext(connection) as queries:
            client.get(url, params)
        assert len(queries) == count, url
