"""The 16-hour budget under load: real threads, real PostgreSQL row locks."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from support import services
from support.models import SupportSession
from tests.support.conftest import days_ago

THREADS = 30


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_session_log_concurrent_hour_logs_accept_exactly_one(world, log):
    partnership = world.partnership_a
    log(partnership, kind="diagnosis", held_on=days_ago(3), duration_minutes=15 * 60)
    barrier = threading.Barrier(THREADS)
    results: list[str] = []
    lock = threading.Lock()

    def attempt():
        try:
            barrier.wait(timeout=30)
            services.session_log(
                partnership=partnership,
                by=world.animator_a,
                kind="remote",
                channel="phone",
                held_on=days_ago(1),
                duration_minutes=60,
            )
            outcome = "accepted"
        except ValidationError:
            outcome = "refused"
        except Exception as exc:  # anything else is a failure the assertion shows
            outcome = f"error: {exc!r}"
        finally:
            connection.close()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=attempt) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(results) == ["accepted"] + ["refused"] * (THREADS - 1)
    active = SupportSession.objects.filter(partnership=partnership, withdrawn_at__isnull=True)
    assert active.count() == 2
    assert sum(s.duration_minutes for s in active) == 16 * 60


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_session_log_concurrent_meeting_1_accepts_one(world, log):
    partnership = world.partnership_a
    log(partnership, kind="diagnosis", held_on=days_ago(5), duration_minutes=60)
    barrier = threading.Barrier(8)
    results: list[str] = []
    lock = threading.Lock()

    def attempt():
        try:
            barrier.wait(timeout=30)
            log(partnership, kind="meeting_1", held_on=days_ago(2), duration_minutes=60)
            outcome = "accepted"
        except ValidationError:
            outcome = "refused"
        except Exception as exc:
            outcome = f"error: {exc!r}"
        finally:
            connection.close()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=attempt) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(results) == ["accepted"] + ["refused"] * 7
    assert SupportSession.objects.filter(kind="meeting_1").count() == 1
