import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from pypdf import PdfReader

from support import services
from tests.factories import DevelopmentPlanFactory, PlanActionFactory
from tests.support.conftest import days_ago

pytestmark = pytest.mark.django_db

POLISH = "zażółć gęślą jaźń"


def _pages(response) -> list[str]:
    assert response["Content-Type"] == "application/pdf"
    return [page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages]


@pytest.fixture
def agreed(world):
    """Partnership A renamed with Polish letters; its plan agreed by both sides (version 1)."""
    partnership = world.partnership_a
    partnership.name = f"Partnerstwo „{POLISH}”"
    partnership.save()
    plan = DevelopmentPlanFactory(
        partnership=partnership, concept=f"Koncepcja: {POLISH}.", goals="<b>Cele</b> & plany"
    )
    PlanActionFactory(plan=plan, what="Klub młodzieżowy w bibliotece")
    plan.refresh_from_db()
    plan.partnership = partnership
    services.plan_agree(plan=plan, actor=world.leader_a, revision=plan.revision)
    plan.refresh_from_db()
    plan.partnership = partnership
    return services.plan_agree(plan=plan, actor=world.animator_a, revision=plan.revision)


def test_plan_version_pdf_has_name_polish_letters_sections_actions_and_footer(
    client, world, agreed
):
    client.force_login(world.leader_a)
    response = client.get(
        reverse("support:plan_version_pdf", args=[world.partnership_a.pk, agreed.number])
    )
    pages = _pages(response)
    text = "\n".join(pages)
    assert f"Partnerstwo „{POLISH}”" in pages[0]  # the title page
    assert world.partnership_a.lead_library.name in pages[0]
    assert f"Koncepcja: {POLISH}." in text
    assert "Klub młodzieżowy w bibliotece" in text
    assert "<b>Cele</b> & plany" in text  # user text is escaped, not read as HTML
    footer = gettext("version %(number)s of %(date)s") % {
        "number": 1,
        "date": date_format(timezone.localtime(agreed.agreed_at), "j E Y"),
    }
    assert all(footer in page for page in pages)
    assert all(f"{n} / {len(pages)}" in page for n, page in enumerate(pages, start=1))
    assert "attachment" in response["Content-Disposition"]


def test_plan_version_pdf_keeps_agreed_text_after_edit(client, world, agreed):
    plan = agreed.plan
    plan.partnership = world.partnership_a
    services.plan_sections_save(
        plan=plan, actor=world.leader_a, version=plan.version, concept="Zupełnie nowy tekst."
    )
    client.force_login(world.animator_a)
    response = client.get(reverse("support:plan_version_pdf", args=[world.partnership_a.pk, 1]))
    text = "\n".join(_pages(response))
    assert f"Koncepcja: {POLISH}." in text and "Zupełnie nowy tekst." not in text


@pytest.mark.parametrize("persona, status", [("leader_b", 404), ("animator_b", 404)])
def test_plan_version_pdf_of_another_partnership_404(client, world, agreed, persona, status):
    client.force_login(getattr(world, persona))
    url = reverse("support:plan_version_pdf", args=[world.partnership_a.pk, agreed.number])
    assert client.get(url).status_code == status


def test_meetings_summary_pdf_from_records_and_reports(client, world, cycle):
    partnership = world.partnership_a
    _diagnosis, meeting_1 = cycle(partnership)
    partner = partnership.partners.first()
    services.partner_report_save(
        partner=partner,
        actor=world.animator_a,
        reported_on=days_ago(5),
        how_spread="Gazetka ścienna.",
    )
    client.force_login(world.leader_a)
    response = client.get(reverse("support:meetings_summary_pdf", args=[partnership.pk]))
    text = "\n".join(_pages(response))
    assert partnership.name in text
    assert meeting_1.meeting1_record.planned_actions in text
    assert "Gazetka ścienna." in text
    assert gettext("Not held yet.") in text  # meeting 2 has not been held


def test_bench_plan_pdf_prints_pages_time_and_memory(capsys):
    call_command("bench_plan_pdf", renders=1, memory_renders=1)
    result = json.loads(capsys.readouterr().out)
    assert result["pages"] == 5
    assert result["median_s"] > 0 and "rss_growth_mb" in result
