"""The staff worklist (issue 15, point 1): the staff's start page, who is behind and why, for
how many days, who animates them and the action that resolves it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from partnerships.enums import PartnershipStatus
from portal.models import OutboxMessage
from reports import selectors
from reports.selectors import Filters
from support.enums import DIAGNOSIS_DAYS, NO_CONTACT_DAYS, PLAN_DAYS, BehindReason
from tests.factories import (
    MaterialsDispatchFactory,
    PartnershipFactory,
    PlannedMeetingFactory,
    SupportSessionFactory,
)

pytestmark = pytest.mark.django_db


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


def _overdue(partnership) -> dict:
    """``{reason: (since, days)}`` of the partnership's worklist row."""
    (row,) = selectors.worklist_rows([partnership.pk])
    return {item.code: (item.since, item.days) for item in row.overdue}


def _behind(world, n: int) -> list:
    """``n`` partnerships with no diagnosis, their animator assigned 20 days ago."""
    return [
        PartnershipFactory(
            animator=world.animator_a, animator_assigned_on=days_ago(20), leader=world.leader_a
        )
        for _ in range(n)
    ]


@pytest.mark.parametrize("n", [1, 3])
def test_worklist_query_count_does_not_grow(client, world, django_assert_num_queries, n):
    _behind(world, n)
    client.force_login(world.staff)
    # session, user, the filter's animator choices, the ids behind (portal.figures computes
    # them here: the test's data is not committed), the page's rows with their reasons, days
    # and materials, the overview (partnerships by status, sector coverage, without an
    # animator, applications to decide), invitations waiting, the counts per reason, roles.
    with django_assert_num_queries(12):
        response = client.get(reverse("reports:worklist"))
    assert response.status_code == 200
    rows = list(response.context["page"])
    assert len(rows) == n
    assert all([item.code for item in row.overdue] == [BehindReason.NO_DIAGNOSIS] for row in rows)


def test_home_sends_staff_to_the_worklist(client, world):
    client.force_login(world.staff)
    assert client.get(reverse("home")).url == reverse("reports:worklist")


@pytest.mark.parametrize(
    ("days", "text"),
    [(0, "od dziś"), (1, "od 1 dnia"), (2, "od 2 dni"), (5, "od 5 dni"), (22, "od 22 dni")],
)
def test_worklist_says_for_how_many_days_in_polish(client, world, days, text):
    PartnershipFactory(
        name="Zaległe",
        animator=world.animator_a,
        animator_assigned_on=days_ago(DIAGNOSIS_DAYS + days),
    )
    client.force_login(world.staff)
    body = client.get(reverse("reports:worklist")).content.decode()
    assert "Brak diagnozy 14 dni po przydzieleniu animatora" in body
    assert f"{text}\n" in body or f"{text} " in body


def test_each_reason_counts_its_days_from_when_its_rule_began_to_hold(world):
    no_diagnosis = PartnershipFactory(animator=world.animator_a, animator_assigned_on=days_ago(20))
    assert _overdue(no_diagnosis)[BehindReason.NO_DIAGNOSIS] == (days_ago(20 - DIAGNOSIS_DAYS), 6)

    quiet = PartnershipFactory(animator=world.animator_a, animator_assigned_on=days_ago(90))
    SupportSessionFactory(partnership=quiet, kind="diagnosis", held_on=days_ago(40))
    # No contact on the 31st day after the last one: 40 - 31 = 9 days.
    assert _overdue(quiet) == {BehindReason.NO_CONTACT: (days_ago(40 - NO_CONTACT_DAYS - 1), 9)}

    late = PartnershipFactory(animator=world.animator_a, animator_assigned_on=days_ago(5))
    SupportSessionFactory(partnership=late, kind="diagnosis", held_on=days_ago(4))
    PlannedMeetingFactory(
        planned_by_session=SupportSessionFactory(
            partnership=late, kind="meeting_1", held_on=days_ago(3)
        ),
        planned_on=days_ago(2),
    )
    assert _overdue(late) == {BehindReason.MEETING_2_MISSING: (days_ago(1), 1)}

    unplanned = PartnershipFactory(animator=world.animator_a, animator_assigned_on=days_ago(5))
    SupportSessionFactory(partnership=unplanned, kind="meeting_2", held_on=days_ago(PLAN_DAYS))
    assert _overdue(unplanned)[BehindReason.NO_PLAN] == (timezone.localdate(), 0)


