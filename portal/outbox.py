"""Sending the outbox (``portal.models.OutboxMessage``), in the Celery worker.

``portal.mail.queue_templated_mail`` stores each message in the transaction of the change that
causes it and, after commit, asks the worker to deliver what is due (one task per
transaction, ``deliver_after_commit``). Beat runs the same delivery every ``SWEEP_SECONDS``
(registered in ``portal/apps.py``), so a broker or a worker that was down, or a publish that
failed, only delays mail: the database is the queue, the broker only a doorbell.

``deliver`` then, batch by batch:

1. takes back claims older than ``STALE_CLAIM`` (the worker that held them died);
2. claims up to ``BATCH_SIZE`` due messages: ``SELECT … FOR UPDATE SKIP LOCKED`` and an
   ``UPDATE`` to ``sending`` with this batch's token, so two workers never hold the same
   message (on SQLite, whose writers queue, the ``UPDATE … WHERE status = 'queued'`` alone
   decides);
3. sends each over one SMTP connection and marks it, by its token: sent; or queued again
   ``retry_delay(attempts)`` later with the server's answer; or, after ``MAX_ATTEMPTS`` (or
   when the server refuses the address for good, a 5xx to ``RCPT TO``), failed with that
   answer for staff to see and send again (``message_resend``).

A worker releases what it has not sent before its claim is half-way to stale, so a claim is
never taken back while its holder still sends: a message is sent twice only if a worker dies
between the server's acceptance and the mark, and then with the same ``Message-ID``.
"""

import datetime
import logging
import smtplib
import threading
import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit

from celery import current_app
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import get_connection, make_msgid
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.enums import MessageStatus
from portal.models import OutboxMessage
from portal.queue import publish

logger = logging.getLogger(__name__)

BATCH_SIZE = 50
# With EMAIL_TIMEOUT = 10 s, a batch whose server stalls on every message would still be
# released (at STALE_CLAIM / 2) well before another worker may take it back.
STALE_CLAIM = datetime.timedelta(minutes=10)
# 1, 2, 4 … minutes, at most 2 hours apart: 12 attempts span about 12 hours, a mail server's
# night-long outage included.
MAX_ATTEMPTS = 12
FIRST_RETRY = datetime.timedelta(minutes=1)
LONGEST_WAIT = datetime.timedelta(hours=2)
SWEEP_SECONDS = 60
DELIVER_TASK = "portal.tasks.outbox_deliver"
# One delivery stops claiming after this long; the next sweep or kick goes on.
DELIVERY_BUDGET = datetime.timedelta(minutes=5)
ERROR_MAX_CHARS = 2000


def retry_delay(attempts: int) -> datetime.timedelta:
    """The wait after the ``attempts``-th failed attempt."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_WAIT)


def new_message_id() -> str:
    """A ``Message-ID`` under the portal's own host name (``PORTAL_SITE_URL``)."""
    return make_msgid(domain=urlsplit(settings.SITE_URL).hostname or "localhost")


@dataclass
class Delivery:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    released: int = 0

    def as_dict(self) -> dict:
        return {
            "sent": self.sent,
            "retrying": self.retrying,
            "failed": self.failed,
            "released": self.released,
        }


# --- the doorbell: one task per committed transaction -----------------------------------------

_state = threading.local()


def deliver_after_commit() -> None:
    """Ask the worker, after the current transaction commits, to deliver what is due.

    A transaction that queues many messages publishes one task: every message registers the
    same generation, and the first callback to run publishes and starts the next
    generation. A rolled-back transaction never runs its callbacks; the next one reuses its
    generation."""
    generation = getattr(_state, "generation", 0)
    transaction.on_commit(lambda: _kick(generation), robust=True)


def _kick(generation: int) -> None:
    if generation < getattr(_state, "generation", 0):
        return  # this transaction's delivery is already asked for
    _state.generation = generation + 1
    # By name: portal.tasks imports this module (and registers the task when the app loads).
    publish(current_app.tasks[DELIVER_TASK])


# --- delivery --------------------------------------------------------------------------------


