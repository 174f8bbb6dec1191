import datetime
import re

import pytest
from django.conf import settings
from django.urls import reverse

from portal.enums import Compliance
from portal.models import PublicInformation
from portal.services import public_information_save

pytestmark = pytest.mark.django_db

# The ids the Ministry's validator looks for in an accessibility statement.
A11Y_IDS = [
    "a11y-wstep",
    "a11y-podmiot",
    "a11y-url",
    "a11y-data-publikacja",
    "a11y-data-aktualizacja",
    "a11y-status",
    "a11y-data-sporzadzenie",
    "a11y-kontakt",
    "a11y-procedura",
    "a11y-architektura",
    "a11y-aplikacje",
]


def test_every_page_links_to_the_statement_the_data_clause_and_contact(client):
    body = client.get(reverse("login")).content.decode()
    footer = body[body.index("<footer") :]
    for name in ("accessibility_statement", "privacy_notice", "contact"):
        assert f'href="{reverse(name)}"' in footer
    # built from PORTAL_SITE_URL, never the request's Host
    statement = f"{settings.SITE_URL}/deklaracja-dostepnosci/"
    assert f'<meta name="deklaracja-dostępności" content="{statement}">' in body


def test_accessibility_statement_before_staff_write_it_has_the_official_structure(client):
    body = client.get(reverse("accessibility_statement")).content.decode()
    assert [i for i in A11Y_IDS if f'id="{i}"' not in body] == []
    assert "Centrum Wspierania Aktywności Lokalnej CAL</span> zobowiązuje się" in body
    assert "jest częściowo zgodna z ustawą z dnia 4 kwietnia 2019 r." in body
    assert "samooceny" in body and "axe-core" in body
    assert "Rzecznika Praw Obywatelskich" in body
    assert not PublicInformation.objects.exists()  # reading does not create the row


def test_accessibility_statement_shows_what_staff_wrote(client, world):
    info = PublicInformation(
        compliance=Compliance.FULL,
        inaccessible_content="",
        accessibility_contact="Anna Kowalczyk",
        accessibility_email="dostepnosc@example.org",
        accessibility_phone="22 123 45 67",
        published_on=datetime.date(2026, 9, 1),
        statement_prepared_on=datetime.date(2026, 11, 30),
    )
    public_information_save(info=info, actor=world.staff)

    body = client.get(reverse("accessibility_statement")).content.decode()
    assert '<span id="a11y-osoba">Anna Kowalczyk</span>' in body
    assert 'id="a11y-email" href="mailto:dostepnosc@example.org"' in body
    assert '<span id="a11y-telefon">22 123 45 67</span>' in body
    assert '<span id="a11y-data-publikacja">2026-09-01</span>' in body
    assert '<span id="a11y-data-sporzadzenie">2026-11-30</span>' in body
    assert "Strona internetowa jest zgodna z ustawą" in body
    assert "Treści niedostępne" not in body


def test_public_information_is_one_row(world):
    public_information_save(info=PublicInformation(), actor=world.staff)
    with pytest.raises(Exception, match="już istnieją"):
        public_information_save(info=PublicInformation(), actor=world.staff)
    assert PublicInformation.objects.count() == 1


def test_staff_change_the_pages_in_the_admin_without_a_deployment(client, world):
    client.force_login(world.staff)
    url = reverse("admin:portal_publicinformation_add")
    form = client.get(url).context["adminform"].form
    # What the add form offers: the defaults the pages show until staff write their own.
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update(
        {"organisation": "Centrum CAL", "email": "biuro@example.org", "compliance": "partial"}
    )
    data = {name: str(value) for name, value in data.items()}
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert client.get(url).status_code == 403  # the one row exists now

    contact = client.get(reverse("contact")).content.decode()
    assert "Centrum CAL" in contact and 'href="mailto:biuro@example.org"' in contact
    assert PublicInformation.history.get().history_user == world.staff


def test_privacy_notice_names_the_controller_rights_and_the_supervisory_authority(client):
    body = client.get(reverse("privacy_notice")).content.decode()
    assert "Administratorem danych osobowych przetwarzanych w portalu" in body
    assert "art. 6 ust. 1 lit. a RODO" in body
    assert "Prezesa Urzędu Ochrony Danych Osobowych" in body
    assert len(re.findall(r"<h2>", body)) == 7


def test_contact_page_without_details_says_where_they_will_be(client):
    body = client.get(reverse("contact")).content.decode()
    assert "W tym miejscu zespół CAL opublikuje swoje dane kontaktowe." in body


def test_favicon_at_the_site_root_points_to_the_static_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response.url.endswith("img/favicon.ico")
