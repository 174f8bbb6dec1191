import datetime
from collections.abc import Iterable
from functools import partial

from celery import shared_task
from django.db.models import Count, Exists, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events import emails, services
from events.enums import ACTIVE_STATUSES, EventKind, RegistrationStatus
from events.models import Event, Participant, Registration
from events.selectors import answer_pending, places_unfilled_without_reason
from partnerships.enums import PROGRAMME_STATUSES, SUPPORTED_STATUSES
from partnerships.models import Partnership
from portal.enums import Role
from portal.reminders import CATCH_UP_DAYS, SCAN_CHUNK, Due, reminder, staff_recipients


@shared_task
def expire_seat_offers() -> int:
    """Expire offers of free seats not accepted in time and offer them to the next partnership
    on the waiting list. Scans the database, so a missed or doubled beat does no harm."""
    return services.offers_expire()


# --- reminders (portal.reminders claims what these scans yield and queues their e-mails) ----

REGISTRATION_NOTICE_DAYS = 7
EVENT_NOTICE_DAYS = 3
# A week before the event, those who have not answered through their own link are asked
# again: the organisers book rooms and meals from the answers.
ANSWER_NOTICE_DAYS = 7


def _days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


@reminder(
    kind="events.registration_closing",
    essential=True,
    roles=(Role.LEADER,),
    label=_("Registration for an event closes in 7 days and the partnership is not registered"),
    description=_(
        "To the library leader, while the partnership is registered for no event of that kind."
    ),
)
def registration_closing(now, partnership_id: int | None = None) -> Iterable[Due]:
    events = list(
        Event.objects.filter(
            registration_opens_at__lte=now,
            registration_closes_at__gt=now,
            registration_closes_at__lte=now + _days(REGISTRATION_NOTICE_DAYS),
        ).order_by("registration_closes_at", "pk")
    )
    if not events:
        return

    def registered_for(kind):
        return Exists(
            Registration.objects.filter(
                partnership=OuterRef("pk"), event__kind=kind, status__in=ACTIVE_STATUSES
            )
        )

    partnerships = Partnership.objects.filter(
        status__in=SUPPORTED_STATUSES, leader__isnull=False
    ).annotate(
        has_study_visit=registered_for(EventKind.STUDY_VISIT),
        has_seminar=registered_for(EventKind.SEMINAR),
    )
    if partnership_id is not None:
        partnerships = partnerships.filter(pk=partnership_id)
    # Every partnership in support may be due: read through a cursor, each against the few
    # events closing soon.
    partnerships = partnerships.select_related("leader").order_by("pk")
    for partnership in partnerships.iterator(chunk_size=SCAN_CHUNK):
        leader = partnership.leader
        if not (leader.is_active and leader.email):
            continue
        for event in events:
            # One study visit and the seminar per partnership: registered for another event
            # of the kind is enough.
            if partnership.has_study_visit if event.is_study_visit else partnership.has_seminar:
                continue
            yield Due(
                occasion=f"e{event.pk}-p{partnership.pk}",
                email=leader.email,
                user_id=leader.pk,
                send=partial(
                    emails.send_registration_closing,
                    event_id=event.pk,
                    partnership_id=partnership.pk,
                    user_id=leader.pk,
                ),
                summary=f"{event.title}: {partnership.name}",
            )


@reminder(
    kind="events.places_unfilled",
    essential=True,
    roles=(Role.LEADER,),
    label=_(
        "Registration for an event closes in 7 days and the partnership has registered fewer "
        "people than expected"
    ),
    description=_(
        "To the library leader, while the partnership has registered fewer than three people "
        "(study visit) or two (seminar) without saying why."
    ),
)
def places_unfilled(now, partnership_id: int | None = None) -> Iterable[Due]:
    """§2.2.3, §2.3.3: the places the programme expects, filled or explained before the
    deadline (no registration at all is ``registration_closing``)."""
    registrations = places_unfilled_without_reason().filter(
        event__registration_opens_at__lte=now,
        event__registration_closes_at__gt=now,
        event__registration_closes_at__lte=now + _days(REGISTRATION_NOTICE_DAYS),
        partnership__status__in=PROGRAMME_STATUSES,
        partnership__leader__isnull=False,
    )
    if partnership_id is not None:
        registrations = registrations.filter(partnership_id=partnership_id)
    registrations = registrations.select_related("event", "partnership__leader").order_by(
        "event__registration_closes_at", "event_id", "pk"
    )
    for registration in registrations.iterator(chunk_size=SCAN_CHUNK):
        leader = registration.partnership.leader
        if not (leader.is_active and leader.email):
            continue
        yield Due(
            # The registration and its count: adding one person but still short reminds again.
            occasion=f"r{registration.pk}-{registration.seats}",
            email=leader.email,
            user_id=leader.pk,
            send=partial(
                emails.send_places_unfilled, registration_id=registration.pk, user_id=leader.pk
            ),
            summary=f"{registration.event.title}: {registration.partnership.name}",
        )


