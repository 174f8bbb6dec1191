import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_an_english_browser_gets_polish(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    body = response.content.decode()
    assert '<html lang="pl">' in body and "Zaloguj się" in body
    assert response["Content-Language"] == "pl"


def test_the_chosen_language_is_kept_for_a_year_whatever_the_browser_says(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "en" and int(cookie["max-age"]) == 365 * 24 * 3600

    body = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="pl").content.decode()
    assert '<html lang="en">' in body and "Log in" in body


def test_an_unknown_language_in_the_cookie_falls_back_to_polish(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"
    body = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="pl">' in body
