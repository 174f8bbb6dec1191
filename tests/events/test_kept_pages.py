"""The event list's rows and the event page's registrations are kept per version of the data
(``portal.web.kept_html``): read again without their queries, shown again at once after a
change through the events services, never shown to another reader, in another language or
after the time that changes what they say; a kept form's CSRF token is the request's own.

These tests commit for real, as production does (inside a test's transaction nothing is kept),
and each empties the database after it (a few seconds), so each one walks a whole journey."""

import datetime
import re

import pytest
import time_machine
from django.conf import settings
from django.core.cache import caches
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from events import services
from events.models import Event, Registration
from tests.events.conftest import FEWER
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db(transaction=True)

LIST = reverse("events:event_list")
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _main(html: str) -> str:
    """The page's main element with its CSRF tokens blanked (they differ on every request)."""
    begin = html.index("<main")
    return CSRF_INPUT.sub(
        'name="csrfmiddlewaretoken" value=""', html[begin : html.index("</main>")]
    )


def _get(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _register(event, partnership, person, actor):
    return services.registration_submit(
        event=event,
        partnership=partnership,
        people=[person],
        chosen_internally=True,
        actor=actor,
        **FEWER,
    )


def test_event_list_rows_kept_until_a_change_for_each_reader_language_and_hour(
    client, world, cast, django_assert_num_queries
):
    # At noon, so that a little later is the same day (the date is part of every key).
    noon = timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0)
    with time_machine.travel(noon, tick=False):
        visit = EventFactory(title="Wizyta w Gdyni")
        closing = EventFactory(
            title="Wizyta w Sopocie", registration_closes_at=noon + datetime.timedelta(minutes=1)
        )
        client.force_login(world.staff)
        first = _get(client, LIST)
        assert "Wizyta w Gdyni" in first and "otwarte do" in first
        # Session, user, the version of the data, the page's ids (the count is kept), roles:
        # the events, their seats and the rows' HTML are not read again.
        with django_assert_num_queries(5):
            again = _get(client, LIST)
        assert _main(again) == _main(first)

        # A leader's rows say what their partnership may do, and only theirs.
        create_a = reverse("events:registration_create", args=[visit.pk, world.partnership_a.pk])
        create_b = reverse("events:registration_create", args=[visit.pk, world.partnership_b.pk])
        client.force_login(world.leader_a)
        leader_a = _get(client, LIST)
        assert create_a in leader_a and create_b not in leader_a
        client.force_login(world.leader_b)
        assert create_b in _get(client, LIST)

        # A registration and an event's new title are shown at once, to everyone concerned.
        registration = _register(visit, world.partnership_a, cast.librarian_a, world.leader_a)
        detail_a = reverse("events:registration_detail", args=[registration.pk])
        leader_b = _get(client, LIST)
        assert create_b in leader_b and detail_a not in leader_b
        client.force_login(world.leader_a)
        leader_a = _get(client, LIST)
        assert detail_a in leader_a and create_a not in leader_a
        client.force_login(world.staff)
        assert "zajęte miejsca: 1 z 12" in _get(client, LIST)
        services.event_update(
            event=Event.objects.get(pk=visit.pk), actor=world.staff, title="Wizyta w Gdańsku"
        )
        staff = _get(client, LIST)
        assert "Wizyta w Gdańsku" in staff and "Wizyta w Gdyni" not in staff
        assert detail_a not in staff  # the leaders' column is theirs

        # In the reader's language.
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        english = _get(client, LIST)
        assert "1 of 12 seats taken" in english and "zajęte miejsca" not in english
        client.cookies.pop(settings.LANGUAGE_COOKIE_NAME)

    # Two minutes later (kept HTML lasts five at most), with no change to the data, the
    # registration for Sopot has closed.
    with time_machine.travel(noon + datetime.timedelta(minutes=2), tick=False):
        row = _get(client, LIST).split("Wizyta w Sopocie")[1].split("</tr>")[0]
        assert "zamknięte" in row and "otwarte do" not in row
        assert closing.registration_closes_at < timezone.now()


def test_event_page_registrations_kept_until_a_change_with_the_requests_csrf_token(
    client, world, cast, django_assert_num_queries
):
    visit = EventFactory()
    registration = _register(visit, world.partnership_a, cast.librarian_a, world.leader_a)
    url = reverse("events:event_detail", args=[visit.pk])
    introduce = reverse("events:registration_introduce", args=[registration.pk])
    staff = Client(enforce_csrf_checks=True)
    staff.force_login(world.staff)
    first = _get(staff, url)
    assert world.partnership_a.name in first and introduce in first
    # Session, user, the event with its seats, the version of the data, roles: the
    # registrations, their people, the waiting list and the empty places are not read again.
    with django_assert_num_queries(5):
        again = _get(staff, url)
    assert _main(again) == _main(first)

    # The introduction form carries this request's token, never a kept one, and it works.
    form = again.split(f'action="{introduce}">')[1].split("</form>")[0]
    token = CSRF_INPUT.search(form)[1]
    kept = b"".join(value for value in caches["fragments"]._cache.values())
    assert token.encode() not in kept and b"csrfmiddlewaretoken" in kept
    assert staff.post(introduce, {"csrfmiddlewaretoken": token}).status_code == 302
    assert "kontakt jest już bezpośredni" in _get(staff, url)

    # Staff's tables are not shown to a leader, nor one leader's registration to another.
    detail_a = reverse("events:registration_detail", args=[registration.pk])
    client.force_login(world.leader_a)
    leader_a = _get(client, url)
    assert detail_a in leader_a and "Zgłoszone partnerstwa" not in leader_a
    client.force_login(world.leader_b)
    leader_b = _get(client, url)
    assert "Zgłoś: Partnerstwo B" in leader_b and detail_a not in leader_b

    # A withdrawal is shown at once, on the staff's page and on the leader's.
    services.registration_withdraw(
        registration=Registration.objects.get(pk=registration.pk), actor=world.leader_a
    )
    assert "Nie ma jeszcze zgłoszeń." in _get(staff, url)
    client.force_login(world.leader_a)
    assert "Zgłoś: Partnerstwo A" in _get(client, url)

    # In the reader's language.
    staff.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = _get(staff, url)
    assert "No registrations yet." in english and "Nie ma jeszcze" not in english