@reminder(
    kind="events.event_soon",
    essential=True,
    roles=(Role.LEADER,),
    label=_("An event in 3 days"),
    description=_(
        "To each registered person: dates, place, what is provided and what they pay, with a "
        "calendar file."
    ),
)
def event_soon(now, partnership_id: int | None = None) -> Iterable[Due]:
    today = timezone.localdate(now)
    participants = Participant.objects.filter(
        removed_at__isnull=True,
        registration__status=RegistrationStatus.REGISTERED,
        event__starts_on__gte=today,
        event__starts_on__lte=today + _days(EVENT_NOTICE_DAYS),
        person__archived_at__isnull=True,
    ).select_related("event", "person", "registration__partnership")
    if partnership_id is not None:
        participants = participants.filter(registration__partnership_id=partnership_id)
    for participant in participants.order_by("event_id", "pk").iterator(chunk_size=SCAN_CHUNK):
        person, event = participant.person, participant.event
        if not person.email:
            continue
        yield Due(
            occasion=f"e{event.pk}-{event.starts_on:%Y%m%d}-person{person.pk}",
            email=person.email,
            user_id=person.user_id,
            send=partial(emails.send_event_soon, participant.pk),
            summary=f"{event.title}: {person}",
        )


@reminder(
    kind="events.answer_missing",
    essential=True,
    roles=(Role.LEADER,),
    label=_("An event in 7 days and a registered person has not confirmed"),
    description=_(
        "To each registered person who has not confirmed or declined through their own link, "
        "with the link."
    ),
)
def answer_missing(now, partnership_id: int | None = None) -> Iterable[Due]:
    participants = answer_pending(timezone.localdate(now), ANSWER_NOTICE_DAYS).select_related(
        "event", "person"
    )
    if partnership_id is not None:
        participants = participants.filter(registration__partnership_id=partnership_id)
    for participant in participants.order_by("event_id", "pk").iterator(chunk_size=SCAN_CHUNK):
        person, event = participant.person, participant.event
        if not person.email:
            continue
        yield Due(
            # Once per place and date: a moved event asks again.
            occasion=f"p{participant.pk}-{event.starts_on:%Y%m%d}",
            email=person.email,
            user_id=person.user_id,
            send=partial(emails.send_answer_missing, participant.pk),
            summary=f"{event.title}: {person}",
        )


@reminder(
    kind="events.attendance_unmarked",
    essential=False,
    roles=(Role.STAFF,),
    label=_("An event has ended and attendance is not marked"),
    description=_("To staff, the day after the event."),
)
def attendance_unmarked(now, partnership_id: int | None = None) -> Iterable[Due]:
    today = timezone.localdate(now)
    unmarked = Participant.objects.filter(
        event=OuterRef("pk"),
        removed_at__isnull=True,
        registration__status=RegistrationStatus.REGISTERED,
        attendance_marked_at__isnull=True,
    )
    events = list(
        Event.objects.filter(ends_on__lt=today, ends_on__gte=today - _days(CATCH_UP_DAYS))
        .annotate(
            unmarked=Subquery(
                unmarked.order_by().values("event").annotate(n=Count("pk")).values("n")
            )
        )
        .filter(unmarked__gt=0)
        .order_by("ends_on", "pk")
    )
    if not events:
        return
    staff = staff_recipients()
    for event in events:
        for user in staff:
            yield Due(
                occasion=f"e{event.pk}",
                email=user.email,
                user_id=user.pk,
                send=partial(
                    emails.send_attendance_unmarked,
                    event_id=event.pk,
                    user_id=user.pk,
                    unmarked=event.unmarked,
                ),
                summary=event.title,
            )
