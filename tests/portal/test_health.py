"""GET /health/: what a load balancer and monitoring read. Public, one small query per check,
says what is wrong without naming hosts or showing errors' messages."""

import datetime
import json
import logging

import pytest
from celery import current_app
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone

from config.celery import beat_schedule
from portal import health, tasks
from portal.models import Heartbeat, OutboxMessage
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _beat(seconds_ago: int):
    Heartbeat.objects.update_or_create(
        name=tasks.BEAT,
        defaults={"seen_at": timezone.now() - datetime.timedelta(seconds=seconds_ago)},
    )


def _get(client, **params):
    response = client.get("/health/", params, HTTP_HOST="10.0.0.7")  # a node's own address
    return response, json.loads(response.content)


def test_health_is_ok_when_everything_runs(client, django_assert_num_queries):
    _beat(30)
    with django_assert_num_queries(3):  # SELECT 1, the heartbeat, the outbox's backlog
        response, body = _get(client)
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    assert body["status"] == "ok" and body["failed"] == []
    assert set(body["checks"]) == {"database", "broker", "beat", "outbox"}
    assert body["checks"]["outbox"]["ok"] and body["checks"]["outbox"]["waiting"] == 0
    assert body["checks"]["beat"]["seconds_ago"] in range(29, 35)
    assert body["checks"]["broker"]["queued"] >= 0


def test_stopped_beat_degrades_but_keeps_the_node_in_service(client):
    _beat(health.BEAT_STALE_SECONDS + 60)
    response, body = _get(client)
    assert response.status_code == 200
    assert (body["status"], body["failed"]) == ("degraded", ["beat"])
    assert "last ran" in body["checks"]["beat"]["problem"]
    response, _body = _get(client, strict="")
    assert response.status_code == 503  # monitoring asks for every check


def _queued(minutes_ago: int) -> OutboxMessage:
    return OutboxMessage.objects.create(
        template="test",
        to="a@example.org",
        from_email="portal@example.org",
        subject="S",
        body_text="T",
        language="pl",
        msgid="<x@example.org>",
        next_attempt_at=timezone.now() - datetime.timedelta(minutes=minutes_ago),
    )


def test_outbox_backlog_nobody_sends_degrades(client):
    _beat(10)
    _queued(1)
    _queued(health.OUTBOX_STALE_SECONDS // 60 + 5)
    response, body = _get(client)
    assert (response.status_code, body["failed"]) == (200, ["outbox"])
    outbox = body["checks"]["outbox"]
    assert outbox["waiting"] == 2 and outbox["oldest_seconds"] > health.OUTBOX_STALE_SECONDS
    assert "2 e-mails wait to be sent" in outbox["problem"]


def test_beat_that_never_ran_is_reported(client):
    _response, body = _get(client)
    assert "never run" in body["checks"]["beat"]["problem"]


def test_unreachable_database_fails_without_revealing_the_host(client, monkeypatch):
    def unreachable():
        raise OperationalError('could not connect to server "db.internal" port 5432 user app')

    monkeypatch.setattr(health, "_database", unreachable)
    response, body = _get(client)
    assert response.status_code == 503
    assert body["status"] == "fail" and "database" in body["failed"]
    assert body["checks"]["database"]["problem"] == "database unreachable (OperationalError)"
    assert "db.internal" not in response.content.decode()


def test_unreachable_broker_degrades_without_revealing_the_address(client, monkeypatch):
    _beat(10)
    # setitem, not setattr: Celery's ``broker_write_url`` property falls back on
    # ``broker_url``, so setattr would restore the patched address as a stored write URL and
    # leave every later connection pointing at the closed port.
    monkeypatch.setitem(current_app.conf, "broker_url", "redis://:secret@127.0.0.1:1/0")
    monkeypatch.setitem(current_app.conf, "broker_write_url", None)
    response, body = _get(client)
    assert (response.status_code, body["failed"]) == (200, ["broker"])
    assert body["checks"]["broker"]["problem"].startswith("broker unreachable (")
    assert "127.0.0.1" not in response.content.decode()
    assert "secret" not in response.content.decode()


def test_heartbeat_is_scheduled_and_stamps_the_time():
    assert beat_schedule()[f"periodic-{tasks.heartbeat.name}"]["schedule"] == 60
    tasks.heartbeat()
    seen_at = Heartbeat.objects.get(name=tasks.BEAT).seen_at
    assert timezone.now() - seen_at < datetime.timedelta(seconds=5)
    tasks.heartbeat()
    assert Heartbeat.objects.count() == 1


def test_request_log_has_time_and_queries_at_debug_level(client, caplog):
    user = UserFactory()
    client.force_login(user)
    with caplog.at_level(logging.DEBUG, logger="portal.requests"):
        client.get(reverse("calendar_feed", args=["sekretny-token"]))
        client.get(reverse("password_change_done"))
    lines = [r.getMessage() for r in caplog.records if r.name == "portal.requests"]
    assert len(lines) == 2
    assert lines[0].startswith("GET /kalendarz/<str:token>.ics 404 ")
    assert "sekretny-token" not in lines[0]
    assert lines[1].startswith("GET /konto/haslo/zmiana/gotowe/ 200 ")
    assert lines[1].endswith(" queries") and " ms " in lines[1]


def test_request_log_counts_nothing_above_debug_level(client, caplog):
    with caplog.at_level(logging.INFO, logger="portal.requests"):
        client.get(reverse("login"))
    assert not [r for r in caplog.records if r.name == "portal.requests"]
