"""Scheduled reminders: a registry of scans and the one service that sends what they find,
each reminder once.

A reminder is one function in its app's ``tasks.py``, decorated with ``@reminder``::

    @reminder(kind="support.planned_meeting", essential=True, roles=(Role.LEADER,),
              label=_("…"), description=_("…"))
    def planned_meeting_soon(now, **filters) -> Iterable[Due]:
        ...  # a constant number of queries, rows read with .iterator(); one Due per recipient

and one line in its app's ``hooks.py``: ``hooks.register_reminder(tasks.planned_meeting_soon)``.
The decorator turns the scan into a Celery task of the same name (no arguments); beat runs
every registered one (``beat_schedule`` below, read by ``config/celery.py``). ``run(kind)``
reads the scan ``BATCH`` reminders at a time (a scan is a generator over a database cursor,
``QuerySet.iterator()``, so neither the scan nor the run holds more than a batch, however many
reminders are due) and for each batch:

1. drops recipients who switched the kind off, unless it is essential (the opt-outs of the
   kind are read once per run);
2. looks the batch's keys up in the sent log (one query on its unique ``key``) and keeps what
   is new, or claimed but never queued for longer than ``STALE_CLAIM``;
3. claims those atomically: ``bulk_create(ignore_conflicts=True)`` on the unique ``key``
   (and, for stale claims, ``filter(sent_at=None, claimed_at__lt=…).update(…)``), each with
   this batch's token, then reads back the rows holding the token: only those are queued. Two
   runs at once, a retried task or a replayed message find the key taken and queue nothing;
4. for each claimed reminder, in one transaction per ``QUEUE_CHUNK``: renders its e-mail into
   the outbox (``portal.mail``) and marks its row sent, linked to the message
   (``ReminderSent.message``), each in a savepoint, so a reminder that cannot be queued
   (logged, its claim left for a later scan) does not stop the others;
5. delivers the messages it queued (``portal.outbox.deliver``), being in a worker already,
   before reading the next batch.

A run's queries are therefore a constant number per batch (the scan's own, then 1 to look up
the batch in a dry run, and a handful more to claim it in a real run, besides the e-mails),
and its memory one batch: at data set XL (20,000 partnerships, 65,920 reminders due) the dry
run's peak memory is that of data set L. A dry run claims nothing and counts what would be
sent; each line is passed to ``run(listing=…)`` as it is found (``send_reminders --dry-run``
prints them) and only a sample is kept.

The claim and the outbox share the work: the sent log makes a reminder due once, the outbox
makes its e-mail arrive once. A mail server that refuses is the outbox's business (retries
with backoff, then "failed" for staff to see); the sent log's stale claim only covers a run
that died between the claim and the queuing (a later scan retakes it after ``STALE_CLAIM``),
and since the message and the mark are committed together, nothing is queued twice.

The sent log is the only record: scans look at the database, never at ETAs or queues, so a
broker that was down only delays reminders.
"""

import datetime
import itertools
import logging
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from celery import shared_task
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from portal import hooks, mail, outbox
from portal.hooks import Reminder
from portal.models import ReminderOptOut, ReminderSent

logger = logging.getLogger(__name__)

# A claim older than this without ``sent_at`` belongs to a run that died before queuing its
# e-mail: take it again.
STALE_CLAIM = datetime.timedelta(minutes=30)
# Reminders a run reads from its scan, looks up in the sent log, claims and queues at a
# time (``run``). Measured at data set XL: the peak memory of a dry run is 97-99 MB with
# 500 or 2,000 (161 MB when a run held every reminder of a kind), but with the sent log
# full (65,920 rows) PostgreSQL looks a batch up by a sequential scan of the log (15 ms, its
# choice at that size), and 500 a batch made that dry run 1.5x slower than reading the log
# whole, where 2,000 costs the same.
BATCH = 2000
# Rows a scan reads from its cursor at a time (``QuerySet.iterator(chunk_size=…)``).
SCAN_CHUNK = 500
# Lines of a dry run kept in ``Result.listed``; ``run(listing=…)`` is given every line.
LISTED_SAMPLE = 20
# Moments that passed (a date without a meeting, an event without attendance) are reminded
# about only within this many days of the moment, so a scan's candidates stay few however
# long the programme runs; the weekly staff digest lists everything older.
CATCH_UP_DAYS = 30
# Reminders queued per transaction (each in a savepoint of its own).
QUEUE_CHUNK = 100


