"""Writes of the events app.

Every function that touches registrations is one transaction that first locks the event row
(``select_for_update``), so registrations, changes, withdrawals and offers of one event run one
after another: the seat count and the per-partnership limits read inside the lock stay true
until commit. The database adds what it can hold by itself: one active registration per
partnership and event, one active place per person and event. E-mails are queued in the outbox
in the same transaction and sent by the worker after commit (``portal.mail``).
Rule violations raise ``ValidationError`` with a message for the user and change nothing.
"""

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from events import emails
from events.enums import (
    ACTIVE_STATUSES,
    SEAT_HOLDING_STATUSES,
    EventKind,
    ParticipantAnswer,
    RegistrationStatus,
)
from events.models import DataRequest, Event, Participant, Registration, new_link_secret
from events.selectors import can_manage_link, library_institution_ids, participant_link_gone
from partnerships.enums import PROGRAMME_STATUSES
from partnerships.models import Partnership, Person, User
from partnerships.selectors import can_edit_partnership, is_leader_person
from portal import figures
from portal.roles import is_staff_member
from portal.services import CHANGED_MEANWHILE, claim_once, save_validated

EVENT_FIELDS = [
    "kind",
    "title",
    "programme",
    "place",
    "starts_on",
    "capacity",
    "registration_opens_at",
    "registration_closes_at",
    "host_name",
    "host_email",
    "host_phone",
    "host_organisation",
    "trainers",
    "provides_lodging",
    "provides_meals",
    "provides_transport",
    "provides_coffee_breaks",
    "provides_materials",
    "travel_at_own_cost",
]

# What the source promises (§2.2.4 and §2.3.4).
KIND_DEFAULTS = {
    EventKind.STUDY_VISIT: {
        "provides_lodging": True,
        "provides_meals": True,
        "provides_transport": True,
        "provides_coffee_breaks": False,
        "provides_materials": True,
        "travel_at_own_cost": False,
    },
    EventKind.SEMINAR: {
        "provides_lodging": True,
        "provides_meals": True,
        "provides_transport": False,
        "provides_coffee_breaks": True,
        "provides_materials": True,
        "travel_at_own_cost": True,
        "place": "Warszawa",
    },
}


def event_defaults(kind: str) -> dict:
    return dict(KIND_DEFAULTS.get(kind, {}))


# --- events --------------------------------------------------------------------------------


def event_create(*, actor: User, **fields) -> Event:
    """Staff create an event; the second day is always the day after the first."""
    _check_staff(actor)
    data = {**event_defaults(fields.get("kind", "")), **fields}
    event = Event(**{name: data[name] for name in EVENT_FIELDS if name in data})
    event.ends_on = event.starts_on + datetime.timedelta(days=1) if event.starts_on else None
    save_validated(event)
    return event


def event_change_check(*, event: Event, fields: dict) -> None:
    """The rules of changing an event saved as ``event``, beyond those of creating one: its
    kind stays once partnerships registered under it (their representatives were chosen by
    its rules, §2.2.3, §2.3.3), and its seats cannot drop below those taken. ``event_update``
    checks them under the event's lock; the admin's form calls this to show them in place."""
    kind = fields.get("kind", event.kind)
    if (
        kind != event.kind
        and Registration.objects.filter(event=event, status__in=ACTIVE_STATUSES).exists()
    ):
        raise ValidationError(
            {
                "kind": _(
                    "Partnerships have registered for this event under its current kind; the "
                    "kind can no longer change."
                )
            }
        )
    capacity = fields.get("capacity", event.capacity)
    taken = _seats_taken(event)
    if capacity is not None and capacity < taken:
        raise ValidationError(
            {
                "capacity": _(
                    "%(taken)d seats are already taken; withdraw registrations before lowering "
                    "the number of seats."
                )
                % {"taken": taken}
            }
        )


