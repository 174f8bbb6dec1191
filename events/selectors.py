"""Reads of the events app, and who may see what. Staff see every event and registration; a
leader sees the events whose registration is open and those their partnership registered for,
and only their own partnerships' registrations."""

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from events.enums import ACTIVE_STATUSES, SEAT_HOLDING_STATUSES, RegistrationStatus
from events.models import Event, Participant, Registration
from partnerships.models import Partnership
from portal.calendar import CalendarItem
from portal.roles import is_staff_member


def _led_partnerships(user) -> QuerySet[Partnership]:
    return (
        Partnership.objects.filter(leader=user)
        if user.is_authenticated
        else Partnership.objects.none()
    )


def with_seats(qs: QuerySet[Event]) -> QuerySet[Event]:
    """Annotate ``seats_taken`` (registered and offered people) and ``waiting_count``
    (registrations queuing)."""
    return qs.annotate(
        seats_taken=Coalesce(
            Sum(
                "registrations__seats",
                filter=Q(registrations__status__in=SEAT_HOLDING_STATUSES),
            ),
            0,
        ),
        waiting_count=Count(
            "registrations", filter=Q(registrations__status=RegistrationStatus.WAITING)
        ),
    )


def events_for_user(user, *, now=None) -> QuerySet[Event]:
    now = now or timezone.now()
    qs = Event.objects.all()
    if is_staff_member(user):
        return qs
    if not user.is_authenticated:
        return qs.none()
    own = Registration.objects.filter(
        event=OuterRef("pk"), partnership__leader=user, status__in=ACTIVE_STATUSES
    )
    return qs.filter(
        Q(registration_opens_at__lte=now, registration_closes_at__gt=now) | Q(Exists(own))
    )


def event_list(*, user, kind: str = "") -> QuerySet[Event]:
    qs = with_seats(events_for_user(user))
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-starts_on", "pk")


def event_get_for_user(user, pk) -> Event:
    try:
        return with_seats(events_for_user(user)).get(pk=pk)
    except (Event.DoesNotExist, ValueError):
        raise Http404 from None


def registrations_for_user(user) -> QuerySet[Registration]:
    qs = Registration.objects.all()
    if is_staff_member(user):
        return qs
    if not user.is_authenticated:
        return qs.none()
    return qs.filter(partnership__leader=user)


def _active_participants() -> Prefetch:
    return Prefetch(
        "participants",
        queryset=Participant.objects.filter(removed_at__isnull=True)
        .select_related("person__institution")
        .order_by("person__last_name", "person__first_name", "pk"),
        to_attr="active_participants",
    )


def registration_get_for_user(user, pk) -> Registration:
    """The registration if the user may see it, else 404."""
    try:
        return (
            registrations_for_user(user)
            .select_related(
                "event", "partnership__leader", "partnership__lead_library", "introduced_by"
            )
            .prefetch_related(_active_participants())
            .get(pk=pk)
        )
    except (Registration.DoesNotExist, ValueError):
        raise Http404 from None


def registrations_of_event(event: Event, *, statuses=ACTIVE_STATUSES) -> QuerySet[Registration]:
    return (
        Registration.objects.filter(event=event, status__in=statuses)
        .select_related("partnership__leader", "partnership__lead_library", "introduced_by")
        .prefetch_related(_active_participants())
        .order_by("status", "queued_at", "created_at", "pk")
    )


def waiting_list(event: Event) -> QuerySet[Registration]:
    return registrations_of_event(
        event, statuses=(RegistrationStatus.WAITING, RegistrationStatus.OFFERED)
    ).order_by("queued_at", "pk")


def own_registrations_for_event(user, event: Event) -> list[Registration]:
    """The active registrations of the partnerships ``user`` leads, for one event."""
    return list(
        Registration.objects.filter(
            event=event, partnership__leader=user, status__in=ACTIVE_STATUSES
        )
        .select_related("partnership")
        .prefetch_related(_active_participants())
    )


