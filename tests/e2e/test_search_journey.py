import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from partnerships.demo import DEMO_PASSWORD
from tests.e2e.conftest import log_in, open_as
from tests.e2e.test_accessibility import DESKTOP, PHONE, axe_violations, with_axe
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_staff_search_from_the_top_bar_without_polish_letters_opens_the_partnership(page):
    call_command("load_demo", stdout=io.StringIO())
    log_in(page, "koordynatorka@demo.prb.pl", DEMO_PASSWORD)
    page.wait_for_url("**/raporty/do-zrobienia/")  # the worklist, the staff's start page

    box = page.get_by_role("searchbox", name="Szukaj w portalu")
    box.fill("wachock")
    box.press("Enter")
    page.wait_for_url("**/szukaj/?q=wachock")
    results = page.get_by_role("region", name=re.compile("^Partnerstwa"))
    results.get_by_role("link", name="Razem dla Gminy Wąchock").click()
    page.wait_for_url(re.compile(r"/partnerstwa/\d+/$"))
    assert page.get_by_role("heading", name="Razem dla Gminy Wąchock", level=1).is_visible()


def test_search_results_and_sorted_lists_meet_wcag_and_fit_a_phone(browser, live_server, world):
    """The pages the access table walks without a query or a sorting: with both."""
    PersonFactory(partnership=world.partnership_a, last_name="Partnerska")
    page = with_axe(open_as(browser, live_server, world.staff, viewport=DESKTOP))
    problems, too_wide = [], []
    for url in (
        reverse("search") + "?q=partner",
        reverse("search") + "?q=partner&rodzaj=osoby",
        reverse("search") + "?q=xyzzy",
        reverse("partnership_list") + "?sort=-animator&round=1",
        reverse("application_review_list") + "?sort=library",
        reverse("events:event_list") + "?sort=seats",
        reverse("support:partnership_list") + "?sort=-used",
        reverse("reports:person_list") + "?sort=partnership",
    ):
        assert page.goto(url).status == 200, url
        problems += axe_violations(page, url)
        page.set_viewport_size(PHONE)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            too_wide.append(f"{url}: {width} px")
        page.set_viewport_size(DESKTOP)
    page.context.close()
    assert not problems, "\n".join(problems)
    assert not too_wide, too_wide
