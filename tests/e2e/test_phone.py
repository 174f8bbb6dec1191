"""The main lists on a phone, with the demo's data (long names, every column filled): the page
never scrolls sideways at 360 or 390 px, and each row's actions are on screen; and the top bar
(the staff's menu is the longest) fits every width from a tablet to a wide screen."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from partnerships.models import Partnership
from tests.e2e.conftest import open_as

pytestmark = pytest.mark.django_db(transaction=True)

PHONES = [360, 390]
# Who looks at what on a phone: the lists of the issue (reports, people, partnerships, the
# dashboards, events) and the leader's partnership page with its edit actions.
PAGES = {
    "koordynatorka@demo.prb.pl": [
        "reports:worklist",
        "staff_home",
        "reports:dashboard",
        "reports:person_list",
        ("reports:funder_report", "?round=1"),
        "partnership_list",
        "support:partnership_list",
        "events:event_list",
    ],
    "animator@demo.prb.pl": ["support:partnership_list", "partnership_list"],
    "liderka@demo.prb.pl": ["partnership_list", "events:event_list"],
}


@pytest.fixture
def demo():
    call_command("load_demo", stdout=io.StringIO())
    return get_user_model().objects


@pytest.mark.parametrize("width", PHONES)
def test_main_lists_do_not_scroll_sideways_on_a_phone(browser, live_server, demo, width):
    too_wide = []
    for email, names in PAGES.items():
        page = open_as(
            browser, live_server, demo.get(email=email), viewport={"width": width, "height": 800}
        )
        for name in names:
            name, query = name if isinstance(name, tuple) else (name, "")
            page.goto(reverse(name) + query)
            assert page.locator("main tbody tr").count() > 0 or name == "staff_home", name
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            if scroll_width > width:
                too_wide.append(f"{email} {name}: {scroll_width} px")
        page.context.close()
    assert not too_wide


def test_leaders_edit_actions_are_on_screen_at_360_px(browser, live_server, demo):
    leader = demo.get(email="liderka@demo.prb.pl")
    partnership = Partnership.objects.filter(leader=leader).first()
    page = open_as(browser, live_server, leader, viewport={"width": 360, "height": 800})
    page.goto(reverse("partnership_detail", args=[partnership.pk]))

    person = partnership.people.filter(archived_at__isnull=True).first()
    for action in ("edytuj", "archiwizuj"):
        # The hidden ": <name>" tells a screen reader whose row the link acts on.
        link = page.get_by_role("link", name=re.compile(rf"^{action}\s*: {person.full_name}$"))
        link.scroll_into_view_if_needed()
        box = link.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360, (action, box)
        assert box["height"] >= 44, (action, box)  # a touch target
    page.context.close()


# Below 1200 px the menu folds behind its button; from 1200 px it is on one line with the
# search and the account (a 1366 px laptop is the staff's usual screen).
WIDTHS = [768, 1024, 1200, 1280, 1366, 1440, 1920]


def test_the_top_bar_fits_every_width_with_the_search_usable(browser, live_server, demo):
    page = open_as(browser, live_server, demo.get(email="koordynatorka@demo.prb.pl"))
    page.goto(reverse("partnership_list"))
    too_wide, search_widths = [], {}
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        if scroll_width > width:
            too_wide.append(f"{width}: {scroll_width} px")
        search = page.get_by_role("searchbox", name="Szukaj w portalu")
        if width >= 1200:
            search_widths[width] = search.bounding_box()["width"]
            # The account's button names the person for a screen reader, "Konto" or not.
            account = page.get_by_role("button", name=re.compile("Anna Kowalczyk"))
            assert account.is_visible(), width
        else:
            assert not search.is_visible(), width  # behind the menu button
    page.context.close()
    assert not too_wide
    assert min(search_widths.values()) >= 100, search_widths
