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
import urllib.parse
import urllib.request
from dataclasses import dataclass
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
from django.utils.text import slugify

from bench import dataset
from clips.models import ClipCall
from evaluations.models import Invitation as EvaluationInvitation
from events.models import Event, Participant, Registration
from partnerships.models import Partnership, Person, User
from portal import figures
from portal.middleware import LOGIN_AT, SEEN_AT
from portal.models import OutboxMessage, ReminderSent
from support.models import SupportSession

REPEAT = 15
WARMUP = 2
# After a change the summarising pages compute their figures again (portal.figures): a few
# requests, each right after a change, show what the first reader after a change waits.
COLD_REPEAT = 3
# Requests to each admin changelist: at least this many, a third of ``repeat`` when more.
ADMIN_REPEAT = 5
EXPLAIN_DIR = Path(settings.BASE_DIR) / "var" / "bench"


@dataclass(frozen=True)
class Page:
    label: str
    user: str  # "staff" or "animator"
    url: str
    kind: str = "list"  # "list" (paginated rows), "summary" (figures of the programme), "page"
    admin: str | None = None  # the admin changelist of the same rows, for list pages
    admin_rows: int | None = None  # rows the page shows when not PAGINATE_BY


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


def _cold(client, url, repeat=COLD_REPEAT) -> tuple[dict, dict]:
    """Each request right after a change (the version of the data raised, as any save does):
    the median time, the queries, and the slowest query of the last request."""
    times, captured = [], None
    for _ in range(repeat):
        figures.changed()  # outside a transaction: at once
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        captured = queries.captured_queries
    slowest = max(captured, key=lambda q: float(q["time"] or 0), default=None)
    row = {"cold_ms": round(statistics.median(times), 1), "cold_queries": len(captured)}
    return row, slowest


def _select_of(sql: str) -> str | None:
    """The SELECT of a captured statement (a server-side cursor wraps it in DECLARE)."""
    if sql.startswith("DECLARE"):
        sql = sql[sql.index(" FOR ") + len(" FOR ") :]
    return sql if sql.lstrip().upper().startswith(("SELECT", "WITH")) else None


def explain(sql: str) -> str:
    """The plan of ``sql`` as run: ``EXPLAIN (ANALYZE, BUFFERS)`` on PostgreSQL, the query
    plan on SQLite."""
    prefix = (
        "EXPLAIN (ANALYZE, BUFFERS) "
        if connection.vendor == "postgresql"
        else "EXPLAIN QUERY PLAN "
    )
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql)
        return "\n".join(" ".join(str(col) for col in row) for row in cursor.fetchall())


def _save_explain(size: str, label: str, slowest: dict | None) -> str | None:
    if slowest is None:
        return None
    select = _select_of(slowest["sql"])
    if select is None:
        return None
    folder = EXPLAIN_DIR / f"explain-{size}"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (slugify(label) + ".txt")
    path.write_text(
        f"-- {label}, data set {size}: the slowest query of a request right after a change "
        f"({float(slowest['time']) * 1000:.1f} ms)\n\n{select}\n\n{explain(select)}\n"
    )
    return str(path)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _url(name, *args):
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _admin(model, query: str = "") -> str:
    meta = model._meta
    url = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
    return f"{url}?{query}" if query else url


