"""Real threads against PostgreSQL: the call-row lock in ``selection_confirm`` keeps the number
of selected partnerships within the call's number of clips."""

import pytest

from clips import services
from clips.models import Selection
from portal.enums import Role
from tests.clips.conftest import _past, attend
from tests.events.test_concurrency import run_concurrently
from tests.factories import (
    ClipCallFactory,
    EventFactory,
    PartnershipFactory,
    SeminarFactory,
    SupportSessionFactory,
    UserFactory,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _eligible_partnerships(n):
    visit, seminar = _past(EventFactory), _past(SeminarFactory)
    animator = UserFactory(role=Role.ANIMATOR)
    partnerships = []
    for _ in range(n):
        partnership = PartnershipFactory(animator=animator)
        for kind in ("meeting_1", "meeting_2"):
            SupportSessionFactory(partnership=partnership, kind=kind, channel="in_person")
        attend(visit, partnership)
        attend(seminar, partnership)
        partnerships.append(partnership)
    return partnerships


def test_two_staff_confirming_the_last_clip_at_once_select_only_one():
    staff_1, staff_2 = UserFactory(role=Role.STAFF), UserFactory(role=Role.STAFF)
    call = ClipCallFactory(clips_count=3)
    first, second, third, fourth = _eligible_partnerships(4)
    services.selection_confirm(call=call, partnership=first, actor=staff_1)
    services.selection_confirm(call=call, partnership=second, actor=staff_1)

    results, errors = run_concurrently(
        [
            lambda: services.selection_confirm(call=call, partnership=third, actor=staff_1),
            lambda: services.selection_confirm(call=call, partnership=fourth, actor=staff_2),
        ]
    )
    assert not errors
    refused = [r for r in results if not isinstance(r, Selection)]
    assert len(refused) == 1
    assert Selection.objects.filter(call=call, status="selected").count() == 3


def test_many_staff_confirming_at_once_never_exceed_the_call():
    staff = [UserFactory(role=Role.STAFF) for _ in range(6)]
    call = ClipCallFactory(clips_count=3)
    partnerships = _eligible_partnerships(6)
    results, errors = run_concurrently(
        [
            (lambda s=s, p=p: services.selection_confirm(call=call, partnership=p, actor=s))
            for s, p in zip(staff, partnerships, strict=True)
        ]
    )
    assert not errors
    assert sum(isinstance(r, Selection) for r in results) == 3
    assert Selection.objects.filter(call=call, status="selected").count() == 3