@transaction.atomic
def event_update(*, event: Event, actor: User, **fields) -> Event:
    """Staff change an event. Locks the event row, so registrations wait; refuses what
    ``event_change_check`` refuses; seats added are offered to the waiting list."""
    _check_staff(actor)
    event = Event.objects.select_for_update().get(pk=event.pk)
    event_change_check(event=event, fields=fields)
    for name in EVENT_FIELDS:
        if name in fields:
            setattr(event, name, fields[name])
    event.ends_on = event.starts_on + datetime.timedelta(days=1) if event.starts_on else None
    save_validated(event)
    _offer_free_seats(event)
    return event


# --- rules ---------------------------------------------------------------------------------


def _seats_taken(event: Event, *, exclude: Registration | None = None) -> int:
    qs = Registration.objects.filter(event=event, status__in=SEAT_HOLDING_STATUSES)
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return qs.aggregate(n=Sum("seats"))["n"] or 0


def _library_institution_ids(partnership: Partnership) -> set[int]:
    # Defined once in the selectors, which the registration form reads too.
    return library_institution_ids(partnership)


def _check_may_register(actor: User, partnership: Partnership) -> None:
    """The partnership's leader and staff register its people (§2.2.3, §2.3.3)."""
    if not can_edit_partnership(actor, partnership):
        raise PermissionDenied


def _check_staff(actor: User) -> None:
    if not is_staff_member(actor):
        raise PermissionDenied


def _check_window(event: Event, actor: User, *, now=None) -> None:
    """Leaders act while registration is open; staff at any time."""
    if is_staff_member(actor):
        return
    now = now or timezone.now()
    if now < event.registration_opens_at:
        raise ValidationError(_("Registration for this event has not opened yet."))
    if now >= event.registration_closes_at:
        raise ValidationError(
            _(
                "Registration for this event closed on %(date)s. Changes are now made only by "
                "the support centre: write to them."
            )
            % {"date": date_format(timezone.localtime(event.registration_closes_at), "j E Y, H:i")}
        )


def _clean_people(event: Event, partnership: Partnership, people: Iterable) -> list[Person]:
    """The chosen Persons, re-read from the partnership, after every composition rule."""
    ids = [p.pk if isinstance(p, Person) else int(p) for p in people]
    if not ids:
        raise ValidationError({"people": _("Choose at least one representative.")})
    if len(set(ids)) != len(ids):
        raise ValidationError({"people": _("The same person is chosen twice.")})
    found = {
        p.pk: p
        for p in Person.objects.filter(
            pk__in=ids, partnership=partnership, archived_at__isnull=True
        ).select_related("institution")
    }
    if len(found) != len(ids):
        raise ValidationError(
            {"people": _("Choose only people of your own partnership who are on its current list.")}
        )
    chosen = [found[i] for i in ids]
    limit = event.expected_people
    if len(chosen) > limit:
        raise ValidationError(
            {
                "people": ngettext(
                    "At most %(limit)d person per partnership can take part in this event.",
                    "At most %(limit)d people per partnership can take part in this event.",
                    limit,
                )
                % {"limit": limit}
            }
        )
    if event.kind == EventKind.STUDY_VISIT:
        libraries = _library_institution_ids(partnership)
        if not any(p.institution_id in libraries for p in chosen):
            raise ValidationError(
                {
                    "people": _(
                        "At least one representative of a library of the partnership takes "
                        "part in a study visit (§2.2.3)."
                    )
                }
            )
    elif not any(is_leader_person(p, partnership) for p in chosen):
        raise ValidationError(
            {
                "people": _(
                    "The library leader is one of the two representatives at the seminar "
                    "(§2.3.3). Choose the leader; if they are not marked as the leader on the "
                    "list, tick it on their person record."
                )
            }
        )
    return chosen


