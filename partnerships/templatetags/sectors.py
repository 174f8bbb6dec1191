from django import template
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def sector_badges(partnership) -> str:
    """The three-sector criterion (§1.2) as badges: a sector the partnership covers in green,
    a missing one struck through. Needs a partnership annotated by
    ``partnerships.selectors.with_sector_coverage``. A tag rather than an included template:
    a list draws one per row."""
    sectors = (
        (partnership.has_public, _("public sector"), _("public")),
        (partnership.has_social, _("social sector"), _("social")),
        (partnership.has_business, _("business sector"), _("business")),
    )
    badges = format_html_join(
        "\n",
        '<span class="badge {}" title="{}">{}</span>',
        (
            (
                "text-bg-success"
                if covered
                else "text-bg-light border border-warning text-decoration-line-through",
                title,
                label,
            )
            for covered, title, label in sectors
        ),
    )
    return format_html('<span class="sector-badges">\n{}\n</span>', badges)
