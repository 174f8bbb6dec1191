"""Measure the development plan PDF (docs/design.md "Targets"): the median time of 20 renders of a
plan of about five pages, and how much one process's memory (resident set) grows over 50
renders. Prints one JSON object, for ``make bench``. Needs no database: the plan is built in
memory as the snapshot an agreed version keeps."""

import datetime
import io
import json
import os
import statistics
import time

from django.core.management.base import BaseCommand
from django.utils import timezone
from pypdf import PdfReader

from portal.pdf import render_pdf
from support.enums import PLAN_SECTIONS
from support.selectors import plan_display

PARAGRAPH = (
    "Zażółć gęślą jaźń. Biblioteka, gmina, stowarzyszenie i piekarnia wspólnie prowadzą klub "
    "młodzieżowy: spotkania po szkole, warsztaty, wyjazdy i akcje dla mieszkańców. "
)


def bench_snapshot(*, paragraphs: int = 3, actions: int = 20) -> dict:
    """A plan whose PDF has about five A4 pages (title page, five sections, actions)."""
    start = datetime.date(2027, 1, 1)
    partners = [
        ("Gminna Biblioteka Publiczna w Wąchocku", "public", "library"),
        ("Urząd Miasta i Gminy Wąchock", "public", "municipality"),
        ("Stowarzyszenie Przyjaciół Ziemi Wąchockiej", "social", "ngo"),
        ("Piekarnia Kłos s.c.", "business", "company"),
    ]
    return {
        "partnership": {
            "name": "Razem dla Gminy Wąchock",
            "lead_library": partners[0][0],
            "commune": "Wąchock",
            "voivodeship": "świętokrzyskie",
            "round": 1,
            "leader": "Łucja Żmuda",
            "animator": "Jędrzej Ślęzak",
        },
        "partners": [{"name": n, "sector": s, "kind": k} for n, s, k in partners],
        "sections": [
            {"key": key, "text": "\n\n".join([PARAGRAPH * 3] * paragraphs)} for key in PLAN_SECTIONS
        ],
        "actions": [
            {
                "id": i,
                "what": f"Działanie {i}: {PARAGRAPH[:90]}",
                "partner": partners[i % 4][0],
                "partner_left": False,
                "starts_on": (start + datetime.timedelta(days=14 * i)).isoformat(),
                "ends_on": (start + datetime.timedelta(days=14 * i + 30)).isoformat(),
                "resources": "Sala, rzutnik, wolontariusze.",
            }
            for i in range(1, actions + 1)
        ],
    }


class _Version:
    number = 3
    agreed_at = timezone.now()


def rss_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def render_plan(content) -> bytes:
    return render_pdf("pdf/development_plan.html", {"version": _Version, "content": content})


class Command(BaseCommand):
    help = "Time the development plan PDF and measure memory growth; prints JSON."

    def add_arguments(self, parser):
        parser.add_argument("--renders", type=int, default=20)
        parser.add_argument("--memory-renders", type=int, default=50)

    def handle(self, *args, **options):

        content = plan_display(bench_snapshot())
        started = time.perf_counter()
        first = render_plan(content)  # imports WeasyPrint, loads fonts: not in the median
        first_seconds = time.perf_counter() - started
        pages = len(PdfReader(io.BytesIO(first)).pages)
        times, cpu_times = [], []
        for _ in range(options["renders"]):
            started, cpu_started = time.perf_counter(), time.process_time()
            render_plan(content)
            times.append(time.perf_counter() - started)
            cpu_times.append(time.process_time() - cpu_started)
        before = rss_bytes()
        for _ in range(options["memory_renders"]):
            render_plan(content)
        growth = rss_bytes() - before
        result = {
            "pages": pages,
            "first_render_s": round(first_seconds, 3),
            "renders": options["renders"],
            "median_s": round(statistics.median(times), 3),
            "max_s": round(max(times), 3),
            # CPU time of this process: what the render costs when the machine is busy with
            # other work too (the wall-clock median then includes waiting for a core).
            "median_cpu_s": round(statistics.median(cpu_times), 3),
            "memory_renders": options["memory_renders"],
            "rss_growth_mb": round(growth / 2**20, 1),
            "rss_mb": round(rss_bytes() / 2**20, 1),
            "targets": {"median_s": 1.0, "rss_growth_mb": 50},
        }
        result["ok"] = result["median_s"] < 1.0 and result["rss_growth_mb"] < 50
        self.stdout.write(json.dumps(result))