def _fewer_reason(
    event: Event, chosen: list[Person], *, fewer_confirmed: bool, fewer_reason: str
) -> str:
    """§2.2.3, §2.3.3: three representatives take part in a study visit, two in the seminar.
    Fewer only when the leader confirms it and says why; the reason is returned to be kept
    (empty for a full delegation)."""
    expected, count = event.expected_people, len(chosen)
    if count >= expected:
        return ""
    if not fewer_confirmed:
        if event.kind == EventKind.STUDY_VISIT:
            text = ngettext(
                "Three representatives of the partnership take part in a study visit "
                "(§2.2.3) and you chose %(count)d person. If only they will come, tick the "
                "confirmation and say why.",
                "Three representatives of the partnership take part in a study visit "
                "(§2.2.3) and you chose %(count)d people. If only they will come, tick the "
                "confirmation and say why.",
                count,
            )
        else:
            text = _(
                "Two representatives of the partnership take part in the seminar, one of them "
                "the library leader (§2.3.3), and you chose one person. If only they will come, "
                "tick the confirmation and say why."
            )
        raise ValidationError({"fewer_confirmed": text % {"count": count}})
    reason = (fewer_reason or "").strip()
    if not reason:
        raise ValidationError({"fewer_reason": _("Say why fewer representatives will take part.")})
    return reason


def _check_chosen_internally(chosen_internally: bool) -> None:
    if not chosen_internally:
        raise ValidationError(
            {
                "chosen_internally": _(
                    "Confirm that the partners chose their representatives together "
                    "(§2.2.3, §2.3.3)."
                )
            }
        )


def _lock_event(event: Event | int) -> Event:
    pk = event.pk if isinstance(event, Event) else event
    return Event.objects.select_for_update().get(pk=pk)


def _lock_registration(registration: Registration) -> tuple[Event, Registration]:
    """Lock the event first (always the same order: event, then registration)."""
    event = _lock_event(registration.event_id)
    registration = (
        Registration.objects.select_for_update(of=("self",))
        .select_related("partnership__leader")
        .get(pk=registration.pk)
    )
    return event, registration


def _set_people(registration: Registration, people: list[Person]) -> list[Person]:
    """Make ``people`` the registration's active participants; returns those newly added."""
    now = timezone.now()
    current = {p.person_id: p for p in registration.participants.filter(removed_at__isnull=True)}
    wanted = {p.pk for p in people}
    for person_id, participant in current.items():
        if person_id not in wanted:
            participant.removed_at = now
            participant.save(update_fields=["removed_at"])
    added = []
    for person in people:
        if person.pk not in current:
            Participant.objects.create(
                registration=registration, event_id=registration.event_id, person=person
            )
            added.append(person)
    registration.seats = len(people)
    return added


def _remove_people(registration: Registration, now) -> None:
    # Row by row, not queryset.update(), so each change keeps its history with the actor.
    for participant in registration.participants.filter(removed_at__isnull=True):
        participant.removed_at = now
        participant.save(update_fields=["removed_at"])


def _notify_people(registration: Registration, people: list[Person]) -> None:
    if people:
        emails.send_registration_confirmed(registration.pk, [p.pk for p in people])


# --- registrations -------------------------------------------------------------------------