def test_no_animator_counts_from_the_change_that_removed_the_animator(world):
    partnership = world.partnership_b
    partnership.history.update(history_date=timezone.now() - datetime.timedelta(days=10))
    partnership.animator = None
    partnership.save()
    removal = partnership.history.filter(animator__isnull=True).get()
    partnership.history.filter(history_id=removal.history_id).update(
        history_date=timezone.now() - datetime.timedelta(days=3)
    )
    partnership.name = "Partnerstwo B, nowa nazwa"  # a later change keeps the start
    partnership.save()
    assert _overdue(partnership)[BehindReason.NO_ANIMATOR] == (days_ago(3), 3)


def test_worklist_filters_by_reason_in_the_address_with_counts(client, world):
    orphan = PartnershipFactory(name="Bez animatora", status=PartnershipStatus.QUALIFIED)
    _behind(world, 2)
    client.force_login(world.staff)
    response = client.get(reverse("reports:worklist"), {"reason": BehindReason.NO_ANIMATOR})
    assert list(response.context["page"]) == [orphan]
    counts = {code: count for code, _label, count in response.context["behind_counts"]}
    assert counts[BehindReason.NO_ANIMATOR] == 1
    assert counts[BehindReason.NO_DIAGNOSIS] == 2
    assert 'aria-current="true" href="?&amp;reason=no_animator">' not in response.content.decode()
    assert 'aria-current="true" href="?reason=no_animator">' in response.content.decode()


def test_worklist_offers_the_action_that_resolves_each_reason(client, world):
    orphan = PartnershipFactory(name="Bez animatora", status=PartnershipStatus.QUALIFIED)
    MaterialsDispatchFactory(partnership=orphan)
    (late,) = _behind(world, 1)
    unplanned = PartnershipFactory(
        leader=world.leader_b, animator=world.animator_b, animator_assigned_on=days_ago(30)
    )
    SupportSessionFactory(partnership=unplanned, kind="diagnosis", held_on=days_ago(29))
    SupportSessionFactory(partnership=unplanned, kind="meeting_2", held_on=days_ago(20))
    MaterialsDispatchFactory(partnership=unplanned)
    client.force_login(world.staff)
    rows = {p.pk: p for p in client.get(reverse("reports:worklist")).context["page"]}
    assign = reverse("animator_assign", args=[orphan.pk])
    assert [url for _label, url in rows[orphan.pk].actions] == [assign]
    assert [url for _label, url in rows[late.pk].actions] == [
        reverse("support:timeline", args=[late.pk]),
        reverse("support:materials_add", args=[late.pk]),  # none recorded yet (§2.5.1)
    ]
    assert [url for _label, url in rows[unplanned.pk].actions] == [
        reverse("reports:leader_message", args=[unplanned.pk])
    ]
    assert world.animator_a.get_full_name() in str(rows[late.pk].animator)


def test_write_to_the_leader_queues_one_email_after_a_preview(client, world):
    client.force_login(world.staff)
    url = reverse("reports:leader_message", args=[world.partnership_a.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Napisz do lidera" in page.content.decode()
    data = {"subject": "Plan rozwoju", "body": "Prosimy o plan."}
    preview = client.post(url, {**data, "preview": "1"})
    assert preview.context["recipients"][0].email == world.leader_a.email
    assert not OutboxMessage.objects.filter(subject__contains="Plan rozwoju").exists()
    response = client.post(url, {**data, "send": "1"})
    assert response.url == reverse("reports:worklist")
    assert list(
        OutboxMessage.objects.filter(subject__contains="Plan rozwoju").values_list("to", flat=True)
    ) == [world.leader_a.email]


def test_write_to_the_leader_of_another_partnership_number_is_404(client, world):
    client.force_login(world.staff)
    assert client.get(reverse("reports:leader_message", args=[99999])).status_code == 404


def test_menu_marks_the_worklist_and_the_reports_section(client, world):
    client.force_login(world.staff)
    worklist = client.get(reverse("reports:worklist")).content.decode()
    assert 'aria-current="page">Do zrobienia</a>' in worklist
    dashboard = client.get(reverse("reports:dashboard")).content.decode()
    assert 'aria-current="true">Raporty</button>' in dashboard
    assert 'aria-current="page">Panel programu</a>' in dashboard
    assert 'aria-current="page">Do zrobienia</a>' not in dashboard
    outbox = client.get(reverse("outbox_list")).content.decode()
    assert 'aria-current="true">Administracja</button>' in outbox
    assert 'aria-current="page">E-maile</a>' in outbox


def test_worklist_counts_match_the_dashboards(client, world):
    _behind(world, 2)
    PartnershipFactory(status=PartnershipStatus.QUALIFIED)
    client.force_login(world.staff)
    worklist = client.get(reverse("reports:worklist")).context
    assert worklist["behind_counts"] == selectors.behind_counts(Filters())
    assert worklist["page"].paginator.count == 3
