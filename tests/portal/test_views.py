"""The platform's pages: the password reset request (through the outbox, limited) and the
one-click unsubscribe of optional reminders."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.urls import reverse

from portal import mail as portal_mail
from portal import services
from portal.models import OutboxMessage, ReminderOptOut
from tests.factories import UserFactory

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
