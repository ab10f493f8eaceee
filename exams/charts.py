"""Charts drawn on the server: accessible SVG followed by a table of the same numbers.

Every function takes plain data and returns safe markup: a ``<div class="chart">`` holding an
SVG (role="img", named by its <title> and <desc>) and a visually hidden table for screen
readers. Every word shown comes from the caller, already translated; this module only
formats numbers.

The SVG scales to its container (viewBox, width 100%). Viewboxes are 360 units wide and text
is 14.5 units, so text stays at 12 px or more in a card on a 360 px phone. The
site's Content-Security-Policy forbids inline styles, so colours come from classes styled by
static/css/charts.css (shapes paint with ``currentColor``, the class sets ``color``), and
printed values and patterns carry the meaning when printed in greyscale.
"""

import math
import unicodedata
import uuid

from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe

WIDTH = 360
FONT = 14.5  # 12 px or more on a phone, where a card leaves the chart some 300 px
LINE = 18  # line height of wrapped labels
MID = FONT * 0.35  # from the middle of a line of text down to its baseline
SVG_NS = "http://www.w3.org/2000/svg"
# Elements written as <tag/>; everything else gets a closing tag, which HTML needs for <td>.
SELF_CLOSING = {"rect", "line", "path", "circle", "polygon"}
# Closing punctuation that must not start a line of Chinese text.
NO_LINE_START = set("，。、；：！？）》」』】,.;:!?)")
# Series after the first are told apart without colour: by pattern, marker and dash.
PATTERNS = [None, "hatch", "dots"]
MARKERS = ["circle", "square", "diamond", "triangle"]
DASHES = [None, "6 3", "2 3", "8 3 2 3"]


def split_bar(
    title,
    desc,
    parts,
    target=None,
    *,
    value_format="{:.0f}",
    target_label="",
    empty_label="",
    headers=(),
):
    """One 100% bar split into parts, e.g. theory and practice minutes, with a target marker.

    parts: [(label, value, css_class)]; target: the share (0..1) where the first part should
    end, e.g. 0.3 for the 30/70 study split.
    """
    p = _new_id()
    parts = [(str(label), max(0, value or 0), css) for label, value, css in parts]
    total = sum(value for _, value, _ in parts)
    x0, full, bar_h = 8, WIDTH - 16, 32
    top = 26 if target is not None else 6
    body = [_el("rect", x=x0, y=top, width=full, height=bar_h, class_="chart-track")]
    x = x0
    for i, (_, value, css) in enumerate(parts):
        if not total:
            break
        width = full * value / total
        body.append(_swatch(p, i, css, x, top, width, bar_h, "chart-segment"))
        share = _percent(value / total)
        if width >= _text_width(share) + 10:
            body.append(
                _text(
                    x + width / 2,
                    top + bar_h / 2 + MID,
                    share,
                    anchor="middle",
                    cls="chart-inverse",
                )
            )
        x += width
    body.append(
        _el("rect", x=x0, y=top, width=full, height=bar_h, fill="none", class_="chart-outline")
    )
    if target is not None:
        tx = x0 + full * _clamp(target)
        body.append(
            _el("line", x1=tx, x2=tx, y1=top - 6, y2=top + bar_h + 6, class_="chart-threshold")
        )
        body.append(_top_label(tx, 14, f"{target_label} {_percent(_clamp(target))}".strip()))
    if not total and empty_label:
        note = _text(
            x0 + full / 2, top + bar_h / 2 + MID, empty_label, anchor="middle", cls="chart-halo"
        )
        body.append(note)

    rows = []
    y = top + bar_h + 14
    for i, (label, value, css) in enumerate(parts):
        figures = _format(value_format, value)
        if total:
            figures = f"{figures} · {_percent(value / total)}"
        body.append(_swatch(p, i, css, x0, y, 14, 14, "chart-legend-swatch"))
        room = full - 22 - _text_width(figures) - 8
        body.append(_lines(x0 + 22, y + 7, label, room, max_lines=1))
        body.append(_text(x0 + full, y + 7 + MID, figures, anchor="end"))
        rows.append((label, [figures]))
        y += 24
    svg = _svg(p, WIDTH, y, title, desc, body, patterns=PATTERNS[1:])
    return _figure("split", svg, _table(title, headers, rows, empty_label))