def due(now=None):
    now = now or timezone.now()
    return OutboxMessage.objects.filter(status=MessageStatus.QUEUED, next_attempt_at__lte=now)


def take_back_stale(now=None) -> int:
    """Claims older than ``STALE_CLAIM`` belong to a worker that died: queue them again."""
    now = now or timezone.now()
    taken = OutboxMessage.objects.filter(
        status=MessageStatus.SENDING, claimed_at__lt=now - STALE_CLAIM
    ).update(status=MessageStatus.QUEUED, claim_token="", next_attempt_at=now)
    if taken:
        logger.warning("Took back %s e-mails claimed by a worker that stopped.", taken)
    return taken


def _claim(ids, size: int) -> tuple[str, list[OutboxMessage]]:
    token = uuid.uuid4().hex
    now = timezone.now()
    with transaction.atomic():
        candidates = due(now)
        if ids is not None:
            candidates = candidates.filter(pk__in=ids)
        pks = list(
            candidates.order_by("next_attempt_at", "pk")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:size]
        )
        if not pks:
            return token, []
        OutboxMessage.objects.filter(
            pk__in=pks, status=MessageStatus.QUEUED, next_attempt_at__lte=now
        ).update(status=MessageStatus.SENDING, claim_token=token, claimed_at=now)
    return token, list(OutboxMessage.objects.filter(claim_token=token).order_by("pk"))


def deliver(ids=None, *, batch_size: int = BATCH_SIZE) -> Delivery:
    """Send the due messages (only those of ``ids`` when given), batch by batch, until none
    is due, the server cannot be reached or ``DELIVERY_BUDGET`` is spent.

    Side effects: the messages' status, attempts and answers; e-mails."""
    result = Delivery()
    take_back_stale()
    started = timezone.now()
    # Given ids are claimed a few hundred at a time (SQLite's limit on query parameters).
    groups = [None] if ids is None else _chunks(list(ids), 500)
    reachable = True
    for group in groups:
        while reachable and timezone.now() - started < DELIVERY_BUDGET:
            token, messages = _claim(group, batch_size)
            if not messages:
                break
            reachable = _send_batch(token, messages, result)
    if result.sent or result.retrying or result.failed:
        logger.info("Outbox: %s", result.as_dict())
    return result


def _chunks(items: list, size: int) -> list[list]:
    return [items[start : start + size] for start in range(0, len(items), size)]


def _send_batch(token: str, messages: list[OutboxMessage], result: Delivery) -> bool:
    """Send a claimed batch over one connection; False when the server cannot be reached
    (the rest of the batch then waits for its retry, as the message that found it down)."""
    claimed_at = messages[0].claimed_at
    connection = get_connection(fail_silently=False)
    try:
        for index, message in enumerate(messages):
            if timezone.now() - claimed_at > STALE_CLAIM / 2:
                result.released += _release(token, messages[index:])
                return True
            try:
                connection.open()
            except Exception as exc:
                # Nobody answers: every message left gets this answer and its retry time.
                for rest in messages[index:]:
                    _record_failure(token, rest, exc, result)
                return False
            try:
                if not connection.send_messages([message.as_email()]):
                    raise ValueError("The message has no address to send to.")
            except Exception as exc:
                _record_failure(token, message, exc, result)
                _close(connection)  # a failed transaction may leave it unusable
                continue
            _record_sent(token, message, result)
    finally:
        _close(connection)
    return True


def _close(connection) -> None:
    try:
        connection.close()
    except Exception:  # a connection that already broke cannot say goodbye
        logger.debug("Closing the mail connection failed.", exc_info=True)


def _record_sent(token: str, message: OutboxMessage, result: Delivery) -> None:
    """Mark one message sent, at once, so a worker that dies next resends nothing.

    On PostgreSQL the mark's commit does not wait for the disk (``synchronous_commit`` off
    for this transaction only): the server has it as soon as it answers, so a dying worker
    loses nothing; only a crash of the database server itself within about a second could
    lose a mark, and that message would go out again. That makes a mark about as cheap as
    the SMTP transaction it follows. SQLite waits for its disk on every commit."""
    now = timezone.now()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        marked = OutboxMessage.objects.filter(pk=message.pk, claim_token=token).update(
            status=MessageStatus.SENT,
            sent_at=now,
            last_attempt_at=now,
            attempts=F("attempts") + 1,
            claim_token="",
            last_error="",
        )
    if marked:
        result.sent += 1


