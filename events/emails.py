"""One function per e-mail of the events app. Each takes ids, re-reads the rows (the calling
transaction's own writes included) and queues the message in the outbox (``portal.mail``), in
the caller's transaction: a registration and its confirmations are committed together."""

from django.urls import reverse

from events.models import DataRequest, Event, Participant, Registration
from events.selectors import (
    event_calendar_item,
    participant_link_url,
    participants_of_registration,
)
from partnerships.models import Partnership, User
from portal.calendar import to_ical
from portal.mail import absolute_url, queue_templated_mail
from portal.reminders import staff_recipients


def _registration(pk: int) -> Registration:
    return Registration.objects.select_related(
        "event", "partnership__leader", "partnership__lead_library"
    ).get(pk=pk)


def _ics(event: Event) -> tuple[str, bytes, str]:
    body = to_ical([event_calendar_item(event)], name=event.title)
    return (f"wydarzenie-{event.pk}.ics", body, "text/calendar")


def send_registration_confirmed(registration_pk: int, person_ids: list[int]) -> None:
    """To each newly registered person: dates, place, what is provided and what they pay,
    and their own link to confirm or decline and say what they need (a secret: the message
    is ``sensitive``)."""
    registration = _registration(registration_pk)
    wanted = set(person_ids)
    participants = [p for p in participants_of_registration(registration) if p.person_id in wanted]
    ics = _ics(registration.event)
    for participant in participants:
        person = participant.person
        queue_templated_mail(
            "event_registration_confirmed",
            to=person.email,
            recipient=person.user,
            about=registration.partnership,
            context={
                "person": person,
                "registration": registration,
                "event": registration.event,
                "provided": registration.event.provided_labels(),
                "link": participant_link_url(participant),
            },
            attachments=[ics],
            sensitive=True,
        )


def _participant(pk: int) -> Participant:
    return Participant.objects.select_related(
        "event", "person__user", "registration__partnership__leader"
    ).get(pk=pk)


def send_participant_link(participant_pk: int) -> None:
    """To the person: a new link, after staff or the leader renewed it."""
    participant = _participant(participant_pk)
    person, event = participant.person, participant.event
    queue_templated_mail(
        "event_participant_link",
        to=person.email,
        recipient=person.user,
        about=participant.registration.partnership,
        context={"person": person, "event": event, "link": participant_link_url(participant)},
        sensitive=True,
    )


def send_participant_declined(participant_pk: int) -> None:
    """To the leader: a representative declined through their link; their seat went to the
    waiting list, and the leader may choose someone else while registration is open."""
    participant = _participant(participant_pk)
    registration = participant.registration
    leader = registration.partnership.leader
    if leader is None or not leader.email:
        return
    queue_templated_mail(
        "event_participant_declined",
        to=leader.email,
        recipient=leader,
        about=registration.partnership,
        context={
            "leader": leader,
            "person": participant.person,
            "event": participant.event,
            "registration": registration,
            "url": absolute_url(reverse("events:registration_detail", args=[registration.pk])),
        },
    )


def send_data_request(data_request_pk: int) -> None:
    """To every staff member: a person asks, through their link, to change their data."""
    data_request = DataRequest.objects.select_related("person__partnership").get(pk=data_request_pk)
    for user in staff_recipients():
        queue_templated_mail(
            "event_data_request",
            to=user.email,
            recipient=user,
            about=data_request.person.partnership,
            context={
                "user": user,
                "data_request": data_request,
                "person": data_request.person,
                "url": absolute_url(reverse("events:data_request_list")),
            },
        )


def send_answer_missing(participant_id: int) -> None:
    """To a registered person who has not answered a week before the event: their link."""
    participant = _participant(participant_id)
    person, event = participant.person, participant.event
    queue_templated_mail(
        "reminder_answer_missing",
        to=person.email,
        recipient=person.user,
        about=participant.registration.partnership,
        context={
            "person": person,
            "event": event,
            "provided": event.provided_labels(),
            "link": participant_link_url(participant),
        },
        attachments=[_ics(event)],
        sensitive=True,
    )


def send_seat_offer(registration_pk: int) -> None:
    """To the leader of a waiting partnership: seats are free until the offer expires."""
    registration = _registration(registration_pk)
    leader = registration.partnership.leader
    if leader is None or not leader.email:
        return
    queue_templated_mail(
        "event_seat_offer",
        to=leader.email,
        recipient=leader,
        about=registration.partnership,
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
    queue_templated_mail(
        "event_introduction_leader",
        to=leader.email,
        recipient=leader,
        about=partnership,
        context=context,
    )
    queue_templated_mail(
        "event_introduction_host", to=event.host_email, about=partnership, context=context
    )


# --- reminders (sent by the scans in events/tasks.py) ----------------------------------------


def send_registration_closing(*, event_id: int, partnership_id: int, user_id: int) -> None:
    """To the leader: registration closes within a week and the partnership is not
    registered; the link opens the registration form."""
    event = Event.objects.get(pk=event_id)
    partnership = Partnership.objects.get(pk=partnership_id)
    user = User.objects.get(pk=user_id)
    queue_templated_mail(
        "reminder_registration_closing",
        to=user.email,
        recipient=user,
        about=partnership,
        context={
            "user": user,
            "event": event,
            "partnership": partnership,
            "url": absolute_url(
                reverse("events:registration_create", args=[event.pk, partnership.pk])
            ),
        },
        attachments=[_ics(event)],
    )


def send_places_unfilled(*, registration_id: int, user_id: int) -> None:
    """To the leader: registration closes within a week and the partnership registered fewer
    people than expected without saying why (§2.2.3, §2.3.3); the link opens the change
    form, where they add people or confirm fewer with the reason."""
    registration = Registration.objects.select_related("event", "partnership").get(
        pk=registration_id
    )
    event, partnership = registration.event, registration.partnership
    user = User.objects.get(pk=user_id)
    queue_templated_mail(
        "reminder_places_unfilled",
        to=user.email,
        recipient=user,
        about=partnership,
        context={
            "user": user,
            "event": event,
            "registration": registration,
            "partnership": partnership,
            "expected": event.expected_people,
            "url": absolute_url(reverse("events:registration_edit", args=[registration.pk])),
        },
        attachments=[_ics(event)],
    )


def send_event_soon(participant_id: int) -> None:
    """To a registered person: the event is in three days, what is provided, what they pay."""
    participant = Participant.objects.select_related(
        "event", "person__user", "registration__partnership"
    ).get(pk=participant_id)
    event, person = participant.event, participant.person
    partnership = participant.registration.partnership
    queue_templated_mail(
        "reminder_event_soon",
        to=person.email,
        recipient=person.user,
        about=partnership,
        context={
            "person": person,
            "event": event,
            "partnership": partnership,
            "provided": event.provided_labels(),
            "url": absolute_url(reverse("events:event_detail", args=[event.pk])),
        },
        attachments=[_ics(event)],
    )


def send_attendance_unmarked(*, event_id: int, user_id: int, unmarked: int) -> None:
    """To staff: the event has ended and ``unmarked`` participants have no attendance."""
    event = Event.objects.get(pk=event_id)
    user = User.objects.get(pk=user_id)
    queue_templated_mail(
        "reminder_attendance_unmarked",
        to=user.email,
        recipient=user,
        about=event,
        context={
            "user": user,
            "event": event,
            "unmarked": unmarked,
            "url": absolute_url(reverse("events:attendance_edit", args=[event.pk])),
        },
    )
