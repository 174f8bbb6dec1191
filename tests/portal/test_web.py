import pytest
from django.test import RequestFactory

from portal.web import safe_next_url

DEFAULT = "/wsparcie/"


@pytest.mark.parametrize(
    "candidate, expected",
    [
        ("/wsparcie/?page=2", "/wsparcie/?page=2"),
        ("/wsparcie/partnerstwa/3/", "/wsparcie/partnerstwa/3/"),
        ("https://evil.example/", DEFAULT),
        ("//evil.example/", DEFAULT),
        ("/\\evil.example/", DEFAULT),
        ("http://testserver/wsparcie/", DEFAULT),  # only paths, even to this host
        ("javascript:alert(1)", DEFAULT),
        ("wsparcie/", DEFAULT),
        ("", DEFAULT),
    ],
)
def test_safe_next_url_follows_only_local_paths(candidate, expected):
    request = RequestFactory().post("/x/", {"next": candidate})
    assert safe_next_url(request, DEFAULT) == expected


def test_safe_next_url_reads_the_query_when_the_form_has_none():
    request = RequestFactory().get("/x/", {"next": "/wydarzenia/"})
    assert safe_next_url(request, DEFAULT) == "/wydarzenia/"
