"""HTML kept per version of the data (``portal.web.kept_html``, ``{% kept %}``): the partnership
list's rows, the support timeline and every list's filter bar are rendered once and read again
until the next change, and never shown after a change, to another user or in another language.

These tests commit for real, as production does: inside a test's transaction nothing is kept
(a transaction that has written reads its own writes). Each test here empties the database
after it (a few seconds), so each one walks a whole journey."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from partnerships import services as partnership_services
from partnerships.models import Partnership
from reports.services import person_anonymise
from support import services as support_services
from tests.factories import PartnershipFactory, PersonFactory

pytestmark = pytest.mark.django_db(transaction=True)

LIST = reverse("partnership_list")


def _between(html: bytes, start: bytes, end: bytes) -> bytes:
    """The part of a page from ``start`` to ``end``: the kept part (the menu's logout form
    carries a CSRF token that differs on every request)."""
    begin = html.index(start)
    return html[begin : html.index(end, begin)]


def _rows(html: bytes) -> bytes:
    return _between(html, b"<tbody>", b"</tbody>")


def _main(html: bytes) -> bytes:
    return _between(html, b"<main", b"</main>")


def _timeline(partnership) -> str:
    return reverse("support:timeline", args=[partnership.pk])


def test_list_rows_are_read_again_without_queries_until_a_change(
    client, world, django_assert_num_queries
):
    client.force_login(world.staff)
    first = client.get(LIST).content
    # Session, user, roles, the version of the data and the page's ids: the rows (their
    # partnerships, libraries, sectors and the four queries of the paths) are not read.
    with django_assert_num_queries(5):
        again = client.get(LIST).content
    assert _main(again) == _main(first)
    assert b"Partnerstwo A<" in _rows(again) and b"Partnerstwo B<" in _rows(again)

    partnership_services.partnership_update(
        partnership=Partnership.objects.get(pk=world.partnership_a.pk),
        name="Partnerstwo Nowe",
        common_goal="Wspólny cel",
    )
    html = client.get(LIST).content.decode()
    assert "Partnerstwo Nowe" in html and "Partnerstwo A<" not in html

    PartnershipFactory(name="Aaa Pierwsze")
    assert "Aaa Pierwsze" in client.get(LIST).content.decode()


def test_list_kept_for_one_reader_is_not_shown_to_another(client, world, settings):
    client.force_login(world.staff)
    polish = client.get(LIST).content.decode()
    assert "Partnerstwo B" in polish and 'name="animator"' in polish
    assert '<option value="2" selected>' in client.get(LIST, {"round": 2}).content.decode()
    # In each reader's language (the rows, the filter bar)...
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the language switch (Polish first)
    english = client.get(LIST).content.decode()
    assert "zgłoszenie" in polish and "applied" in english and "zgłoszenie" not in english
    assert "wszyscy animatorzy" in polish and "all animators" in english
    # ...and only the rows and filters of the reader's own partnerships and role.
    client.cookies.pop(settings.LANGUAGE_COOKIE_NAME)
    client.force_login(world.animator_a)
    html = client.get(LIST).content.decode()
    assert "Partnerstwo A" in html and "Partnerstwo B" not in html
    assert 'name="animator"' not in html


def _log_diagnosis(world):
    return support_services.session_log(
        partnership=world.partnership_a,
        actor=world.animator_a,
        kind="diagnosis",
        channel="phone",
        held_on=timezone.localdate() - datetime.timedelta(days=1),
        duration_minutes=60,
        record={"state": "Stan", "development": "Rozwój", "potential": "Potencjał"},
    )


def test_timeline_is_read_again_in_one_query_after_the_access_check_until_a_change(
    client, world, django_assert_num_queries
):
    client.force_login(world.animator_a)
    url = _timeline(world.partnership_a)
    first = client.get(url).content
    assert "Nie zapisano jeszcze żadnych kontaktów" in first.decode()
    # Session, user, roles, the partnership (whether the user may see it) and the version.
    with django_assert_num_queries(5):
        again = client.get(url).content
    assert _main(again) == _main(first)

    _log_diagnosis(world)
    html = client.get(url).content.decode()
    assert "Nie zapisano jeszcze żadnych kontaktów" not in html and "Potencjał" in html


def test_timeline_kept_for_the_animator_is_not_shown_to_the_leader(client, world):
    _log_diagnosis(world)
    url = _timeline(world.partnership_a)
    client.force_login(world.animator_a)
    assert "/wycofanie/" in client.get(url).content.decode()
    assert client.get(_timeline(world.partnership_b)).status_code == 404
    client.force_login(world.leader_a)
    leader_html = client.get(url).content.decode()
    assert "Potencjał" in leader_html
    assert "/wycofanie/" not in leader_html and "/edycja/" not in leader_html


def test_support_and_people_lists_keep_rows_per_reader_and_address_until_a_change(
    client, world, django_assert_num_queries
):
    support_list = reverse("support:partnership_list")
    client.force_login(world.staff)
    staff_html = client.get(support_list).content.decode()
    assert "Partnerstwo B" in staff_html and 'data-label="Animator"' in staff_html
    # "+ diagnosis" comes back to the address it was clicked on, sorting and page included.
    sorted_html = client.get(support_list, {"sort": "-name"}).content.decode()
    assert "?next=/wsparcie/%3Fsort%3D-name" in sorted_html
    client.force_login(world.animator_a)
    html = client.get(support_list).content.decode()
    assert "Partnerstwo A" in html and "Partnerstwo B" not in html
    assert 'data-label="Animator"' not in html  # the staff's column, not kept for others
    # Session, user, roles, the version and the page's ids.
    with django_assert_num_queries(5):
        client.get(support_list)
    _log_diagnosis(world)
    assert "+ kontakt" in client.get(support_list).content.decode()

    people = reverse("reports:person_list")
    client.force_login(world.staff)
    person = PersonFactory(partnership=world.partnership_a, last_name="Zalewska")
    assert "Zalewska" in client.get(people).content.decode()
    with django_assert_num_queries(5):
        client.get(people)
    person_anonymise(person=person, actor=world.staff)
    assert "Zalewska" not in client.get(people).content.decode()
