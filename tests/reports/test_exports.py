import csv
import datetime
import io
from itertools import zip_longest

import pytest
from django.conf import settings
from django.http import FileResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from events.models import Participant, Registration
from partnerships.enums import Round, Sector
from reports import exports
from reports.selectors import Filters
from tests.factories import (
    EventFactory,
    InstitutionFactory,
    PartnerFactory,
    PartnershipFactory,
    PersonFactory,
    SupportSessionFactory,
)

pytestmark = pytest.mark.django_db


def _download(client, name, fmt, **params):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("reports:export", args=[name, fmt]), params)
    assert response.status_code == 200
    return response


class PolishExcel(csv.excel):
    """A Polish Excel's list separator."""

    delimiter = ";"


def _csv_rows(response) -> list[list[str]]:
    assert isinstance(response, StreamingHttpResponse)
    assert response["Cache-Control"] == "private, no-store"
    raw = b"".join(response.streaming_content)
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), PolishExcel))


def _xlsx_rows(response) -> list[tuple]:
    assert isinstance(response, FileResponse)
    assert response["Cache-Control"] == "private, no-store"
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return list(workbook.worksheets[0].iter_rows(values_only=True))


def test_sessions_csv_reads_back_with_polish_letters(client, world):
    SupportSessionFactory(
        partnership=world.partnership_a, kind="diagnosis", duration_minutes=90, notes="Zażółć"
    )
    SupportSessionFactory(partnership=world.partnership_b, notes="=HYPERLINK(1)")
    client.force_login(world.staff)
    response = _download(client, "sessions", "csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = _csv_rows(response)
    assert rows[0][:3] == ["Session ID", "Partnership ID", "Partnership"]
    body = {row[2]: row for row in rows[1:]}
    assert body["Partnerstwo A"][6] == "diagnosis"
    assert body["Partnerstwo A"][9] == "90"
    assert rows[0][10] == "In the hour budget"
    # §2.1.4: the diagnosis is outside the 16 hours; other contacts are in it
    assert (body["Partnerstwo A"][10], body["Partnerstwo B"][10]) == ("no", "yes")
    assert body["Partnerstwo A"][13] == "Zażółć"
    assert body["Partnerstwo B"][13] == "'=HYPERLINK(1)"  # never run as a formula


def test_sessions_data_csv_has_commas_and_iso_times(client, world, english):
    session = SupportSessionFactory(partnership=world.partnership_a, notes="a, b")
    session.withdrawn_at = datetime.datetime(2026, 7, 1, 8, 44, tzinfo=datetime.UTC)
    session.withdrawn_reason = "pomyłka"
    session.save()
    client.force_login(world.staff)
    response = client.get(reverse("reports:export_data", args=["sessions"]))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Disposition"].endswith('-dane.csv"')
    raw = b"".join(response.streaming_content)
    assert not raw.startswith(b"\xef\xbb\xbf")
    [header, row] = list(csv.reader(io.StringIO(raw.decode("utf-8"))))
    assert header[0] == "Session ID"
    assert header[10:12] == ["In the hour budget", "Withdrawn"]
    assert (row[10], row[11], row[13]) == ("yes", "2026-07-01T10:44:00+02:00", "a, b")


def test_sessions_xlsx_reads_back_and_follows_filters(client, world):
    SupportSessionFactory(partnership=world.partnership_a, duration_minutes=45)
    SupportSessionFactory(partnership=world.partnership_b, duration_minutes=30)
    client.force_login(world.staff)
    rows = _xlsx_rows(_download(client, "sessions", "xlsx", animator=world.animator_b.pk))
    assert rows[0][0] == "Session ID"
    assert [(r[2], r[9]) for r in rows[1:]] == [("Partnerstwo B", 30)]
    assert rows[1][8] == timezone.localdate().isoformat() or rows[1][8].date() == (
        timezone.localdate()
    )


def test_partnerships_export_lists_partners_with_sectors(client, world):
    PartnerFactory(
        partnership=world.partnership_a,
        institution=InstitutionFactory(name="Sklep Łąka", sector=Sector.BUSINESS, kind="company"),
    )
    client.force_login(world.staff)
    rows = _xlsx_rows(_download(client, "partnerships", "xlsx"))
    header = rows[0]
    a_rows = [dict(zip_longest(header, r)) for r in rows[1:] if r[1] == "Partnerstwo A"]
    assert len(a_rows) == 3  # library, NGO, shop
    shop = next(r for r in a_rows if r["Partner"] == "Sklep Łąka")
    assert shop["Sector"] == "business" and shop["Kind"] == "company"
    assert (shop["Public sector covered"], shop["Business sector covered"]) == ("yes", "yes")
    csv_rows = _csv_rows(_download(client, "partnerships", "csv", round=Round.II))
    assert len(csv_rows) == 1  # no partnership of round II: the header only


def test_registrations_export_has_attendance(client, world):
    event = EventFactory(title="Wizyta w Żyrardowie")
    registration = Registration.objects.create(
        event=event, partnership=world.partnership_a, chosen_internally=True, seats=2
    )
    came = PersonFactory(partnership=world.partnership_a, last_name="Obecna")
    missed = PersonFactory(partnership=world.partnership_a, last_name="Nieobecna")
    Participant.objects.create(registration=registration, event=event, person=came, attended=True)
    Participant.objects.create(
        registration=registration, event=event, person=missed, attended=False
    )
    client.force_login(world.staff)
    rows = _csv_rows(_download(client, "registrations", "csv"))
    by_person = {row[9].split()[-1]: row for row in rows[1:]}
    assert by_person["Obecna"][1] == "Wizyta w Żyrardowie"
    assert by_person["Obecna"][11] == "yes"  # the lead library's person
    assert (by_person["Obecna"][12], by_person["Nieobecna"][12]) == ("yes", "no")


def test_export_unknown_name_or_format_is_404(client, world):
    client.force_login(world.staff)
    assert client.get(reverse("reports:export", args=["clips", "csv"])).status_code == 404
    assert client.get(reverse("reports:export", args=["sessions", "pdf"])).status_code == 404


def test_export_by_non_staff_is_403(client, world):
    client.force_login(world.leader_a)
    assert client.get(reverse("reports:export", args=["sessions", "csv"])).status_code == 403


def test_export_query_count_is_constant(world, django_assert_num_queries):
    for _ in range(5):
        SupportSessionFactory(partnership=world.partnership_a)
    with django_assert_num_queries(1):
        rows = list(exports.session_rows(Filters()))
    assert len(rows) == 5


def test_extra_export_is_offered(client, world, monkeypatch):
    from portal import hooks

    monkeypatch.setattr(hooks, "_exports", {})
    hooks.register_export("clip_scores", "Clip scores", ["A", "B"], lambda f: [(1, "x")])
    client.force_login(world.staff)
    rows = _csv_rows(_download(client, "clip_scores", "csv"))
    assert rows == [["A", "B"], ["1", "x"]]


def test_funder_report_xlsx_and_pdf(client, world, english):
    from pypdf import PdfReader

    PartnershipFactory(round=Round.II, name="Partnerstwo drugiej rundy")
    SupportSessionFactory(partnership=world.partnership_a, kind="diagnosis", duration_minutes=120)
    client.force_login(world.staff)
    response = client.get(reverse("reports:funder_report_xlsx", args=[1]))
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    assert workbook.sheetnames == [
        "Summary",
        "Status",
        "Hours by animator",
        "Events",
        "Evaluation",
        "Open answers",
    ]
    summary = dict(workbook["Summary"].iter_rows(min_row=2, values_only=True))
    assert summary["Partnerships"] == 2
    assert summary["Diagnosis done"] == 1
    # §2.1.4: the diagnosis is outside the support hours, reported apart
    assert summary["Support hours used"] == 0
    assert summary["Diagnosis hours (before support, outside the budget)"] == 2
    by_animator = list(workbook["Hours by animator"].iter_rows(values_only=True))
    assert by_animator[0][3] == "Diagnosis hours"
    assert sorted(row[2:4] for row in by_animator[1:]) == [(0, 0), (0, 2)]
    pdf = client.get(reverse("reports:funder_report_pdf", args=[1]))
    assert pdf["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "round I" in text and "Support hours used" in text


def test_export_with_unknown_filter_is_refused_with_a_message(client, world, english):
    client.force_login(world.staff)
    response = client.get(reverse("reports:export", args=["sessions", "csv"]), {"round": "7"})
    assert response.status_code == 400
    assert response.content.decode() == (
        "These filters were not understood: Round. Nothing was exported."
    )
