import datetime

import pytest
from django.core import mail
from django.utils import timezone

from clips import services, tasks
from clips.models import ScoringReminder

pytestmark = pytest.mark.django_db


@pytest.fixture
def closing_call(call):
    call.scoring_deadline = timezone.now() + datetime.timedelta(days=2)
    call.save()
    return call


def test_reminder_goes_once_to_members_with_candidates_left(
    world, closing_call, eligible, django_capture_on_commit_callbacks
):
    # Staff has scored every candidate: no reminder for them.
    for partnership in eligible:
        services.score_save(
            call=closing_call, member=world.staff, partnership=partnership, progress=5, creativity=5
        )
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_scoring_reminders() == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_scoring_reminders() == 0
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [world.committee.email, world.animator_a.email]
    )
    # Animator A does not score partnership A, so two candidates are left, not three.
    animator_mail = next(m for m in mail.outbox if m.to == [world.animator_a.email])
    assert " 2 " in animator_mail.body
    assert ScoringReminder.objects.count() == 2


def test_no_reminder_when_the_deadline_is_far(world, call, eligible):
    assert services.scoring_reminders_send() == 0
    assert not ScoringReminder.objects.exists()


def test_no_reminder_after_the_deadline(world, closing_call, eligible):
    later = closing_call.scoring_deadline + datetime.timedelta(minutes=1)
    assert services.scoring_reminders_send(now=later) == 0
