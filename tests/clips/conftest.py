import datetime

import pytest
from django.utils import timezone

from clips import services
from events.models import Participant, Registration
from partnerships.models import Partnership
from portal.enums import Role
from tests.factories import (
    ClipCallFactory,
    EventFactory,
    PartnershipFactory,
    PersonFactory,
    SeminarFactory,
    SupportSessionFactory,
    UserFactory,
)


def _past(factory):
    starts_on = timezone.localdate() - datetime.timedelta(days=30)
    now = timezone.now()
    return factory(
        starts_on=starts_on,
        ends_on=starts_on + datetime.timedelta(days=1),
        registration_opens_at=now - datetime.timedelta(days=60),
        registration_closes_at=now - datetime.timedelta(days=40),
    )


def attend(event, partnership: Partnership, *, attended=True) -> Participant:
    registration = Registration.objects.create(
        event=event, partnership=partnership, chosen_internally=True, seats=1
    )
    return Participant.objects.create(
        registration=registration,
        event=event,
        person=PersonFactory(partnership=partnership),
        attended=attended,
    )


@pytest.fixture
def make_eligible(db):
    """Give a partnership every criterion of §2.4.1, or those named in ``only``: both meetings
    held, a study visit and the seminar attended."""
    events = {}

    def _make(partnership, only=("meeting_1", "meeting_2", "visit", "seminar")):
        for kind in ("meeting_1", "meeting_2"):
            if kind in only:
                SupportSessionFactory(
                    partnership=partnership,
                    animator=partnership.animator or UserFactory(role=Role.ANIMATOR),
                    kind=kind,
                    channel="in_person",
                )
        if "visit" in only:
            events.setdefault("visit", _past(EventFactory))
            attend(events["visit"], partnership)
        if "seminar" in only:
            events.setdefault("seminar", _past(SeminarFactory))
            attend(events["seminar"], partnership)
        return partnership

    return _make


@pytest.fixture
def call(world):
    """An open call; its committee: the committee member, animator A and staff."""
    return ClipCallFactory(committee=[world.committee, world.animator_a, world.staff])


@pytest.fixture
def eligible(world, make_eligible):
    """Partnerships A and B eligible, and a third one (animated by nobody on the committee)."""
    third = PartnershipFactory(name="Partnerstwo C")
    for partnership in (world.partnership_a, world.partnership_b, third):
        make_eligible(partnership)
    return [world.partnership_a, world.partnership_b, third]


@pytest.fixture
def select(world):
    def _select(call, partnership, **kwargs):
        return services.selection_confirm(
            call=call, partnership=partnership, actor=world.staff, **kwargs
        )

    return _select
