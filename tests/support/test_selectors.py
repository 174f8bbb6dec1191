import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.calendar import items_for_user
from support import selectors, services
from support.selectors import format_minutes
from tests.factories import PotentialPartnerFactory, SupportSessionFactory
from tests.support.conftest import days_ago

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("minutes", "text"), [(0, "0 min"), (45, "45 min"), (60, "1 h"), (135, "2 h 15 min")]
)
def test_format_minutes_english(minutes, text, settings):
    from django.utils import translation

    with translation.override("en"):
        assert format_minutes(minutes) == text


def test_with_support_summary_ignores_withdrawn_sessions(world, log):
    log(world.partnership_a, kind="diagnosis", held_on=days_ago(4), duration_minutes=90)
    remote = log(world.partnership_a, duration_minutes=120)
    services.session_withdraw(session=remote, actor=world.animator_a, reason="Pomyłka.")
    (row,) = selectors.support_partnership_list(world.animator_a)
    assert (row.used_minutes, row.left_minutes, row.step) == (0, 960, "diagnosed")


def test_with_support_summary_counts_the_diagnosis_apart(world, log):
    """§2.1.4: the diagnosis is before support, not part of its 16 hours."""
    log(world.partnership_a, kind="diagnosis", held_on=days_ago(4), duration_minutes=90)
    log(world.partnership_a, duration_minutes=120)
    (row,) = selectors.support_partnership_list(world.animator_a)
    assert (row.used_minutes, row.diagnosis_minutes, row.left_minutes) == (120, 90, 840)


def test_support_partnership_list_for_staff_lists_partnerships_in_support(world):
    names = [p.name for p in selectors.support_partnership_list(world.staff)]
    assert names == ["Partnerstwo A", "Partnerstwo B"]


def test_support_state_next_kinds_follow_order(world, cycle):
    assert selectors.support_state(world.partnership_a).next_kinds == ["diagnosis"]
    cycle(world.partnership_a)
    state = selectors.support_state(world.partnership_a)
    assert state.next_kinds == ["meeting_2", "remote", "summary_help", "plan_help"]
    # the diagnosis (60 min) is outside the budget; meeting 1 (180 min) is in it
    assert (state.used_minutes, state.used_percent) == (180, 19)
    assert (state.diagnosis_minutes, state.left_minutes) == (60, 780)


def test_can_change_session_withdrawn_false_even_for_staff(world):
    session = SupportSessionFactory(partnership=world.partnership_a, kind="diagnosis")
    assert selectors.can_change_session(world.staff, session)
    session.withdrawn_at = timezone.now()
    assert not selectors.can_change_session(world.staff, session)


def test_calendar_items_planned_meeting_for_animator_and_leader_only(world, cycle):
    cycle(world.partnership_a)
    planned_on = days_ago(10) + datetime.timedelta(days=14)
    for user in (world.animator_a, world.leader_a):
        (item,) = [i for i in items_for_user(user) if i.uid.startswith("support-")]
        assert item.start == planned_on
        assert item.url.endswith(reverse("support:timeline", args=[world.partnership_a.pk]))
    for user in (world.animator_b, world.leader_b, world.committee):
        assert not [i for i in items_for_user(user) if i.uid.startswith("support-")]


def test_calendar_feed_includes_planned_meeting(client, world, cycle):
    cycle(world.partnership_a)
    response = client.get(reverse("calendar_feed", args=[world.animator_a.calendar_token]))
    assert "Partnerstwo A" in response.content.decode()


def test_potential_partner_pipeline_by_sector_with_coverage(world, django_assert_num_queries):
    """§1.2: the three sectors, each with whether a partner covers it and who is approached."""
    business = PotentialPartnerFactory(partnership=world.partnership_a, name="Piekarnia")
    declined = PotentialPartnerFactory(
        partnership=world.partnership_a,
        name="Fundacja",
        sector="social",
        kind="ngo",
        status="declined",
    )
    PotentialPartnerFactory(partnership=world.partnership_b, name="Cudza firma")
    with django_assert_num_queries(2):  # the active partners' sectors, the candidates
        pipeline = selectors.potential_partner_pipeline(world.partnership_a)
    rows = {row.sector: row for row in pipeline}
    assert [row.sector for row in pipeline] == ["public", "social", "business"]
    assert (rows["public"].covered, rows["public"].candidates) == (True, [])
    assert (rows["social"].covered, rows["social"].candidates) == (True, [declined])
    assert (rows["business"].covered, rows["business"].candidates) == (False, [business])
    assert (rows["business"].open_count, rows["social"].open_count) == (1, 0)


def test_sessions_like_matches_kind_channel_date_and_length_only(world, log):
    log(world.partnership_a, kind="diagnosis", held_on=days_ago(5))
    same = log(world.partnership_a, channel="phone", duration_minutes=45, held_on=days_ago(1))
    log(world.partnership_a, channel="email", duration_minutes=45, held_on=days_ago(1))
    log(world.partnership_a, channel="phone", duration_minutes=30, held_on=days_ago(1))
    withdrawn = log(world.partnership_a, channel="phone", duration_minutes=45, held_on=days_ago(1))
    services.session_withdraw(session=withdrawn, actor=world.animator_a, reason="Dwa razy.")
    log(world.partnership_b, kind="diagnosis", held_on=days_ago(5))
    log(world.partnership_b, channel="phone", duration_minutes=45, held_on=days_ago(1))

    found = selectors.sessions_like(
        world.partnership_a,
        kind="remote",
        channel="phone",
        held_on=days_ago(1),
        duration_minutes=45,
    )
    assert [s.pk for s in found] == [same.pk]


def test_leader_todos_name_the_plan_the_animator_agreed(world):
    from tests.factories import DevelopmentPlanFactory

    plan = DevelopmentPlanFactory(partnership=world.partnership_a)
    assert selectors.leader_todos(world.leader_a, world.partnership_a) == []
    plan.agreed_by_animator = world.animator_a
    plan.agreed_by_animator_at = timezone.now()
    plan.save()
    (todo,) = selectors.leader_todos(world.leader_a, world.partnership_a)
    assert todo.url == reverse("support:plan_detail", args=[world.partnership_a.pk])
    assert selectors.leader_todos(world.animator_a, world.partnership_a) == []
