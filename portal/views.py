"""The platform's own pages: the site icon and the public information pages."""

from django.conf import settings
from django.shortcuts import redirect, render
from django.templatetags.static import static

from portal.selectors import public_information


def favicon(request):
    """Clients that ask the site root for its icon (feed readers, PDF viewers, old browsers);
    pages name it in their head. Resolved per request: the hashed static name is known only
    once collectstatic has run."""
    return redirect(static("img/favicon.ico"))


def _public_page(template):
    def view(request):
        context = {"info": public_information(), "site_url": settings.SITE_URL + "/"}
        return render(request, template, context)

    return view


# Public: every visitor, logged in or not, reaches them from the footer of every page.
accessibility_statement = _public_page("portal/accessibility_statement.html")
privacy_notice = _public_page("portal/privacy_notice.html")
contact = _public_page("portal/contact.html")
