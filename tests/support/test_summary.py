"""The support summary (``support.summary``): one row per partnership, kept equal to what its
sessions say by every write (services, admin, factories), under concurrency, and rebuilt in one
statement after a bulk load."""

import threading

import pytest
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from partnerships.models import Partnership
from support import selectors, services
from support.enums import OUTSIDE_BUDGET_KINDS, SessionKind
from support.models import SupportSession, SupportSummary
from support.summary import summary_rebuild_all, summary_refresh
from tests.factories import PartnershipFactory, SupportSessionFactory, UserFactory
from tests.support.conftest import days_ago

NOTHING = {
    "sessions": 0,
    "last_contact_on": None,
    "diagnosis_on": None,
    "meeting_1_on": None,
    "meeting_2_on": None,
    "minutes_in_budget": 0,
    "minutes_outside_budget": 0,
}


def direct(partnership) -> dict:
    """The summary counted by hand from the sessions that are not withdrawn."""
    active = list(SupportSession.objects.filter(partnership=partnership, withdrawn_at=None))

    def first(kind):
        return min((s.held_on for s in active if s.kind == kind), default=None)

    return {
        "sessions": len(active),
        "last_contact_on": max((s.held_on for s in active), default=None),
        "diagnosis_on": first(SessionKind.DIAGNOSIS),
        "meeting_1_on": first(SessionKind.MEETING_1),
        "meeting_2_on": first(SessionKind.MEETING_2),
        "minutes_in_budget": sum(
            s.duration_minutes for s in active if s.kind not in OUTSIDE_BUDGET_KINDS
        ),
        "minutes_outside_budget": sum(
            s.duration_minutes for s in active if s.kind in OUTSIDE_BUDGET_KINDS
        ),
    }


def stored(partnership) -> dict:
    """The summary row, or what a missing row means (nothing logged)."""
    row = SupportSummary.objects.filter(partnership=partnership).values(*NOTHING).first()
    return row or dict(NOTHING)


def test_summary_follows_log_update_and_withdraw_through_the_services(world, log, cycle):
    partnership = world.partnership_a
    assert stored(partnership) == NOTHING

    diagnosis, meeting_1 = cycle(partnership)
    remote = log(partnership, held_on=days_ago(3), duration_minutes=45)
    assert stored(partnership) == direct(partnership)
    assert stored(partnership) == {
        "sessions": 3,
        "last_contact_on": days_ago(3),
        "diagnosis_on": days_ago(20),
        "meeting_1_on": days_ago(10),
        "meeting_2_on": None,
        "minutes_in_budget": 180 + 45,
        "minutes_outside_budget": 60,
    }

    services.session_update(
        session=remote,
        actor=world.animator_a,
        channel="video",
        held_on=days_ago(2),
        duration_minutes=90,
    )
    assert stored(partnership) == direct(partnership)
    assert stored(partnership)["last_contact_on"] == days_ago(2)
    assert stored(partnership)["minutes_in_budget"] == 180 + 90

    services.session_withdraw(session=remote, actor=world.staff, reason="Pomyłka.")
    assert stored(partnership) == direct(partnership)
    assert stored(partnership)["last_contact_on"] == days_ago(10)
    assert stored(partnership)["minutes_in_budget"] == 180
    assert stored(world.partnership_b) == NOTHING


def test_summary_follows_a_session_made_by_a_factory(world):
    session = SupportSessionFactory(
        partnership=world.partnership_b, kind="diagnosis", held_on=days_ago(4)
    )
    assert stored(world.partnership_b) == direct(world.partnership_b)
    assert stored(world.partnership_b)["diagnosis_on"] == days_ago(4)

    session.withdrawn_at, session.withdrawn_reason = timezone.now(), "Test."
    session.save()
    assert stored(world.partnership_b) == NOTHING

    session.delete()
    assert stored(world.partnership_b) == NOTHING


def test_summary_repaired_by_a_save_in_the_admin(client, world, log):
    """The admin saves the session itself (notes only): the row is recomputed, not adjusted."""
    session = log(world.partnership_a, kind="diagnosis", held_on=days_ago(5))
    SupportSummary.objects.filter(partnership=world.partnership_a).update(
        sessions=7, minutes_outside_budget=1, diagnosis_on=None
    )
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    url = reverse("admin:support_supportsession_change", args=[session.pk])
    page = client.get(url)
    data = {"notes": "Poprawione w panelu."}
    for formset in page.context["inline_admin_formsets"]:
        prefix = formset.formset.management_form.prefix
        data[f"{prefix}-TOTAL_FORMS"] = 0
        data[f"{prefix}-INITIAL_FORMS"] = 0
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert SupportSession.objects.get(pk=session.pk).notes == "Poprawione w panelu."
    assert stored(world.partnership_a) == direct(world.partnership_a)
    assert stored(world.partnership_a)["diagnosis_on"] == days_ago(5)