def bar_chart(
    title,
    desc,
    rows,
    *,
    max_value=None,
    value_format="{:.0f}",
    threshold=None,
    threshold_label="",
    empty_label="",
    headers=(),
):
    """Horizontal bars with labels on the left, e.g. mastery per function, weakest first.

    rows: [(label, value)] or [(label, value, href)]; a row with an href is a link. The
    optional threshold draws a dashed vertical line, e.g. the pass mark at 60.
    """
    p = _new_id()
    rows = [(str(row[0]), row[1], row[2] if len(row) > 2 else None) for row in rows]
    values = [value for _, value, _ in rows if value is not None]
    if max_value is None:
        max_value = max([*values, threshold or 0]) if values else 0
    max_value = max_value or 1
    texts = [_format(value_format, value) for _, value, _ in rows]
    # The label column fits the longest label up to 140 units, then labels wrap.
    x0 = min(max([_text_width(label) for label, _, _ in rows], default=0), 140) + 18
    wrapped = [_wrap(label, x0 - 18) for label, _, _ in rows]
    pitch = 40 if any(len(lines) > 1 for lines, _ in wrapped) else 30
    full = WIDTH - x0 - max([_text_width(t) for t in texts], default=0) - 12
    top = 26 if threshold is not None else 4
    body, values_on_top = [], []
    for i, ((label, value, href), text, (lines, cut)) in enumerate(
        zip(rows, texts, wrapped, strict=True)
    ):
        y = top + i * pitch
        bar_y = y + (pitch - 18) / 2
        width = full * _clamp((value or 0) / max_value)
        href = _safe_href(href)
        row = [
            # The whole row is the link's target, not just the bar.
            _el(
                "rect",
                x=1,
                y=y + 1,
                width=WIDTH - 2,
                height=pitch - 2,
                rx=4,
                fill="transparent",
                class_="chart-hit",
            )
            if href
            else "",
            _line_text(x0 - 8, y + pitch / 2, lines, label if cut else None, anchor="end"),
            _el("rect", x=x0, y=bar_y, width=full, height=18, class_="chart-track"),
        ]
        if width:
            row.append(
                _el(
                    "rect",
                    x=x0,
                    y=bar_y,
                    width=width,
                    height=18,
                    fill="currentColor",
                    class_="chart-bar",
                )
            )
        body.append(_el("a", *row, href=href, class_="chart-link") if href else _el("g", *row))
        values_on_top.append(_text(x0 + width + 5, bar_y + 9 + MID, text, cls="chart-halo"))
    height = top + len(rows) * pitch + 4
    if not rows:
        height = 48
        body.append(_text(WIDTH / 2, 28, empty_label, anchor="middle", cls="chart-note"))
    if threshold is not None and rows:
        tx = x0 + full * _clamp(threshold / max_value)
        body.append(_el("line", x1=tx, x2=tx, y1=top - 6, y2=height - 2, class_="chart-threshold"))
        label = f"{threshold_label} {_format(value_format, threshold)}".strip()
        body.append(_top_label(tx, 14, label))
    # Values go over the threshold line, haloed; clicks pass through them to the row's link.
    body.append(_el("g", *values_on_top, pointer_events="none"))
    # Links inside an image are hard to reach with a screen reader: the table repeats them,
    # out of the tab order so that keyboard users do not stop on them twice.
    table_rows = [
        (
            _el("a", label, href=_safe_href(href), tabindex="-1") if _safe_href(href) else label,
            [text],
        )
        for (label, _, href), text in zip(rows, texts, strict=True)
    ]
    return _figure(
        "bars",
        _svg(p, WIDTH, height, title, desc, body),
        _table(title, headers, table_rows, empty_label),
    )