@dataclass(frozen=True)
class Due:
    """One reminder to one recipient. ``occasion`` names what it is about (the meeting and its
    date, say), so that a moved meeting is reminded about again."""

    occasion: str
    email: str
    send: Callable[[], None] = field(compare=False, repr=False)
    user_id: int | None = None
    summary: str = ""

    def key(self, kind: str) -> str:
        recipient = f"u{self.user_id}" if self.user_id else f"e{self.email.lower()}"
        return f"{kind}:{self.occasion}:{recipient}"[:255]


@dataclass
class Result:
    kind: str
    due: int = 0
    sent: int = 0
    failed: int = 0
    opted_out: int = 0
    listed: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "due": self.due,
            "sent": self.sent,
            "failed": self.failed,
            "opted_out": self.opted_out,
        }


def reminder(*, kind: str, label, description, essential: bool, roles: tuple[str, ...]):
    """Turn ``scan`` into a Celery task that runs it; ``task.spec`` is what an app's
    ``hooks.py`` registers with ``portal.hooks.register_reminder``."""

    def decorator(scan):
        @shared_task(name=f"{scan.__module__}.{scan.__name__}")
        def task(**filters) -> int:
            return run(kind, **filters).sent

        task.spec = Reminder(kind, label, description, essential, tuple(roles), scan, task.name)
        task.scan = scan
        task.kind = kind
        return task

    return decorator


def registered() -> dict[str, Reminder]:
    """Every registered reminder by kind (filled by the apps' ``AppConfig.ready``)."""
    return hooks.reminders()


def get(kind: str) -> Reminder:
    return hooks.reminders()[kind]


def beat_schedule(every_seconds: int) -> dict[str, dict]:
    """One beat entry per registered reminder: each scans the database and claims what it
    sends, so a missed beat is caught up by the next and a doubled beat sends nothing twice."""
    return {
        f"reminder-{spec.kind}": {"task": spec.task_name, "schedule": every_seconds}
        for spec in sorted(hooks.reminders().values(), key=lambda spec: spec.kind)
    }


def staff_recipients() -> list:
    """Active staff of the support centre with an e-mail address (one query)."""
    return list(
        get_user_model()
        .objects.filter(Q(is_staff=True) | Q(is_superuser=True), is_active=True)
        .exclude(email="")
        .order_by("pk")
    )


def _chunks(items: list, size: int = 500):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _batches(dues: Iterable[Due], size: int) -> Iterator[list[Due]]:
    """``dues`` read ``size`` at a time: a scan is a generator, read no further than needed."""
    dues = iter(dues)
    while batch := list(itertools.islice(dues, size)):
        yield batch


def _logged(keys) -> Iterator[tuple]:
    """``(key, pk, sent_at, claimed_at)`` of the sent log's rows of ``keys``, through the
    unique index on ``key``: one query on PostgreSQL, 999 keys a query on SQLite (its limit
    on parameters)."""
    keys = list(keys)
    for chunk in _chunks(keys, connection.features.max_query_params or max(len(keys), 1)):
        yield from ReminderSent.objects.filter(key__in=chunk).values_list(
            "key", "pk", "sent_at", "claimed_at"
        )


def run(
    kind: str,
    *,
    now=None,
    dry_run: bool = False,
    listing: Callable[[str], None] | None = None,
    **filters,
) -> Result:
    """Queue the reminders of ``kind`` that are due and not yet sent, then deliver them, a
    batch of ``BATCH`` at a time (see the module docstring). ``filters`` narrow the scan
    (``partnership_id=…`` after a contact is logged). ``Result.sent`` counts the reminders
    queued; the outbox reports delivery.

    Side effects: rows in ``ReminderSent`` and the outbox, e-mails, one transaction for the
    claims of each batch and one per ``QUEUE_CHUNK`` queued; with ``dry_run`` none: each line
    of what would go out is passed to ``listing`` as it is found, and the first
    ``LISTED_SAMPLE`` are kept in ``Result.listed``."""
    item = get(kind)
    now = now or timezone.now()
    result = Result(kind)
    off: set[int] | None = None
    for dues in _batches(item.scan(now, **filters), BATCH):
        if not item.essential:
            if off is None:  # once per kind, and only for a scan that found something
                off = set(
                    ReminderOptOut.objects.filter(kind=kind).values_list("user_id", flat=True)
                )
            kept = [d for d in dues if d.user_id is None or d.user_id not in off]
            result.opted_out += len(dues) - len(kept)
            dues = kept
        if dues:
            _run_batch(item, dues, dry_run=dry_run, listing=listing, result=result)
    return result


