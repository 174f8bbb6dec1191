"""The clips app's panel on the staff dashboard and its scores export."""

import csv
import datetime
import io

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from clips import services
from clips.hooks import call_progress
from reports.selectors import Filters

pytestmark = pytest.mark.django_db


def test_call_progress_counts_eligible_scores_and_selected(world, call, eligible, select):
    services.score_save(
        call=call, member=world.committee, partnership=eligible[0], progress=4, creativity=5
    )
    services.score_save(
        call=call, member=world.staff, partnership=eligible[1], progress=3, creativity=3
    )
    select(call, eligible[0])
    [row] = call_progress(Filters())["calls"]
    assert row["call"] == call
    assert row["eligible"] == 3
    # Committee and staff score all three; animator A not partnership A: 3 + 3 + 2.
    assert (row["scores_given"], row["scores_expected"]) == (2, 8)
    assert row["selected"] == 1


def test_dashboard_shows_the_clip_call_panel(client, world, call, eligible):
    client.force_login(world.staff)
    response = client.get(reverse("reports:dashboard"))
    content = response.content.decode()
    assert "Trwające nabory klipów promocyjnych" in content
    assert call.title in content
    assert "0 / 8" in content
    assert f"0 / {call.clips_count}" in content


def _scores(world, call, eligible):
    services.score_save(
        call=call,
        member=world.committee,
        partnership=eligible[0],
        progress=4,
        creativity=5,
        comment="Świetny postęp",
    )
    services.score_save(
        call=call, member=world.staff, partnership=eligible[1], progress=3, creativity=2
    )


def test_clip_scores_export_csv(client, world, call, eligible):
    _scores(world, call, eligible)
    client.force_login(world.staff)
    response = client.get(reverse("reports:export", args=["clip_scores", "csv"]))
    assert response.status_code == 200
    raw = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(raw), delimiter=";"))
    assert rows[0][:6] == [
        "Nabór",
        "Partnerstwo",
        "Członek komisji",
        "Postępy",
        "Kreatywność",
        "Średnia",
    ]
    body = sorted(r[:7] for r in rows[1:])
    assert len(body) == 2
    assert [call.title, "Partnerstwo A"] == body[0][:2]
    assert body[0][3:7] == ["4", "5", "4,5", "Świetny postęp"]


def test_clip_scores_export_xlsx(client, world, call, eligible):
    _scores(world, call, eligible)
    client.force_login(world.staff)
    response = client.get(reverse("reports:export", args=["clip_scores", "xlsx"]))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert rows[0][0] == "Nabór"
    assert {r[1] for r in rows[1:]} == {"Partnerstwo A", "Partnerstwo B"}
    assert {r[5] for r in rows[1:]} == {4.5, 2.5}


def test_clip_scores_xlsx_shows_the_same_warsaw_time_as_the_csv(client, world, call, eligible):
    # 08:44 UTC on a winter day is 09:44 in Warsaw.
    with time_machine.travel(
        datetime.datetime(2026, 11, 30, 8, 44, tzinfo=datetime.UTC), tick=False
    ):
        _scores(world, call, eligible)
    client.force_login(world.staff)
    response = client.get(reverse("reports:export", args=["clip_scores", "xlsx"]))
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    xlsx_times = {r[7] for r in list(workbook.worksheets[0].iter_rows(values_only=True))[1:]}
    response = client.get(reverse("reports:export", args=["clip_scores", "csv"]))
    raw = b"".join(response.streaming_content).decode("utf-8-sig")
    csv_times = {r[7] for r in list(csv.reader(io.StringIO(raw), delimiter=";"))[1:]}
    assert xlsx_times == {datetime.datetime(2026, 11, 30, 9, 44)}
    assert csv_times == {"2026-11-30 09:44"}