@transaction.atomic
def registration_submit(
    *,
    event: Event,
    partnership: Partnership,
    people: Iterable,
    chosen_internally: bool,
    actor: User,
    join_waiting_list: bool = False,
    fewer_confirmed: bool = False,
    fewer_reason: str = "",
) -> Registration:
    """Register a partnership's representatives. They take seats when enough are free;
    otherwise, if ``join_waiting_list``, the registration queues, else nothing is saved.
    Fewer than the expected three (study visit) or two (seminar) need ``fewer_confirmed``
    and a ``fewer_reason``, which is kept. Locks the event; queues the confirmations in the
    outbox with the registration."""
    _check_may_register(actor, partnership)
    event = _lock_event(event)
    _check_window(event, actor)
    if partnership.status not in PROGRAMME_STATUSES:
        raise ValidationError(_("Only partnerships in the programme can register."))
    _check_chosen_internally(chosen_internally)
    chosen = _clean_people(event, partnership, people)
    reason = _fewer_reason(
        event, chosen, fewer_confirmed=fewer_confirmed, fewer_reason=fewer_reason
    )
    if Registration.objects.filter(
        event=event, partnership=partnership, status__in=ACTIVE_STATUSES
    ).exists():
        raise ValidationError(
            _(
                "Your partnership is already registered for this event; change that "
                "registration instead."
            )
        )
    # After every change the free seats are offered to those waiting who fit (see
    # ``_offer_free_seats``), so whoever waits now needs more seats than are free: a newcomer
    # who fits takes them without jumping anyone's place.
    free = event.capacity - _seats_taken(event)
    fits = len(chosen) <= free
    if not fits and not join_waiting_list:
        raise ValidationError(
            ngettext(
                "There is %(free)d free seat and you are registering %(count)d people. You may "
                "join the waiting list instead.",
                "There are %(free)d free seats and you are registering %(count)d people. You "
                "may join the waiting list instead.",
                max(free, 0),
            )
            % {"free": max(free, 0), "count": len(chosen)}
        )
    now = timezone.now()
    registration = Registration(
        event=event,
        partnership=partnership,
        chosen_internally=True,
        created_by=actor,
        status=RegistrationStatus.REGISTERED if fits else RegistrationStatus.WAITING,
        queued_at=None if fits else now,
        seats=len(chosen),
        fewer_reason=reason,
    )
    registration.full_clean(exclude=["seats"])
    try:
        with transaction.atomic():
            registration.save()
            _set_people(registration, chosen)
    except IntegrityError as exc:
        # Only a race the lock did not cover ends here (e.g. the person was registered in the
        # same instant through another event row): report it like any rule.
        raise ValidationError(CHANGED_MEANWHILE) from exc
    if fits:
        _notify_people(registration, chosen)
    return registration


@transaction.atomic
def registration_change(
    *,
    registration: Registration,
    people: Iterable,
    chosen_internally: bool,
    actor: User,
    fewer_confirmed: bool = False,
    fewer_reason: str = "",
) -> Registration:
    """Replace the representatives. More people need free seats (or, while waiting, just the
    limits); fewer free seats for the waiting list, and fewer than expected need the leader's
    confirmation and reason, as when registering. Only newly added people are e-mailed."""
    _check_may_register(actor, registration.partnership)
    event, registration = _lock_registration(registration)
    if not registration.is_active:
        raise ValidationError(_("This registration has been withdrawn and cannot be changed."))
    _check_window(event, actor)
    _check_chosen_internally(chosen_internally)
    chosen = _clean_people(event, registration.partnership, people)
    reason = _fewer_reason(
        event, chosen, fewer_confirmed=fewer_confirmed, fewer_reason=fewer_reason
    )
    if registration.status in SEAT_HOLDING_STATUSES:
        free = event.capacity - _seats_taken(event, exclude=registration)
        if len(chosen) > free:
            raise ValidationError(
                {
                    "people": ngettext(
                        "Only %(free)d seat is available to your partnership now.",
                        "Only %(free)d seats are available to your partnership now.",
                        max(free, 0),
                    )
                    % {"free": max(free, 0)}
                }
            )
    added = _set_people(registration, chosen)
    registration.chosen_internally = True
    registration.fewer_reason = reason
    registration.save(update_fields=["seats", "chosen_internally", "fewer_reason", "updated_at"])
    if registration.status == RegistrationStatus.REGISTERED:
        _notify_people(registration, added)
    _offer_free_seats(event)
    return registration


