"""The support reminders, each with time frozen before and after its moment: it fires once,
at the right time, to the right people, in Polish; a second run sends nothing."""

import datetime

import pytest
import vobject
from django.core import mail
from django.utils import timezone

from portal import reminders
from portal.models import ReminderSent
from support import services
from support.enums import Channel, SessionKind
from tests.factories import HourBudgetFactory, PlannedMeetingFactory, SupportSessionFactory

TZ = timezone.get_fixed_timezone(60)


def at(time_machine, day: datetime.date, hour: int = 9):
    time_machine.move_to(datetime.datetime.combine(day, datetime.time(hour), TZ), tick=False)


def recipients():
    return sorted(address for m in mail.outbox for address in m.to)


D = datetime.date


@pytest.fixture
def meeting(world, time_machine):
    at(time_machine, D(2026, 12, 1))
    return PlannedMeetingFactory(
        planned_by_session__partnership=world.partnership_a,
        planned_on=D(2026, 12, 10),
        starts_at=datetime.time(16, 0),
        place="Biblioteka, sala na piętrze",
    )


def test_planned_meeting_reminder_goes_two_days_before_to_leader_and_animator(
    world, meeting, time_machine
):
    at(time_machine, D(2026, 12, 7))
    assert reminders.run("support.planned_meeting").sent == 0

    at(time_machine, D(2026, 12, 8))
    assert reminders.run("support.planned_meeting").sent == 2
    assert recipients() == ["animator.a@example.org", "leader.a@example.org"]
    message = mail.outbox[0]
    assert message.subject == "Spotkanie partnerstwa 10 grudnia 2026: Partnerstwo A"
    assert "16:00" in message.body and "Biblioteka, sala na piętrze" in message.body
    assert f"/wsparcie/partnerstwa/{world.partnership_a.pk}/" in message.body
    assert message.alternatives[0][1] == "text/html"
    filename, ics, mimetype = message.attachments[0]
    assert mimetype == "text/calendar" and filename == f"spotkanie-{meeting.pk}.ics"
    assert "DTSTART;TZID=Europe/Warsaw:20261210T160000" in ics
    cal = vobject.readOne(ics)
    cal.validate(raiseException=True)
    assert cal.vtimezone.tzid.value == "Europe/Warsaw"  # the TZID is defined in the file
    assert cal.vevent.summary.value == "Drugie spotkanie partnerstwa: Partnerstwo A"
    assert cal.vevent.dtstamp.value == cal.vevent.last_modified.value

    at(time_machine, D(2026, 12, 9))
    assert reminders.run("support.planned_meeting").sent == 0
    assert len(mail.outbox) == 2


def test_planned_meeting_moved_is_reminded_again_and_held_one_is_not(world, meeting, time_machine):
    at(time_machine, D(2026, 12, 8))
    reminders.run("support.planned_meeting")
    meeting.planned_on = D(2026, 12, 12)
    meeting.save()
    assert reminders.run("support.planned_meeting").sent == 0  # 4 days ahead now

    at(time_machine, D(2026, 12, 10))
    assert reminders.run("support.planned_meeting").sent == 2
    moved = vobject.readOne(mail.outbox[-1].attachments[0][1]).vevent
    assert moved.sequence.value == "1"  # the date moved once: calendars take the new one
    assert moved.dtstart.value.date() == D(2026, 12, 12)
    meeting.cancelled_at = timezone.now()
    meeting.save()
    meeting.planned_on = D(2026, 12, 11)
    meeting.save()
    assert reminders.run("support.planned_meeting").sent == 0


def test_no_diagnosis_reminder_goes_on_day_14_to_the_animator_only(world, time_machine):
    at(time_machine, D(2026, 12, 1))
    world.partnership_a.animator_assigned_on = D(2026, 12, 1)
    world.partnership_a.save()

    at(time_machine, D(2026, 12, 14))
    assert reminders.run("support.no_diagnosis").sent == 0

    at(time_machine, D(2026, 12, 15))
    assert reminders.run("support.no_diagnosis").sent == 1
    assert recipients() == ["animator.a@example.org"]
    message = mail.outbox[0]
    assert message.subject == "Brak diagnozy: Partnerstwo A"
    assert "14 dni temu" in message.body
    assert f"/wsparcie/partnerstwa/{world.partnership_a.pk}/kontakty/nowy/diagnoza/" in message.body

    at(time_machine, D(2026, 12, 16))
    assert reminders.run("support.no_diagnosis").sent == 0


def test_no_diagnosis_reminder_not_sent_once_diagnosis_is_logged(world, time_machine):
    at(time_machine, D(2026, 12, 1))
    world.partnership_a.animator_assigned_on = D(2026, 12, 1)
    world.partnership_a.save()
    SupportSessionFactory(partnership=world.partnership_a, kind=SessionKind.DIAGNOSIS)
    at(time_machine, D(2026, 12, 15))
    assert reminders.run("support.no_diagnosis").sent == 0