def line_chart(
    title,
    desc,
    series,
    *,
    y_max=100,
    threshold=None,
    threshold_label="",
    x_labels=None,
    value_format="{:.0f}",
    empty_label="",
):
    """Lines over time, e.g. mock scores or a pass-rate trend, with a dashed pass line.

    series: [(name, [(x_label, y or None)], css_class)]. x_labels fixes the order of the x
    axis; by default it is every series' labels in order of appearance. None leaves a gap.
    """
    p = _new_id()
    y_max = y_max or 100
    series = [(str(name), [(str(x), y) for x, y in points], css) for name, points, css in series]
    if x_labels is None:
        x_labels = list(dict.fromkeys(x for _, points, _ in series for x, _ in points))
    x_labels = [str(x) for x in x_labels]
    step = _nice_step(y_max)
    left = _text_width(_number(y_max)) + 10
    top, plot_h, right = 10, 160, WIDTH - 8
    slot = (right - left) / max(len(x_labels), 1)
    bottom = top + plot_h

    def sx(i):
        return left + (i + 0.5) * slot

    def sy(value):
        return bottom - plot_h * _clamp(value / y_max)

    body = []
    for tick in _ticks(y_max, step):
        y = sy(tick)
        body.append(_el("line", x1=left, x2=right, y1=y, y2=y, class_="chart-grid"))
        body.append(_text(left - 6, y + MID, _number(tick), anchor="end"))
    body.append(_el("line", x1=left, x2=right, y1=bottom, y2=bottom, class_="chart-axis"))
    widest = max([_text_width(x) for x in x_labels], default=0)
    for i in _thinned(len(x_labels), widest + 8, slot):
        body.append(_text(sx(i), bottom + 18, x_labels[i], anchor="middle"))

    # The pass line goes under the series and is named in the legend, where no point hides it.
    legend = []
    if threshold is not None:
        y = sy(threshold)
        body.append(_el("line", x1=left, x2=right, y1=y, y2=y, class_="chart-threshold"))
        label = f"{threshold_label} {_number(threshold)}".strip()
        legend.append((label, _threshold_sample))

    index = {x: i for i, x in enumerate(x_labels)}
    has_points = False
    for n, (name, points, css) in enumerate(series):
        placed = [(index[x], y) for x, y in points if x in index]
        segments, current = [], []
        for i, y in sorted(placed):
            if y is None:
                segments.append(current)
                current = []
            else:
                current.append((sx(i), sy(y)))
        segments.append(current)
        d = " ".join(
            "M" + " L".join(f"{_n(x)} {_n(y)}" for x, y in segment)
            for segment in segments
            if len(segment) > 1
        )
        shapes = [_marker(n, x, y) for segment in segments for x, y in segment]
        has_points = has_points or bool(shapes)
        body.append(
            _el("g", _series_line(n, d) if d else "", *shapes, class_=f"chart-series {css}")
        )
        legend.insert(n, (name, _series_sample(n, css)))
    if not has_points and empty_label:
        middle = top + plot_h / 2 + MID
        body.append(
            _text((left + right) / 2, middle, empty_label, anchor="middle", cls="chart-halo")
        )

    items, height = _legend(legend, left, bottom + 40) if series else ([], bottom + 28)
    body += items
    by_x = [dict(points) for _, points, _ in series]
    rows = [(x, [_format(value_format, values.get(x)) for values in by_x]) for x in x_labels]
    table = _table(title, ["", *(name for name, _, _ in series)], rows, empty_label)
    return _figure("line", _svg(p, WIDTH, height, title, desc, body), table)


