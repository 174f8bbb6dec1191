"""``make bench``: the figures of docs/design.md's "Targets", measured on data set L.

Each figure is measured here and printed, never asserted: the tests assert query counts on
small data; this reports times, memory and counts on large data."""

import contextlib
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from importlib import import_module
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.core.management import call_command, get_commands
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from bench import dataset
from clips.models import ClipCall
from events.models import Event
from partnerships.models import Partnership, User
from portal.middleware import LOGIN_AT, SEEN_AT
from portal.models import OutboxMessage, ReminderSent

REPEAT = 15
WARMUP = 2


def _timed(client, url, repeat=REPEAT):
    for _ in range(WARMUP):
        response = client.get(url)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    times.sort()
    return {
        "status": response.status_code,
        "queries": len(queries),
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[min(len(times) - 1, int(len(times) * 0.95))], 1),
    }


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _url(name, *args):
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def main_pages() -> list[tuple[str, str, str]]:
    """(label, user key, URL) of each main page; pages of apps not installed yet are left out."""
    partnership = Partnership.objects.filter(name__startswith="[L]").order_by("pk").first()

    event = Event.objects.filter(title__startswith="[L]").order_by("pk").first()
    pages = [
        ("trivial logged-in page", "staff", _url("password_change_done")),
        ("partnership list (staff)", "staff", _url("partnership_list")),
        ("partnership page", "staff", _url("partnership_detail", partnership.pk)),
        ("support timeline", "animator", _url("support:timeline", partnership.pk)),
        ("animator's partnerships", "animator", _url("support:partnership_list")),
        ("support overview (staff)", "staff", _url("support:partnership_list")),
        ("event registrations (staff)", "staff", _url("events:event_detail", event.pk)),
        ("event participants (staff)", "staff", _url("events:participant_list", event.pk)),
        ("staff start page", "staff", _url("staff_home")),
    ]
    pages.append(("staff dashboard", "staff", _url("reports:dashboard")))
    pages.append(("clip ranking", "staff", _clip_ranking_url()))
    pages.append(("clip candidates", "staff", _clip_ranking_url("clips:candidate_list")))
    return [p for p in pages if p[2]]


def _clip_ranking_url(name="clips:ranking"):

    call = ClipCall.objects.order_by("-pk").first()
    return _url(name, call.pk) if call else None


def admin_changelists() -> list[tuple[str, str]]:
    rows = []
    for model in admin.site._registry:
        meta = model._meta
        rows.append(
            (
                f"admin {meta.app_label}.{meta.model_name}",
                reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"),
            )
        )
    return sorted(rows)


def bench_users() -> dict[str, User]:
    return {
        "staff": User.objects.get(email="staff0@bench.prb.pl"),
        "animator": User.objects.get(email="animator0@bench.prb.pl"),
    }


def small_counts() -> dict[str, int]:
    """Query counts of every page on the data set already in this (small) database."""
    return {row["page"]: row["queries"] for row in measure_pages(repeat=1)}


