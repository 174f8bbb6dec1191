from django import template

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
