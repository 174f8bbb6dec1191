"""Pages staff print: the content only (no menu, buttons or footer), tables whole."""

import pytest
from django.urls import reverse

from tests.e2e.conftest import open_as
from tests.partnerships.test_access import _objects

pytestmark = pytest.mark.django_db(transaction=True)


def test_participant_list_and_worklist_print_without_the_page_around_them(
    browser, live_server, world
):
    event = _objects(world)["event"]
    page = open_as(browser, live_server, world.staff)
    page.emulate_media(media="print")
    for url in (reverse("events:participant_list", args=[event.pk]), reverse("reports:dashboard")):
        page.goto(url)
        if "uczestnicy" in url:  # the registered partnership's row is printed
            assert page.get_by_role("cell", name=world.partnership_a.name).first.is_visible()
        assert not page.locator("header nav").is_visible()
        assert not page.locator("footer").is_visible()
        assert page.locator("main .btn").evaluate_all(
            "buttons => buttons.every(b => getComputedStyle(b).display === 'none')"
        )
        assert page.locator("main h1").is_visible()
        assert page.locator("main table").first.is_visible()
    page.context.close()