def heatmap(
    title,
    desc,
    row_labels,
    col_labels,
    values,
    *,
    value_format="{:.0%}",
    empty_label="",
):
    """A grid of shares (0..1 or None), e.g. mastery per function and cohort.

    Five colour steps from red (low) to green (high) as classes chart-heat-0 … chart-heat-4;
    every cell prints its value, and a missing value is hatched grey with a dash.
    """
    p = _new_id()
    row_labels = [str(label) for label in row_labels]
    col_labels = [str(label) for label in col_labels]
    label_w = min(max([_text_width(label) for label in row_labels], default=0), 120) + 10
    cols = max(len(col_labels), 1)
    # Cells fill the width, and widen up to 96 units to fit the longest word of a cohort name.
    longest = max(
        [_text_width(t.strip()) for label in col_labels for t in _tokens(label)], default=0
    )
    cell_w = max(54, min(96, max((WIDTH - label_w) / cols, longest + 10)))
    width = max(WIDTH, label_w + cols * cell_w)
    rows_wrapped = [_wrap(label, label_w - 10) for label in row_labels]
    cols_wrapped = [_wrap(label, cell_w - 6) for label in col_labels]
    head_h = LINE * max([len(lines) for lines, _ in cols_wrapped], default=1) + 10
    cell_h = 40 if any(len(lines) > 1 for lines, _ in rows_wrapped) else 32

    body = []
    for j, (lines, cut) in enumerate(cols_wrapped):
        x = label_w + (j + 0.5) * cell_w
        full = col_labels[j] if cut else None
        body.append(_line_text(x, head_h / 2, lines, full, anchor="middle"))
    table_rows = []
    for i, (lines, cut) in enumerate(rows_wrapped):
        y = head_h + i * cell_h
        full = row_labels[i] if cut else None
        body.append(_line_text(label_w - 8, y + cell_h / 2, lines, full, anchor="end"))
        cells = []
        for j in range(len(col_labels)):
            value = _cell(values, i, j)
            x = label_w + j * cell_w
            geometry = {"x": x + 1, "y": y + 1, "width": cell_w - 2, "height": cell_h - 2}
            if value is None:
                body.append(_el("rect", **geometry, class_="chart-heat-none"))
                body.append(_el("rect", **geometry, fill=f"url(#{p}-missing)"))
            else:
                step = min(4, int(_clamp(value) * 5))
                body.append(_el("rect", **geometry, class_=f"chart-heat-{step}"))
            text = _format(value_format, value)
            cells.append(text)
            body.append(_text(x + cell_w / 2, y + cell_h / 2 + MID, text, anchor="middle"))
        table_rows.append((row_labels[i], cells))

    y = head_h + len(row_labels) * cell_h + 12
    if not row_labels or not col_labels:
        body = [_text(width / 2, 28, empty_label, anchor="middle", cls="chart-note")]
        svg = _svg(p, width, 48, title, desc, body)
        return _figure("heatmap", svg, _table(title, (), [], empty_label))
    # The colour scale: five swatches with their bounds underneath.
    swatch, x0 = 48, 24
    bounds = [_format(value_format, step / 5) for step in range(6)]
    crowded = max(_text_width(bound) for bound in bounds) + 4 > swatch
    for step in range(5):
        x = x0 + step * swatch
        body.append(_el("rect", x=x, y=y, width=swatch, height=12, class_=f"chart-heat-{step}"))
    for step in (0, 5) if crowded else range(6):
        body.append(_text(x0 + step * swatch, y + 28, bounds[step], anchor="middle"))
    svg = _svg(p, width, y + 34, title, desc, body, patterns=["missing"])
    table = _table(title, ["", *col_labels], table_rows)
    return _figure("heatmap", svg, table, width)


