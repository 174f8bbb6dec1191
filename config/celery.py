"""The Celery application. Its beat schedule is derived from the registry of extension points
(``portal.hooks``): every registered reminder, and the other periodic tasks the apps register.
No list of tasks is kept here."""

import os

from celery import Celery
from celery.signals import import_modules, worker_ready

from config.env import env_int

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Each reminder scans the database and claims what it sends in the sent log, so the exact
# minute does not matter: a missed beat is caught up by the next one and a doubled beat sends
# nothing twice.
REMINDER_SCAN_SECONDS = env_int("PORTAL_REMINDER_SCAN_SECONDS", 5 * 60)


def beat_schedule() -> dict[str, dict]:
    """Every registered reminder every ``REMINDER_SCAN_SECONDS``, and every other registered
    periodic task at its own interval. Needs the apps loaded (their ``ready()`` registers)."""
    from portal import hooks, reminders  # noqa: PLC0415 -- needs Django's apps loaded

    return {
        **reminders.beat_schedule(REMINDER_SCAN_SECONDS),
        **{
            f"periodic-{name}": {"task": name, "schedule": seconds}
            for name, seconds in sorted(hooks.periodic_tasks().items())
        },
    }


@import_modules.connect(sender=app)
def _set_beat_schedule(sender, **kwargs):
    """Beat and the worker import their task modules at start (``loader.init_worker``); Celery's
    Django fixup, connected to the same signal before this, has set Django up by then, so the
    apps' ``ready()`` has filled the registry."""
    sender.conf.beat_schedule = beat_schedule()


@worker_ready.connect
def _scan_reminders_at_start(sender, **kwargs):
    """Beat's first tick comes one interval after it starts; a worker that comes up runs the
    scans and the other periodic tasks (the outbox's sweep among them) once at once, so what
    fell due or waited while nothing ran goes out now (and ``make run`` shows reminders within
    seconds). Claims make a second worker's run harmless."""
    from portal import hooks, reminders  # noqa: PLC0415 -- needs Django's apps loaded

    for spec in reminders.registered().values():
        sender.app.send_task(spec.task_name)
    for name in sorted(hooks.periodic_tasks()):
        sender.app.send_task(name)
