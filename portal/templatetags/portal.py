import datetime

from django import template
from django.urls import reverse

from portal.web import kept_html

register = template.Library()


@register.filter
def minutes(value):
    """Whole minutes of a timedelta (for messages such as a login lockout)."""
    if isinstance(value, datetime.timedelta):
        return int(value.total_seconds() // 60)
    return value


# The menu section of each page, for ``aria-current``: a screen reader says which section one
# is in, as the highlighted entry shows it to sighted users. Keys are URL namespaces or, for the
# partnerships app (no namespace), URL names; one section per key.
_SECTION_OF_NAMESPACE = {"events": "events", "clips": "clips", "reports": "reports"}
# Pages of a namespace that belong to another section, by view name.
_SECTION_OF_VIEW = {
    "reports:worklist": "worklist",
    "reports:leader_message": "worklist",
    "reports:partnership_history": "partnerships",
}
_SECTION_OF_NAME = {
    "staff_home": "reports",
    "application_review_list": "applications",
    "application_review": "applications",
    "invitation_list": "administration",
    "outbox_list": "administration",
    "outbox_detail": "administration",
    "outbox_resend": "administration",
    "application_call_list": "apply",
    "application_start": "apply",
    "application_edit": "apply",
    "login": "login",
}


def current_section(request, *, works_on_support: bool) -> str:
    """The menu section that holds the page of ``request`` ("" when none does)."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return ""
    if match.namespace == "support":
        # Leaders reach the plan through their partnership; the support menu is not theirs.
        return "support" if works_on_support else "partnerships"
    if match.view_name in _SECTION_OF_VIEW:
        return _SECTION_OF_VIEW[match.view_name]
    if match.namespace:
        return _SECTION_OF_NAMESPACE.get(match.namespace, "")
    name = match.url_name or ""
    if name in _SECTION_OF_NAME:
        return _SECTION_OF_NAME[name]
    if name.startswith(("partnership", "partner_", "person_")):
        return "partnerships"
    return ""


def _in_section(context, section) -> bool:
    works_on_support = context.get("is_staff_member") or context.get("is_animator")
    return current_section(context["request"], works_on_support=works_on_support) == section


@register.inclusion_tag("includes/_nav_link.html", takes_context=True)
def nav_link(context, section, url_name, label):
    """A menu entry marked ``aria-current``: "page" on its own page, "true" elsewhere in its
    section."""
    href = reverse(url_name)
    current = ""
    if context["request"].path == href:
        current = "page"
    elif _in_section(context, section):
        current = "true"
    return {"href": href, "label": label, "current": current}


@register.inclusion_tag("includes/_sort_header.html")
def sort_header(sorting, key):
    """A list's column heading that sorts by the column (``portal.listing``)."""
    return sorting.header(key)


@register.simple_tag(takes_context=True)
def nav_section_current(context, section) -> str:
    """``aria-current`` of a menu group (a dropdown's button): "true" on the pages of its
    section, else ""."""
    return "true" if _in_section(context, section) else ""


@register.inclusion_tag("includes/_nav_item.html", takes_context=True)
def nav_item(context, url_name, label):
    """An entry of a dropdown menu, marked ``aria-current="page"`` on its own page."""
    href = reverse(url_name)
    return {"href": href, "label": label, "current": context["request"].path == href}


class KeptNode(template.Node):
    def __init__(self, nodelist, parts):
        self.nodelist, self.parts = nodelist, parts

    def render(self, context):
        key = ("template", *(part.resolve(context) for part in self.parts))
        return kept_html(key, lambda: self.nodelist.render(context))


@register.tag
def kept(parser, token):
    """``{% kept "name" value … %}…{% endkept %}``: the block's HTML rendered once per version
    of the data and the values given (``portal.web.kept_html``); give every value the block
    depends on that is not data (the address with its query, the user)."""
    bits = token.split_contents()[1:]
    if not bits:
        raise template.TemplateSyntaxError("{% kept %} needs a name")
    nodelist = parser.parse(("endkept",))
    parser.delete_first_token()
    return KeptNode(nodelist, [parser.compile_filter(bit) for bit in bits])