@transaction.atomic
def registration_withdraw(*, registration: Registration, actor: User) -> Registration:
    """Withdraw a registration (kept for the history); its seats go to the waiting list."""
    _check_may_register(actor, registration.partnership)
    event, registration = _lock_registration(registration)
    if not registration.is_active:
        raise ValidationError(_("This registration has already been withdrawn."))
    _check_window(event, actor)
    _release_seats(
        event,
        registration,
        list(registration.participants.filter(removed_at__isnull=True)),
        actor=actor,
    )
    return registration


def _release_seats(
    event: Event, registration: Registration, leaving: list[Participant], *, actor: User | None
) -> None:
    """The one way people give their seats back: ``leaving`` are taken off the registration;
    with nobody left it is withdrawn (by ``actor``; None for a person declining through their
    link); the seats freed are offered to the waiting list. Call with the event and the
    registration locked."""
    now = timezone.now()
    for participant in leaving:
        # Row by row, not queryset.update(), so each change keeps its history.
        participant.removed_at = now
        participant.save(update_fields=["removed_at"])
    remaining = registration.participants.filter(removed_at__isnull=True).count()
    if remaining:
        registration.seats = remaining
        registration.save(update_fields=["seats", "updated_at"])
    else:
        registration.status = RegistrationStatus.WITHDRAWN
        registration.withdrawn_at = now
        registration.withdrawn_by = actor
        registration.offer_expires_at = None
        registration.save()
    _offer_free_seats(event)


@transaction.atomic
def registration_accept_offer(*, registration: Registration, actor: User) -> Registration:
    """Take the offered seats before the offer expires; everyone registered is e-mailed."""
    _check_may_register(actor, registration.partnership)
    event, registration = _lock_registration(registration)
    if registration.status != RegistrationStatus.OFFERED:
        raise ValidationError(_("No seats are offered to this registration."))
    if registration.offer_expires_at <= timezone.now():
        raise ValidationError(_("The offer has expired; the seats went to the next partnership."))
    registration.status = RegistrationStatus.REGISTERED
    registration.offer_expires_at = None
    registration.queued_at = None
    registration.save()
    people = [
        p.person
        for p in registration.participants.filter(removed_at__isnull=True).select_related("person")
    ]
    _notify_people(registration, people)
    return registration


def _offer_free_seats(event: Event) -> list[Registration]:
    """Offer free seats to waiting registrations in queue order, each for
    ``EVENT_OFFER_HOURS``; one that needs more seats than are free keeps its place while a
    smaller one behind it may be offered. Call with the event locked."""
    free = event.capacity - _seats_taken(event)
    offered = []
    if free <= 0:
        return offered
    now = timezone.now()
    hours = settings.EVENT_OFFER_HOURS
    waiting = Registration.objects.filter(event=event, status=RegistrationStatus.WAITING).order_by(
        "queued_at", "pk"
    )
    for registration in waiting:
        if registration.seats > free:
            continue
        registration.status = RegistrationStatus.OFFERED
        registration.offered_at = now
        registration.offer_expires_at = now + datetime.timedelta(hours=hours)
        registration.save(update_fields=["status", "offered_at", "offer_expires_at", "updated_at"])
        free -= registration.seats
        offered.append(registration)
        emails.send_seat_offer(registration.pk)
        if free <= 0:
            break
    return offered


def offers_expire(*, now=None) -> int:
    """Expire offers not accepted in time and offer their seats to the next in the queue.

    Each event is handled in its own transaction under its lock; a second run (or a second
    worker) finds nothing left to do. Returns the number of offers expired."""
    now = now or timezone.now()
    event_ids = set(
        Registration.objects.filter(
            status=RegistrationStatus.OFFERED, offer_expires_at__lte=now
        ).values_list("event_id", flat=True)
    )
    expired = 0
    for event_id in sorted(event_ids):
        with transaction.atomic():
            event = _lock_event(event_id)
            stale = list(
                Registration.objects.select_for_update().filter(
                    event=event, status=RegistrationStatus.OFFERED, offer_expires_at__lte=now
                )
            )
            for registration in stale:
                _remove_people(registration, now)
                registration.status = RegistrationStatus.EXPIRED
                registration.save(update_fields=["status", "updated_at"])
                expired += 1
            _offer_free_seats(event)
    return expired


