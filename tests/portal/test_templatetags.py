import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _current_links(html):
    """(aria-current, label) of every menu entry marked current."""
    return re.findall(
        r'<a class="nav-link active" href="[^"]*" aria-current="(\w+)">([^<]+)</a>', html
    )


def test_nav_link_marks_the_menu_page_itself_as_page(client, world):
    client.force_login(world.animator_a)
    html = client.get(reverse("support:partnership_list")).content.decode()
    assert _current_links(html) == [("page", "Wsparcie")]


def test_nav_link_marks_the_section_of_a_page_inside_it(client, world):
    client.force_login(world.animator_a)
    html = client.get(reverse("support:timeline", args=[world.partnership_a.pk])).content.decode()
    assert _current_links(html) == [("true", "Wsparcie")]


def test_nav_link_puts_a_leaders_plan_under_their_partnerships(client, world):
    client.force_login(world.leader_a)
    html = client.get(reverse("support:plan_detail", args=[world.partnership_a.pk])).content
    assert _current_links(html.decode()) == [("true", "Moje partnerstwa")]


def test_nav_link_marks_nothing_on_a_page_outside_the_menu(client, world):
    client.force_login(world.leader_a)
    html = client.get(reverse("reminder_settings")).content.decode()
    assert _current_links(html) == []
    assert 'aria-current="page">Powiadomienia</a>' in html
