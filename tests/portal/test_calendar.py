"""Calendars by RFC 5545, read back with vobject (not the icalendar library that writes them):
the feed, an event's .ics file and the .ics attachments of e-mails."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
import vobject
from django.urls import reverse
from django.utils import timezone

from events import services as event_services
from portal import calendar, hooks
from portal.calendar import CalendarItem
from tests.factories import EventFactory, UserFactory

pytestmark = pytest.mark.django_db
WARSAW = ZoneInfo("Europe/Warsaw")


def _parse(body: bytes):
    """Parse strictly: vobject raises on a component without its required properties."""
    cal = vobject.readOne(body.decode("utf-8"))
    cal.validate(raiseException=True)
    assert cal.version.value == "2.0" and cal.prodid.value
    return cal


def _events(cal) -> list:
    return list(cal.contents.get("vevent", []))


def _feed(client, user, **headers):
    return client.get(reverse("calendar_feed", args=[user.calendar_token]), **headers)


def _only_source(monkeypatch, source):
    monkeypatch.setattr(hooks, "_calendar_sources", [])
    hooks.register_calendar_source(source)


def test_empty_feed_is_still_a_calendar_with_a_component(client, monkeypatch):
    _only_source(monkeypatch, lambda user: [])
    response = _feed(client, UserFactory())
    assert response.status_code == 200
    cal = _parse(response.content)
    assert _events(cal) == []
    # RFC 5545 3.6: a calendar holds at least one component; the time zone is one.
    assert [tz.tzid.value for tz in cal.contents["vtimezone"]] == ["Europe/Warsaw"]


def test_vtimezone_gives_warsaw_offsets_from_2000_to_2100():
    cal = _parse(calendar.to_ical([], name="x"))
    tz = cal.vtimezone.gettzinfo()
    moments = [
        datetime.datetime(year, month, day, hour)
        for year in range(2000, 2101, 3)
        for month, day, hour in ((1, 15, 12), (3, 31, 12), (7, 1, 12), (10, 31, 12), (12, 31, 23))
    ]
    assert [tz.utcoffset(m) for m in moments] == [
        m.replace(tzinfo=WARSAW).utcoffset() for m in moments
    ]


def _meeting_source(changed):
    def source(user):
        start = timezone.make_aware(datetime.datetime(2030, 1, 15, 16, 0))
        return [
            CalendarItem(
                uid="test-1",
                start=start,
                end=start + datetime.timedelta(hours=2),
                summary="Spotkanie w Łącku",
                changed=changed,
                sequence=2,
            )
        ]

    return source


def test_feed_stamps_items_with_their_own_change_time(client, monkeypatch):
    changed = datetime.datetime(2029, 12, 1, 10, 30, tzinfo=datetime.UTC)
    _only_source(monkeypatch, _meeting_source(changed))
    user = UserFactory()
    with time_machine.travel(datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC)):
        first = _feed(client, user)
    with time_machine.travel(datetime.datetime(2030, 1, 2, tzinfo=datetime.UTC)):
        second = _feed(client, user)
    assert first.content == second.content  # nothing changed, nothing looks changed
    [event] = _events(_parse(first.content))
    assert event.dtstamp.value == changed
    assert event.last_modified.value == changed
    assert event.sequence.value == "2"
    assert event.uid.value.startswith("test-1@")
    assert event.dtstart.value == datetime.datetime(2030, 1, 15, 16, 0, tzinfo=WARSAW)
    assert b"DTSTART;TZID=Europe/Warsaw:20300115T160000" in first.content


def test_feed_answers_304_to_its_etag_and_date(client, monkeypatch):
    changed = datetime.datetime(2029, 12, 1, 10, 30, tzinfo=datetime.UTC)
    _only_source(monkeypatch, _meeting_source(changed))
    user = UserFactory()
    response = _feed(client, user)
    etag, modified = response["ETag"], response["Last-Modified"]
    assert modified == "Sat, 01 Dec 2029 10:30:00 GMT"
    assert _feed(client, user, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert _feed(client, user, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    assert _feed(client, user, HTTP_IF_NONE_MATCH='"other"').status_code == 200
    _only_source(monkeypatch, _meeting_source(changed + datetime.timedelta(hours=1)))
    assert _feed(client, user, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_event_summary_does_not_repeat_its_kind(client, world):
    event = EventFactory(title="Wizyta studyjna: Biblioteki Podlasia")
    other = EventFactory(title="Biblioteki Mazur")
    client.force_login(world.staff)
    for item, expected in (
        (event, "Wizyta studyjna: Biblioteki Podlasia"),
        (other, "Wizyta studyjna: Biblioteki Mazur"),
    ):
        response = client.get(reverse("events:event_ics", args=[item.pk]))
        [vevent] = _events(_parse(response.content))
        assert vevent.summary.value == expected


def test_event_sequence_rises_when_its_dates_move_and_only_then(client, world):
    event = EventFactory()
    client.force_login(world.staff)

    def vevent():
        response = client.get(reverse("events:event_ics", args=[event.pk]))
        [item] = _events(_parse(response.content))
        return item

    first = vevent()
    assert first.sequence.value == "0"
    event_services.event_update(event=event, actor=world.staff, title="Nowy tytuł")
    assert vevent().sequence.value == "0"
    event_services.event_update(
        event=event, actor=world.staff, starts_on=event.starts_on + datetime.timedelta(7)
    )
    moved = vevent()
    assert moved.sequence.value == "1"
    assert moved.uid.value == first.uid.value
    event.refresh_from_db()
    assert moved.last_modified.value == event.updated_at.replace(microsecond=0)


@pytest.mark.parametrize("n", [1, 3])
def test_feed_queries_constant(client, world, django_assert_num_queries, n):
    for _ in range(n):
        EventFactory()
    # The user by the key in the address; the events; their history (dates and changes).
    # The support source reads nothing for staff (their feed is about their own work).
    with django_assert_num_queries(3):
        response = _feed(client, world.staff)
    assert len(_events(_parse(response.content))) == n
