"""The scoring reminder on the shared engine, with time frozen around the deadline."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from clips import services
from portal import reminders
from portal.models import ReminderOptOut, ReminderSent

pytestmark = pytest.mark.django_db

KIND = "clips.scoring_closes_soon"
TZ = timezone.get_fixed_timezone(60)
DEADLINE = datetime.datetime(2026, 12, 10, 16, 0, tzinfo=TZ)


def at(time_machine, moment: datetime.datetime):
    time_machine.move_to(moment, tick=False)


@pytest.fixture
def closing_call(call):
    call.scoring_deadline = DEADLINE
    call.save()
    return call


def test_scoring_reminder_goes_once_to_members_with_candidates_left(
    world, closing_call, eligible, time_machine
):
    at(time_machine, DEADLINE - datetime.timedelta(days=4))
    # Staff has scored every candidate: no reminder for them.
    for partnership in eligible:
        services.score_save(
            call=closing_call, member=world.staff, partnership=partnership, progress=5, creativity=5
        )
    assert reminders.run(KIND).sent == 0
    assert mail.outbox == []

    at(time_machine, DEADLINE - datetime.timedelta(days=2))
    assert reminders.run(KIND).sent == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [world.committee.email, world.animator_a.email]
    )
    # Animator A does not score partnership A, so two candidates are left, not three.
    animator_mail = next(m for m in mail.outbox if m.to == [world.animator_a.email])
    assert " 2 " in animator_mail.body
    assert reverse("clips:score_list", args=[closing_call.pk]) in animator_mail.body
    assert set(ReminderSent.objects.filter(kind=KIND).values_list("recipient_id", flat=True)) == {
        world.committee.pk,
        world.animator_a.pk,
    }

    at(time_machine, DEADLINE - datetime.timedelta(days=1))
    assert reminders.run(KIND).sent == 0
    assert len(mail.outbox) == 2


def test_scoring_reminder_none_after_the_deadline(world, closing_call, eligible, time_machine):
    at(time_machine, DEADLINE + datetime.timedelta(minutes=1))
    assert reminders.run(KIND).sent == 0
    assert not ReminderSent.objects.exists()


def test_scoring_reminder_respects_the_opt_out(world, closing_call, eligible, time_machine):
    ReminderOptOut.objects.create(user=world.committee, kind=KIND)
    at(time_machine, DEADLINE - datetime.timedelta(days=2))
    result = reminders.run(KIND)
    assert result.opted_out == 1
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [world.animator_a.email, world.staff.email]
    )


def test_scoring_reminder_is_a_registered_scheduled_task():
    from config.celery import beat_schedule

    tasks = {entry["task"] for entry in beat_schedule().values()}
    assert "clips.tasks.scoring_closes_soon" in tasks
    assert KIND in reminders.registered()
