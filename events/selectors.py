"""Reads of the events app, and who may see what. Staff see every event and registration; a
leader sees the events whose registration is open and those their partnership registered for,
and only their own partnerships' registrations."""

import datetime

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy

from events.enums import (
    ACTIVE_STATUSES,
    EXPECTED_PEOPLE,
    SEAT_HOLDING_STATUSES,
    EventKind,
    RegistrationStatus,
)
from events.models import Event, Participant, Registration
from partnerships.enums import PROGRAMME_STATUSES, InstitutionKind
from partnerships.models import Partner, Partnership
from portal.calendar import CalendarItem, Revision, revisions, titled
from portal.hooks import PathStep, Todo
from portal.mail import Recipient, absolute_url
from portal.roles import is_staff_member
from portal.spreadsheets import Sheet


def _led_partnerships(user) -> QuerySet[Partnership]:
    return (
        Partnership.objects.filter(leader=user)
        if user.is_authenticated
        else Partnership.objects.none()
    )


def library_institution_ids(partnership: Partnership) -> set[int]:
    """The institutions of the partnership's active library partners: a person who works in
    one is a library representative (§2.2.3). One query."""
    return set(
        Partner.objects.filter(
            partnership=partnership,
            left_on__isnull=True,
            institution__kind=InstitutionKind.LIBRARY,
        ).values_list("institution_id", flat=True)
    )


def _per_event(registrations: QuerySet[Registration], total) -> Coalesce:
    """``total`` over ``registrations`` of the outer event (0 without any): a subquery
    through the ``(event, status)`` index, computed for the events of a page only."""
    rows = registrations.filter(event=OuterRef("pk")).order_by().values("event")
    return Coalesce(
        Subquery(rows.annotate(total=total).values("total"), output_field=IntegerField()), 0
    )


