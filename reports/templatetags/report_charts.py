from django import template
from django.utils.formats import number_format
from django.utils.html import format_html

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


@register.simple_tag
def bar(value, total, warn=False) -> str:
    """``value`` of ``total`` as one horizontal bar drawn as SVG on the server (no script, no
    style attribute); ``warn`` colours it as a warning. Written here, not included from a
    template: the dashboard draws about eighty, and an include each was a tenth of its time."""
    return format_html(
        '<svg class="report-bar" viewBox="0 0 100 10" preserveAspectRatio="none"'
        ' aria-hidden="true" focusable="false">'
        '<rect class="report-bar-track" x="0" y="0" width="100" height="10"/>'
        '<rect class="report-bar-value{}" x="0" y="0" width="{}" height="10"/></svg>',
        " report-bar-warn" if warn else "",
        pct(value, total),
    )
