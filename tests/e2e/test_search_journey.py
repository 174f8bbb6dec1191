import io
import re

import pytest
from django.core.management import call_command

from partnerships.demo import DEMO_PASSWORD
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_staff_search_from_the_top_bar_without_polish_letters_opens_the_partnership(page):
    call_command("load_demo", stdout=io.StringIO())
    log_in(page, "koordynatorka@demo.prb.pl", DEMO_PASSWORD)
    page.wait_for_url("**/personel/")

    box = page.get_by_role("searchbox", name="Szukaj w portalu")
    box.fill("wachock")
    box.press("Enter")
    page.wait_for_url("**/szukaj/?q=wachock")
    results = page.get_by_role("region", name=re.compile("^Partnerstwa"))
    results.get_by_role("link", name="Razem dla Gminy Wąchock").click()
    page.wait_for_url(re.compile(r"/partnerstwa/\d+/$"))
    assert page.get_by_role("heading", name="Razem dla Gminy Wąchock", level=1).is_visible()
