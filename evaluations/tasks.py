"""The evaluation's reminders (``portal.reminders`` claims what these scans yield, once per
key, and queues their e-mails): the link the day after an event, then a reminder 3 and 7 days
later to those who have not answered. Each scan reads only events whose survey is open, in a
constant number of queries."""

import datetime
from collections.abc import Iterable
from functools import partial

from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from evaluations import selectors, services
from evaluations.enums import OPEN_FOR, OPENS_AFTER_END, REMINDER_DAYS
from evaluations.models import AnswerMark, Invitation
from events.enums import RegistrationStatus
from events.models import Participant
from portal.enums import Role
from portal.reminders import SCAN_CHUNK, Due, reminder


def _open_window(today: datetime.date) -> dict:
    """Events whose survey is open today: ended at least ``OPENS_AFTER_END`` ago and less
    than ``OPENS_AFTER_END + OPEN_FOR`` ago."""
    return {
        "ends_on__lte": today - OPENS_AFTER_END,
        "ends_on__gt": today - OPENS_AFTER_END - OPEN_FOR,
    }


@reminder(
    kind="evaluations.invitation",
    essential=True,
    roles=(Role.LEADER,),
    label=_("Evaluation of an event: the link to the survey"),
    description=_(
        "To each person marked present, the day after the event: a personal link to a short "
        "anonymous survey."
    ),
)
def survey_invitation(now, partnership_id: int | None = None) -> Iterable[Due]:
    today = timezone.localdate(now)
    window = {f"event__{key}": value for key, value in _open_window(today).items()}
    participants = (
        Participant.objects.filter(
            attended=True,
            removed_at__isnull=True,
            registration__status=RegistrationStatus.REGISTERED,
            person__archived_at__isnull=True,
            **window,
        )
        .exclude(person__email="")
        .filter(~Exists(Invitation.objects.filter(participant=OuterRef("pk"))))
        .select_related("event", "person")
    )
    if partnership_id is not None:
        participants = participants.filter(registration__partnership_id=partnership_id)
    for participant in participants.order_by("event_id", "pk").iterator(chunk_size=SCAN_CHUNK):
        person, event = participant.person, participant.event
        yield Due(
            occasion=f"e{event.pk}-participant{participant.pk}",
            email=person.email,
            user_id=person.user_id,
            send=partial(services.invitation_send, participant_id=participant.pk),
            summary=f"{event.title}: {person}",
        )


@reminder(
    kind="evaluations.reminder",
    essential=False,
    roles=(Role.LEADER,),
    label=_("Evaluation of an event: a reminder to answer the survey"),
    description=_(
        "To a participant who has not answered, 3 and 7 days after the link; the survey "
        "closes 14 days after it."
    ),
)
def survey_reminder(now, partnership_id: int | None = None) -> Iterable[Due]:
    today = timezone.localdate(now)
    window = {f"event__{key}": value for key, value in _open_window(today).items()}
    # The first reminder day reached: the event's survey opened at least that many days ago.
    first_day = min(REMINDER_DAYS)
    invitations = (
        Invitation.objects.filter(**window)
        .filter(event__ends_on__lte=today - OPENS_AFTER_END - datetime.timedelta(days=first_day))
        .filter(~Exists(AnswerMark.objects.filter(invitation=OuterRef("pk"))))
        .exclude(participant__person__email="")
        .select_related("event", "participant__person")
    )
    if partnership_id is not None:
        invitations = invitations.filter(participant__registration__partnership_id=partnership_id)
    for invitation in invitations.order_by("event_id", "pk").iterator(chunk_size=SCAN_CHUNK):
        event, person = invitation.event, invitation.participant.person
        since = (today - selectors.opens_on(event)).days
        # The latest reminder day reached, and only once the invitation itself is two days
        # old (a person marked present late is not reminded the day they are invited).
        days = [d for d in REMINDER_DAYS if d <= since]
        invited_on = timezone.localdate(invitation.created_at)
        if not days or (today - invited_on).days < 2:
            continue
        day = days[-1]
        yield Due(
            occasion=f"e{event.pk}-invitation{invitation.pk}-day{day}",
            email=person.email,
            user_id=person.user_id,
            send=partial(services.invitation_remind, invitation_id=invitation.pk, day=day),
            summary=f"{event.title}: {person} ({day})",
        )