def _record_failure(token: str, message: OutboxMessage, exc: Exception, result: Delivery) -> None:
    now = timezone.now()
    attempts = message.attempts + 1
    answer = describe_error(exc)
    final = attempts >= MAX_ATTEMPTS or is_permanent(exc)
    OutboxMessage.objects.filter(pk=message.pk, claim_token=token).update(
        status=MessageStatus.FAILED if final else MessageStatus.QUEUED,
        attempts=attempts,
        last_attempt_at=now,
        next_attempt_at=now if final else now + retry_delay(attempts),
        last_error=answer,
        claim_token="",
    )
    if final:
        result.failed += 1
        logger.error("E-mail %s to %s not sent: %s", message.pk, message.to, answer)
    else:
        result.retrying += 1
        logger.warning(
            "E-mail %s to %s refused (attempt %s), retried later: %s",
            message.pk,
            message.to,
            attempts,
            answer,
        )


def _release(token: str, messages: list[OutboxMessage]) -> int:
    return OutboxMessage.objects.filter(pk__in=[m.pk for m in messages], claim_token=token).update(
        status=MessageStatus.QUEUED, claim_token=""
    )


def describe_error(exc: Exception) -> str:
    """The server's answer as staff read it: ``451 4.3.0 Try again later``."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        text = "; ".join(
            f"{address}: {code} {_decode(answer)}"
            for address, (code, answer) in exc.recipients.items()
        )
    elif isinstance(exc, smtplib.SMTPResponseException):
        text = f"{exc.smtp_code} {_decode(exc.smtp_error)}"
    else:
        text = f"{type(exc).__name__}: {exc}"
    return text[:ERROR_MAX_CHARS]


def _decode(answer) -> str:
    return answer.decode("utf-8", "replace") if isinstance(answer, bytes) else str(answer)


def is_permanent(exc: Exception) -> bool:
    """Trying again cannot help, staff need to correct the address: the server refused it
    for good (5xx to every recipient), or it cannot be written in a message at all (Django
    raises ``ValueError``)."""
    if isinstance(exc, ValueError):
        return True
    return isinstance(exc, smtplib.SMTPRecipientsRefused) and all(
        code >= 500 for code, _answer in exc.recipients.values()
    )


# --- staff: send again -----------------------------------------------------------------------


def message_resend(*, message: OutboxMessage, actor) -> OutboxMessage:
    """Send a message again: one that failed or is waiting for its retry is queued now, with
    its attempts counted afresh; one already sent is copied into a new message (the copy
    keeps the text, the headers and a new ``Message-ID``). A message being sent right now is
    left alone. Returns the message that will go out."""
    now = timezone.now()
    with transaction.atomic():
        message = OutboxMessage.objects.select_for_update().get(pk=message.pk)
        if message.status == MessageStatus.SENDING:
            raise ValidationError(_("This e-mail is being sent right now."))
        if message.status == MessageStatus.SENT:
            copy = OutboxMessage.objects.create(
                template=message.template,
                to=message.to,
                recipient_id=message.recipient_id,
                about_type_id=message.about_type_id,
                about_id=message.about_id,
                from_email=message.from_email,
                subject=message.subject,
                body_text=message.body_text,
                body_html=message.body_html,
                headers=message.headers,
                attachments=message.attachments,
                language=message.language,
                msgid=new_message_id(),
                sensitive=message.sensitive,
                created_by=actor,
                resent_from=message,
            )
            deliver_after_commit()
            return copy
        message.status = MessageStatus.QUEUED
        message.attempts = 0
        message.next_attempt_at = now
        message.save(update_fields=["status", "attempts", "next_attempt_at"])
        deliver_after_commit()
    return message
