"""What the events app plugs into the platform (``portal.hooks``), from
``EventsConfig.ready``."""

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy

from events import demo, tasks
from events.selectors import calendar_items_for_user, leader_todos, path_steps, search_events
from portal import hooks

# Seat offers are short (hours); a quarter of an hour is precise enough.
EXPIRE_OFFERS_SECONDS = 15 * 60


def event_hit(event) -> hooks.SearchHit:
    return hooks.SearchHit(
        title=event.title,
        url=reverse("events:event_detail", args=[event.pk]),
        detail=" · ".join(
            (event.get_kind_display(), date_format(event.starts_on, "j E Y"), event.place)
        ),
    )


def register() -> None:
    hooks.register_search_source("wydarzenia", gettext_lazy("Events"), search_events, event_hit)
    hooks.register_calendar_source(calendar_items_for_user)
    for reminder in (
        tasks.registration_closing,
        tasks.places_unfilled,
        tasks.event_soon,
        tasks.answer_missing,
        tasks.attendance_unmarked,
    ):
        hooks.register_reminder(reminder)
    hooks.register_periodic_task(tasks.expire_seat_offers, EXPIRE_OFFERS_SECONDS)
    hooks.register_demo_loader(demo.load)
    hooks.register_leader_todo_source(leader_todos)
    hooks.register_path_source(path_steps)
