import re
import xml.etree.ElementTree as ET
from functools import partial

import pytest
from django.template import Context, Template
from django.utils.safestring import SafeString

from exams import charts

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = "<script>alert(1)</script>"
FUNCTIONS = ["职业道德", "数据采集和处理", "数据标注", "智能训练"]
approx = partial(pytest.approx, abs=0.01)  # coordinates are written with two decimals


def _svg(markup):
    return ET.fromstring(re.search(r"<svg.*?</svg>", markup, re.S).group())


def _table(markup):
    return ET.fromstring(re.search(r"<table.*?</table>", markup, re.S).group())


def _all(svg, tag, cls=None):
    found = svg.iter(SVG + tag)
    return [el for el in found if cls is None or cls in el.get("class", "").split()]


def _plotted(svg):
    """The first series as drawn on the plot (the legend repeats its marker)."""
    return next(g for g in _all(svg, "g", "chart-series"))


def _texts(svg):
    return ["".join(el.itertext()) for el in _all(svg, "text")]


def _f(el, name):
    return float(el.get(name))


def _split(label="Theory"):
    parts = [(label, 30, "chart-theory"), ("Practice", 70, "chart-practice")]
    return charts.split_bar("Study split", "Theory 30 min, practice 70 min", parts, 0.3)


def _bars(label="Data labelling"):
    rows = [(label, 50, "/practice/?function=3"), ("智能训练", 80)]
    return charts.bar_chart(
        "Mastery", "Per function", rows, max_value=100, threshold=60, threshold_label="Pass"
    )


def _line(label="Mine"):
    series = [(label, [("05-01", 45), ("05-02", 60), ("05-03", None), ("05-04", 72)], "a")]
    return charts.line_chart(
        "Mock scores", "Scores over time", series, threshold=60, threshold_label="Pass mark"
    )


def _heat(label="Spring 2025"):
    values = [[0.1, 0.5], [0.95, None]]
    return charts.heatmap(
        "Weakness map", "Function by cohort", FUNCTIONS[:2], [label, "周末班"], values
    )


def _histogram(label="60–69"):
    bins = [("0–59", 4), (label, 9), ("70–100", 3)]
    return charts.histogram(
        "Scores", "Distribution", bins, highlight_from=1, highlight_label="Pass"
    )


def _gauge(label="Readiness"):
    return charts.gauge(label, "Estimate 62%, 48% to 75%", 0.62, 0.48, 0.75)


CHARTS = {
    "split_bar": _split,
    "bar_chart": _bars,
    "line_chart": _line,
    "heatmap": _heat,
    "histogram": _histogram,
    "gauge": _gauge,
}
EMPTY = {
    "split_bar": lambda: charts.split_bar(
        "Split", "None yet", [("Theory", 0, "a"), ("Practice", 0, "b")], 0.3, empty_label="Nil"
    ),
    "bar_chart": lambda: charts.bar_chart("Bars", "None yet", [], threshold=60, empty_label="Nil"),
    "line_chart": lambda: charts.line_chart("Line", "None yet", [], empty_label="Nil"),
    "heatmap": lambda: charts.heatmap("Heat", "None yet", [], [], [], empty_label="Nil"),
    "histogram": lambda: charts.histogram("Hist", "None yet", [], empty_label="Nil"),
    "gauge": lambda: charts.gauge("Gauge", "None yet", None, None, None, empty_label="Nil"),
}
each_chart = pytest.mark.parametrize("make", CHARTS.values(), ids=CHARTS.keys())
each_empty_chart = pytest.mark.parametrize("make", EMPTY.values(), ids=EMPTY.keys())


@each_chart
def test_each_chart_is_well_formed_svg_followed_by_a_table(make):
    markup = make()
    assert isinstance(markup, SafeString)
    svg, table = _svg(markup), _table(markup)
    assert svg.tag == SVG + "svg"
    assert markup.index("</svg>") < markup.index("<table")
    assert "visually-hidden" in table.get("class")
    assert table.find("caption").text == svg.find(SVG + "title").text
    assert table.find("tbody").findall("tr")


