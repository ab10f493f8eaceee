import json

from django import template

register = template.Library()


@register.filter
def letter(index):
    """0 → A, 1 → B: how options are named on the papers."""
    try:
        return "ABCDEFGH"[int(index)]
    except (IndexError, TypeError, ValueError):
        return "?"


@register.filter
def get(mapping, key):
    """A dict value by a key held in a variable, which the template language cannot do."""
    if isinstance(mapping, dict):
        return mapping.get(key, mapping.get(str(key)))
    return None


@register.filter
def percent(fraction):
    try:
        return f"{round(float(fraction) * 100)}%"
    except (TypeError, ValueError):
        return ""


@register.filter
def tojson(value):
    """A value as JSON, e.g. an option's value that must keep null, true and 10 apart.

    The result is not marked safe: in an attribute the template's escaping still applies.
    """
    return json.dumps(value, ensure_ascii=False)


@register.filter
def item_numbers(ids, items):
    """The numbers the learner sees in the list ("2, 5", 1 for the first item) of item ids:
    feedback names items the way the page shows them, not by their ids in the payload."""
    if isinstance(ids, str):
        ids = [ids]
    numbers = {item["id"]: n for n, item in enumerate(items, 1)}
    return ", ".join(str(numbers.get(item_id, item_id)) for item_id in ids)