# --- introduction and attendance -----------------------------------------------------------


def registration_introduce(*, registration: Registration, actor: User) -> Registration:
    """Put the partnership's leader and the study visit's host in touch (§2.2.5): both get an
    e-mail with the other's contacts. Happens once: the row is claimed atomically, so a double
    click or two staff members never send it twice."""
    _check_staff(actor)
    event = registration.event
    if event.kind != EventKind.STUDY_VISIT:
        raise ValidationError(_("Only the leader and the host of a study visit are introduced."))
    if registration.status != RegistrationStatus.REGISTERED:
        raise ValidationError(_("Only a registered partnership is introduced to the host."))
    if not event.host_email:
        raise ValidationError(_("Add the host's e-mail address to the event first."))
    leader = registration.partnership.leader
    if leader is None or not leader.email:
        raise ValidationError(_("The partnership has no leader with an e-mail address."))
    now = claim_once(
        Registration,
        registration.pk,
        stamp="introduced_at",
        actor_field="introduced_by",
        actor=actor,
        already=_("The leader and the host have already been introduced."),
        send=emails.send_introduction,
    )
    registration.introduced_at = now
    registration.introduced_by = actor
    return registration


@transaction.atomic
def attendance_mark(*, event: Event, actor: User, marks: dict[int, tuple[bool, bool]]) -> int:
    """Record, per participant id, whether they attended and received the materials
    (§2.5.3–4). Only after the first day. Returns the number of rows changed."""
    _check_staff(actor)
    event = _lock_event(event)
    if timezone.localdate() < event.starts_on:
        raise ValidationError(_("Attendance is marked once the event has started."))
    now = timezone.now()
    changed = 0
    participants = Participant.objects.filter(
        event=event,
        removed_at__isnull=True,
        registration__status=RegistrationStatus.REGISTERED,
        pk__in=list(marks),
    )
    for participant in participants:
        attended, materials = marks[participant.pk]
        if participant.attended == attended and participant.materials_received == materials:
            continue
        participant.attended = attended
        participant.materials_received = materials
        participant.attendance_marked_at = now
        participant.attendance_marked_by = actor
        participant.save(
            update_fields=[
                "attended",
                "materials_received",
                "attendance_marked_at",
                "attendance_marked_by",
            ]
        )
        changed += 1
    return changed


# --- each person's own link ------------------------------------------------------------------

# A person may have this many requests about their data waiting for staff; more would only
# flood staff's mailboxes.
OPEN_DATA_REQUESTS = 5
DATA_REQUEST_MAX_LENGTH = 4000


def _lock_participant(participant: Participant) -> tuple[Event, Registration, Participant]:
    """Lock in the services' one order: event, registration, then the person's row."""
    event, registration = _lock_registration(participant.registration)
    participant = (
        Participant.objects.select_for_update(of=("self",))
        .select_related("event", "person")
        .get(pk=participant.pk)
    )
    return event, registration, participant


def _check_may_answer(event: Event, registration: Registration, participant: Participant) -> None:
    if participant_link_gone(participant):
        raise ValidationError(_("This link no longer works."))
    if participant.answer == ParticipantAnswer.DECLINED:
        raise ValidationError(
            _("You have declined and your seat has gone to someone else; the answer is final.")
        )
    if timezone.localdate() >= event.starts_on:
        raise ValidationError(
            _(
                "The event has started, so the answer can no longer be changed here. Write to "
                "the support centre."
            )
        )
    if registration.status != RegistrationStatus.REGISTERED:
        raise ValidationError(
            _(
                "Your partnership's registration does not hold seats yet (it is on the waiting "
                "list). You can answer once the seats are yours."
            )
        )


