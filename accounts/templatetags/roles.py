from django import template

from accounts import permissions

register = template.Library()


@register.filter
def can(user, capability):
    """``{% if user|can:"author_questions" %}``: the same rule the views enforce."""
    return permissions.can(user, capability)