def histogram(
    title,
    desc,
    bins,
    *,
    highlight_from=None,
    highlight_label="",
    empty_label="",
    headers=(),
):
    """Vertical bars of counts, e.g. the score distribution.

    bins: [(label, count)]; bins from index highlight_from on (e.g. the pass mark's bin) are
    highlighted and a dashed line marks where they start.
    """
    p = _new_id()
    bins = [(str(label), count or 0) for label, count in bins]
    if not bins:
        body = [_text(WIDTH / 2, 28, empty_label, anchor="middle", cls="chart-note")]
        return _figure(
            "histogram", _svg(p, WIDTH, 48, title, desc, body), _table(title, (), [], empty_label)
        )
    most = max([count for _, count in bins], default=0)
    step = max(1, _nice_step(most))  # counts: no gridline at 0.5
    y_top = max(step, math.ceil(most / step) * step)
    left = _text_width(_number(y_top)) + 10
    top = 34 if highlight_from is not None and highlight_label else 20
    plot_h, right = 140, WIDTH - 8
    bottom = top + plot_h
    slot = (right - left) / max(len(bins), 1)

    body = []
    for tick in _ticks(y_top, step):
        y = bottom - plot_h * tick / y_top
        body.append(_el("line", x1=left, x2=right, y1=y, y2=y, class_="chart-grid"))
        body.append(_text(left - 6, y + MID, _number(tick), anchor="end"))
    show_counts = slot >= max([_text_width(str(c)) for _, c in bins], default=0) + 2
    for i, (_, count) in enumerate(bins):
        height = plot_h * count / y_top
        x = left + i * slot
        passed = highlight_from is not None and i >= highlight_from
        cls = "chart-bar chart-highlight" if passed else "chart-bar chart-muted"
        if height:
            body.append(
                _el(
                    "rect",
                    x=x + 1,
                    y=bottom - height,
                    width=slot - 2,
                    height=height,
                    fill="currentColor",
                    class_=cls,
                )
            )
        if show_counts:
            body.append(_text(x + slot / 2, bottom - height - 5, str(count), anchor="middle"))
    body.append(_el("line", x1=left, x2=right, y1=bottom, y2=bottom, class_="chart-axis"))
    widest = max([_text_width(label) for label, _ in bins], default=0)
    for i in _thinned(len(bins), widest + 6, slot):
        body.append(_text(left + (i + 0.5) * slot, bottom + 18, bins[i][0], anchor="middle"))
    if highlight_from is not None and 0 <= highlight_from < len(bins):
        x = left + highlight_from * slot
        body.append(_el("line", x1=x, x2=x, y1=top - 14, y2=bottom, class_="chart-threshold"))
        if highlight_label:
            body.append(_top_label(x, 14, highlight_label, anchor="start", right=right))
    svg = _svg(p, WIDTH, bottom + 28, title, desc, body)
    rows = [(label, [str(count)]) for label, count in bins]
    return _figure("histogram", svg, _table(title, headers, rows, empty_label))


def gauge(title, desc, probability, low, high, *, empty_label="", headers=()):
    """A 0–100% scale with a point estimate above it and its uncertainty band low–high."""
    p = _new_id()
    x0, full = 16, WIDTH - 32
    track_y, track_h = 28, 18
    below = track_y + track_h + 18

    def sx(share):
        return x0 + full * _clamp(share)

    body = [_el("rect", x=x0, y=track_y, width=full, height=track_h, class_="chart-track")]
    estimate = range_text = ""
    taken = []  # the stretch of the row under the scale the range label holds
    if probability is not None and low is not None and high is not None:
        low, high = sorted((_clamp(low), _clamp(high)))
        geometry = {"x": sx(low), "y": track_y, "width": sx(high) - sx(low), "height": track_h}
        body.append(_el("rect", **geometry, class_="chart-band"))
        body.append(_el("rect", **geometry, fill=f"url(#{p}-hatch)"))
        low_text, high_text = _chance(low), _chance(high)
        range_text = low_text if low_text == high_text else f"{low_text}–{high_text}"
        label = _top_label(sx((low + high) / 2), below, range_text, cls="chart-band-label")
        body.append(label)
        centre, half = min(max(sx((low + high) / 2), 0), WIDTH), _text_width(range_text) / 2
        taken = [(centre - half - 8, centre + half + 8)]
    body.append(
        _el(
            "rect", x=x0, y=track_y, width=full, height=track_h, fill="none", class_="chart-outline"
        )
    )
    for tick in (0, 0.25, 0.5, 0.75, 1):
        x = sx(tick)
        body.append(
            _el(
                "line",
                x1=x,
                x2=x,
                y1=track_y + track_h,
                y2=track_y + track_h + 4,
                class_="chart-axis",
            )
        )
        text = _percent(tick)
        half = _text_width(text) / 2
        # Scale labels at 0, 50 and 100%, unless the range label is there.
        if tick in (0, 0.5, 1) and not any(a < x + half and x - half < b for a, b in taken):
            body.append(_top_label(x, below, text, cls="chart-note"))
    if probability is None:
        body.append(_text(WIDTH / 2, 18, empty_label, anchor="middle", cls="chart-note"))
    else:
        x = sx(probability)
        estimate = _chance(_clamp(probability))
        body.append(
            _el(
                "line",
                x1=x,
                x2=x,
                y1=track_y - 4,
                y2=track_y + track_h + 4,
                class_="chart-estimate",
            )
        )
        body.append(_top_label(x, 18, estimate, cls="chart-estimate-label"))
    svg = _svg(p, WIDTH, below + 8, title, desc, body, patterns=["hatch"])
    rows = [(estimate, [range_text] if range_text else [])] if estimate else []
    return _figure("gauge", svg, _table(title, headers, rows, empty_label))


