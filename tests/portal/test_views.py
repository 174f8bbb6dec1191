"""The platform's pages: the public information pages and the site icon, the password reset
request (through the outbox, limited) and the one-click unsubscribe of optional reminders."""

import datetime
import re

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.urls import reverse

from portal import mail as portal_mail
from portal import services
from portal.enums import Compliance
from portal.models import OutboxMessage, PublicInformation, ReminderOptOut
from portal.services import public_information_save
from tests.factories import UserFactory

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


# --- password reset --------------------------------------------------------------------------


@pytest.fixture
def ala(db):
    return UserFactory(email="ala@example.org")


def _reset(client, email, address="10.0.0.1"):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=address)


def test_password_reset_link_uses_site_url_and_the_accounts_language(
    client, ala, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://portal.example.org"
    ala.language = "en"
    ala.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = _reset(client, "ALA@example.org")
    assert response.status_code == 302
    (message,) = mail.outbox
    assert "https://portal.example.org/konto/haslo/reset/" in message.body
    assert "testserver" not in message.body
    assert message.subject == "Setting a new password in the partnership portal"
    stored = OutboxMessage.objects.get()
    assert stored.sensitive and stored.recipient == ala and stored.preview == ""


def test_password_reset_for_an_unknown_address_looks_the_same_and_sends_nothing(client, db):
    response = _reset(client, "nikt@example.org")
    assert response.status_code == 302
    assert not OutboxMessage.objects.exists()


def test_password_reset_is_limited_per_address(client, ala):
    for n in range(services.PASSWORD_RESET_PER_ADDRESS):
        assert _reset(client, "ala@example.org", address=f"10.0.0.{n}").status_code == 302
    response = _reset(client, "ala@example.org", address="10.0.0.99")
    assert response.status_code == 429
    assert "Za dużo próśb o nowe hasło" in response.content.decode()
    assert OutboxMessage.objects.count() == services.PASSWORD_RESET_PER_ADDRESS


def test_password_reset_is_limited_per_client_address(client, ala):
    for n in range(services.PASSWORD_RESET_PER_CLIENT):
        assert _reset(client, f"osoba{n}@example.org").status_code == 302
    assert _reset(client, "ala@example.org").status_code == 429
    assert not OutboxMessage.objects.exists()  # ala's was refused, the rest had no account
    assert _reset(client, "ala@example.org", address="10.0.0.2").status_code == 302
    assert OutboxMessage.objects.count() == 1


def test_password_reset_limit_passes_after_an_hour(client, ala, time_machine):
    time_machine.move_to("2026-12-01 09:00Z", tick=False)
    for _ in range(services.PASSWORD_RESET_PER_ADDRESS):
        _reset(client, "ala@example.org")
    assert _reset(client, "ala@example.org").status_code == 429
    time_machine.shift(services.PASSWORD_RESET_WINDOW)
    assert _reset(client, "ala@example.org").status_code == 302


# --- unsubscribe -------------------------------------------------------------------------------


def _link(user, kind):
    return reverse("reminder_unsubscribe", args=[portal_mail.unsubscribe_token(user.pk, kind)])


def test_unsubscribe_page_asks_first_and_one_click_post_switches_off(client, world):
    url = _link(world.animator_a, "support.no_diagnosis")
    response = client.get(url)
    assert response.status_code == 200
    assert "Brak diagnozy" in response.content.decode()
    assert not ReminderOptOut.objects.exists()  # a link checker opening it changes nothing

    # RFC 8058: the mail client posts this body, without a session or a CSRF token.
    csrf_client = client_class_enforcing_csrf()
    response = csrf_client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert "Gotowe" in response.content.decode()
    assert set(ReminderOptOut.objects.values_list("user", "kind")) == {
        (world.animator_a.pk, "support.no_diagnosis")
    }
    assert csrf_client.post(url).status_code == 200  # twice is harmless
    assert ReminderOptOut.objects.count() == 1


def client_class_enforcing_csrf():
    from django.test import Client

    return Client(enforce_csrf_checks=True)


def test_unsubscribe_with_a_forged_or_essential_token_is_404(client, world):
    forged = _link(world.animator_a, "support.no_diagnosis")[:-3] + "xx/"
    assert client.post(forged).status_code == 404
    assert client.post(_link(world.animator_a, "support.planned_meeting")).status_code == 404
    assert client.post(_link(world.animator_a, "no.such_kind")).status_code == 404
    assert not ReminderOptOut.objects.exists()


def test_notification_settings_set_the_language_of_emails(client, world):
    client.force_login(world.animator_a)
    response = client.post(reverse("reminder_settings"), {"language": "en"})
    assert response.status_code == 302
    world.animator_a.refresh_from_db()
    assert world.animator_a.language == "en"
    response = client.post(reverse("reminder_settings"), {"language": "de"})
    assert response.status_code == 400
    world.animator_a.refresh_from_db()
    assert world.animator_a.language == "en"


# --- staff: the outbox ---------------------------------------------------------------------


def _message(to="ala@example.org", **fields):
    from portal.mail import queue_templated_mail

    message = queue_templated_mail(
        "application_submitted",
        to=to,
        context={"application": {"call": {"title": "Nabór 2027"}, "library_name": "Biblioteka"}},
    )
    if fields:
        OutboxMessage.objects.filter(pk=message.pk).update(**fields)
        message.refresh_from_db()
    return message


@pytest.mark.parametrize("n", [1, 3])
def test_outbox_page_lists_failed_and_waiting_in_constant_queries(
    client, world, n, django_assert_num_queries
):
    from portal.enums import MessageStatus

    for i in range(n):
        _message(
            to=f"zla{i}@example.org",
            status=MessageStatus.FAILED,
            attempts=12,
            last_error="451 4.3.0 Try again later",
        )
        _message(to=f"czeka{i}@example.org", attempts=2)
    _message(to="wyslany@example.org", status=MessageStatus.SENT)
    client.force_login(world.staff)
    # session, user, the user's groups (roles), the tab counts, the page's count, the rows
    with django_assert_num_queries(6):
        response = client.get(reverse("outbox_list"))
    text = response.content.decode()
    assert response.status_code == 200
    for i in range(n):
        assert f"zla{i}@example.org" in text and f"czeka{i}@example.org" in text
    assert "wyslany@example.org" not in text  # sent: under its own tab
    assert "451 4.3.0 Try again later" in text
    assert "Niewysłany" in text and "Czeka" in text


def test_outbox_page_filters_by_tab_search_and_topic(client, world):
    from portal.enums import MessageStatus
    from portal.selectors import about_key

    _message(to="wyslany@example.org", status=MessageStatus.SENT)
    _message(to="inny@example.org", status=MessageStatus.SENT)
    about = OutboxMessage.objects.get(to="inny@example.org")
    OutboxMessage.objects.filter(pk=about.pk).update(
        about_type=ContentType.objects.get_for_model(world.partnership_a),
        about_id=world.partnership_a.pk,
    )
    client.force_login(world.staff)
    url = reverse("outbox_list")
    text = client.get(url, {"status": "sent", "q": "wyslany"}).content.decode()
    assert "wyslany@example.org" in text and "inny@example.org" not in text
    text = client.get(
        url, {"status": "all", "about": about_key(world.partnership_a)}
    ).content.decode()
    assert "inny@example.org" in text and "wyslany@example.org" not in text
    assert client.get(url, {"about": "partnerships.partnership:999999"}).status_code == 404
    assert client.get(url, {"about": "nonsense"}).status_code == 404
    assert client.get(url, {"status": "bogus"}).status_code == 200  # falls back to the default


def test_outbox_detail_shows_text_but_hides_a_secret_link(client, world):
    plain = _message()
    secret = _message(to="zaproszona@example.org", sensitive=True)
    client.force_login(world.staff)
    text = client.get(reverse("outbox_detail", args=[plain.pk])).content.decode()
    assert "Nabór 2027" in text
    text = client.get(reverse("outbox_detail", args=[secret.pk])).content.decode()
    assert "Nabór 2027" not in text
    assert "jednorazowy link" in text


def test_send_again_asks_first_then_sends_the_failed_message(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    from portal.enums import MessageStatus

    failed = _message(status=MessageStatus.FAILED, attempts=12, last_error="451 busy")
    client.force_login(world.staff)
    url = reverse("outbox_resend", args=[failed.pk])
    response = client.get(url)
    assert response.status_code == 200 and "ala@example.org" in response.content.decode()
    failed.refresh_from_db()
    assert failed.status == MessageStatus.FAILED  # the confirmation page changes nothing
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    assert response.url == reverse("outbox_detail", args=[failed.pk])
    failed.refresh_from_db()
    assert failed.status == MessageStatus.SENT
    assert [m.to for m in mailoutbox] == [["ala@example.org"]]


def test_send_again_of_a_message_being_sent_is_refused_with_a_message(client, world):
    from portal.enums import MessageStatus

    busy = _message(status=MessageStatus.SENDING)
    client.force_login(world.staff)
    response = client.post(reverse("outbox_resend", args=[busy.pk]), follow=True)
    assert "właśnie wysyłany" in response.content.decode()
    assert OutboxMessage.objects.count() == 1


def test_partnership_page_shows_its_mail_to_staff_only(client, world, razem_reminder):
    url = reverse("partnership_detail", args=[world.partnership_a.pk])
    client.force_login(world.staff)
    text = client.get(url).content.decode()
    assert "E-maile o tym partnerstwie" in text
    assert "Brak diagnozy: Partnerstwo A" in text
    client.force_login(world.leader_a)
    text = client.get(url).content.decode()
    assert "Brak diagnozy" not in text


def test_person_page_shows_mail_to_the_person_to_staff(client, world):
    from tests.factories import PersonFactory

    person = PersonFactory(partnership=world.partnership_a, email="osoba@example.org")
    _message(to="osoba@example.org")
    _message(to="ktos.inny@example.org")
    url = reverse("person_edit", args=[world.partnership_a.pk, person.pk])
    client.force_login(world.staff)
    text = client.get(url).content.decode()
    assert "E-maile na adres osoba@example.org" in text
    assert "osoba@example.org" in text and "Potwierdzenie otrzymania zgłoszenia: Biblioteka" in text
    assert "ktos.inny@example.org" not in text
    client.force_login(world.leader_a)
    assert "E-maile na adres" not in client.get(url).content.decode()


@pytest.fixture
def razem_reminder(world):
    import datetime

    from django.utils import timezone

    from portal import reminders

    world.partnership_a.animator_assigned_on = timezone.localdate() - datetime.timedelta(days=20)
    world.partnership_a.save()
    reminders.run("support.no_diagnosis")


def test_reminder_sent_log_links_to_its_message(client, world, razem_reminder):
    from portal.models import ReminderSent

    row = ReminderSent.objects.get()
    client.force_login(world.staff)
    text = client.get(reverse("admin:portal_remindersent_changelist")).content.decode()
    assert reverse("outbox_detail", args=[row.message_id]) in text
    assert "Wysłany" in text
