"""The support app's "no agreed plan" reason on the staff dashboard's behind table."""

import datetime

import pytest
from django.utils import timezone, translation

from reports import selectors
from reports.selectors import Filters
from support.enums import SessionKind
from tests.factories import DevelopmentPlanFactory, SupportSessionFactory

pytestmark = pytest.mark.django_db


def _meeting_2(partnership, days_ago: int):
    SupportSessionFactory(
        partnership=partnership,
        kind=SessionKind.MEETING_2,
        held_on=timezone.localdate() - datetime.timedelta(days=days_ago),
    )


def _counts():
    return {code: n for code, _label, n in selectors.behind_counts(Filters())}


def test_no_plan_reason_after_14_days_without_an_agreed_plan(world):
    _meeting_2(world.partnership_a, 14)
    _meeting_2(world.partnership_b, 13)
    assert _counts()["no_plan"] == 1
    row = selectors.behind_list(Filters(), reason="no_plan").get()
    assert row == world.partnership_a
    assert row.behind_no_plan is True
    with translation.override("pl"):
        reasons = [str(label) for label in selectors.behind_reasons(row)]
    assert "brak uzgodnionego planu 14 dni po drugim spotkaniu" in reasons


def test_no_plan_reason_gone_once_the_plan_is_agreed(world):
    _meeting_2(world.partnership_a, 20)
    now = timezone.now()
    DevelopmentPlanFactory(
        partnership=world.partnership_a,
        status="agreed",
        agreed_by_leader=world.leader_a,
        agreed_by_leader_at=now,
        agreed_by_animator=world.animator_a,
        agreed_by_animator_at=now,
    )
    assert _counts()["no_plan"] == 0
