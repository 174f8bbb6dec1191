from django import template

from support.enums import SupportStep
from support.selectors import format_minutes

register = template.Library()


@register.filter
def minutes(value):
    """Minutes as hours and minutes: ``75|minutes`` → "1 h 15 min"."""
    return format_minutes(value)


@register.filter
def step_label(value):
    return SupportStep(value).label