@each_chart
def test_each_chart_is_an_image_named_by_its_title_and_description(make):
    svg = _svg(make())
    assert svg.get("role") == "img"
    ids = {el.get("id") for el in svg.iter() if el.get("id")}
    labelled_by = svg.get("aria-labelledby").split()
    assert set(labelled_by) <= ids
    named = [svg.find(f".//*[@id='{i}']") for i in labelled_by]
    assert [el.tag for el in named] == [SVG + "title", SVG + "desc"]
    assert all(el.text for el in named)


@each_chart
def test_ids_are_unique_per_call(make):
    first, second = _svg(make()), _svg(make())
    ids = [el.get("id") for el in first.iter() if el.get("id")]
    assert len(ids) == len(set(ids))
    assert not set(ids) & {el.get("id") for el in second.iter() if el.get("id")}


@each_chart
def test_hostile_labels_come_out_escaped(make):
    markup = make(HOSTILE)
    assert "<script>" not in markup
    assert "&lt;script&gt;" in markup
    assert HOSTILE in "".join(_svg(markup).itertext()) + "".join(_table(markup).itertext())


@each_chart
def test_no_inline_styles_for_the_content_security_policy(make):
    markup = make()
    assert "style=" not in markup
    assert "<style" not in markup


@each_chart
def test_each_chart_scales_to_its_container_with_readable_text(make):
    svg = _svg(make())
    assert svg.get("width") == "100%"
    assert svg.get("height") is None
    assert 360 <= float(svg.get("viewBox").split()[2]) <= 640
    sizes = [float(el.get("font-size")) for el in svg.iter() if el.get("font-size")]
    assert sizes and min(sizes) >= 12


def test_the_charts_add_no_words_of_their_own():
    # Every word given is "x": whatever else is written is a number, % or punctuation.
    made = [
        charts.split_bar("x", "x", [("x", 1, "a"), ("x", 3, "b")], 0.3, target_label="x"),
        charts.split_bar("x", "x", [("x", 0, "a")], 0.3, value_format="{:.0f} x"),
        charts.bar_chart("x", "x", [("x", 50), ("x", None)], threshold=60, threshold_label="x"),
        charts.line_chart("x", "x", [("x", [("1", 60), ("2", None)], "a")], threshold=60),
        charts.line_chart("x", "x", []),
        charts.heatmap("x", "x", ["x"], ["x", "x"], [[0.5, None]]),
        charts.histogram("x", "x", [("1", 2), ("2", 3)], highlight_from=1),
        charts.gauge("x", "x", 0.62, 0.48, 0.75),
        charts.gauge("x", "x", None, None, None),
    ]
    for markup in made:
        for text in _texts(_svg(markup)) + list(_table(markup).itertext()):
            assert re.fullmatch(r"[x\d\s%·.–—…]*", text), text


@each_empty_chart
def test_each_chart_draws_empty_data_with_the_callers_note(make):
    markup = make()
    assert "Nil" in _texts(_svg(markup))
    table = _table(markup)
    # The split bar's table lists its parts at zero; the others have no rows but the note.
    assert "Nil" in table.itertext() or len(table.find("tbody").findall("tr")) == 2


def test_the_split_bar_draws_each_part_in_proportion_with_the_target_marked():
    svg = _svg(_split())
    track = _all(svg, "rect", "chart-track")[0]
    theory, practice = _all(svg, "rect", "chart-segment")
    assert _f(theory, "width") == approx(0.3 * _f(track, "width"))
    assert _f(practice, "x") == approx(_f(theory, "x") + _f(theory, "width"))
    assert "chart-theory" in theory.get("class")
    marker = _all(svg, "line", "chart-threshold")[0]
    assert _f(marker, "x1") == approx(_f(track, "x") + 0.3 * _f(track, "width"))
    texts = _texts(svg)
    assert {"30%", "70%", "30 · 30%", "70 · 70%"} <= set(texts)


def test_the_split_bar_tells_parts_apart_without_colour():
    svg = _svg(_split())
    fills = {el.get("fill") for el in _all(svg, "rect")}
    assert any(fill and fill.startswith("url(#") for fill in fills)


def test_an_all_zero_split_bar_is_an_empty_bar_with_a_note():
    svg = _svg(EMPTY["split_bar"]())
    assert not _all(svg, "rect", "chart-segment")
    texts = _texts(svg)
    assert "Nil" in texts
    assert texts.count("0") == 2  # the legend's minutes, and no percentages


