"""Queuing Celery tasks from a request without depending on the broker.

``enqueue(task, *args)`` publishes after the transaction commits, once, without retrying:
with the broker down the publish fails within ``CELERY_BROKER_CONNECTION_TIMEOUT`` and is
logged, and the page answers. Nothing is lost because every queued task only speeds up work
that a periodic scan of the database does anyway (reminders are found in the database and
claimed in the sent log), so the next beat after the broker is back does it."""

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def publish(task, *args, **kwargs) -> None:
    """Publish ``task`` now, once; a broker that is down is logged, not raised."""
    try:
        task.apply_async(args=args, kwargs=kwargs, retry=False)
    except Exception:
        logger.warning(
            "Could not queue %s%r; the periodic scan will do the work.",
            task.name,
            args,
            exc_info=True,
        )


def enqueue(task, *args, **kwargs) -> None:
    """Queue ``task`` after the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: publish(task, *args, **kwargs))
