"""Helpers that views of every app share: pagination, service errors on a form, a form's
status, and the page where staff write one message to many."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import ngettext

from portal import mail, services
from portal.forms import StaffMessageForm


def paginate(request, queryset, per_page: int | None = None):
    """The requested page; a missing, malformed or too-large number gives the nearest page."""
    paginator = Paginator(queryset, per_page or settings.PAGINATE_BY)
    return paginator.get_page(request.GET.get("page"))


def add_service_errors(form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: next to the field it names when the form
    has that field, otherwise above the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def querystring_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def form_status(*forms) -> int:
    """400 when a submitted form comes back with errors (bad input is a 4xx), else 200."""
    return 400 if any(form.is_bound and form.errors for form in forms) else 200


# --- a message from staff to many (the apps' pages call this) ---------------------------------

RECIPIENTS_SHOWN = 100


def staff_message_page(request, *, recipients, audience, back_url: str, switch=()):
    """The page where staff write to many: ``recipients`` (``portal.mail.Recipient``) as the
    app found them, ``audience`` saying who they are, ``switch`` other audiences as
    ``(label, url, active)``. "Preview" shows the rendered e-mail and the count; "Send"
    queues one e-mail per address (``services.staff_message_send``) and goes back."""
    distinct = mail.distinct_recipients(recipients)
    form = StaffMessageForm(request.POST or None)
    preview = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if "send" in request.POST:
            try:
                count = services.staff_message_send(
                    actor=request.user,
                    recipients=distinct,
                    subject=data["subject"],
                    body=data["body"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    ngettext(
                        "The message is on its way to %(count)d person.",
                        "The message is on its way to %(count)d people.",
                        count,
                    )
                    % {"count": count},
                )
                return redirect(back_url)
        else:
            context = services.staff_message_context(
                actor=request.user, subject=data["subject"], body=data["body"]
            )
            subject, text, _html = mail.render("staff_message", context, settings.LANGUAGE_CODE)
            preview = {"subject": subject, "text": text}
    return render(
        request,
        "portal/staff_message_form.html",
        {
            "form": form,
            "audience": audience,
            "switch": switch,
            "recipients": distinct,
            "shown": distinct[:RECIPIENTS_SHOWN],
            "preview": preview,
            "back_url": back_url,
        },
        status=form_status(form),
    )