def test_rules_read_a_partnership_without_a_summary_row_as_nothing_logged(world):
    """A LEFT JOIN: no row, no session; the rules hold or not as they did over the sessions."""
    old = days_ago(60)
    Partnership.objects.filter(pk=world.partnership_a.pk).update(animator_assigned_on=old)
    assert not SupportSummary.objects.filter(partnership=world.partnership_a).exists()
    today = timezone.localdate()
    row = selectors.with_support_summary(
        Partnership.objects.filter(pk=world.partnership_a.pk)
    ).get()
    assert (row.used_minutes, row.diagnosis_minutes, row.step) == (0, 0, "not_started")
    assert (row.has_diagnosis, row.has_meeting_1, row.has_meeting_2) == (False, False, False)
    partnerships = Partnership.objects.filter(pk=world.partnership_a.pk)
    assert partnerships.filter(selectors.no_diagnosis(today)).exists()
    assert partnerships.filter(selectors.no_contact(today)).exists()
    assert not partnerships.filter(selectors.no_agreed_plan(today)).exists()
    assert not partnerships.filter(selectors.has_held(SessionKind.DIAGNOSIS)).exists()
    found = partnerships.annotate(
        last=selectors.last_contact_on(),
        used=selectors.budget_minutes_used(),
        diagnosed=selectors.first_held_on(SessionKind.DIAGNOSIS),
    ).values("last", "used", "diagnosed")
    assert list(found) == [{"last": None, "used": 0, "diagnosed": None}]

    # the same partnership with a row of zeros (every session withdrawn) reads the same
    summary_refresh([world.partnership_a.pk])
    assert stored(world.partnership_a) == NOTHING
    assert SupportSummary.objects.filter(partnership=world.partnership_a).exists()
    assert partnerships.filter(selectors.no_diagnosis(today)).exists()
    assert partnerships.filter(selectors.no_contact(today)).exists()


def test_summary_rebuild_all_equals_the_refresh_of_each_partnership(world, log, cycle):
    cycle(world.partnership_a)
    remote = log(world.partnership_a, held_on=days_ago(2), duration_minutes=30)
    services.session_withdraw(session=remote, actor=world.staff, reason="Pomyłka.")
    log(world.partnership_b, kind="diagnosis", held_on=days_ago(8), duration_minutes=75)
    third = PartnershipFactory()
    SupportSession.objects.bulk_create(  # no signal: the rows are stale until rebuilt
        [
            SupportSession(
                partnership=third,
                animator=world.animator_b,
                kind=kind,
                channel="in_person",
                held_on=days_ago(n),
                duration_minutes=minutes,
            )
            for kind, n, minutes in [("diagnosis", 9, 60), ("meeting_1", 6, 120)]
        ]
    )
    assert stored(third) == NOTHING
    SupportSummary.objects.filter(partnership=world.partnership_b).update(sessions=99)

    assert summary_rebuild_all() == 3
    rebuilt = {row.pk: row for row in SupportSummary.objects.all()}
    summary_refresh(Partnership.objects.values_list("pk", flat=True))
    refreshed = {row.pk: row for row in SupportSummary.objects.all()}
    for partnership in Partnership.objects.all():
        expected = direct(partnership)
        assert stored(partnership) == expected
        if partnership.pk in rebuilt:
            assert {name: getattr(rebuilt[partnership.pk], name) for name in NOTHING} == expected
        else:
            assert expected == NOTHING
            assert {name: getattr(refreshed[partnership.pk], name) for name in NOTHING} == NOTHING
    assert stored(third)["meeting_1_on"] == days_ago(6)


def test_summary_refresh_takes_four_queries_for_any_number_of_partnerships(
    world, django_assert_num_queries
):
    others = [PartnershipFactory() for _ in range(3)]
    for n, partnership in enumerate([world.partnership_a, *others]):
        SupportSessionFactory(
            partnership=partnership, animator=world.animator_b, held_on=days_ago(n + 1)
        )
    for ids in ([world.partnership_a.pk], [p.pk for p in others]):
        # insert the missing rows, lock the rows, sum the sessions, write the rows
        with django_assert_num_queries(4):
            summary_refresh(ids)
    for partnership in [world.partnership_a, *others]:
        assert stored(partnership) == direct(partnership)


def _save_directly(partnership, actor, n):
    """A session saved without the service (and its lock on the budget), as a script would."""
    with transaction.atomic():
        SupportSessionFactory(
            partnership=partnership,
            animator=actor,
            held_on=days_ago(n + 1),
            duration_minutes=15 * (n + 1),
        )


def _through_the_service(partnership, actor, n):
    services.session_log(
        partnership=partnership,
        actor=actor,
        kind="remote",
        channel="phone",
        held_on=days_ago(n + 1),
        duration_minutes=15 * (n + 1),
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("write", [_through_the_service, _save_directly])
def test_summary_concurrent_logs_for_one_partnership_equal_the_sessions(world, log, write):
    """Ten threads log a contact of the same partnership at once (each its own connection and
    transaction): each reads the sessions after taking the row's lock, so none is lost, with
    or without the service's own lock on the budget."""
    partnership = world.partnership_a
    log(partnership, kind="diagnosis", held_on=days_ago(30), duration_minutes=60)
    threads = 10
    barrier = threading.Barrier(threads)
    errors = []

    def attempt(n):
        try:
            barrier.wait(timeout=30)
            write(partnership, world.animator_a, n)
        except Exception as exc:  # shown by the assertion, never hidden
            errors.append(repr(exc))
        finally:
            connection.close()

    workers = [threading.Thread(target=attempt, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)

    assert errors == []
    assert stored(partnership) == direct(partnership)
    assert stored(partnership)["sessions"] == threads + 1
    assert stored(partnership)["minutes_in_budget"] == sum(15 * (n + 1) for n in range(threads))
    assert stored(partnership)["last_contact_on"] == days_ago(1)
