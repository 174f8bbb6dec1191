import io

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from clips.models import Selection
from partnerships.demo import DEMO_PASSWORD
from partnerships.models import Partnership
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_staff_open_dashboard_select_three_clips_and_download_a_plan(page, screenshot):
    call_command("load_demo", stdout=io.StringIO())
    log_in(page, "koordynatorka@demo.prb.pl", DEMO_PASSWORD)
    page.wait_for_url("**/raporty/do-zrobienia/")

    page.goto("/raporty/")
    assert page.get_by_role("heading", name="Partnerstwa z zaległościami").is_visible()
    assert page.get_by_text("brak przydzielonego animatora").first.is_visible()
    screenshot("staff-dashboard")

    page.locator("#mainnav").get_by_role("link", name="Klip").click()
    page.get_by_role("link", name="Klip promocyjny partnerstw I i II rundy PRB").first.click()
    page.get_by_role("link", name="Ranking i wybór").click()
    ranking = page.url
    for _ in range(3):
        page.get_by_role("link", name="Wybierz").first.click()
        page.get_by_label("Krótki opis publiczny").fill("Partnerstwo, które połączyło gminę.")
        page.get_by_role("button", name="Tak, wybierz").click()
        page.wait_for_load_state()
        page.goto(ranking)
    assert Selection.objects.filter(withdrawn_at__isnull=True).count() == 3
    assert page.get_by_role("link", name="Wybierz").count() == 0

    wachock = Partnership.objects.get(name="Razem dla Gminy Wąchock")
    page.goto(f"/wsparcie/partnerstwa/{wachock.pk}/plan/wersje/")
    with page.expect_download() as download:
        page.get_by_role("link", name="PDF").first.click()
    text = "".join(p.extract_text() for p in PdfReader(download.value.path()).pages)
    assert "Razem dla Gminy Wąchock" in text


def test_staff_land_on_the_worklist_filter_by_a_reason_and_follow_its_action(page, screenshot):
    call_command("load_demo", stdout=io.StringIO())
    log_in(page, "koordynatorka@demo.prb.pl", DEMO_PASSWORD)
    page.wait_for_url("**/raporty/do-zrobienia/")
    assert page.get_by_role("heading", name="Do zrobienia").is_visible()
    menu = page.locator("#mainnav")
    assert menu.locator('[aria-current="page"]').inner_text() == "Do zrobienia"
    screenshot("staff-worklist")

    reasons = page.get_by_role("navigation", name="Powód")
    reasons.get_by_role("link", name="Brak przydzielonego animatora").click()
    page.wait_for_url("**reason=no_animator**")
    rows = page.locator("main tbody tr")
    assert rows.count() >= 1
    assert all("Brak przydzielonego animatora" in text for text in rows.all_inner_texts())
    assert rows.first.get_by_text("od ").first.is_visible()  # for how many days

    name = rows.first.locator("td").first.get_by_role("link").inner_text()
    rows.first.get_by_role("link", name="Przydziel animatora").click()
    # The assignment page (issue 15, point 2).
    partnership = Partnership.objects.get(name=name)
    page.wait_for_url(f"**/partnerstwa/{partnership.pk}/animator/")
    assert page.get_by_text(name).first.is_visible()