def _run_batch(item: Reminder, dues: list[Due], *, dry_run, listing, result) -> None:
    """Steps 2 to 5 of the module docstring for one batch of a scan; adds to ``result``."""
    kind = item.kind
    by_key = {d.key(kind): d for d in dues}
    # The batch's own time, not the run's start: a run queuing tens of thousands of e-mails
    # may take longer than STALE_CLAIM, and its last claims must not look stale already.
    now = timezone.now()
    stale_before = now - STALE_CLAIM
    logged = {key: (pk, sent_at, claimed_at) for key, pk, sent_at, claimed_at in _logged(by_key)}
    new_keys = [key for key in by_key if key not in logged]
    stale = {
        key: pk
        for key, (pk, sent_at, claimed_at) in logged.items()
        if sent_at is None and claimed_at < stale_before
    }
    result.due += len(new_keys) + len(stale)
    if dry_run:
        if listing is None and len(result.listed) >= LISTED_SAMPLE:
            return
        for key, due in by_key.items():
            if key in stale or key not in logged:
                line = f"{due.email}: {due.summary or key}"
                if len(result.listed) < LISTED_SAMPLE:
                    result.listed.append(line)
                if listing is not None:
                    listing(line)
        return
    if not (new_keys or stale):
        return
    token = uuid.uuid4().hex  # this batch's claims
    with transaction.atomic():
        ReminderSent.objects.bulk_create(
            [
                ReminderSent(
                    key=key,
                    kind=kind,
                    recipient_id=by_key[key].user_id,
                    email=by_key[key].email,
                    created_at=now,
                    claimed_at=now,
                    claim_token=token,
                )
                for key in new_keys
            ],
            ignore_conflicts=True,
        )
        for chunk in _chunks(list(stale.values())):
            ReminderSent.objects.filter(
                pk__in=chunk, sent_at=None, claimed_at__lt=stale_before
            ).update(claim_token=token, claimed_at=now)
    claimed = list(
        ReminderSent.objects.filter(claim_token=token).order_by("pk").values_list("pk", "key")
    )
    optional_kind = "" if item.essential else kind
    queued: list[int] = []
    # One commit per chunk, one savepoint per reminder: a commit costs a disk flush, and a
    # run that dies loses only claims that a later scan takes back.
    for chunk in _chunks(claimed, QUEUE_CHUNK):
        with transaction.atomic():
            for pk, key in chunk:
                due = by_key.get(key)
                if due is None:
                    continue
                try:
                    with (
                        transaction.atomic(),
                        mail.batch(optional_kind=optional_kind, user_id=due.user_id) as batch,
                    ):
                        due.send()
                        ReminderSent.objects.filter(pk=pk).update(
                            sent_at=timezone.now(),
                            message_id=batch.ids[0] if batch.ids else None,
                        )
                except Exception:
                    # Nothing was queued and the claim stays unsent: a scan after STALE_CLAIM
                    # tries again (a bug in a template, a row deleted meanwhile).
                    logger.exception("Reminder %s could not be queued; it will be retried.", key)
                    result.failed += 1
                    continue
                queued.extend(batch.ids)
                result.sent += 1
                logger.info("Reminder sent: %s", key)
    if queued:
        outbox.deliver(queued)


def run_all(*, now=None, dry_run: bool = False) -> dict[str, Result]:
    """Every registered scan, in a stable order (``manage.py send_reminders``)."""
    return {kind: run(kind, now=now, dry_run=dry_run) for kind in sorted(registered())}


# --- the weekly staff digest: sections contributed by the apps -----------------------------


@dataclass(frozen=True)
class DigestRow:
    name: str
    detail: str
    url: str


@dataclass(frozen=True)
class DigestSection:
    title: str
    rows: list[DigestRow]
    total: int


def digest_sections(now) -> list[DigestSection]:
    """The non-empty sections the apps registered (``portal.hooks.register_digest_section``)."""
    sections = [source(now) for source in hooks.digest_sources()]
    return [s for s in sections if s is not None and s.total]