def with_seats(qs: QuerySet[Event]) -> QuerySet[Event]:
    """Annotate ``seats_taken`` (registered and offered people) and ``waiting_count``
    (registrations queuing)."""
    return qs.annotate(
        seats_taken=_per_event(
            Registration.objects.filter(status__in=SEAT_HOLDING_STATUSES), Sum("seats")
        ),
        waiting_count=_per_event(
            Registration.objects.filter(status=RegistrationStatus.WAITING), Count("pk")
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
    """Events the user sees; for a leader each carries ``own_registrations``, the active
    registrations of the partnerships they lead (one query for the page)."""
    qs = with_seats(events_for_user(user))
    if kind:
        qs = qs.filter(kind=kind)
    if not is_staff_member(user):
        qs = qs.prefetch_related(
            Prefetch(
                "registrations",
                queryset=Registration.objects.filter(
                    partnership__leader=user, status__in=ACTIVE_STATUSES
                ).order_by("pk"),
                to_attr="own_registrations",
            )
        )
    return qs.order_by("-starts_on", "pk")


def led_partnerships(user) -> list[Partnership]:
    """The partnerships in the programme the user leads (staff register from a partnership's
    page instead)."""
    if is_staff_member(user):
        return []
    return list(
        _led_partnerships(user).filter(status__in=PROGRAMME_STATUSES).order_by("name", "pk")
    )


def partnership_states(event: Event, partnerships: list[Partnership]) -> list[tuple]:
    """For an event of ``event_list``: each partnership with its active registration or
    None (not registered yet). No query."""
    own = {r.partnership_id: r for r in getattr(event, "own_registrations", [])}
    return [(p, own.get(p.pk)) for p in partnerships]


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


def expected_people(kind_field: str = "event__kind") -> Case:
    """``EXPECTED_PEOPLE`` in SQL: three for a study visit (§2.2.3), two for the seminar
    (§2.3.3), read from the event kind at ``kind_field``."""
    return Case(
        *(When(**{kind_field: kind}, then=Value(n)) for kind, n in EXPECTED_PEOPLE.items()),
        output_field=IntegerField(),
    )


def delegation_gaps(event: Event) -> dict:
    """The registrations holding seats with fewer people than the programme expects, each
    with ``expected_people``, ``empty_places`` and the leader's ``fewer_reason``, and the
    total of ``empty_places``: what staff booking rooms need to know. One query."""
    registrations = list(
        Registration.objects.filter(event=event, status__in=SEAT_HOLDING_STATUSES)
        .annotate(expected_people=expected_people())
        .filter(seats__lt=F("expected_people"))
        .annotate(empty_places=F("expected_people") - F("seats"))
        .select_related("partnership")
        .order_by("partnership__name", "pk")
    )
    return {
        "registrations": registrations,
        "empty_places": sum(r.empty_places for r in registrations),
    }


def places_unfilled_without_reason() -> QuerySet[Registration]:
    """§2.2.3 "trzech przedstawicieli", §2.3.3 "dwóch przedstawicieli": registrations still in
    play (registered, waiting or offered) with fewer people than the programme expects and no
    reason from the leader (a registration made before the rule, say). Fewer with a reason is
    the leader's decision and is left alone. Each row carries ``expected_people``."""
    return (
        Registration.objects.filter(status__in=ACTIVE_STATUSES, fewer_reason="")
        .annotate(expected_people=expected_people())
        .filter(seats__lt=F("expected_people"))
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
    participants = (
        participants_of(event)
        .filter(person__archived_at__isnull=True)
        .exclude(person__email="")
        .select_related("person__user")
    )
    return [
        Recipient(p.person.email, p.person.user, p.registration.partnership) for p in participants
    ]


def participant_sheet(event: Event) -> Sheet:
    """The participant list of ``event`` as a worksheet (staff's XLSX download), with the
    columns the sign-in sheet has and attendance once it is marked. One query."""
    yes, no = _("yes"), _("no")

    def rows():
        for participant in participants_of(event).iterator(chunk_size=2000):
            person = participant.person
            yield (
                participant.registration.partnership.name,
                person.first_name,
                person.last_name,
                person.institution.name,
                yes if person.institution.kind == InstitutionKind.LIBRARY else no,
                person.email,
                person.phone,
                "" if participant.attended is None else (yes if participant.attended else no),
                yes if participant.materials_received else no,
            )

    header = [
        _("Partnership"),
        _("First name"),
        _("Last name"),
        _("Institution"),
        _("Library"),
        _("E-mail"),
        _("Phone"),
        _("Attended"),
        _("Materials handed out"),
    ]
    return Sheet(_("Participants"), header, rows(), widths=(32, 16, 20, 36, 10, 30, 16, 12, 14))


def participants_of_registration(registration: Registration) -> QuerySet[Participant]:
    return registration.participants.filter(removed_at__isnull=True).select_related(
        "person__institution"
    )


def attendance_of_partnership(partnership: Partnership) -> QuerySet[Participant]:
    """The partnership's registered representatives at every event, with whether each
    attended (``None`` until staff mark it), earliest event first: evidence for the clip
    committee (§2.4.1). One query."""
    return (
        Participant.objects.filter(
            registration__partnership=partnership,
            registration__status=RegistrationStatus.REGISTERED,
            removed_at__isnull=True,
        )
        .select_related("event", "person")
        .order_by("event__starts_on", "event_id", "person__last_name", "person__first_name", "pk")
    )


def attendances(kind: str) -> QuerySet[Participant]:
    """The people marked as attending an event of ``kind`` (on a registration that holds its
    seats, not taken off it); ``.filter(registration__partnership=OuterRef("pk"))`` makes it
    a probe per partnership through the registrations' index."""
    return Participant.objects.filter(
        event__kind=kind,
        attended=True,
        removed_at__isnull=True,
        registration__status=RegistrationStatus.REGISTERED,
    )


def partnerships_attended(kind: str) -> QuerySet[Partnership]:
    """Partnerships with at least one person marked as attending an event of ``kind``: the
    input of clip eligibility (§2.4.1)."""
    attended = attendances(kind).filter(registration__partnership=OuterRef("pk"))
    return Partnership.objects.filter(Exists(attended))


# --- the path through the programme (``portal.hooks.register_path_source``) -----------------

PATH_STEPS = (
    (90, EventKind.STUDY_VISIT, pgettext_lazy("programme path", "study visit")),
    (100, EventKind.SEMINAR, pgettext_lazy("programme path", "seminar")),
)


def path_steps(partnerships, today: datetime.date | None = None) -> dict[int, list[PathStep]]:
    """The study visit (§2.2) and the seminar (§2.3) on each partnership's path: done when
    someone of it is marked as attending (``attendances``, the rule clip eligibility uses),
    on the event's first day; until then the first day of an event it is registered for.
    One query for any number of partnerships."""
    today = today or timezone.localdate()
    annotations = {}
    for _order, kind, _label in PATH_STEPS:
        annotations[f"{kind}_on"] = Subquery(
            attendances(kind)
            .filter(registration__partnership=OuterRef("pk"))
            .order_by("event__starts_on")
            .values("event__starts_on")[:1]
        )
        annotations[f"{kind}_planned_on"] = Subquery(
            Registration.objects.filter(
                partnership=OuterRef("pk"),
                status=RegistrationStatus.REGISTERED,
                event__kind=kind,
                event__ends_on__gte=today,
            )
            .order_by("event__starts_on")
            .values("event__starts_on")[:1]
        )
    rows = (
        Partnership.objects.filter(pk__in=[p.pk for p in partnerships])
        .annotate(**annotations)
        .values("pk", *annotations)
    )
    return {
        row["pk"]: [
            PathStep(
                order=order,
                code=kind,
                label=label,
                done=row[f"{kind}_on"] is not None,
                done_on=row[f"{kind}_on"],
                planned_on=None if row[f"{kind}_on"] else row[f"{kind}_planned_on"],
            )
            for order, kind, label in PATH_STEPS
        ]
        for row in rows
    }


# --- calendar ------------------------------------------------------------------------------


EVENT_DATES = ("starts_on", "ends_on")


def event_calendar_item(event: Event, revision: Revision | None = None) -> CalendarItem:
    """The event as a calendar item; ``revision`` (from ``portal.calendar.revisions``) is
    read here when not given (one query)."""
    if revision is None:
        revision = revisions(Event, [event.pk], EVENT_DATES).get(event.pk)
    return CalendarItem(
        uid=f"event-{event.pk}",
        start=event.starts_on,
        # All-day items end on the day after the last one (RFC 5545).
        end=event.ends_on + datetime.timedelta(days=1),
        summary=titled(event.get_kind_display(), event.title),
        changed=max(filter(None, (event.updated_at, revision and revision.changed))),
        sequence=revision.sequence if revision else 0,
        description=event.programme,
        location=event.place,
        url=_absolute(reverse("events:event_detail", args=[event.pk])),
    )


def _absolute(path: str) -> str:

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
    events = list(qs.order_by("starts_on", "pk"))
    found = revisions(Event, [event.pk for event in events], EVENT_DATES)
    return [event_calendar_item(event, found.get(event.pk)) for event in events]


# --- the leader's start page -----------------------------------------------------------------


def leader_todos(user, partnership: Partnership) -> list:
    """What is open for the partnership's leader (``portal.hooks``): events whose registration
    is open and the partnership has not registered for, with the deadline, and seats offered
    to it, with the offer's end. Two queries."""
    now = timezone.now()
    registered = Registration.objects.filter(
        event=OuterRef("pk"), partnership=partnership, status__in=ACTIVE_STATUSES
    )
    todos = [
        Todo(
            text=_("Registration for %(kind)s “%(title)s” (%(dates)s) is open.")
            % {
                "kind": event.get_kind_display(),
                "title": event.title,
                "dates": _dates(event),
            },
            url=reverse("events:registration_create", args=[event.pk, partnership.pk]),
            action=pgettext("register for an event", "Register"),
            due=event.registration_closes_at,
        )
        for event in Event.objects.filter(
            registration_opens_at__lte=now, registration_closes_at__gt=now
        )
        .exclude(Exists(registered))
        .order_by("registration_closes_at", "pk")
    ]
    offered = Registration.objects.filter(
        partnership=partnership, status=RegistrationStatus.OFFERED, offer_expires_at__gt=now
    ).select_related("event")
    todos += [
        Todo(
            text=_("Seats at “%(title)s” are offered to your partnership.")
            % {"title": registration.event.title},
            url=reverse("events:registration_detail", args=[registration.pk]),
            action=_("Accept the seats"),
            due=registration.offer_expires_at,
        )
        for registration in offered.order_by("offer_expires_at", "pk")
    ]
    return todos


def _dates(event: Event) -> str:
    return f"{date_format(event.starts_on, 'j E')} – {date_format(event.ends_on, 'j E Y')}"