def test_a_bar_of_half_the_maximum_is_half_as_long_as_the_track():
    svg = _svg(_bars())
    track = _all(svg, "rect", "chart-track")[0]
    bar = _all(svg, "rect", "chart-bar")[0]
    assert _f(bar, "width") == approx(_f(track, "width") / 2)
    assert _f(bar, "x") == _f(track, "x")
    threshold = _all(svg, "line", "chart-threshold")[0]
    assert _f(threshold, "x1") == approx(_f(track, "x") + 0.6 * _f(track, "width"))
    assert "Pass 60" in _texts(svg)


def test_bars_with_an_href_are_links_and_the_table_repeats_them():
    markup = _bars()
    links = _all(_svg(markup), "a")
    assert [a.get("href") for a in links] == ["/practice/?function=3"]
    table_link = _table(markup).find(".//a")
    assert table_link.get("href") == "/practice/?function=3"
    assert table_link.get("tabindex") == "-1"


def test_a_script_href_is_not_linked():
    markup = charts.bar_chart("Bars", "Desc", [("Trap", 10, "javascript:alert(1)")])
    assert "javascript" not in markup
    assert not _all(_svg(markup), "a")


def test_long_labels_wrap_onto_two_lines_and_longer_ones_are_cut_with_a_tooltip():
    rows = [
        ("Data collection and processing", 40),
        ("Intelligent system operation and maintenance of deployed models", 50),
        ("数据采集和处理数据采集和处理数据采集和处理", 60),
    ]
    svg = _svg(charts.bar_chart("Bars", "Desc", rows, max_value=100))
    labels = [t for t in _all(svg, "text") if t.findall(SVG + "tspan")]
    spans = [[s.text for s in t.findall(SVG + "tspan")] for t in labels]
    assert spans[0] == ["Data collection and", "processing"]
    assert len(spans[1]) == 2 and spans[1][1].endswith("…")
    assert labels[1].find(SVG + "title").text == rows[1][0]
    assert len(spans[2]) == 2 and spans[2][1].endswith("…")
    assert spans[2][0].startswith("数据采集和处理")


def test_a_point_at_the_pass_mark_lies_on_the_pass_line():
    svg = _svg(_line())
    pass_line = _all(svg, "line", "chart-threshold")[0]
    assert pass_line.get("y1") == pass_line.get("y2")
    points = _all(_plotted(svg), "circle", "chart-point")
    ys = [_f(point, "cy") for point in points]
    assert ys[1] == approx(_f(pass_line, "y1"))
    assert ys[0] > ys[1] > ys[2]  # 45, 60, 72: higher scores higher up
    assert "Pass mark 60" in _texts(svg)


def test_the_line_chart_has_gridlines_at_every_twenty_and_a_gap_for_missing_scores():
    svg = _svg(_line())
    grid = _all(svg, "line", "chart-grid")
    assert len(grid) == 6
    assert {"0", "20", "40", "60", "80", "100"} <= set(_texts(svg))
    path = _all(svg, "path", "chart-line")[0]
    assert path.get("d").count("M") == 1  # 45 → 60, then a gap; 72 stands alone
    assert len(_all(_plotted(svg), "circle", "chart-point")) == 3


def test_crowded_dates_are_thinned_keeping_the_latest():
    dates = [f"2025-05-{day:02d}" for day in range(1, 31)]
    series = [("Mine", [(d, 50) for d in dates], "a")]
    texts = _texts(_svg(charts.line_chart("Line", "Desc", series)))
    shown = [t for t in texts if t in dates]
    assert 2 <= len(shown) < 10
    assert shown[-1] == "2025-05-30"


def test_series_are_told_apart_by_marker_and_dash():
    series = [("A", [("1", 10)], "a"), ("B", [("1", 20)], "b")]
    svg = _svg(charts.line_chart("Line", "Desc", series))
    assert _all(svg, "circle", "chart-point") and _all(svg, "rect", "chart-point")
    assert "A" in _texts(svg) and "B" in _texts(svg)


def test_the_heatmap_colours_cells_in_five_steps_and_prints_every_value():
    svg = _svg(_heat())
    classes = [
        rect.get("class") for rect in _all(svg, "rect") if "chart-heat" in rect.get("class", "")
    ]
    assert classes[:4] == ["chart-heat-0", "chart-heat-2", "chart-heat-4", "chart-heat-none"]
    assert {"10%", "50%", "95%", "—"} <= set(_texts(svg))
    hatch = [r for r in _all(svg, "rect") if (r.get("fill") or "").endswith("-missing)")]
    assert len(hatch) == 1