# Markup


def _el(tag, *children, **attrs):
    """An element with escaped attributes and children; SafeString children are kept as is.

    Attribute names: a trailing underscore is dropped (class_), other underscores become
    hyphens (stroke_width); None leaves the attribute out.
    """
    attributes = format_html_join(
        "",
        ' {}="{}"',
        (
            (name.rstrip("_").replace("_", "-"), _n(value) if isinstance(value, float) else value)
            for name, value in attrs.items()
            if value is not None
        ),
    )
    if not children and tag in SELF_CLOSING:
        return format_html("<{}{}/>", tag, attributes)
    content = mark_safe("".join(conditional_escape(child) for child in children))
    return format_html("<{}{}>{}</{}>", tag, attributes, content, tag)


def _figure(kind, svg, table, width=WIDTH):
    """The chart's wrapper; a chart wider than a phone scrolls sideways rather than shrink."""
    size = ""
    if width > 400:
        size = next((f" chart-w-{w}" for w in (480, 640) if width <= w), " chart-w-800")
    return _el("div", svg, table, class_=f"chart chart-{kind}{size}")


def _svg(p, width, height, title, desc, body, patterns=()):
    defs = [_pattern(p, name) for name in patterns if name]
    return _el(
        "svg",
        _el("title", title, id=f"{p}-title"),
        _el("desc", desc, id=f"{p}-desc"),
        _el("defs", *defs) if defs else "",
        *body,
        xmlns=SVG_NS,
        viewBox=f"0 0 {_n(width)} {_n(height)}",
        width="100%",
        role="img",
        aria_labelledby=f"{p}-title {p}-desc",
        font_size=FONT,
        class_="chart-svg",
    )


def _pattern(p, name):
    """A fill pattern: diagonal hatching, dots, or the grey hatching of a missing value."""
    if name == "dots":
        mark, size, rotate = _el("circle", cx=2.5, cy=2.5, r=1.3, class_="chart-pattern"), 5, None
    elif name == "missing":
        mark, size, rotate = _el("rect", width=1.5, height=7, class_="chart-missing"), 7, 45
    else:
        mark, size, rotate = _el("rect", width=2, height=6, class_="chart-pattern"), 6, 45
    return _el(
        "pattern",
        mark,
        id=f"{p}-{name}",
        width=size,
        height=size,
        patternUnits="userSpaceOnUse",
        patternTransform=f"rotate({rotate})" if rotate else None,
    )


def _swatch(p, n, css, x, y, width, height, cls):
    """A filled rectangle in a series colour, with the series' pattern on top."""
    rect = _el(
        "rect", x=x, y=y, width=width, height=height, fill="currentColor", class_=f"{cls} {css}"
    )
    pattern = PATTERNS[n % len(PATTERNS)]
    if not pattern:
        return rect
    overlay = _el("rect", x=x, y=y, width=width, height=height, fill=f"url(#{p}-{pattern})")
    return _el("g", rect, overlay)


