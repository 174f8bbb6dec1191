"""One function per e-mail of the events app. Each takes ids and re-reads the rows, so it can
run after commit (or in a worker) and see what was committed."""

from django.urls import reverse

from events.models import Registration
from events.selectors import event_calendar_item, participants_of_registration
from portal.calendar import to_ical
from portal.mail import absolute_url, send_templated_mail


def _registration(pk: int) -> Registration:
    return Registration.objects.select_related(
        "event", "partnership__leader", "partnership__lead_library"
    ).get(pk=pk)


def _ics(registration: Registration) -> tuple[str, bytes, str]:
    event = registration.event
    body = to_ical([event_calendar_item(event)], name=event.title)
    return (f"wydarzenie-{event.pk}.ics", body, "text/calendar")


def send_registration_confirmed(registration_pk: int, person_ids: list[int]) -> None:
    """To each newly registered person: dates, place, what is provided and what they pay.

    Sent after commit with ``robust=True``: a mail server that fails is logged and does not
    turn a saved registration into an error page."""
    registration = _registration(registration_pk)
    people = [
        p.person
        for p in participants_of_registration(registration)
        if p.person_id in set(person_ids)
    ]
    for person in people:
        send_templated_mail(
            "event_registration_confirmed",
            to=[person.email],
            context={
                "person": person,
                "registration": registration,
                "event": registration.event,
                "provided": registration.event.provided_labels(),
            },
            attachments=[_ics(registration)],
        )


def send_seat_offer(registration_pk: int) -> None:
    """To the leader of a waiting partnership: seats are free until the offer expires."""
    registration = _registration(registration_pk)
    leader = registration.partnership.leader
    if leader is None or not leader.email:
        return
    send_templated_mail(
        "event_seat_offer",
        to=[leader.email],
        context={
            "leader": leader,
            "registration": registration,
            "event": registration.event,
            "url": absolute_url(reverse("events:registration_detail", args=[registration.pk])),
        },
    )


def send_introduction(registration_pk: int) -> None:
    """§2.2.5: the leader gets the host's contacts and the host gets the leader's."""
    registration = _registration(registration_pk)
    event = registration.event
    partnership = registration.partnership
    leader = partnership.leader
    context = {"event": event, "partnership": partnership, "leader": leader}
    send_templated_mail("event_introduction_leader", to=[leader.email], context=context)
    send_templated_mail("event_introduction_host", to=[event.host_email], context=context)


# --- reminders (sent by the scans in events/tasks.py, rows already loaded) ------------------


def _event_ics(event) -> tuple[str, bytes, str]:
    body = to_ical([event_calendar_item(event)], name=event.title)
    return (f"wydarzenie-{event.pk}.ics", body, "text/calendar")


def send_registration_closing(*, event, partnership, user) -> None:
    """To the leader: registration closes within a week and the partnership is not
    registered; the link opens the registration form."""
    send_templated_mail(
        "reminder_registration_closing",
        to=[user.email],
        context={
            "user": user,
            "event": event,
            "partnership": partnership,
            "url": absolute_url(
                reverse("events:registration_create", args=[event.pk, partnership.pk])
            ),
        },
        attachments=[_event_ics(event)],
    )


def send_places_unfilled(*, registration, user) -> None:
    """To the leader: registration closes within a week and the partnership registered fewer
    people than expected without saying why (§2.2.3, §2.3.3); the link opens the change
    form, where they add people or confirm fewer with the reason."""
    event = registration.event
    send_templated_mail(
        "reminder_places_unfilled",
        to=[user.email],
        context={
            "user": user,
            "event": event,
            "registration": registration,
            "partnership": registration.partnership,
            "expected": event.expected_people,
            "url": absolute_url(reverse("events:registration_edit", args=[registration.pk])),
        },
        attachments=[_event_ics(event)],
    )


def send_event_soon(*, participant) -> None:
    """To a registered person: the event is in three days, what is provided, what they pay."""
    event, person = participant.event, participant.person
    send_templated_mail(
        "reminder_event_soon",
        to=[person.email],
        context={
            "person": person,
            "event": event,
            "partnership": participant.registration.partnership,
            "provided": event.provided_labels(),
            "url": absolute_url(reverse("events:event_detail", args=[event.pk])),
        },
        attachments=[_event_ics(event)],
    )


def send_attendance_unmarked(*, event, user) -> None:
    """To staff: the event has ended and some participants have no attendance marked."""
    send_templated_mail(
        "reminder_attendance_unmarked",
        to=[user.email],
        context={
            "user": user,
            "event": event,
            "unmarked": event.unmarked,
            "url": absolute_url(reverse("events:attendance_edit", args=[event.pk])),
        },
    )