def test_meeting_2_overdue_reminder_goes_the_day_after_to_the_animator(
    world, meeting, time_machine
):
    at(time_machine, D(2026, 12, 10), hour=20)
    assert reminders.run("support.meeting_2_overdue").sent == 0

    at(time_machine, D(2026, 12, 11))
    assert reminders.run("support.meeting_2_overdue").sent == 1
    assert recipients() == ["animator.a@example.org"]
    message = mail.outbox[0]
    assert message.subject == "Drugie spotkanie niezapisane: Partnerstwo A"
    assert "10 grudnia 2026" in message.body
    assert "/kontakty/nowy/spotkanie-2/" in message.body

    at(time_machine, D(2026, 12, 12))
    assert reminders.run("support.meeting_2_overdue").sent == 0


def test_meeting_2_overdue_not_sent_when_meeting_2_is_logged(world, meeting, time_machine):
    at(time_machine, D(2026, 12, 10))
    held = SupportSessionFactory(partnership=world.partnership_a, kind=SessionKind.MEETING_2)
    meeting.held_session = held
    meeting.save()
    at(time_machine, D(2026, 12, 11))
    assert reminders.run("support.meeting_2_overdue").sent == 0


def test_hour_budget_reminders_at_75_and_100_percent_to_animator_and_staff(world, time_machine):
    at(time_machine, D(2026, 12, 1))
    HourBudgetFactory(partnership=world.partnership_a, minutes=16 * 60)
    SupportSessionFactory(partnership=world.partnership_a, duration_minutes=705)
    assert reminders.run("support.hour_budget").sent == 0  # 73 %

    SupportSessionFactory(partnership=world.partnership_a, duration_minutes=15)  # 720 = 75 %
    assert reminders.run("support.hour_budget").sent == 2
    assert recipients() == ["animator.a@example.org", "staff@example.org"]
    assert mail.outbox[0].subject == "Wykorzystano 75% godzin wsparcia: Partnerstwo A"
    assert "12 godz." in mail.outbox[0].body and "4 godz." in mail.outbox[0].body
    assert reminders.run("support.hour_budget").sent == 0

    SupportSessionFactory(partnership=world.partnership_a, duration_minutes=240)  # 960
    mail.outbox.clear()
    assert reminders.run("support.hour_budget").sent == 2
    assert mail.outbox[0].subject == "Wykorzystano wszystkie godziny wsparcia: Partnerstwo A"
    assert reminders.run("support.hour_budget").sent == 0


def test_hour_budget_reminder_leaves_the_diagnosis_out(world, time_machine):
    """§2.1.4: 120 min of diagnosis and 600 of support are 62 % of the 16 hours, not 75 %."""
    at(time_machine, D(2026, 12, 1))
    SupportSessionFactory(
        partnership=world.partnership_a, kind=SessionKind.DIAGNOSIS, duration_minutes=120
    )
    SupportSessionFactory(partnership=world.partnership_a, duration_minutes=600)
    assert reminders.run("support.hour_budget").sent == 0

    SupportSessionFactory(partnership=world.partnership_a, duration_minutes=120)  # 720 = 75 %
    assert reminders.run("support.hour_budget").sent == 2
    assert "12 godz." in mail.outbox[0].body and "4 godz." in mail.outbox[0].body


def test_logging_a_contact_that_reaches_75_percent_sends_at_once(
    world, time_machine, django_capture_on_commit_callbacks
):
    at(time_machine, D(2026, 12, 1))
    SupportSessionFactory(partnership=world.partnership_a, kind=SessionKind.DIAGNOSIS)
    SupportSessionFactory(partnership=world.partnership_a, duration_minutes=600)
    with django_capture_on_commit_callbacks(execute=True):
        services.session_log(
            partnership=world.partnership_a,
            actor=world.animator_a,
            kind=SessionKind.REMOTE,
            channel=Channel.PHONE,
            held_on=D(2026, 12, 1),
            duration_minutes=120,
        )
    assert recipients() == ["animator.a@example.org", "staff@example.org"]
    assert (
        ReminderSent.objects.filter(kind="support.hour_budget", sent_at__isnull=False).count() == 2
    )


def test_staff_digest_goes_once_a_week_with_partnerships_at_risk(world, time_machine):
    at(time_machine, D(2026, 11, 1))
    world.partnership_a.animator_assigned_on = D(2026, 11, 1)
    world.partnership_a.save()
    SupportSessionFactory(
        partnership=world.partnership_b, kind=SessionKind.DIAGNOSIS, held_on=D(2026, 12, 1)
    )

    at(time_machine, D(2026, 12, 7))  # a Monday
    assert reminders.run("partnerships.staff_digest").sent == 1
    assert recipients() == ["staff@example.org"]
    message = mail.outbox[0]
    assert message.subject == "Partnerstwa wymagające uwagi, tydzień 2026-W50"
    assert "Brak kontaktu od 30 dni (1)" in message.body
    assert "Brak diagnozy 14 dni po przydzieleniu animatora (1)" in message.body
    assert "Partnerstwo A" in message.body and "Partnerstwo B" not in message.body

    at(time_machine, D(2026, 12, 11))
    assert reminders.run("partnerships.staff_digest").sent == 0
    at(time_machine, D(2026, 12, 14))
    assert reminders.run("partnerships.staff_digest").sent == 1