def _marker(n, x, y):
    shape = MARKERS[n % len(MARKERS)]
    common = {"fill": "currentColor", "class_": "chart-point"}
    if shape == "circle":
        return _el("circle", cx=x, cy=y, r=4, **common)
    if shape == "square":
        return _el("rect", x=x - 3.5, y=y - 3.5, width=7, height=7, **common)
    offsets = {
        "diamond": [(0, -5), (5, 0), (0, 5), (-5, 0)],
        "triangle": [(0, -5), (5, 4), (-5, 4)],
    }[shape]
    points = " ".join(f"{_n(x + dx)},{_n(y + dy)}" for dx, dy in offsets)
    return _el("polygon", points=points, **common)


def _threshold_sample(x, y):
    return _el("line", x1=x, x2=x + 24, y1=y, y2=y, class_="chart-threshold")


def _series_line(n, d):
    return _el(
        "path",
        d=d,
        fill="none",
        stroke="currentColor",
        stroke_width=2.5,
        stroke_dasharray=DASHES[n % len(DASHES)],
        class_="chart-line",
    )


def _series_sample(n, css):
    def draw(x, y):
        line = _series_line(n, f"M{_n(x)} {_n(y)} H{_n(x + 24)}")
        return _el("g", line, _marker(n, x + 12, y), class_=f"chart-series {css}")

    return draw


def _legend(items, x0, y):
    """Samples and names [(name, draw(x, y))], flowing onto new lines as needed."""
    body, x = [], x0
    for name, draw in items:
        width = 30 + _text_width(name) + 14
        if x > x0 and x + width > WIDTH:
            x, y = x0, y + 24
        body.append(draw(x, y))
        body.append(_text(x + 30, y + MID, name))
        x += width
    return body, y + 14


def _text(x, y, content, *, anchor=None, cls=None):
    return _el("text", content, x=x, y=y, text_anchor=anchor, class_=cls)


def _top_label(x, y, content, *, anchor="middle", cls="chart-threshold-label", right=WIDTH):
    """A label over a marker at x, kept inside the chart."""
    half = _text_width(content) / 2
    if anchor == "start" and x + 4 + 2 * half > right:
        return _text(x - 4, y, content, anchor="end", cls=cls)
    if anchor == "start":
        return _text(x + 4, y, content, anchor="start", cls=cls)
    return _text(min(max(x, half + 2), right - half - 2), y, content, anchor="middle", cls=cls)


def _line_text(x, cy, lines, full=None, anchor=None):
    """Lines of text centred vertically on cy; a cut label keeps its full text as a tooltip."""
    first = cy - (len(lines) - 1) * LINE / 2 + MID
    spans = [_el("tspan", line, x=x, y=first + i * LINE) for i, line in enumerate(lines)]
    tooltip = _el("title", full) if full else ""
    return _el("text", tooltip, *spans, text_anchor=anchor)


def _lines(x, cy, label, width, max_lines=2):
    lines, cut = _wrap(label, width, max_lines)
    return _line_text(x, cy, lines, label if cut else None)


def _table(caption, headers, rows, empty_label=""):
    """The visually hidden table alternative: a caption, optional headers, one row per item."""
    head = ""
    if headers and any(headers):
        cells = (_el("th", h, scope="col") if h else _el("td", "") for h in headers)
        head = _el("thead", _el("tr", *cells))
    body_rows = [
        _el("tr", _el("th", label, scope="row"), *(_el("td", cell) for cell in cells))
        for label, cells in rows
    ]
    if not rows and empty_label:
        body_rows = [_el("tr", _el("td", empty_label))]
    return _el(
        "table",
        _el("caption", caption),
        head,
        _el("tbody", *body_rows),
        class_="visually-hidden chart-table",
    )


