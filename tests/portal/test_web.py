"""portal.web: paginate takes the page before its rows are read when asked, and the rows keep
the order of the list; safe_next_url follows only local paths."""

import pytest
from django.test import RequestFactory

from partnerships.models import Partnership
from portal.web import paginate, safe_next_url
from tests.factories import PartnershipFactory

DEFAULT = "/wsparcie/"


def _request(**params):
    return RequestFactory().get("/", params)


@pytest.fixture
def partnerships(db):
    return [PartnershipFactory(name=f"Partnerstwo {i:02d}") for i in range(30)]


def test_page_first_reads_ids_then_the_rows_of_the_page(partnerships, django_assert_num_queries):
    qs = Partnership.objects.order_by("-name")
    # count, the page's ids, the page's rows
    with django_assert_num_queries(3) as ctx:
        page = paginate(_request(page=2), qs, page_first=True)
    assert [p.name for p in page] == [f"Partnerstwo {i:02d}" for i in range(4, -1, -1)]
    assert page.paginator.count == 30 and page.number == 2
    ids_query = ctx.captured_queries[1]["sql"]
    assert '"name"' not in ids_query.split("FROM")[0]  # only the ids are selected


def test_rows_of_a_list_of_ids_keep_its_order(partnerships):
    ids = [p.pk for p in reversed(partnerships)]
    page = paginate(
        _request(), ids, rows=lambda page_ids: Partnership.objects.filter(pk__in=page_ids)
    )
    assert [p.pk for p in page] == ids[:25]
    assert page.paginator.count == 30


def test_named_page_parameter_and_bad_numbers(partnerships):
    ids = [p.pk for p in partnerships]
    assert paginate(_request(events_page="2"), ids, param="events_page").number == 2
    assert paginate(_request(events_page="x"), ids, param="events_page").number == 1
    assert paginate(_request(page="99"), ids).number == 2


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