def partnerships_without_registration(user, event: Event) -> list[Partnership]:
    """Partnerships the user leads that have not registered for ``event`` yet."""
    registered = Registration.objects.filter(
        event=event, partnership=OuterRef("pk"), status__in=ACTIVE_STATUSES
    )
    return list(_led_partnerships(user).exclude(Exists(registered)).order_by("name"))


def registration_active_for(event: Event, partnership: Partnership) -> Registration | None:
    return Registration.objects.filter(
        event=event, partnership=partnership, status__in=ACTIVE_STATUSES
    ).first()


def events_to_register(user, partnership: Partnership) -> QuerySet[Event]:
    """Upcoming events the user may see and the partnership has not registered for: open ones
    for a leader, every upcoming one for staff (who register on a partnership's behalf)."""
    registered = Registration.objects.filter(
        event=OuterRef("pk"), partnership=partnership, status__in=ACTIVE_STATUSES
    )
    return (
        events_for_user(user)
        .filter(starts_on__gte=timezone.localdate())
        .exclude(Exists(registered))
        .order_by("starts_on", "pk")
    )


def registrations_of_partnership(partnership: Partnership) -> QuerySet[Registration]:
    return (
        partnership.event_registrations.select_related("event")
        .prefetch_related(_active_participants())
        .order_by("-event__starts_on", "-created_at", "pk")
    )


def participants_of(event: Event) -> QuerySet[Participant]:
    """Everyone holding a seat at the event (registered, not waiting), for staff lists."""
    return (
        Participant.objects.filter(
            event=event,
            removed_at__isnull=True,
            registration__status=RegistrationStatus.REGISTERED,
        )
        .select_related("person__institution", "registration__partnership", "attendance_marked_by")
        .order_by(
            "registration__partnership__name", "person__last_name", "person__first_name", "pk"
        )
    )


def message_recipients(event: Event) -> list:
    """Who a message from staff to the event's registered people reaches: everyone holding a
    seat, with an address, not archived (``portal.mail.Recipient``, about their
    partnership). One query."""
    from portal.mail import Recipient

    participants = (
        participants_of(event)
        .filter(person__archived_at__isnull=True)
        .exclude(person__email="")
        .select_related("person__user")
    )
    return [
        Recipient(p.person.email, p.person.user, p.registration.partnership) for p in participants
    ]


def participants_of_registration(registration: Registration) -> QuerySet[Participant]:
    return registration.participants.filter(removed_at__isnull=True).select_related(
        "person__institution"
    )


def partnerships_attended(kind: str) -> QuerySet[Partnership]:
    """Partnerships with at least one person marked as attending an event of ``kind``: the
    input of clip eligibility (§2.4.1)."""
    attended = Participant.objects.filter(
        registration__partnership=OuterRef("pk"),
        event__kind=kind,
        attended=True,
        removed_at__isnull=True,
        registration__status=RegistrationStatus.REGISTERED,
    )
    return Partnership.objects.filter(Exists(attended))


# --- calendar ------------------------------------------------------------------------------


def event_calendar_item(event: Event) -> CalendarItem:
    import datetime

    return CalendarItem(
        uid=f"event-{event.pk}",
        start=event.starts_on,
        # All-day items end on the day after the last one (RFC 5545).
        end=event.ends_on + datetime.timedelta(days=1),
        summary=f"{event.get_kind_display()}: {event.title}",
        description=event.programme,
        location=event.place,
        url=_absolute(reverse("events:event_detail", args=[event.pk])),
    )


def _absolute(path: str) -> str:
    from portal.mail import absolute_url

    return absolute_url(path)


def calendar_items_for_user(user) -> list[CalendarItem]:
    """Staff: every event. Others: events their partnership is registered for, or where they
    themselves are a registered participant."""
    if not user.is_authenticated:
        return []
    qs = Event.objects.all()
    if not is_staff_member(user):
        mine = Registration.objects.filter(
            event=OuterRef("pk"), status=RegistrationStatus.REGISTERED
        ).filter(
            Q(partnership__leader=user)
            | Q(participants__person__user=user, participants__removed_at__isnull=True)
        )
        qs = qs.filter(Exists(mine))
    return [event_calendar_item(event) for event in qs.order_by("starts_on", "pk")]