# Text and numbers


def _new_id():
    # Random rather than a counter: fragments rendered by different workers share a page.
    return f"chart-{uuid.uuid4().hex[:8]}"


def _safe_href(href):
    if href and str(href).startswith(("/", "?", "#", "https://", "http://")):
        return str(href)
    return None


def _char_width(ch):
    """Widths in ems, a little wide of most sans-serif fonts so that text is never cut."""
    if unicodedata.east_asian_width(ch) in "WF" or ch in "—…%":
        return 1.0
    if ch.isupper() or ch in "mw":
        return 0.7
    if ch.isdigit():
        return 0.62
    if ch.isspace() or ch in "ijl.,:;'|!":
        return 0.3
    if ch.isalpha():
        return 0.55
    return 0.45


def _text_width(text, size=FONT):
    """A generous estimate of the width of text in a sans-serif font (CJK is one em)."""
    return sum(_char_width(ch) for ch in str(text)) * size


def _tokens(text):
    """Words and spaces of Latin text, single characters of CJK text."""
    tokens, word = [], ""
    for ch in text:
        if unicodedata.east_asian_width(ch) in "WF":
            if word:
                tokens.append(word)
                word = ""
            if ch in NO_LINE_START and tokens:
                tokens[-1] += ch
            else:
                tokens.append(ch)
        elif ch.isspace():
            tokens.append(word + " ")
            word = ""
        elif ch in NO_LINE_START and not word and tokens:
            tokens[-1] += ch
        else:
            word += ch
    if word:
        tokens.append(word)
    return tokens


def _wrap(text, width, max_lines=2):
    """(lines, cut): text broken into at most max_lines lines of the given width.

    Latin text breaks between words, Chinese between characters; what does not fit, a word
    longer than a line included, ends in an ellipsis.
    """
    lines, line = [], ""
    for token in _tokens(" ".join(str(text).split())):
        if line and _text_width((line + token).rstrip()) > width:
            lines.append(line.rstrip())
            line = token.lstrip()
        else:
            line += token
    lines.append(line.rstrip())
    cut = len(lines) > max_lines or any(_text_width(line) > width for line in lines)
    if not cut:
        return lines, False
    lines = lines[:max_lines]
    last = max((i for i, line in enumerate(lines) if _text_width(line) > width), default=-1)
    last = len(lines) - 1 if last < 0 else last
    line = lines[last]
    while line and _text_width(line + "…") > width:
        line = line[:-1]
    return [*lines[:last], line.rstrip() + "…"], True


def _thinned(count, label_width, slot):
    """Indexes of the x labels to show so that none overlap, always including the last."""
    every = max(1, math.ceil(label_width / slot)) if slot else 1
    return [i for i in range(count) if (count - 1 - i) % every == 0]


def _nice_step(top):
    """A step of 1, 2 or 5 times a power of ten giving at most five gridlines up to top."""
    if top <= 0:
        return 1
    power = 10 ** math.floor(math.log10(top / 5))
    for factor in (1, 2, 5, 10):
        if top / (factor * power) <= 5:
            return factor * power
    return 10 * power


def _ticks(top, step):
    count = int(round(top / step))
    return [step * k for k in range(count + 1) if step * k <= top + 1e-9]


def _cell(values, i, j):
    try:
        return values[i][j]
    except (IndexError, TypeError):
        return None


def _clamp(share):
    return min(1.0, max(0.0, float(share)))


def _format(value_format, value):
    return "—" if value is None else value_format.format(value)


def _percent(share):
    return f"{round(share * 100)}%"


def _chance(share):
    """A percentage that never claims certainty: 0.9996 is "> 99%", not "100%"."""
    if 0 < share < 0.005:
        return "< 1%"
    if 0.995 <= share < 1:
        return "> 99%"
    return _percent(share)


def _number(value):
    return f"{value:g}"


def _n(value):
    """A coordinate with at most two decimals and no trailing zeros."""
    return f"{round(value, 2):g}"
