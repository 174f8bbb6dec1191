from django.urls import reverse

from partnerships.models import Application, Invitation
from portal.mail import absolute_url, send_templated_mail


def send_invitation(invitation: Invitation, token: str) -> None:
    send_templated_mail(
        "invitation",
        to=[invitation.user.email],
        context={
            "invitation": invitation,
            "url": absolute_url(reverse("invitation_accept", args=[token])),
        },
    )


def send_application_link(application: Application, token: str) -> None:
    send_templated_mail(
        "application_link",
        to=[application.contact_email],
        context={
            "application": application,
            "url": absolute_url(reverse("application_edit", args=[token])),
        },
    )


def send_application_submitted(application: Application) -> None:
    send_templated_mail(
        "application_submitted",
        to=[application.contact_email],
        context={"application": application},
    )


def send_application_decision(application: Application) -> None:
    send_templated_mail(
        "application_decision", to=[application.contact_email], context={"application": application}
    )