def measure_pages(repeat=REPEAT) -> list[dict]:
    users = bench_users()
    superuser = users["staff"]
    superuser.is_superuser = True
    superuser.save(update_fields=["is_superuser"])
    clients = {key: _client(user) for key, user in users.items()}
    results = []
    for label, user_key, url in main_pages():
        results.append({"page": label, "url": url, **_timed(clients[user_key], url, repeat)})
    for label, url in admin_changelists():
        results.append(
            {"page": label, "url": url, **_timed(clients["staff"], url, max(5, repeat // 3))}
        )
    trivial = results[0]["median_ms"]
    for row in results:
        row["ratio_to_trivial"] = round(row["median_ms"] / trivial, 2) if trivial else None
    return results


def _command_json(name: str, *args, env: dict | None = None) -> dict | None:
    """Run another app's measuring command in a fresh process (memory figures stay honest)."""
    if name not in get_commands():
        return None
    result = subprocess.run(
        [sys.executable, "manage.py", name, *args],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, **(env or {})},
    )
    output = result.stdout.strip()
    with contextlib.suppress(ValueError):
        return json.loads(output[output.index("{") :])  # the commands print one JSON document
    return {"error": (result.stderr or result.stdout)[-500:]}


def measure_reminders() -> dict | None:
    """The full scan over L from an empty sent log: a dry run (the scan alone), a real run
    (e-mails rendered into the outbox and delivered to a backend that drops them), and a
    second real run."""
    if "send_reminders" not in get_commands():
        return None

    # The bench database only: comparable runs.
    ReminderSent.objects.all().delete()
    OutboxMessage.objects.all().delete()
    dummy = {"EMAIL_URL": "dummy://"}
    return {
        "dry_run": _command_json("send_reminders", "--dry-run", "--stats"),
        "first_run": _command_json("send_reminders", "--stats", env=dummy),
        "second_run": _command_json("send_reminders", "--stats", env=dummy),
    }


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _session_cookie(user) -> str:

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store[LOGIN_AT] = store[SEEN_AT] = time.time() + 3600  # stays fresh during the run
    store.save()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def _load(url: str, cookie: str, seconds: float, threads: int) -> float:
    done = [0]
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def worker():
        while time.perf_counter() < deadline:
            request = urllib.request.Request(url, headers={"Cookie": cookie})
            with urllib.request.urlopen(request, timeout=30) as response:
                response.read()
                if response.status == 200:
                    with lock:
                        done[0] += 1

    workers = [threading.Thread(target=worker) for _ in range(threads)]
    started = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return done[0] / (time.perf_counter() - started)


def measure_throughput(seconds=8.0, threads=4) -> dict:
    """Requests per second under gunicorn with 2 workers, for a main page and the trivial one."""
    port = _free_port()
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "config.wsgi",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=settings.BASE_DIR,
        env=os.environ.copy(),
        start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            with contextlib.suppress(OSError):
                urllib.request.urlopen(f"{base}/konto/logowanie/", timeout=2)
                break
            time.sleep(0.2)
        cookie = _session_cookie(bench_users()["staff"])
        main = _url("partnership_list")
        trivial = _url("password_change_done")
        _load(base + trivial, cookie, 1, threads)  # warm both workers
        rps_trivial = _load(base + trivial, cookie, seconds, threads)
        rps_main = _load(base + main, cookie, seconds, threads)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    return {
        "main_page": main,
        "trivial_rps": round(rps_trivial, 1),
        "main_rps": round(rps_main, 1),
        "ratio": round(rps_trivial / rps_main, 2) if rps_main else None,
        "workers": 2,
        "client_threads": threads,
    }


def small_query_counts() -> dict[str, int]:
    """Query counts of the same pages on a 10-partnership data set, in a separate SQLite file."""
    env = {
        **os.environ,
        "PORTAL_VAR_DIR": str(Path(settings.BASE_DIR) / "var" / "bench-small"),
    }
    env.pop("DATABASE_URL", None)
    for command in (["migrate", "--noinput", "-v0"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=settings.BASE_DIR,
            env=env,
            check=True,
            capture_output=True,
        )
    result = subprocess.run(
        [sys.executable, "manage.py", "bench", "--small-counts"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def run(stdout=None) -> dict:

    report = {"database": connection.vendor}
    if not dataset.exists():
        started = time.perf_counter()
        call_command("generate_dataset", stdout=StringIO())
        report["dataset_generated_s"] = round(time.perf_counter() - started, 1)
    report["pages"] = measure_pages()
    small = small_query_counts()
    for row in report["pages"]:
        row["queries_small"] = small.get(row["page"])
    report["plan_pdf"] = _command_json("bench_plan_pdf")
    report["reminder_scan"] = measure_reminders()
    report["export"] = _command_json("bench_export")
    report["outbox"] = _command_json("bench_outbox")
    report["throughput"] = measure_throughput()
    return report


def format_report(report: dict) -> str:
    lines = [f"Database: {report['database']}"]
    if "dataset_generated_s" in report:
        lines.append(f"Data set L generated in {report['dataset_generated_s']} s")
    lines.append("")
    lines.append(
        f"{'page':<44} {'q@10':>5} {'q@L':>5} {'median ms':>10} {'p95 ms':>8} {'×trivial':>9}"
    )
    for row in report["pages"]:
        lines.append(
            f"{row['page'][:44]:<44} {row.get('queries_small') or '-':>5} {row['queries']:>5} "
            f"{row['median_ms']:>10} {row['p95_ms']:>8} {row['ratio_to_trivial']:>9}"
            + ("" if row["status"] == 200 else f"  (HTTP {row['status']})")
        )
    for key, title in (
        ("plan_pdf", "Development plan PDF"),
        ("reminder_scan", "Reminder scan"),
        ("export", "Export of support sessions"),
        ("outbox", "Outbox: 1,000 queued e-mails to a local SMTP sink"),
        ("throughput", "Throughput under gunicorn"),
    ):
        lines.append("")
        value = report.get(key)
        lines.append(f"{title}: " + ("not available yet" if value is None else json.dumps(value)))
    return "\n".join(lines)
