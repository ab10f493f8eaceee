"""The training-center admin's figures: mock-exam pass rates, the weakness map and their
exports, and the real exam results set beside them. Everything is scoped to the admin's own
center; another center's object is a 404."""

import csv
import io
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from accounts.models import Cohort, Level
from accounts.permissions import VIEW_CENTER_STATS, capability_required
from exams import reports
from exams.center_forms import PassRateFilterForm, RealExamResultForm
from exams.models import Paper, RealExamResult

SERIES_CSS = {"theory": "chart-theory", "practical": "chart-practice"}
# A spreadsheet runs a cell starting with one of these as a formula: cohort and blueprint
# names are typed by users, so such text is written with a leading apostrophe.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _center_id(request):
    if request.user.center_id is None:
        raise Http404
    return request.user.center_id


def _result_for_admin(request, pk):
    return get_object_or_404(RealExamResult, pk=pk, center_id=_center_id(request))


def _cohorts(center_id):
    return list(Cohort.objects.filter(center_id=center_id).order_by("name"))


def _percent(share, digits=1):
    return None if share is None else round(share * 100, digits)


def _function_label(function, with_level):
    if with_level and function.level:
        return _("%(function)s (level %(level)s)") % {
            "function": function.name,
            "level": function.level,
        }
    return function.name


def _query(filters):
    """The filters as a query string, for the export links: the exports show what the page
    shows, default dates included."""
    params = {
        "period": filters.period,
        "start": filters.start.isoformat(),
        "end": filters.end.isoformat(),
        "level": filters.level,
        "paper": filters.paper,
        "blueprint": filters.blueprint_id,
        "cohort": filters.cohort_id,
    }
    return urlencode({key: value for key, value in params.items() if value})


@capability_required(VIEW_CENTER_STATS)
def pass_rates(request):
    center_id = _center_id(request)
    form = PassRateFilterForm(request.GET or None, user=request.user)
    filters = form.filters()
    cohorts = _cohorts(center_id)
    level_rows = reports.by_level(filters)
    period_rows = reports.by_period(filters)
    weakness = reports.weakness_map(filters, cohorts)
    papers = [filters.paper] if filters.paper else Paper.values
    ctx = {
        "form": form,
        "filters": filters,
        "paper_label": Paper(filters.paper).label if filters.paper else "",
        "totals": reports.totals(level_rows),
        "tables": [
            ("cohort", _("By cohort"), _("Cohort"), reports.by_cohort(filters, cohorts)),
            ("level", _("By level"), _("Level"), level_rows),
            ("paper", _("By paper"), _("Paper"), reports.by_paper(filters)),
            ("blueprint", _("By blueprint"), _("Blueprint"), reports.by_blueprint(filters)),
        ],
        "period_rows": period_rows,
        "period_heading": _("Week of") if filters.period == reports.WEEK else _("Month"),
        "trend": [
            (
                Paper(paper).label,
                [(row["label"], _percent(row[paper]["rate"], 0)) for row in period_rows],
                SERIES_CSS[paper],
            )
            for paper in papers
        ],
        "weakness": weakness,
        "weakness_rows": [
            _function_label(function, not filters.level) for function in weakness["rows"]
        ],
        "weakness_columns": [cohort.name for cohort in weakness["columns"]],
        "real": reports.real_comparison(filters),
        "query": _query(filters),
    }
    return render(request, "exams/center/pass_rates.html", ctx)


# Exports


def _rate_headings():
    return [
        _("Attempts"),
        _("Passed"),
        _("Pass rate (%)"),
        _("95% interval from (%)"),
        _("95% interval to (%)"),
    ]


def _rate_cells(rate):
    return [
        rate["attempted"],
        rate["passed"],
        _percent(rate["rate"]),
        _percent(rate["low"]),
        _percent(rate["high"]),
    ]


def _rate_table(label_heading, rows):
    return [label_heading, *_rate_headings()], [[row["label"], *_rate_cells(row)] for row in rows]


def _export_cohort(filters, center_id):
    return _rate_table(_("Cohort"), reports.by_cohort(filters, _cohorts(center_id)))


def _export_level(filters, center_id):
    return _rate_table(_("Level"), reports.by_level(filters))


def _export_paper(filters, center_id):
    return _rate_table(_("Paper"), reports.by_paper(filters))


def _export_blueprint(filters, center_id):
    return _rate_table(_("Blueprint"), reports.by_blueprint(filters))


