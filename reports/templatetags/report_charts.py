from django import template
from django.utils.formats import number_format

register = template.Library()


@register.simple_tag
def pct(value, total) -> int:
    """``value`` as a whole percentage of ``total``, between 0 and 100 (a bar's length)."""
    try:
        value, total = float(value or 0), float(total or 0)
    except (TypeError, ValueError):
        return 0
    if total <= 0:
        return 0
    return max(0, min(100, round(100 * value / total)))


@register.filter
def hours(minutes) -> str:
    """Minutes as hours with one decimal, in the reader's format: ``90`` → "1,5" in Polish."""
    minutes = int(minutes or 0)
    whole, rest = divmod(minutes, 60)
    return f"{whole}" if not rest else number_format(minutes / 60, 1)