def pages() -> list[Page]:
    """Every main page of the bench, with the admin changelist of the same rows for the lists;
    pages of apps not installed yet are left out."""
    partnership = Partnership.objects.filter(name__startswith="[L]").order_by("pk").first()
    event = Event.objects.filter(title__startswith="[L]").order_by("pk").first()
    animator = bench_users()["animator"]
    call = ClipCall.objects.order_by("-pk").first()
    found = [
        Page("trivial logged-in page", "staff", _url("password_change_done"), "page"),
        Page(
            "partnership list (staff)",
            "staff",
            _url("partnership_list"),
            admin=_admin(Partnership),
        ),
        Page("partnership page", "staff", _url("partnership_detail", partnership.pk), "page"),
        Page(
            "partnership history",
            "staff",
            _url("reports:partnership_history", partnership.pk),
            "page",
        ),
        Page(
            "support timeline",
            "animator",
            _url("support:timeline", partnership.pk),
            admin=_admin(SupportSession),
        ),
        Page(
            "animator's partnerships",
            "animator",
            _url("support:partnership_list"),
            admin=_admin(Partnership, f"animator={animator.pk}"),
        ),
        Page(
            "support overview (staff)",
            "staff",
            _url("support:partnership_list"),
            admin=_admin(Partnership, "status__exact=in_support"),
        ),
        Page("event list (staff)", "staff", _url("events:event_list"), admin=_admin(Event)),
        # The event's page shows all its registrations, its participant list 200 people a page.
        Page(
            "event registrations (staff)",
            "staff",
            _url("events:event_detail", event.pk),
            admin=_admin(Registration, f"event__id__exact={event.pk}"),
            admin_rows=event.registrations.count(),
        ),
        Page(
            "event participants (staff)",
            "staff",
            _url("events:participant_list", event.pk),
            admin=_admin(Participant, f"event__id__exact={event.pk}"),
            admin_rows=min(200, event.participants.count()),
        ),
        Page("person list (staff)", "staff", _url("reports:person_list"), admin=_admin(Person)),
        # The top bar's search over every kind (issue 15): a commune typed without Polish letters.
        Page("search (staff)", "staff", _url("search") + "?q=gmina+1", "page"),
        # The staff's start page: who is behind, why and for how many days (issue 15).
        Page("staff worklist", "staff", _url("reports:worklist"), "summary"),
        Page("programme overview (staff)", "staff", _url("staff_home"), "summary"),
        Page("staff dashboard", "staff", _url("reports:dashboard"), "summary"),
        Page("participation matrix", "staff", _url("reports:participation"), "summary"),
        Page("funder report", "staff", _url("reports:funder_report") + "?round=1", "summary"),
    ]
    if call is not None:
        found.append(Page("clip ranking", "staff", _url("clips:ranking", call.pk), "summary"))
        found.append(
            Page("clip candidates", "staff", _url("clips:candidate_list", call.pk), "summary")
        )
    return [page for page in found if page.url]


def main_pages() -> list[tuple[str, str, str]]:
    """(label, user key, URL) of each main page."""
    return [(page.label, page.user, page.url) for page in pages()]


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


def _admin_rows(rows: int | None = None) -> None:
    """Admin changelists show as many rows per page as the portal's lists (or ``rows``), so
    each list page is compared with the admin showing the same rows (this process only)."""
    for model_admin in admin.site._registry.values():
        model_admin.list_per_page = rows or settings.PAGINATE_BY


