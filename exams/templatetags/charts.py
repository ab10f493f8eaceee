"""``{% load charts %}``: the SVG charts of exams/charts.py as simple tags.

Each tag takes the function's arguments, e.g. ``{% split_bar title desc parts 0.3 %}`` or
``{% bar_chart title desc rows max_value=100 threshold=60 threshold_label=pass_mark %}``.
Pages that draw charts link css/charts.css.
"""

from django import template

from exams import charts

register = template.Library()

for chart in (
    charts.split_bar,
    charts.bar_chart,
    charts.line_chart,
    charts.heatmap,
    charts.histogram,
    charts.gauge,
):
    register.simple_tag(chart)
