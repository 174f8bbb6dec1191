"""The health check for load balancers and monitoring: ``GET /health/`` (answered by
``portal.middleware.HealthCheckMiddleware`` before sessions, logins and host checks, so a
probe costs one query and a broker round trip).

Each check says whether it passed and, if not, what is wrong, in words that reveal no host,
password or stack trace (in English, for the operators' tools; no user reads this page):

- ``database``: a ``SELECT 1``;
- ``broker``: a connection to the Celery broker, and how many tasks wait in the default queue;
- ``beat``: how long ago the heartbeat ran (``portal.tasks.heartbeat``: scheduled by beat,
  run by a worker), so stopped scheduled work shows.

The answer is 503 when this process cannot serve pages (the database is unreachable): what a
load balancer needs to take a node out. The broker and beat serve the whole site, not one node
(pages answer without the broker, ``portal.queue``), so their failures show as ``degraded``
with 200; ``?strict`` answers 503 for any failed check, for monitoring that should alert."""

import time
from datetime import datetime

from celery import current_app
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone

from portal.models import Heartbeat
from portal.tasks import BEAT, HEARTBEAT_SECONDS

PATH = "/health/"
# Scheduled work counts as stopped when the heartbeat is older than this (five beats missed).
BEAT_STALE_SECONDS = 5 * HEARTBEAT_SECONDS


def _timed(name: str, check) -> dict:
    started = time.perf_counter()
    try:
        result = check()
    except Exception as exc:  # any failure is reported, never raised to the prober
        # The exception's class only: its message may name hosts, users or paths.
        result = {"ok": False, "problem": f"{name} unreachable ({type(exc).__name__})"}
    result["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return result


def _database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True}


def _broker() -> dict:
    app = current_app
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=0, timeout=2)
        try:
            declared = conn.default_channel.queue_declare(
                queue=app.conf.task_default_queue, passive=True
            )
            queued = declared.message_count
        except Exception:  # no worker has declared the queue yet: nothing waits in it
            queued = 0
    return {"ok": True, "queued": queued}


def _beat(now: datetime) -> dict:
    seen_at = Heartbeat.objects.filter(name=BEAT).values_list("seen_at", flat=True).first()
    if seen_at is None:
        return {"ok": False, "problem": "scheduled work has never run (is beat running?)"}
    age = max(0, round((now - seen_at).total_seconds()))
    if age > BEAT_STALE_SECONDS:
        return {
            "ok": False,
            "problem": f"scheduled work last ran {age} s ago (are beat and a worker running?)",
            "seconds_ago": age,
        }
    return {"ok": True, "seconds_ago": age}


def report() -> tuple[int, dict]:
    """``(status, body)``: ``ok``, ``degraded`` (the site's shared services) or ``fail``
    (this process cannot serve), and the JSON body."""
    now = timezone.now()
    checks = {
        "database": _timed("database", _database),
        "broker": _timed("broker", _broker),
    }
    checks["beat"] = (
        _timed("beat", lambda: _beat(now))
        if checks["database"]["ok"]
        else {"ok": False, "problem": "unknown: the database is unreachable"}
    )
    failed = [name for name, check in checks.items() if not check["ok"]]
    if not checks["database"]["ok"]:
        status = "fail"
    elif failed:
        status = "degraded"
    else:
        status = "ok"
    return status, {"status": status, "failed": failed, "checks": checks}


def response(request) -> JsonResponse:
    status, body = report()
    strict = "strict" in request.GET
    failing = status == "fail" or (strict and status != "ok")
    answer = JsonResponse(body, status=503 if failing else 200)
    answer["Cache-Control"] = "no-store"
    return answer