def test_the_heatmap_table_has_a_row_per_function_and_a_column_per_cohort():
    table = _table(_heat())
    assert [th.text for th in table.find("thead").iter("th")] == ["Spring 2025", "周末班"]
    rows = table.find("tbody").findall("tr")
    assert [[c.text for c in row] for row in rows] == [
        ["职业道德", "10%", "50%"],
        ["数据采集和处理", "95%", "—"],
    ]


def test_the_histogram_highlights_the_bins_from_the_pass_mark():
    svg = _svg(_histogram())
    bars = _all(svg, "rect", "chart-bar")
    assert ["chart-highlight" in bar.get("class") for bar in bars] == [False, True, True]
    heights = [_f(bar, "height") for bar in bars]
    assert heights[0] / heights[1] == approx(4 / 9)
    line = _all(svg, "line", "chart-threshold")[0]
    assert _f(line, "x1") == approx(_f(bars[1], "x") - 1)
    assert {"4", "9", "3", "Pass"} <= set(_texts(svg))


def test_the_gauge_marks_the_estimate_within_its_band():
    svg = _svg(_gauge())
    track = _all(svg, "rect", "chart-track")[0]
    x0, width = _f(track, "x"), _f(track, "width")
    estimate = _all(svg, "line", "chart-estimate")[0]
    assert _f(estimate, "x1") == approx(x0 + 0.62 * width)
    band = _all(svg, "rect", "chart-band")[0]
    assert _f(band, "x") == approx(x0 + 0.48 * width)
    assert _f(band, "width") == approx(0.27 * width)
    assert {"62%", "48%–75%", "0%"} <= set(_texts(svg))
    assert [c.text for c in _table(_gauge()).iter() if c.tag in ("th", "td")] == ["62%", "48%–75%"]


def test_the_gauge_never_claims_certainty():
    sure = charts.gauge("Readiness", "Almost sure", 0.9996, 0.998, 0.99999)
    assert [c.text for c in _table(sure).iter() if c.tag in ("th", "td")] == ["> 99%", "> 99%"]
    hopeless = charts.gauge("Readiness", "Almost hopeless", 0.003, 0.0001, 0.02)
    cells = [c.text for c in _table(hopeless).iter() if c.tag in ("th", "td")]
    assert cells == ["< 1%", "< 1%–2%"]


def test_the_table_takes_column_headers_from_the_caller():
    parts = [("Theory", 40, "chart-theory"), ("Practice", 60, "chart-practice")]
    markup = charts.split_bar("Split", "Desc", parts, 0.3, headers=["Part", "Minutes"])
    assert [th.text for th in _table(markup).find("thead").iter("th")] == ["Part", "Minutes"]


def test_each_chart_renders_through_its_template_tag():
    template = Template(
        "{% load charts %}"
        "{% split_bar 'Split' 'Desc' parts 0.3 target_label='Target' %}"
        "{% bar_chart 'Bars' 'Desc' rows max_value=100 threshold=60 threshold_label='Pass' %}"
        "{% line_chart 'Line' 'Desc' series threshold=60 %}"
        "{% heatmap 'Heat' 'Desc' functions cohorts values %}"
        "{% histogram 'Hist' 'Desc' bins highlight_from=1 %}"
        "{% gauge 'Gauge' 'Desc' 0.62 0.48 0.75 %}"
    )
    html = template.render(
        Context(
            {
                "parts": [(HOSTILE, 30, "chart-theory"), ("Practice", 70, "chart-practice")],
                "rows": [("Data labelling", 50, "/practice/")],
                "series": [("Mine", [("05-01", 60)], "chart-brand")],
                "functions": FUNCTIONS[:1],
                "cohorts": ["Spring"],
                "values": [[0.7]],
                "bins": [("0–59", 2), ("60–100", 5)],
            }
        )
    )
    assert html.count("<svg") == 6
    assert html.count('role="img"') == 6
    assert "&lt;script&gt;" in html and "<script>" not in html
    assert "&amp;lt;" not in html  # the tags' markup is not escaped twice
    ET.fromstring(f"<root>{html}</root>")
