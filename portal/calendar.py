"""Calendars by RFC 5545: each user's feed (behind a secret link that can be reset), an
event's .ics download and the .ics attachments of e-mails.

Apps add their dates without this module knowing them, through
``portal.hooks.register_calendar_source``: a function ``source(user) -> Iterable[CalendarItem]``,
called once per feed request. Support registers planned meetings, events registers study visits
and the seminar, each from its ``hooks.py``.

What a calendar app relies on, and how it is kept:

- ``UID`` is the source's stable key (``event-42``) at the site's host: the same item keeps it
  whatever changes.
- ``DTSTAMP`` and ``LAST-MODIFIED`` are the item's own last change (``CalendarItem.changed``),
  never the time of the request, so a poll that finds nothing new sees nothing changed, and
  the whole document is byte-for-byte the same (its ``ETag`` too, so it answers 304).
- ``SEQUENCE`` rises each time the item's dates move (``revisions`` counts those moves in the
  item's history), so an app that keeps its own copy takes the new dates.
- Times carry ``TZID=Europe/Warsaw`` and the document defines that zone (``VTIMEZONE``, the EU
  rule since 1996). It is always there, which also keeps a calendar with nothing planned
  valid: RFC 5545 3.6 asks for at least one component.
"""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import http_date
from icalendar import Calendar, Event, Timezone

from portal import hooks
from portal.web import conditional_get

TZID = "Europe/Warsaw"
# Central European Time with summer time from the last Sunday of March to the last Sunday of
# October (EU rule since 1996); checked against zoneinfo for 2000-2100 in the tests.
WARSAW_VTIMEZONE = "\r\n".join(
    [
        "BEGIN:VTIMEZONE",
        f"TZID:{TZID}",
        "BEGIN:DAYLIGHT",
        "TZNAME:CEST",
        "TZOFFSETFROM:+0100",
        "TZOFFSETTO:+0200",
        "DTSTART:19700329T020000",
        "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
        "END:DAYLIGHT",
        "BEGIN:STANDARD",
        "TZNAME:CET",
        "TZOFFSETFROM:+0200",
        "TZOFFSETTO:+0100",
        "DTSTART:19701025T030000",
        "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
        "END:STANDARD",
        "END:VTIMEZONE",
        "",
    ]
)
# A feed is fetched again and again by a calendar app: it may keep a copy and ask with its
# ETag (no-store would forbid that copy). Downloads keep nothing anywhere.
FEED_CACHE_CONTROL = "private, no-cache"
DOWNLOAD_CACHE_CONTROL = "private, no-store"


@dataclass(frozen=True)
class CalendarItem:
    uid: str  # stable across requests and changes, e.g. "support-meeting-42"
    start: datetime.date | datetime.datetime
    end: datetime.date | datetime.datetime | None
    summary: str
    changed: datetime.datetime | None = None  # the item's last change: DTSTAMP, LAST-MODIFIED
    sequence: int = 0  # how many times its dates moved
    description: str = ""
    location: str = ""
    url: str = ""


@dataclass(frozen=True)
class Revision:
    changed: datetime.datetime
    sequence: int


def revisions(model, pks: Iterable, fields: Sequence[str]) -> dict:
    """``{pk: Revision}`` from the django-simple-history rows of ``model``, one query: the
    time of the last change, and how many times the ``fields`` (the dates) changed value.
    Rows without history (bulk-loaded) are missing; callers fall back to their own time."""
    pks = list(pks)
    if not pks:
        return {}
    key = model._meta.pk.attname
    rows = (
        model.history.model.objects.filter(**{f"{key}__in": pks})
        .order_by(key, "history_date", "history_id")
        .values_list(key, "history_date", *fields)
    )
    result, last = {}, {}
    for pk, changed, *dates in rows:
        previous = result.get(pk)
        moved = previous is not None and last[pk] != dates
        sequence = (previous.sequence if previous else 0) + moved
        result[pk], last[pk] = Revision(changed, sequence), dates
    return result


def titled(kind: str, title: str) -> str:
    """``"Kind: title"``, or the title alone when it already starts with the kind ("Wizyta
    studyjna: Wizyta studyjna w Łomży" says the same thing twice)."""
    kind, title = str(kind).strip(), str(title).strip()
    if not kind or title.casefold().startswith(kind.casefold()):
        return title
    return f"{kind[:1].upper()}{kind[1:]}: {title}"


def items_for_user(user) -> list[CalendarItem]:
    items: list[CalendarItem] = []
    for source in hooks.calendar_sources():
        items.extend(source(user))
    return items


def _host() -> str:
    return settings.SITE_URL.split("//")[-1].split("/")[0].split(":")[0] or "portal"


def _moment(value):
    """Aware datetimes in Warsaw time (the zone the document defines); dates as they are."""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value, timezone.get_default_timezone())
    return value


def _stamp(value: datetime.datetime | None) -> datetime.datetime:
    value = value or datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
    return value.astimezone(datetime.UTC).replace(microsecond=0)


def to_ical(items: Iterable[CalendarItem], *, name: str) -> bytes:
    """Render items as one iCalendar document (the feed, a single event's .ics file, an
    e-mail's attachment)."""
    if settings.TIME_ZONE != TZID:
        raise ImproperlyConfigured("portal.calendar describes the Europe/Warsaw zone only.")
    calendar = Calendar()
    calendar.add("prodid", "-//Portal partnerstw PRB//pl")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", TZID)
    calendar.add_component(Timezone.from_ical(WARSAW_VTIMEZONE))
    host = _host()
    for item in items:
        event = Event()
        event.add("uid", f"{item.uid}@{host}")
        event.add("dtstamp", _stamp(item.changed))
        event.add("last-modified", _stamp(item.changed))
        event.add("sequence", item.sequence)
        event.add("dtstart", _moment(item.start))
        if item.end is not None:
            event.add("dtend", _moment(item.end))
        event.add("summary", item.summary)
        if item.description:
            event.add("description", item.description)
        if item.location:
            event.add("location", item.location)
        if item.url:
            event.add("url", item.url)
        calendar.add_component(event)
    return calendar.to_ical()


def calendar_response(
    request,
    items: Sequence[CalendarItem],
    *,
    name: str,
    filename: str,
    attachment: bool = False,
    cache_control: str = DOWNLOAD_CACHE_CONTROL,
) -> HttpResponse:
    """The items as a ``text/calendar`` response with an ``ETag`` (a hash of the document)
    and ``Last-Modified`` (the latest change of an item), answering 304 when the client's
    copy is current."""
    response = HttpResponse(to_ical(items, name=name), content_type="text/calendar; charset=utf-8")
    kind = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{kind}; filename="{filename}"'
    response["Cache-Control"] = cache_control
    changed = [item.changed for item in items if item.changed]
    if changed:
        response["Last-Modified"] = http_date(_stamp(max(changed)).timestamp())
    return conditional_get(request, response)
