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


def test_every_bench_page_answers_within_the_query_budget(small_dataset):
    rows = bench.measure_pages(repeat=1)
    assert {row["status"] for row in rows} == {200}, [r for r in rows if r["status"] != 200]
    # docs/design.md's budget of 12 is for list pages and changelists; the dashboard gathers many
    # figures at once and is held to a number that does not grow with the data (bench: q@10
    # against q@L) and to its own literal count in tests/reports.
    over = {
        row["page"]: row["queries"]
        for row in rows
        if row["queries"] > (25 if row["page"] == "staff dashboard" else 12)
    }
    assert not over


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