def measure_pages(repeat=REPEAT, *, size: str | None = None) -> list[dict]:
    """Every main page and admin changelist: the median of ``repeat`` requests (the figures
    kept, as most requests find them) and, with ``size``, requests right after a change, the
    admin peer of each list and the plan of each page's slowest query (``var/bench/``)."""
    users = bench_users()
    superuser = users["staff"]
    superuser.is_superuser = True
    superuser.save(update_fields=["is_superuser"])
    _admin_rows()
    clients = {key: _client(user) for key, user in users.items()}
    results = []
    for page in pages():
        client = clients[page.user]
        row = {"page": page.label, "kind": page.kind, "url": page.url}
        row.update(_timed(client, page.url, repeat))
        if size:
            cold, slowest = _cold(client, page.url)
            row.update(cold)
            row["explain"] = _save_explain(size, page.label, slowest)
            if page.admin:
                _admin_rows(page.admin_rows)
                peer = _timed(clients["staff"], page.admin, max(ADMIN_REPEAT, repeat // 3))
                _admin_rows()
                row["admin_url"] = page.admin
                row["admin_ms"] = peer["median_ms"]
                row["admin_queries"] = peer["queries"]
                row["admin_status"] = peer["status"]
        results.append(row)
    for label, url in admin_changelists():
        results.append(
            {
                "page": label,
                "kind": "admin",
                "url": url,
                **_timed(clients["staff"], url, max(ADMIN_REPEAT, repeat // 3)),
            }
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


def measure_reminders(*, send: bool = True) -> dict | None:
    """The full scan from an empty sent log: a dry run (the scan alone) and, with ``send``, a
    real run (e-mails rendered into the outbox and delivered to a backend that drops them) and
    a second real run. At XL the real run would render over 100,000 e-mails; the scan is what
    grows."""
    if "send_reminders" not in get_commands():
        return None

    # The bench database only: comparable runs. A real run also creates the evaluation's
    # invitations it sends (the data sets have none): without them the next run finds the
    # same reminders due.
    ReminderSent.objects.all().delete()
    OutboxMessage.objects.all().delete()
    EvaluationInvitation.objects.all().delete()
    dummy = {"EMAIL_URL": "dummy://"}
    report = {"dry_run": _command_json("send_reminders", "--dry-run", "--stats")}
    if send:
        report["first_run"] = _command_json("send_reminders", "--stats", env=dummy)
        report["second_run"] = _command_json("send_reminders", "--stats", env=dummy)
    return report


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


def measure_throughput(seconds=2.5, rounds=3, threads=4) -> dict:
    """Requests per second under gunicorn with 2 workers, for the main pages and the trivial
    one. On a machine shared with other work the load moves during a run, so the pages take
    turns with the trivial page in ``rounds`` short rounds, and each page's share of the
    trivial page is the median of its rounds (each against the trivial page of its round)."""
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
        users = bench_users()
        staff, animator = _session_cookie(users["staff"]), _session_cookie(users["animator"])
        partnership = Partnership.objects.filter(animator=users["animator"]).order_by("pk")[0]
        trivial = (base + _url("password_change_done"), staff)
        pages = {
            "partnership list (staff)": (base + _url("partnership_list"), staff),
            "support timeline": (base + _url("support:timeline", partnership.pk), animator),
        }
        for url, cookie in (trivial, *pages.values()):
            _load(url, cookie, 0.5, threads)  # warm both workers
        trivial_rps = []
        rps = {label: [] for label in pages}
        shares = {label: [] for label in pages}
        for _ in range(rounds):
            base_rps = _load(*trivial, seconds, threads)
            trivial_rps.append(base_rps)
            for label, (url, cookie) in pages.items():
                measured = _load(url, cookie, seconds, threads)
                rps[label].append(measured)
                shares[label].append(measured / base_rps if base_rps else 0)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    return {
        "trivial_rps": round(statistics.median(trivial_rps), 1),
        "pages": {
            label: {
                "rps": round(statistics.median(rps[label]), 1),
                "share_of_trivial": round(statistics.median(shares[label]), 2),
                "shares_per_round": [round(share, 2) for share in shares[label]],
            }
            for label in pages
        },
        "workers": 2,
        "client_threads": threads,
        "rounds": rounds,
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


def measure_size(size: str) -> dict:
    """Pages, reminder scan and export on data set ``size`` in this process's database
    (generated first if it is not there)."""
    report = {"database": connection.vendor, "size": size}
    if not dataset.exists(dataset.SIZES[size]):
        started = time.perf_counter()
        call_command("generate_dataset", size=size, stdout=StringIO())
        report["dataset_generated_s"] = round(time.perf_counter() - started, 1)
    report["partnerships"] = Partnership.objects.count()
    report["pages"] = measure_pages(size=size)
    report["reminder_scan"] = measure_reminders(send=size == "L")
    report["export"] = _command_json("bench_export")
    return report


def _database_for(size: str) -> dict[str, str | None]:
    """Environment of a database of its own for data set ``size``, next to this one: on
    PostgreSQL a database named after this one (``…_xl``, created when missing), on SQLite a
    file in ``var/bench-xl/``. ``None`` removes a variable."""
    suffix = size.lower()
    if connection.vendor == "postgresql":
        name = f"{settings.DATABASES['default']['NAME']}_{suffix}"
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(f'CREATE DATABASE "{name}"')  # our own name, not input
        url = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
        return {"DATABASE_URL": url._replace(path=f"/{name}").geturl()}
    return {
        "DATABASE_URL": None,
        "PORTAL_VAR_DIR": str(Path(settings.BASE_DIR) / "var" / f"bench-{suffix}"),
    }


def measure_elsewhere(size: str) -> dict:
    """``measure_size`` in a fresh process on the database of ``size`` (migrated first)."""
    env = dict(os.environ)
    for name, value in _database_for(size).items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    manage = [sys.executable, "manage.py"]
    for command in (["migrate", "--noinput", "-v0"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run([*manage, *command], cwd=settings.BASE_DIR, env=env, check=True)
    result = subprocess.run(
        [*manage, "bench", "--measure-size", size],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=3 * 3600,
    )
    if result.returncode != 0:
        return {"error": (result.stderr or result.stdout)[-2000:]}
    return json.loads(result.stdout.strip().splitlines()[-1])


def run(size: str = "L") -> dict:
    """Data set L in this database; with ``size="XL"`` also XL in a database of its own."""
    report = measure_size("L")
    small = small_query_counts()
    for row in report["pages"]:
        row["queries_small"] = small.get(row["page"])
    report["plan_pdf"] = _command_json("bench_plan_pdf")
    report["outbox"] = _command_json("bench_outbox")
    report["throughput"] = measure_throughput()
    if size != "L":
        report["other"] = measure_elsewhere(size)
    return report


def _ms(value) -> str:
    return "-" if value is None else f"{value:.0f}" if value >= 100 else f"{value:.1f}"


def _ratio(a, b) -> str:
    return f"{a / b:.1f}×" if a and b else "-"


def _single_table(report: dict) -> list[str]:
    lines = [
        f"{'page':<38} {'q@10':>5} {'q@L':>5} {'median ms':>10} {'p95 ms':>8} {'×trivial':>9}"
        f" {'after a change':>15} {'admin ms':>9} {'admin ÷ page':>13}"
    ]
    for row in report["pages"]:
        lines.append(
            f"{row['page'][:38]:<38} {row.get('queries_small') or '-':>5} {row['queries']:>5} "
            f"{_ms(row['median_ms']):>10} {_ms(row['p95_ms']):>8} {row['ratio_to_trivial']:>9}"
            f" {_ms(row.get('cold_ms')):>15} {_ms(row.get('admin_ms')):>9}"
            f" {_ratio(row.get('admin_ms'), row['median_ms']):>13}"
            + ("" if row["status"] == 200 else f"  (HTTP {row['status']})")
        )
    return lines


def _side_by_side(large: dict, other: dict) -> list[str]:
    """L and the other data set, page by page: medians (with the trivial page of the same run),
    growth, the first request after a change, and the admin changelist of the same rows."""
    size = other["size"]
    by_page = {row["page"]: row for row in other["pages"]}
    head = (
        f"{'page':<30} {'kind':<7} {'q@L':>4} {'q@' + size:>5} {'L ms':>7} {size + ' ms':>7}"
        f" {'growth':>7} {'L ×triv':>8} {size + ' ×triv':>9} {'changed L':>10}"
        f" {'changed ' + size:>11} {'admin ' + size:>9} {'admin ÷ page':>13}"
    )
    lines = [head]
    for row in large["pages"]:
        if row["kind"] == "admin":
            continue
        peer = by_page.get(row["page"], {})
        lines.append(
            f"{row['page'][:30]:<30} {row['kind']:<7} {row['queries']:>4}"
            f" {peer.get('queries', '-'):>5} {_ms(row['median_ms']):>7}"
            f" {_ms(peer.get('median_ms')):>7} {_ratio(peer.get('median_ms'), row['median_ms']):>7}"
            f" {row['ratio_to_trivial']:>8} {peer.get('ratio_to_trivial', '-'):>9}"
            f" {_ms(row.get('cold_ms')):>10} {_ms(peer.get('cold_ms')):>11}"
            f" {_ms(peer.get('admin_ms')):>9}"
            f" {_ratio(peer.get('admin_ms'), peer.get('median_ms')):>13}"
        )
    lines.append("")
    lines.append(
        "growth: median at "
        + size
        + " ÷ median at L; ×triv: ÷ the trivial page of the same run; changed: a request"
        " right after a change (summarising figures computed again); admin ÷ page: Django's"
        " changelist of the same rows, as many per page, ÷ the page."
    )
    return lines


def format_report(report: dict) -> str:
    lines = [f"Database: {report['database']}"]
    other = report.get("other")
    for data in (report, other):
        if data and "dataset_generated_s" in data:
            lines.append(f"Data set {data['size']} generated in {data['dataset_generated_s']} s")
    lines.append("")
    lines.extend(_single_table(report))
    if other and "pages" in other:
        lines.append("")
        lines.append(
            f"L ({report['partnerships']} partnerships) and {other['size']}"
            f" ({other['partnerships']} partnerships), side by side:"
        )
        lines.extend(_side_by_side(report, other))
    elif other:
        lines.append("")
        lines.append(f"The other data set could not be measured: {json.dumps(other)}")
    for data in (report, other):
        if not data or "pages" not in data:
            continue
        lines.append("")
        lines.append(
            f"Plans of each page's slowest query ({data['size']}): var/bench/explain-"
            f"{data['size']}/"
        )
        for key, title in (
            ("reminder_scan", "Reminder scan"),
            ("export", "Export of support sessions"),
        ):
            value = data.get(key)
            lines.append(
                f"{title} ({data['size']}): "
                + ("not available yet" if value is None else json.dumps(value))
            )
    for key, title in (
        ("plan_pdf", "Development plan PDF"),
        ("outbox", "Outbox: 1,000 queued e-mails to a local SMTP sink"),
        ("throughput", "Throughput under gunicorn (L)"),
    ):
        lines.append("")
        value = report.get(key)
        lines.append(f"{title}: " + ("not available yet" if value is None else json.dumps(value)))
    return "\n".join(lines)
