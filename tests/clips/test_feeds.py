"""The Atom feed of the public announcement by RFC 4287, read back with feedparser and checked
for the elements the RFC requires."""

import xml.etree.ElementTree as ET

import feedparser
import pytest
from django.urls import reverse

from clips import services

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"
SITE = "https://partnerstwa.example.org"


@pytest.fixture
def announced(world, call, eligible, select):
    selected = select(
        call, world.partnership_a, public_summary="Klub <b>młodzieży</b> & seniorów w bibliotece."
    )
    select(call, world.partnership_b)
    services.call_announce(call=call, actor=world.staff)
    return selected


@pytest.fixture
def site(settings):
    settings.SITE_URL = SITE
    settings.ALLOWED_HOSTS = ["testserver", "intruz.example"]


def _feed(client, **headers):
    return client.get(reverse("clips:announcement_feed"), **headers)


def test_feed_has_every_element_rfc_4287_requires(client, site, announced):
    response = _feed(client)
    root = ET.fromstring(response.content)
    for element in ("id", "title", "updated", f"author/{ATOM}name"):
        assert root.find(ATOM + element) is not None, element
    [self_link] = [e for e in root.findall(f"{ATOM}link") if e.get("rel") == "self"]
    assert self_link.get("href") == SITE + reverse("clips:announcement_feed")
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 2
    for entry in entries:
        for element in ("id", "title", "updated", "link"):
            assert entry.find(ATOM + element) is not None, element


def test_feed_reads_back_with_feedparser(client, site, announced, world):
    parsed = feedparser.parse(_feed(client).content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert parsed.feed.id.startswith("tag:partnerstwa.example.org,")
    assert parsed.feed.author == "Centrum wsparcia partnerstw bibliotek"
    assert parsed.feed.link == SITE + reverse("clips:announcement_list")
    entry = next(e for e in parsed.entries if e.title == "Partnerstwo A")
    assert entry.id == (
        f"tag:partnerstwa.example.org,{announced.selected_at:%Y-%m-%d}:klip-{announced.pk}"
    )
    assert entry.link == SITE + reverse("clips:announcement_list") + f"#klip-{announced.pk}"
    # Plain text, shown as typed: the markup a leader typed is not HTML to a reader.
    assert entry.summary_detail.type == "text/plain"
    assert entry.summary.endswith("Klub <b>młodzieży</b> & seniorów w bibliotece.")


def test_feed_links_and_ids_ignore_the_request_host(client, site, announced):
    ours = feedparser.parse(_feed(client).content)
    theirs = feedparser.parse(_feed(client, HTTP_HOST="intruz.example").content)
    assert [e.id for e in theirs.entries] == [e.id for e in ours.entries]
    assert [e.link for e in theirs.entries] == [e.link for e in ours.entries]
    assert "intruz" not in _feed(client, HTTP_HOST="intruz.example").content.decode()


def test_entry_ids_stay_when_the_feed_changes(client, site, announced, world):
    before = {e.title: e.id for e in feedparser.parse(_feed(client).content).entries}
    b = next(s for s in announced.call.selections.all() if s.partnership == world.partnership_b)
    services.selection_withdraw(selection=b, actor=world.staff, reason="Rezygnacja.")
    after = {e.title: e.id for e in feedparser.parse(_feed(client).content).entries}
    assert after == {"Partnerstwo A": before["Partnerstwo A"]}


def test_feed_answers_304_until_it_changes(client, site, announced, world):
    response = _feed(client)
    assert response["Cache-Control"] == "public, no-cache"
    etag, modified = response["ETag"], response["Last-Modified"]
    assert _feed(client, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert _feed(client, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    b = next(s for s in announced.call.selections.all() if s.partnership == world.partnership_b)
    services.selection_withdraw(selection=b, actor=world.staff, reason="Rezygnacja.")
    changed = _feed(client, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_empty_feed_is_the_same_on_every_request(client, site):
    assert _feed(client).content == _feed(client).content
    assert not feedparser.parse(_feed(client).content).bozo


@pytest.mark.parametrize("n", [1, 3])
def test_feed_queries_constant(
    client, site, world, call, eligible, select, n, django_assert_num_queries
):
    for partnership in eligible[:n]:
        select(call, partnership)
    services.call_announce(call=call, actor=world.staff)
    # The entries with their call and lead library; when the announcement last changed.
    with django_assert_num_queries(2):
        response = _feed(client)
    assert len(feedparser.parse(response.content).entries) == n
