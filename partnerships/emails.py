"""One function per e-mail of the partnerships app. Each takes ids, re-reads the rows (the
calling transaction's own writes included) and queues the message in the outbox
(``portal.mail``), in the caller's transaction."""

from django.urls import reverse

from partnerships.models import Application, Invitation
from portal.mail import absolute_url, queue_templated_mail


def send_invitation(invitation_id: int, token: str) -> None:
    """To the invited person: the one-time link to set a password (hidden from staff)."""
    invitation = Invitation.objects.select_related("user", "partnership").get(pk=invitation_id)
    queue_templated_mail(
        "invitation",
        to=invitation.user.email,
        recipient=invitation.user,
        about=invitation.partnership,
        sensitive=True,
        context={
            "invitation": invitation,
            "url": absolute_url(reverse("invitation_accept", args=[token])),
        },
    )


def _application(application_id: int) -> Application:
    return Application.objects.select_related("call", "partnership").get(pk=application_id)


def send_application_link(application_id: int, token: str) -> None:
    """To the applicant: the secret link to the draft (a copy: the page shows it too)."""
    application = _application(application_id)
    queue_templated_mail(
        "application_link",
        to=application.contact_email,
        about=application,
        sensitive=True,
        context={
            "application": application,
            "url": absolute_url(reverse("application_edit", args=[token])),
        },
    )


def send_application_submitted(application_id: int) -> None:
    application = _application(application_id)
    queue_templated_mail(
        "application_submitted",
        to=application.contact_email,
        about=application,
        context={"application": application},
    )


def send_application_decision(application_id: int) -> None:
    """To the applicant: qualified (the partnership exists now) or rejected, with the note."""
    application = _application(application_id)
    queue_templated_mail(
        "application_decision",
        to=application.contact_email,
        about=application.partnership or application,
        context={"application": application},
    )
