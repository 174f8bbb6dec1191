"""One function per e-mail of the evaluation. Each takes ids (and the secret token, which is
stored only as its hash and so cannot be re-read), re-reads the rows and queues the message in
the outbox in the caller's transaction. The link is secret: the messages are ``sensitive``, so
staff see that they went, not the link."""

from django.urls import reverse

from evaluations import selectors
from evaluations.models import Invitation
from portal.mail import absolute_url, queue_templated_mail


def _context(invitation: Invitation, token: str) -> dict:
    event = invitation.event
    return {
        "person": invitation.participant.person,
        "event": event,
        "url": absolute_url(reverse("evaluations:survey", args=[token])),
        "last_day": selectors.last_day(event),
    }


def _invitation(pk: int) -> Invitation:
    return Invitation.objects.select_related(
        "event", "participant__person__user", "participant__registration__partnership"
    ).get(pk=pk)


def send_survey_invitation(invitation_id: int, token: str) -> None:
    """To a participant marked present, the day after the event: the link to the survey."""
    invitation = _invitation(invitation_id)
    person = invitation.participant.person
    queue_templated_mail(
        "evaluation_invitation",
        to=person.email,
        recipient=person.user,
        about=invitation.event,
        context=_context(invitation, token),
        sensitive=True,
    )


def send_survey_reminder(invitation_id: int, token: str, *, day: int) -> None:
    """To a participant who has not answered, ``day`` days after the link."""
    invitation = _invitation(invitation_id)
    person = invitation.participant.person
    queue_templated_mail(
        "evaluation_reminder",
        to=person.email,
        recipient=person.user,
        about=invitation.event,
        context={**_context(invitation, token), "day": day},
        sensitive=True,
    )
