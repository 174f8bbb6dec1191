"""Every e-mail the portal sends starts here: rendered from ``templates/emails/<name>*`` and
stored in the outbox (``portal.models.OutboxMessage``) in the caller's transaction, so the
message exists exactly when the change that causes it does. The Celery worker sends it after
commit and the periodic sweep sends whatever is due (``portal.outbox``); nothing sends mail
from a request.

Each message has one function in its app's ``emails.py``: it takes ids, re-reads the rows
(the transaction's own writes included) and calls ``queue_templated_mail``.

Language: Polish, unless the recipient has an account and chose English (``User.language``).
Links: ``absolute_url`` (``PORTAL_SITE_URL``), never the request's host. Headers: every message
but one written by staff carries ``Auto-Submitted: auto-generated`` (RFC 3834), so
out-of-office replies stay quiet; optional reminders carry ``List-Unsubscribe`` and
``List-Unsubscribe-Post`` (RFC 8058) and a footer with the notification settings.
"""

import base64
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.template import engines
from django.urls import reverse
from django.utils import translation

from portal import outbox
from portal.models import OutboxMessage

UNSUBSCRIBE_SALT = "portal.reminder-unsubscribe"


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def language_of(user) -> str:
    """The language a user reads mail in: their choice, else Polish."""
    chosen = getattr(user, "language", "") if user is not None else ""
    return chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


@dataclass(frozen=True)
class Recipient:
    """One addressee of a message from staff to many: the address, its account if any, and
    what the message is about for them (their partnership), so it shows on its page."""

    email: str
    user: object = None
    about: object = None


def distinct_recipients(recipients) -> list[Recipient]:
    """One per address (case-insensitive), in the order given; an address reached for two
    different rows (an animator of three partnerships) is about none of them."""
    by_address: dict[str, Recipient] = {}
    for recipient in recipients:
        address = recipient.email.strip().lower()
        if not address:
            continue
        first = by_address.get(address)
        if first is None:
            by_address[address] = recipient
        elif first.about != recipient.about:
            by_address[address] = Recipient(first.email, first.user, None)
    return list(by_address.values())


# --- a batch: messages queued by one reminder -----------------------------------------------


@dataclass
class Batch:
    """Messages queued inside ``batch()``: their ids, for the caller to link and deliver."""

    optional_kind: str = ""
    user_id: int | None = None
    ids: list[int] = field(default_factory=list)


_batch: ContextVar[Batch | None] = ContextVar("portal_mail_batch", default=None)


@contextmanager
def batch(*, optional_kind: str = "", user_id: int | None = None) -> Iterator[Batch]:
    """Collect the ids of the messages queued inside instead of handing each to the worker
    after commit: the reminder engine, already in a worker, links them to its sent log and
    delivers them itself. ``optional_kind`` (a reminder the user ``user_id`` may switch off)
    adds the unsubscribe headers and footer."""
    current = Batch(optional_kind=optional_kind, user_id=user_id)
    token = _batch.set(current)
    try:
        yield current
    finally:
        _batch.reset(token)


def unsubscribe_token(user_id: int, kind: str) -> str:
    return signing.dumps([user_id, kind], salt=UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    """``(user id, kind)`` of a signed unsubscribe link, or None for a forged one."""
    try:
        user_id, kind = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(user_id, int) or not isinstance(kind, str):
        return None
    return user_id, kind


# --- rendering and queuing ------------------------------------------------------------------


def render(name: str, context: dict, language: str) -> tuple[str, str, str]:
    """Subject, text and HTML of ``emails/<name>``; text and subject are not HTML-escaped."""
    text_engine = engines["text"]
    html_engine = engines["django"]
    with translation.override(language):
        subject = " ".join(
            text_engine.get_template(f"emails/{name}_subject.txt").render(context).split()
        )
        text = text_engine.get_template(f"emails/{name}.txt").render(context)
        if context.get("unsubscribe_url"):
            text = (
                text.rstrip("\n")
                + "\n\n"
                + (text_engine.get_template("emails/_optional_footer.txt").render(context))
            )
        html = html_engine.get_template(f"emails/{name}.html").render(context)
    return subject, text, html


def queue_templated_mail(
    name: str,
    *,
    to: str,
    context: dict,
    recipient=None,
    about=None,
    attachments=(),
    language: str | None = None,
    sensitive: bool = False,
    automated: bool = True,
    created_by=None,
    reply_to: str = "",
) -> OutboxMessage:
    """Render ``emails/<name>_subject.txt``, ``<name>.txt`` and ``<name>.html`` and store the
    message for ``to`` in the outbox, in the current transaction.

    ``recipient`` is the account of ``to`` (its language is used, and staff see the message
    under it); ``about`` the row the message is about (a partnership, an event);
    ``sensitive`` hides the text from staff (a secret link); ``automated`` is false only for
    a message a person wrote, who then gets the replies (``reply_to``). ``attachments`` are
    ``(file name, content, MIME type)``.

    Side effect: after commit the worker is asked to send it (outside ``batch()``); if the
    broker is down, the periodic sweep sends it."""
    language = language or language_of(recipient)
    current = _batch.get()
    unsubscribe_url = ""
    if current is not None and current.optional_kind and current.user_id:
        unsubscribe_url = absolute_url(
            reverse(
                "reminder_unsubscribe",
                args=[unsubscribe_token(current.user_id, current.optional_kind)],
            )
        )
    context = {
        "site_url": settings.SITE_URL,
        "settings_url": absolute_url(reverse("reminder_settings")),
        "unsubscribe_url": unsubscribe_url,
        **context,
    }
    subject, text, html = render(name, context, language)
    headers = {}
    if automated:
        headers["Auto-Submitted"] = "auto-generated"
        # Exchange and Outlook answer by their own header, not RFC 3834's.
        headers["X-Auto-Response-Suppress"] = "All"
    if reply_to:
        headers["Reply-To"] = reply_to
    if unsubscribe_url:
        headers["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message = OutboxMessage.objects.create(
        template=name,
        to=to.strip().lower(),
        recipient=recipient,
        about_type=ContentType.objects.get_for_model(about) if about is not None else None,
        about_id=about.pk if about is not None else None,
        from_email=settings.DEFAULT_FROM_EMAIL,
        subject=subject,
        body_text=text,
        body_html=html,
        headers=headers,
        attachments=[
            [filename, mimetype, base64.b64encode(_bytes(content)).decode("ascii")]
            for filename, content, mimetype in attachments
        ],
        language=language,
        msgid=outbox.new_message_id(),
        sensitive=sensitive,
        created_by=created_by,
    )
    if current is not None:
        current.ids.append(message.pk)
    else:
        outbox.deliver_after_commit()
    return message


def _bytes(content) -> bytes:
    return content.encode("utf-8") if isinstance(content, str) else bytes(content)
