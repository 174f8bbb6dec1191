"""The Celery application. Its one beat schedule lives here; each app's tasks are in its
``tasks.py``."""

import os

from celery import Celery
from celery.signals import worker_ready

from config.env import env_int

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Every reminder scan (``partnerships.reminders``). Each scans the database and claims what it
# sends in the sent log, so a missed beat is caught up by the next one and a doubled beat
# sends nothing twice.
REMINDER_TASKS = (
    "support.tasks.planned_meeting_soon",
    "support.tasks.no_diagnosis",
    "support.tasks.meeting_2_overdue",
    "support.tasks.hour_budget_used",
    "support.tasks.no_agreed_plan",
    "events.tasks.registration_closing",
    "events.tasks.event_soon",
    "events.tasks.attendance_unmarked",
    "clips.tasks.scoring_closes_soon",
    "partnerships.tasks.staff_digest",
)
REMINDER_SCAN_SECONDS = env_int("PORTAL_REMINDER_SCAN_SECONDS", 5 * 60)

# The one schedule of every periodic task; tasks scan the database, so the exact minute
# does not matter and a missed beat is caught up by the next one.
app.conf.beat_schedule = {
    "events-expire-seat-offers": {
        "task": "events.tasks.expire_seat_offers",
        "schedule": 15 * 60,
    },
    **{
        f"reminders-{name.split('.')[0]}-{name.rsplit('.', 1)[1]}": {
            "task": name,
            "schedule": REMINDER_SCAN_SECONDS,
        }
        for name in REMINDER_TASKS
    },
}


@worker_ready.connect
def _scan_reminders_at_start(sender, **kwargs):
    """Beat's first tick comes one interval after it starts; a worker that comes up runs the
    scans once at once, so what fell due while nothing ran goes out now (and ``make run``
    shows reminders within seconds). Claims make a second worker's scan harmless."""
    for name in REMINDER_TASKS:
        sender.app.send_task(name)