def _clean_nights(event: Event, nights: Iterable) -> list[str]:
    """The nights asked for, each one the event provides lodging for (§2.2.4, §2.3.4)."""
    allowed = {night.isoformat() for night in event.lodging_nights()}
    chosen = []
    for value in nights:
        text = value.isoformat() if isinstance(value, datetime.date) else str(value)
        if text not in allowed:
            if not allowed:
                message = _("The event provides no lodging, so no night can be chosen.")
            else:
                message = _(
                    "Choose only the nights the event provides lodging for: %(nights)s."
                ) % {
                    "nights": ", ".join(
                        date_format(night, "j E Y") for night in event.lodging_nights()
                    )
                }
            raise ValidationError({"nights": message})
        if text not in chosen:
            chosen.append(text)
    return sorted(chosen)


@transaction.atomic
def participant_confirm(
    *,
    participant: Participant,
    diet: str,
    diet_notes: str = "",
    accessibility_needs: str = "",
    nights: Iterable = (),
    departure_place: str = "",
    day_phone: str = "",
    clause_acknowledged: bool,
    actor: User | None = None,
) -> Participant:
    """The person, through their own link (``actor`` None), confirms they come and says
    what they need; called again, it changes the needs. Refused once the event has started,
    after a decline, for nights the event does not provide and without the information
    clause acknowledged. Locks the event, the registration and the person's row."""
    event, registration, participant = _lock_participant(participant)
    _check_may_answer(event, registration, participant)
    if not clause_acknowledged:
        raise ValidationError(
            {"clause_acknowledged": _("Confirm that you have read the information clause.")}
        )
    now = timezone.now()
    participant.nights = _clean_nights(event, nights)
    participant.answer = ParticipantAnswer.CONFIRMED
    participant.answered_at = now
    participant.diet = diet
    participant.diet_notes = diet_notes.strip()
    participant.accessibility_needs = accessibility_needs.strip()
    participant.departure_place = departure_place.strip()
    participant.day_phone = day_phone.strip()
    if participant.clause_acknowledged_at is None:
        participant.clause_acknowledged_at = now
    save_validated(participant, validate_constraints=False)
    return participant


@transaction.atomic
def participant_decline(*, participant: Participant, actor: User | None = None) -> Participant:
    """The person, through their own link (``actor`` None), says they will not come: they
    are taken off the registration and their seat goes to the waiting list exactly as when
    the leader withdraws people (``_release_seats``); the leader is told by e-mail. Refused
    once the event has started. Locks the event, the registration and the person's row;
    queues the e-mails (the leader's, and any seat offer) in the same transaction."""
    event, registration, participant = _lock_participant(participant)
    _check_may_answer(event, registration, participant)
    participant.answer = ParticipantAnswer.DECLINED
    participant.answered_at = timezone.now()
    participant.save(update_fields=["answer", "answered_at"])
    _release_seats(event, registration, [participant], actor=actor)
    emails.send_participant_declined(participant.pk)
    return participant


@transaction.atomic
def participant_link_revoke(*, participant: Participant, actor: User) -> Participant:
    """Stop the person's link (a forwarded e-mail, a wrong address); staff or the leader.
    ``participant_link_renew`` gives a new one."""
    if not can_manage_link(actor, participant):
        raise PermissionDenied
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    if participant.link_revoked_at is not None:
        raise ValidationError(_("This person's link has already been revoked."))
    participant.link_revoked_at = timezone.now()
    participant.link_revoked_by = actor
    participant.save(update_fields=["link_revoked_at", "link_revoked_by"])
    return participant


