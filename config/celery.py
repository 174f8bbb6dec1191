"""The Celery application. Its one beat schedule lives here; each app's tasks are in its
``tasks.py``."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The one schedule of every periodic task; tasks scan the database, so the exact minute
# does not matter and a missed beat is caught up by the next one.
app.conf.beat_schedule = {
    "events-expire-seat-offers": {
        "task": "events.tasks.expire_seat_offers",
        "schedule": 15 * 60,
    },
    "clips-scoring-reminders": {
        "task": "clips.tasks.send_scoring_reminders",
        "schedule": 60 * 60,
    },
}
