"""What the events app plugs into the platform (``portal.hooks``), from
``EventsConfig.ready``."""

from events import demo, tasks
from events.selectors import calendar_items_for_user, leader_todos, path_steps
from portal import hooks

# Seat offers are short (hours); a quarter of an hour is precise enough.
EXPIRE_OFFERS_SECONDS = 15 * 60


def register() -> None:
    hooks.register_calendar_source(calendar_items_for_user)
    for reminder in (
        tasks.registration_closing,
        tasks.places_unfilled,
        tasks.event_soon,
        tasks.attendance_unmarked,
    ):
        hooks.register_reminder(reminder)
    hooks.register_periodic_task(tasks.expire_seat_offers, EXPIRE_OFFERS_SECONDS)
    hooks.register_demo_loader(demo.load)
    hooks.register_leader_todo_source(leader_todos)
    hooks.register_path_source(path_steps)
