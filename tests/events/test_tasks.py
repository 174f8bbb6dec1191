"""The events reminders, each with time frozen before and after its moment."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from events.models import Registration
from events.services import attendance_mark, registration_submit
from portal import reminders
from tests.events.conftest import FEWER
from tests.factories import EventFactory, SeminarFactory

TZ = timezone.get_fixed_timezone(60)
D = datetime.date


def at(time_machine, day: datetime.date, hour: int = 9):
    time_machine.move_to(datetime.datetime.combine(day, datetime.time(hour), TZ), tick=False)


def recipients():
    return sorted(address for m in mail.outbox for address in m.to)


@pytest.fixture
def closing_visit(world, time_machine):
    at(time_machine, D(2026, 12, 1))
    return EventFactory(
        title="Wizyta w Łodzi",
        starts_on=D(2027, 1, 20),
        ends_on=D(2027, 1, 21),
        registration_closes_at=datetime.datetime(2026, 12, 20, 12, 0, tzinfo=TZ),
    )


def test_registration_closing_reminder_goes_7_days_before_to_unregistered_leaders(
    world, cast, closing_visit, time_machine
):
    registration_submit(
        event=closing_visit,
        partnership=world.partnership_b,
        people=[cast.leader_person_b],
        chosen_internally=True,
        **FEWER,
        actor=world.leader_b,
    )
    at(time_machine, D(2026, 12, 13), hour=11)
    assert reminders.run("events.registration_closing").sent == 0

    at(time_machine, D(2026, 12, 13), hour=13)
    assert reminders.run("events.registration_closing").sent == 1
    assert recipients() == ["leader.a@example.org"]
    message = mail.outbox[0]
    assert message.subject == "Zgłoszenia na „Wizyta w Łodzi” przyjmujemy do 20 grudnia 2026"
    assert "Partnerstwo A" in message.body
    assert f"/wydarzenia/{closing_visit.pk}/zgloszenie/{world.partnership_a.pk}/" in message.body
    assert message.attachments[0][2] == "text/calendar"

    at(time_machine, D(2026, 12, 15))
    assert reminders.run("events.registration_closing").sent == 0


def test_registration_closing_reminder_skips_partnership_registered_for_another_visit(
    world, cast, closing_visit, time_machine
):
    other = EventFactory()
    registration_submit(
        event=other,
        partnership=world.partnership_a,
        people=[cast.leader_person_a],
        chosen_internally=True,
        **FEWER,
        actor=world.leader_a,
    )
    at(time_machine, D(2026, 12, 14))
    reminders.run("events.registration_closing")
    assert recipients() == ["leader.b@example.org"]


def test_places_unfilled_reminder_goes_to_leader_of_a_short_registration_without_reason(
    world, cast, closing_visit, time_machine
):
    short = registration_submit(
        event=closing_visit,
        partnership=world.partnership_a,
        people=[cast.leader_person_a],
        chosen_internally=True,
        **FEWER,
        actor=world.leader_a,
    )
    registration_submit(
        event=closing_visit,
        partnership=world.partnership_b,
        people=[cast.leader_person_b],
        chosen_internally=True,
        **FEWER,
        actor=world.leader_b,
    )
    at(time_machine, D(2026, 12, 14))
    # fewer with a reason is the leader's decision (§2.2.3): nothing to remind
    assert reminders.run("events.places_unfilled").sent == 0
    # a registration from before the rule: one of three, no reason
    Registration.objects.filter(pk=short.pk).update(fewer_reason="")
    mail.outbox.clear()
    at(time_machine, D(2026, 12, 12))  # more than 7 days before the deadline
    assert reminders.run("events.places_unfilled").sent == 0
    at(time_machine, D(2026, 12, 14))
    assert reminders.run("events.places_unfilled").sent == 1
    assert recipients() == ["leader.a@example.org"]
    message = mail.outbox[0]
    assert message.subject == "Wizyta w Łodzi: zgłoszono 1 z 3 przedstawicieli"
    assert "zgłosiło 1 z 3 przedstawicieli, jakich oczekuje program" in message.body
    assert f"/wydarzenia/zgloszenia/{short.pk}/zmiana/" in message.body
    assert reminders.run("events.places_unfilled").sent == 0  # once
    at(time_machine, D(2026, 12, 21))  # registration closed
    Registration.objects.filter(pk=short.pk).update(seats=2)
    assert reminders.run("events.places_unfilled").sent == 0


@pytest.fixture
def seminar_soon(world, cast, time_machine):
    at(time_machine, D(2026, 12, 1))
    seminar = SeminarFactory(title="Seminarium podsumowujące", starts_on=D(2026, 12, 20))
    registration_submit(
        event=seminar,
        partnership=world.partnership_a,
        people=[cast.leader_person_a, cast.librarian_a],
        chosen_internally=True,
        **FEWER,
        actor=world.leader_a,
    )
    return seminar


def test_event_soon_reminder_goes_3_days_before_to_each_registered_person(
    world, cast, seminar_soon, time_machine
):
    at(time_machine, D(2026, 12, 16))
    assert reminders.run("events.event_soon").sent == 0

    at(time_machine, D(2026, 12, 17))
    assert reminders.run("events.event_soon").sent == 2
    assert recipients() == sorted([cast.leader_person_a.email, cast.librarian_a.email])
    message = mail.outbox[0]
    assert message.subject == "Za 3 dni: Seminarium podsumowujące, 20 grudnia 2026"
    assert "przerwy kawowe" in message.body.lower()
    assert "na własny koszt" in message.body
    assert message.attachments[0][0] == f"wydarzenie-{seminar_soon.pk}.ics"

    at(time_machine, D(2026, 12, 18))
    assert reminders.run("events.event_soon").sent == 0


def test_event_soon_reminder_cannot_be_switched_off(world, cast, seminar_soon, time_machine):
    world.leader_a.reminder_opt_outs.create(kind="events.event_soon")
    at(time_machine, D(2026, 12, 17))
    assert reminders.run("events.event_soon").sent == 2


def test_attendance_reminder_goes_to_staff_the_day_after_the_event(
    world, cast, seminar_soon, time_machine
):
    at(time_machine, D(2026, 12, 21), hour=20)
    assert reminders.run("events.attendance_unmarked").sent == 0

    at(time_machine, D(2026, 12, 22))
    assert reminders.run("events.attendance_unmarked").sent == 1
    assert recipients() == ["staff@example.org"]
    message = mail.outbox[0]
    assert message.subject == "Oznacz obecność: Seminarium podsumowujące"
    assert "2 uczestników" in message.body
    assert f"/wydarzenia/{seminar_soon.pk}/obecnosc/" in message.body

    at(time_machine, D(2026, 12, 23))
    assert reminders.run("events.attendance_unmarked").sent == 0


def test_attendance_reminder_not_sent_when_attendance_is_marked(
    world, cast, seminar_soon, time_machine
):
    at(time_machine, D(2026, 12, 21))
    attendance_mark(
        event=seminar_soon,
        actor=world.staff,
        marks={p.pk: (True, True) for p in seminar_soon.participants.all()},
    )
    at(time_machine, D(2026, 12, 22))
    assert reminders.run("events.attendance_unmarked").sent == 0
