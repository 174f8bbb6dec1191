import datetime

from django import template

register = template.Library()


@register.filter
def minutes(value):
    """Whole minutes of a timedelta (for messages such as a login lockout)."""
    if isinstance(value, datetime.timedelta):
        return int(value.total_seconds() // 60)
    return value
