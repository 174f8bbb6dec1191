"""Login throttling that holds against guessing and spraying: per account across addresses,
per address across accounts, and a successful login forgives only its own account."""

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _attempt(client, email, password, address):
    return client.post(
        reverse("login"), {"username": email, "password": password}, REMOTE_ADDR=address
    )


def _locked(response) -> bool:
    if response.status_code != 429:
        return False
    text = response.content.decode()
    assert "Zbyt wiele nieudanych prób logowania" in text
    assert "na 15 min." in text
    return True


def test_account_locks_after_guesses_from_many_addresses(client):
    UserFactory(email="ala@example.org")
    for n in range(settings.AXES_FAILURE_LIMIT):
        response = _attempt(client, "ala@example.org", "zle-haslo", f"10.0.0.{n + 1}")
        assert response.status_code in (200, 429)
    # The right password from yet another address: still locked.
    assert _locked(_attempt(client, "ala@example.org", PASSWORD, "10.0.1.1"))
    assert "_auth_user_id" not in client.session


def test_address_locks_after_trying_many_accounts_once(client):
    limit = settings.PORTAL_LOGIN_ADDRESS_FAILURE_LIMIT
    assert limit < 20  # 20 accounts once each from one address never lock on main
    for n in range(limit):
        _attempt(client, f"osoba{n}@example.org", "Wiosna2026!", "192.0.2.7")
    UserFactory(email="ola@example.org")
    assert _locked(_attempt(client, "ola@example.org", PASSWORD, "192.0.2.7"))
    # Another address is not touched.
    assert _attempt(client, "ola@example.org", PASSWORD, "192.0.2.8").status_code == 302


def test_logging_into_ones_own_account_does_not_forgive_the_address(client):
    UserFactory(email="napastnik@example.org")
    limit = settings.PORTAL_LOGIN_ADDRESS_FAILURE_LIMIT
    for n in range(limit - 1):
        _attempt(client, f"osoba{n}@example.org", "Wiosna2026!", "192.0.2.9")
    assert _attempt(client, "napastnik@example.org", PASSWORD, "192.0.2.9").status_code == 302
    client.logout()
    _attempt(client, "kolejna@example.org", "Wiosna2026!", "192.0.2.9")
    UserFactory(email="ola@example.org")
    assert _locked(_attempt(client, "ola@example.org", PASSWORD, "192.0.2.9"))


def test_own_account_failures_are_forgiven_by_its_login(client):
    UserFactory(email="ala@example.org")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _attempt(client, "ala@example.org", "zle-haslo", "10.0.0.1")
    assert _attempt(client, "ala@example.org", PASSWORD, "10.0.0.1").status_code == 302
    client.logout()
    # A single typo after a successful login does not lock the account.
    assert _attempt(client, "ala@example.org", "zle-haslo", "10.0.0.1").status_code == 200
