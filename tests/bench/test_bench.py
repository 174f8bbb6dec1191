"""The bench's own plumbing on a small data set: it must keep working as pages are added.
Times are never asserted; query counts are."""

import json

import pytest

from bench import dataset
from bench import measure as bench
from partnerships.models import Partnership
from support.models import SupportSession


@pytest.fixture
def small_dataset(db):
    return dataset.generate(size=dataset.SMALL)


def test_generate_builds_the_requested_size(small_dataset):
    assert small_dataset["partnerships"] == Partnership.objects.count() == 10
    assert SupportSession.objects.count() == 10 * 15
    assert dataset.exists(dataset.SMALL) and not dataset.exists()


def test_every_bench_page_answers_within_the_query_budget(small_dataset, tmp_path, monkeypatch):
    monkeypatch.setattr(bench, "EXPLAIN_DIR", tmp_path)
    # The plumbing, not the timings: each page and changelist once before the request whose
    # queries are counted (as after the bench's warm-up), once right after a change. The
    # counts are those of the bench's default repeats (compared on data set S: equal), in
    # 14 s rather than 33 s here.
    monkeypatch.setattr(bench, "WARMUP", 0)
    monkeypatch.setattr(bench, "COLD_REPEAT", 1)
    monkeypatch.setattr(bench, "ADMIN_REPEAT", 1)
    rows = bench.measure_pages(repeat=1, size="S")
    assert {row["status"] for row in rows} == {200}, [r for r in rows if r["status"] != 200]
    # docs/design.md's budget of 12 is for list pages and changelists. The pages that gather
    # many figures at once are held to a literal count of their own that does not grow with
    # the data (bench: q@10 against q@L): the dashboard and the funder report (+1 each for the
    # missing sectors with candidates and the events' evaluation), and the partnership page,
    # a detail page with the programme path (one query per app owning steps) and the sector
    # pipeline. (Here the figures are computed on each request: the test's data is not
    # committed.)
    budget = {"staff dashboard": 26, "funder report": 26, "partnership page": 13}
    over = {
        row["page"]: row["queries"] for row in rows if row["queries"] > budget.get(row["page"], 12)
    }
    assert not over
    assert {row["kind"] for row in rows} == {"page", "list", "summary", "admin"}
    # Each list page is measured beside the admin changelist of the same rows, each page right
    # after a change too, and the plan of its slowest query is saved.
    by_page = {row["page"]: row for row in rows}
    listed = by_page["partnership list (staff)"]
    assert listed["admin_status"] == 200 and listed["admin_ms"] > 0
    assert by_page["staff dashboard"]["cold_queries"] >= by_page["staff dashboard"]["queries"]
    plan = (tmp_path / "explain-S" / "staff-dashboard.txt").read_text()
    assert plan.startswith("-- staff dashboard, data set S") and "SELECT" in plan


def test_report_prints_both_data_sets_side_by_side():
    pages = [
        {"page": "trivial logged-in page", "kind": "page", "queries": 3, "median_ms": 5.0},
        {"page": "staff dashboard", "kind": "summary", "queries": 8, "median_ms": 50.0},
        {
            "page": "admin partnerships.partnership",
            "kind": "admin",
            "queries": 7,
            "median_ms": 60.0,
        },
    ]
    for row in pages:
        row.update(status=200, p95_ms=row["median_ms"], ratio_to_trivial=row["median_ms"] / 5)
    large = {"database": "x", "size": "L", "partnerships": 10, "pages": pages}
    other = {**large, "size": "XL", "partnerships": 100}
    text = bench.format_report({**large, "other": other})
    assert "L (10 partnerships) and XL (100 partnerships), side by side:" in text
    side_by_side = text.split("side by side:")[1]
    line = next(line for line in side_by_side.splitlines() if line.startswith("staff dashboard"))
    assert " 1.0× " in line  # the growth column of identical runs


def test_bench_outbox_sends_every_queued_message_to_the_sink_and_cleans_up(db):
    from io import StringIO

    from django.core.management import call_command

    from portal.models import OutboxMessage

    out = StringIO()
    call_command("bench_outbox", count=5, stdout=out)
    report = json.loads(out.getvalue())
    assert report["sent"] == report["received_by_sink"] == 5
    assert report["send_seconds"] >= 0 and report["queries"] > 0
    assert not OutboxMessage.objects.exists()
