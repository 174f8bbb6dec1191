"""The 16-hour budget and the one-of-each meetings under load: real threads, each with its own
PostgreSQL connection, calling the service at the same moment."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from support import services
from support.models import HourBudget, SupportSession
from tests.support.conftest import RECORDS, days_ago


def _race(threads: int, call) -> list[str]:
    """Run ``call`` in ``threads`` threads released together; the outcome of each, sorted."""
    barrier = threading.Barrier(threads)
    results: list[str] = []
    lock = threading.Lock()

    def attempt():
        try:
            barrier.wait(timeout=30)
            call()
            outcome = "accepted"
        except ValidationError:
            outcome = "refused"
        except Exception as exc:  # shown by the assertion, never hidden
            outcome = f"error: {exc!r}"
        finally:
            connection.close()
        with lock:
            results.append(outcome)

    workers = [threading.Thread(target=attempt) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    return sorted(results)


def _log(world, kind, **kwargs):
    return lambda: services.session_log(
        partnership=world.partnership_a,
        actor=world.animator_a,
        kind=kind,
        channel="phone",
        held_on=days_ago(1),
        duration_minutes=60,
        record=kwargs.pop("record", None),
        **kwargs,
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_session_log_30_concurrent_hours_at_15_used_accept_exactly_one(world, log):
    # the diagnosis is outside the 16 hours (§2.1.4): 15 hours of support come after it
    log(world.partnership_a, kind="diagnosis", held_on=days_ago(3), duration_minutes=90)
    log(world.partnership_a, held_on=days_ago(2), duration_minutes=15 * 60)

    results = _race(30, _log(world, "remote"))

    assert results == ["accepted"] + ["refused"] * 29
    active = SupportSession.objects.filter(
        partnership=world.partnership_a, withdrawn_at=None, kind="remote"
    )
    assert active.count() == 2
    assert sum(s.duration_minutes for s in active) == 16 * 60


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_session_log_concurrent_meeting_1_accepts_one(world, log):
    log(world.partnership_a, kind="diagnosis", held_on=days_ago(5))
    record = dict(RECORDS["meeting_1"], next_meeting_on=days_ago(-14))

    results = _race(8, _log(world, "meeting_1", record=record))

    assert results == ["accepted"] + ["refused"] * 7
    assert SupportSession.objects.filter(kind="meeting_1").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_session_log_concurrent_first_logs_create_one_budget_and_one_diagnosis(world):
    """No budget row yet: the racing get_or_create calls end with one row and one diagnosis."""
    results = _race(10, _log(world, "diagnosis", record=RECORDS["diagnosis"]))

    assert results == ["accepted"] + ["refused"] * 9
    assert HourBudget.objects.filter(partnership=world.partnership_a).count() == 1
    assert SupportSession.objects.filter(kind="diagnosis").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_potential_partner_concurrent_joins_make_one_partner(world):
    """A double click (or the leader and the animator at once) on "joins as a partner"."""
    from tests.factories import PotentialPartnerFactory

    candidate = PotentialPartnerFactory(partnership=world.partnership_a, name="Piekarnia Kłos")

    results = _race(
        8,
        lambda: services.potential_partner_join(
            candidate=candidate, actor=world.leader_a, contribution="W.", benefit="K."
        ),
    )

    assert results == ["accepted"] + ["refused"] * 7
    assert world.partnership_a.partners.filter(institution__name="Piekarnia Kłos").count() == 1
