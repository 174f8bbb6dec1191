"""The platform's own pages: the site icon, the public information pages, the password reset
request, the one-click unsubscribe of optional reminders, and staff's view of the outbox (what
was sent, what waits, what failed, and sending again)."""

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from portal import mail, outbox, reminders, selectors, services
from portal import search as portal_search
from portal.roles import staff_required
from portal.selectors import public_information
from portal.web import add_service_errors, paginate, querystring_without_page


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


class PasswordResetView(auth_views.PasswordResetView):
    """Django's page, with the e-mail going through the outbox (links from
    ``PORTAL_SITE_URL``, the account's language) and a limit per address and per client.
    The form's own ``save``, which would send from the request, is never called."""

    def form_valid(self, form):
        try:
            services.password_reset_request(
                email=form.cleaned_data["email"], client=get_client_ip_address(self.request)
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return redirect(self.get_success_url())


@csrf_exempt  # a mail client posts the one-click unsubscribe (RFC 8058) without a session
@require_http_methods(["GET", "POST"])
def reminder_unsubscribe(request, token):
    """The link of an optional reminder: GET asks to confirm (link checkers open links), POST
    switches the reminder off. The signed token stands in for a login."""
    found = mail.read_unsubscribe_token(token)
    if found is None:
        raise Http404
    user_id, kind = found
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    spec = reminders.registered().get(kind)
    if user is None or spec is None or spec.essential:
        raise Http404
    done = False
    if request.method == "POST":
        services.reminder_unsubscribe(user=user, kind=kind)
        done = True
    return render(
        request,
        "portal/reminder_unsubscribe.html",
        {"reminder": spec, "done": done, "email": user.email},
    )


# --- staff: the outbox ---------------------------------------------------------------------

GROUP_LABELS = [
    ("attention", gettext_lazy("To check")),
    ("failed", gettext_lazy("Failed")),
    ("waiting", gettext_lazy("Waiting to be sent")),
    ("sent", gettext_lazy("Sent e-mails")),
    ("all", gettext_lazy("All e-mails")),
]


@staff_required
def outbox_list(request):
    """Messages that failed or wait first; also those sent, by address, subject or topic."""
    group = request.GET.get("status", "attention")
    if group not in selectors.MESSAGE_GROUPS:
        group = "attention"
    search = request.GET.get("q", "").strip()[:100]
    about_key = request.GET.get("about", "")[:100]
    about = selectors.about_from_key(about_key) if about_key else None
    page = paginate(request, selectors.outbox_messages(group=group, search=search, about=about))
    return render(
        request,
        "portal/outbox_list.html",
        {
            "page": page,
            "group": group,
            "groups": GROUP_LABELS,
            "search": search,
            "about": about,
            "about_key": about_key,
            "counts": selectors.outbox_counts(),
            "querystring": querystring_without_page(request),
        },
    )


@staff_required
def outbox_detail(request, pk):
    message = selectors.outbox_message_get(pk)
    return render(
        request,
        "portal/outbox_detail.html",
        {"message": message, "about": message.about, "copies": message.resent_as.all()},
    )


@staff_required
@require_http_methods(["GET", "POST"])
def outbox_resend(request, pk):
    """Confirmation page, then the message is sent again (``outbox.message_resend``)."""
    message = selectors.outbox_message_get(pk)
    if request.method == "POST":
        try:
            queued = outbox.message_resend(message=message, actor=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("outbox_detail", pk=message.pk)
        messages.success(
            request, _("The e-mail to %(to)s is queued to be sent again.") % {"to": message.to}
        )
        return redirect("outbox_detail", pk=queued.pk)
    return render(request, "portal/outbox_resend.html", {"message": message})


@login_required
def search(request):
    """The top bar's search: the best few of each kind the user may see, or one kind
    (``?rodzaj=``) a page at a time. Everything is read through the apps' selectors."""
    query = portal_search.normalise_query(request.GET.get("q", ""))
    sources = portal_search.sources_for(request.user)
    source = sources.get(request.GET.get("rodzaj", ""))
    error = portal_search.query_error(query)
    context = {"query": query, "error": error, "source": source, "sources": sources}
    if not error:
        if source is not None:
            page = paginate(request, source.results(request.user, query))
            context["page"] = page
            context["hits"] = [source.hit(obj) for obj in page.object_list]
            context["querystring"] = querystring_without_page(request)
        else:
            context["groups"] = portal_search.groups(request.user, query)
            context["total"] = sum(group["count"] for group in context["groups"])
            context["more"] = any(group["more"] for group in context["groups"])
    return render(request, "portal/search.html", context, status=400 if error == "short" else 200)
