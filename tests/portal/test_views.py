"""The platform's pages: the password reset request (through the outbox, limited) and the
one-click unsubscribe of optional reminders."""

import pytest
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
