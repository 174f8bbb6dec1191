"""Each milestone rule of ``support.selectors`` is the one definition its three consumers use:
the reminder scan, the weekly staff digest and the staff dashboard's "behind" flags. Each rule
is tried on the day it is met and on the day before, through all three."""

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from partnerships.enums import PartnershipStatus
from partnerships.models import Partnership
from reports.selectors import with_behind_flags
from support import tasks
from support.enums import DIAGNOSIS_DAYS, NO_CONTACT_DAYS, PLAN_DAYS, BehindReason, SessionKind
from tests.factories import PartnershipFactory, PlannedMeetingFactory, SupportSessionFactory

pytestmark = pytest.mark.django_db


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


def _no_diagnosis(partnership, met: bool):
    partnership.animator_assigned_on = days_ago(DIAGNOSIS_DAYS if met else DIAGNOSIS_DAYS - 1)
    partnership.save()


def _no_contact(partnership, met: bool):
    SupportSessionFactory(
        partnership=partnership,
        kind=SessionKind.DIAGNOSIS,
        held_on=days_ago(NO_CONTACT_DAYS + 1 if met else NO_CONTACT_DAYS),
    )


def _meeting_2_overdue(partnership, met: bool):
    PlannedMeetingFactory(
        planned_by_session__partnership=partnership,
        planned_by_session__held_on=days_ago(20),
        planned_on=days_ago(1 if met else 0),
    )


def _no_agreed_plan(partnership, met: bool):
    SupportSessionFactory(
        partnership=partnership,
        kind=SessionKind.MEETING_2,
        held_on=days_ago(PLAN_DAYS if met else PLAN_DAYS - 1),
    )


@dataclass(frozen=True)
class Rule:
    reason: BehindReason
    arrange: object
    scan: object  # the reminder's scan, or None when the rule has no reminder of its own
    digest: object


RULES = [
    Rule(BehindReason.NO_DIAGNOSIS, _no_diagnosis, tasks.no_diagnosis, tasks.digest_no_diagnosis),
    Rule(BehindReason.NO_CONTACT, _no_contact, None, tasks.digest_no_contact),
    Rule(
        BehindReason.MEETING_2_MISSING,
        _meeting_2_overdue,
        tasks.meeting_2_overdue,
        tasks.digest_meeting_2_overdue,
    ),
    Rule(BehindReason.NO_PLAN, _no_agreed_plan, tasks.no_agreed_plan, tasks.digest_no_agreed_plan),
]


def _consumers(rule: Rule, partnership) -> dict[str, bool]:
    now = timezone.now()
    row = with_behind_flags(Partnership.objects.filter(pk=partnership.pk)).get()
    found = {
        "dashboard": getattr(row, f"behind_{rule.reason}"),
        "digest": partnership.name in {r.name for r in rule.digest(now).rows},
    }
    if rule.scan is not None:
        found["reminder"] = bool(list(rule.scan.scan(now, partnership_id=partnership.pk)))
    return found


@pytest.mark.parametrize("rule", RULES, ids=[r.reason.value for r in RULES])
@pytest.mark.parametrize("met", [True, False], ids=["on-the-day", "day-before"])
def test_rule_is_seen_alike_by_reminder_digest_and_dashboard(world, rule, met):
    partnership = PartnershipFactory(
        animator=world.animator_a, leader=world.leader_a, animator_assigned_on=days_ago(100)
    )
    rule.arrange(partnership, met)
    found = _consumers(rule, partnership)
    assert found == dict.fromkeys(found, met)


@pytest.mark.parametrize("rule", RULES, ids=[r.reason.value for r in RULES])
def test_rule_ignores_a_partnership_that_completed_support(world, rule):
    partnership = PartnershipFactory(
        animator=world.animator_a,
        leader=world.leader_a,
        animator_assigned_on=days_ago(100),
        status=PartnershipStatus.COMPLETED,
    )
    rule.arrange(partnership, True)
    found = _consumers(rule, partnership)
    assert found == dict.fromkeys(found, False)