@transaction.atomic
def participant_link_renew(*, participant: Participant, actor: User) -> Participant:
    """Give the person a new link (every earlier one stops working) and e-mail it to them;
    staff or the leader, while the person is registered and the event has not ended."""
    if not can_manage_link(actor, participant):
        raise PermissionDenied
    participant = (
        Participant.objects.select_for_update(of=("self",))
        .select_related("event", "person")
        .get(pk=participant.pk)
    )
    if participant.removed_at is not None:
        raise ValidationError(_("This person is no longer registered; there is no link to send."))
    if timezone.localdate() > participant.event.ends_on:
        raise ValidationError(_("The event has ended; links are no longer sent."))
    if not participant.person.email:
        raise ValidationError(_("This person has no e-mail address to send the link to."))
    participant.link_secret = new_link_secret()
    participant.link_revoked_at = None
    participant.link_revoked_by = None
    participant.save(update_fields=["link_secret", "link_revoked_at", "link_revoked_by"])
    emails.send_participant_link(participant.pk)
    return participant


@transaction.atomic
def data_request_submit(
    *, participant: Participant, text: str, actor: User | None = None
) -> DataRequest:
    """The person asks, through their own link, for their data to be corrected or removed
    (GDPR arts. 16-17); every staff member gets an e-mail and the request waits on staff's
    list. At most ``OPEN_DATA_REQUESTS`` unhandled per person. Locks the person's row."""
    participant = (
        Participant.objects.select_for_update(of=("self",))
        .select_related("event", "person")
        .get(pk=participant.pk)
    )
    if participant_link_gone(participant):
        raise ValidationError(_("This link no longer works."))
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write what should be changed.")})
    if len(text) > DATA_REQUEST_MAX_LENGTH:
        raise ValidationError(
            {"text": _("Write at most %(count)d characters.") % {"count": DATA_REQUEST_MAX_LENGTH}}
        )
    waiting = DataRequest.objects.filter(person=participant.person, handled_at__isnull=True).count()
    if waiting >= OPEN_DATA_REQUESTS:
        raise ValidationError(
            _(
                "The support centre has not yet handled your earlier requests; wait for their "
                "answer before sending another."
            )
        )
    data_request = DataRequest(participant=participant, person=participant.person, text=text)
    save_validated(data_request)
    emails.send_data_request(data_request.pk)
    return data_request


def data_request_close(*, data_request: DataRequest, actor: User) -> DataRequest:
    """Staff mark a request as handled (after answering the person); once, whoever clicks."""
    _check_staff(actor)
    now = claim_once(
        DataRequest,
        data_request.pk,
        stamp="handled_at",
        actor_field="handled_by",
        actor=actor,
        already=_("This request has already been marked as handled."),
        send=_no_message,
    )
    data_request.handled_at = now
    data_request.handled_by = actor
    return data_request


def _no_message(pk: int) -> None:
    """Closing a request sends nothing: staff answer the person themselves."""


# What a person told through their own link: erased with the person (GDPR art. 17), health
# data (diet, accessibility needs) included; whether they answered and attended stays.
ERASED_ANSWERS = {
    "diet": "",
    "diet_notes": "",
    "accessibility_needs": "",
    "nights": [],
    "departure_place": "",
    "day_phone": "",
}


def participant_answers_erase(*, person: Person, actor: User) -> int:
    """Erase what ``person`` wrote through their links, in their places and in every
    history row of them, empty their requests about their data, and stop their links
    (called by the person's anonymisation, ``reports.services.person_anonymise``, in its
    transaction). Returns the number of places scrubbed."""
    _check_staff(actor)
    now = timezone.now()
    places = Participant.objects.filter(person=person)
    scrubbed = places.update(**ERASED_ANSWERS)
    places.filter(link_revoked_at__isnull=True).update(link_revoked_at=now, link_revoked_by=actor)
    Participant.history.filter(person_id=person.pk).update(**ERASED_ANSWERS)
    DataRequest.objects.filter(person=person).update(text="")
    DataRequest.history.filter(person_id=person.pk).update(text="")
    figures.changed()  # updates send no signal
    return scrubbed