def test_staff_digest_not_sent_when_nothing_is_at_risk(world, time_machine):
    at(time_machine, D(2026, 12, 7))
    assert reminders.run("partnerships.staff_digest").sent == 0
    assert mail.outbox == []


def test_hour_budget_reminder_after_staff_lower_the_budget(world, time_machine):
    at(time_machine, D(2026, 10, 1))
    SupportSessionFactory(partnership=world.partnership_a, duration_minutes=600)
    HourBudgetFactory(partnership=world.partnership_a, minutes=16 * 60)
    at(time_machine, D(2026, 12, 1))
    assert reminders.run("support.hour_budget").sent == 0  # 62 %, no recent contact
    services.hour_budget_set(
        partnership=world.partnership_a, actor=world.staff, minutes=12 * 60, reason="Mniej godzin."
    )
    assert reminders.run("support.hour_budget").sent == 2  # 600 of 720 min = 83 %
    assert "Wykorzystano 75%" in mail.outbox[0].subject


# --- no agreed plan 14 days after meeting 2 ------------------------------------------------


@pytest.fixture
def meeting_2_held(world, time_machine):
    at(time_machine, D(2026, 12, 1))
    return SupportSessionFactory(
        partnership=world.partnership_a, kind=SessionKind.MEETING_2, held_on=D(2026, 12, 1)
    )


def test_no_agreed_plan_reminder_goes_14_days_after_meeting_2_to_leader_and_animator(
    world, meeting_2_held, time_machine
):
    from tests.factories import DevelopmentPlanFactory

    DevelopmentPlanFactory(partnership=world.partnership_a)  # a draft does not count
    at(time_machine, D(2026, 12, 14), hour=23)
    assert reminders.run("support.no_agreed_plan").sent == 0

    at(time_machine, D(2026, 12, 15))
    assert reminders.run("support.no_agreed_plan").sent == 2
    assert recipients() == ["animator.a@example.org", "leader.a@example.org"]
    message = mail.outbox[0]
    assert message.subject == "Brak uzgodnionego planu rozwoju: Partnerstwo A"
    assert "1 grudnia 2026" in message.body
    assert f"/wsparcie/partnerstwa/{world.partnership_a.pk}/plan/" in message.body
    assert "/plan/" in message.alternatives[0][0]

    at(time_machine, D(2026, 12, 16))
    assert reminders.run("support.no_agreed_plan").sent == 0
    assert len(mail.outbox) == 2
    assert ReminderSent.objects.filter(kind="support.no_agreed_plan").count() == 2


def test_no_agreed_plan_reminder_none_when_the_plan_is_agreed(world, meeting_2_held, time_machine):
    from tests.factories import DevelopmentPlanFactory

    DevelopmentPlanFactory(
        partnership=world.partnership_a,
        status="agreed",
        agreed_by_leader=world.leader_a,
        agreed_by_leader_at=timezone.now(),
        agreed_by_animator=world.animator_a,
        agreed_by_animator_at=timezone.now(),
    )
    at(time_machine, D(2026, 12, 15))
    assert reminders.run("support.no_agreed_plan").sent == 0
    assert mail.outbox == []


def test_no_agreed_plan_in_the_staff_digest(world, meeting_2_held, time_machine):
    from support.tasks import digest_no_agreed_plan

    at(time_machine, D(2026, 12, 10))
    assert digest_no_agreed_plan(timezone.now()).total == 0
    at(time_machine, D(2026, 12, 20))
    section = digest_no_agreed_plan(timezone.now())
    assert section.total == 1
    assert section.rows[0].name == "Partnerstwo A"
    assert "19" in section.rows[0].detail
    assert section.rows[0].url.endswith(f"/wsparcie/partnerstwa/{world.partnership_a.pk}/plan/")


def test_digest_section_lists_the_first_rows_and_counts_them_all(
    world, time_machine, monkeypatch, django_assert_num_queries
):
    from support import tasks

    monkeypatch.setattr(tasks, "DIGEST_ROWS", 1)
    at(time_machine, D(2026, 10, 1))
    for partnership in (world.partnership_b, world.partnership_a):
        partnership.animator_assigned_on = D(2026, 10, 1)
        partnership.save()
    at(time_machine, D(2026, 12, 7))
    # The first rows and the count of all in one query (a window count), at any size.
    with django_assert_num_queries(1):
        section = tasks.digest_no_contact(timezone.now())
    assert section.total == 2
    assert [row.name for row in section.rows] == ["Partnerstwo A"]
    assert "67 dni" in section.rows[0].detail
