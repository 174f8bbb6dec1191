"""Each user's calendar feed (iCalendar), behind a secret link that can be reset.

Apps add their dates without this module knowing them, through
``portal.hooks.register_calendar_source``: a function ``source(user) -> Iterable[CalendarItem]``,
called once per feed request. Support registers planned meetings, events registers study visits
and the seminar, each from its ``hooks.py``.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from portal import hooks


@dataclass(frozen=True)
class CalendarItem:
    uid: str  # stable across requests, e.g. "support-meeting-42"
    start: datetime.date | datetime.datetime
    end: datetime.date | datetime.datetime | None
    summary: str
    description: str = ""
    location: str = ""
    url: str = ""


def items_for_user(user) -> list[CalendarItem]:
    items: list[CalendarItem] = []
    for source in hooks.calendar_sources():
        items.extend(source(user))
    return items


def to_ical(items: Iterable[CalendarItem], *, name: str) -> bytes:
    """Render items as one iCalendar document (also used for a single event's .ics file)."""
    calendar = Calendar()
    calendar.add("prodid", "-//Portal partnerstw PRB//pl")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    stamp = timezone.now()
    host = settings.SITE_URL.split("//")[-1].split("/")[0].split(":")[0] or "portal"
    for item in items:
        event = Event()
        event.add("uid", f"{item.uid}@{host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", item.start)
        if item.end is not None:
            event.add("dtend", item.end)
        event.add("summary", item.summary)
        if item.description:
            event.add("description", item.description)
        if item.location:
            event.add("location", item.location)
        if item.url:
            event.add("url", item.url)
        calendar.add_component(event)
    return calendar.to_ical()
