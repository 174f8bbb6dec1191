"""Pages of the platform: the password reset request, the one-click unsubscribe of optional
reminders, and staff's view of the outbox."""

from axes.helpers import get_client_ip_address
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from portal import mail, reminders, services
from portal.web import add_service_errors


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