def _export_period(filters, center_id):
    """The period table and the trend chart's figures: each paper part's rate beside it."""
    heading = _("Week of") if filters.period == reports.WEEK else _("Month")
    papers = [filters.paper] if filters.paper else Paper.values
    headings = [heading, *_rate_headings()]
    for paper in papers:
        label = Paper(paper).label
        headings += [
            _("%(paper)s: attempts") % {"paper": label},
            _("%(paper)s: passed") % {"paper": label},
            _("%(paper)s: pass rate (%%)") % {"paper": label},
        ]
    rows = []
    for row in reports.by_period(filters):
        cells = [row["label"], *_rate_cells(row)]
        for paper in papers:
            part = row[paper]
            cells += [part["attempted"], part["passed"], _percent(part["rate"])]
        rows.append(cells)
    return headings, rows


def _export_weakness(filters, center_id):
    weakness = reports.weakness_map(filters, _cohorts(center_id))
    headings = [_("Vocational function"), *(cohort.name for cohort in weakness["columns"])]
    rows = [
        [_function_label(function, not filters.level), *(_percent(v) for v in values)]
        for function, values in zip(weakness["rows"], weakness["values"], strict=True)
    ]
    return headings, rows


def _export_real(filters, center_id):
    headings = [
        _("Session date"),
        _("Level"),
        _("Cohort"),
        _("Sat"),
        _("Certified"),
        _("Real pass rate (%)"),
        _("Mock attempts in the 8 weeks before"),
        _("Mock passed"),
        _("Mock pass rate (%)"),
        _("Mock 95% interval from (%)"),
        _("Mock 95% interval to (%)"),
        _("Mock minus real (points)"),
    ]
    rows = []
    for row in reports.real_comparison(filters):
        result, mock = row["result"], row["mock"]
        rows.append(
            [
                result.session_date,
                str(Level(result.level).label),
                result.cohort.name if result.cohort else "",
                result.sat,
                result.certified,
                _percent(row["real"]["rate"]),
                *_rate_cells(mock),
                None if row["difference"] is None else round(row["difference"], 1),
            ]
        )
    return headings, rows


EXPORTS = {
    "cohort": _export_cohort,
    "level": _export_level,
    "paper": _export_paper,
    "blueprint": _export_blueprint,
    "period": _export_period,
    "weakness": _export_weakness,
    "real": _export_real,
}


def _defused(value):
    """A text cell a spreadsheet would run as a formula, made plain text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _csv(filename, headings, rows):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    response.write("\ufeff")  # the byte-order mark tells Excel the file is UTF-8
    writer = csv.writer(response)
    for row in [headings, *rows]:
        writer.writerow([_defused(str(value)) if value is not None else "" for value in row])
    return response


def _xlsx(filename, headings, rows):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = filename[:31]
    for row in [headings, *rows]:
        sheet.append(
            [ILLEGAL_CHARACTERS_RE.sub("", _defused(v)) if isinstance(v, str) else v for v in row]
        )
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


WRITERS = {"csv": _csv, "xlsx": _xlsx}


def _bad_request(reason):
    return HttpResponseBadRequest(reason, content_type="text/plain; charset=utf-8")


@capability_required(VIEW_CENTER_STATS)
def pass_rates_export(request, file_format):
    center_id = _center_id(request)
    if file_format not in WRITERS:
        return _bad_request(_("Unknown export format: choose csv or xlsx."))
    table = request.GET.get("table", "")
    if table not in EXPORTS:
        return _bad_request(
            _("Unknown table: choose one of %(tables)s.") % {"tables": ", ".join(EXPORTS)}
        )
    form = PassRateFilterForm(request.GET, user=request.user)
    filters = form.filters()
    if form.errors:
        problems = [
            f"{form.fields[name].label}: {' '.join(errors)}" for name, errors in form.errors.items()
        ]
        return _bad_request("\n".join([_("These filters could not be used:"), *problems]))
    headings, rows = EXPORTS[table](filters, center_id)
    filename = f"pass-rates-{table}-{filters.start}-{filters.end}"
    return WRITERS[file_format](filename, headings, rows)


# Real exam results


@capability_required(VIEW_CENTER_STATS)
def real_results(request):
    center_id = _center_id(request)
    form = RealExamResultForm(
        request.POST or None, instance=RealExamResult(center_id=center_id), center_id=center_id
    )
    if request.method == "POST" and form.is_valid():
        result = form.save()
        messages.success(
            request,
            _("The session of %(date)s is recorded.") % {"date": date_format(result.session_date)},
        )
        return redirect("center:real_results")
    results = RealExamResult.objects.filter(center_id=center_id).select_related("cohort")
    ctx = {
        "form": form,
        "results": [(result, reports.real_rate(result)) for result in results],
    }
    return render(request, "exams/center/real_results.html", ctx)


@require_POST
@capability_required(VIEW_CENTER_STATS)
def real_result_delete(request, pk):
    result = _result_for_admin(request, pk)
    result.delete()
    messages.success(
        request,
        _("The session of %(date)s is deleted.") % {"date": date_format(result.session_date)},
    )
    return redirect("center:real_results")
