"""Writes every app shares: saving a validated row, claiming a row once, the role groups,
reminder preferences, rate limits, the password reset request and a message from staff to
many."""

import hashlib
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal import emails, figures, mail, reminders
from portal.enums import Role
from portal.models import OnceKey, PublicInformation, ReminderOptOut, Throttle
from portal.selectors import reminders_for_user

# Password reset e-mails: at most this many per address and per client address an hour, so
# the form cannot be used to flood someone's mailbox (21 in 2.6 s before this limit).
PASSWORD_RESET_PER_ADDRESS = 3
PASSWORD_RESET_PER_CLIENT = 10
PASSWORD_RESET_WINDOW = timedelta(hours=1)
TOO_MANY_RESETS = _(
    "Too many requests for a new password from this address or computer. "
    "Try again in an hour, or ask the support centre for help."
)

# Shown when a row changed between reading it and writing it (a lost race, a stale form).
CHANGED_MEANWHILE = _("The data changed in the meantime. Check it and try again.")


def save_validated(obj, **clean_kwargs) -> None:
    """``full_clean()`` then ``save()``: a row that breaks a model rule raises
    ``ValidationError`` (with the field it names) and is not written. ``clean_kwargs`` go to
    ``full_clean`` (``validate_constraints=False`` where a lock already holds the rule)."""
    obj.full_clean(**clean_kwargs)
    obj.save()


def claim_once(
    model, pk: int, *, stamp: str, actor_field: str, actor, already, send: Callable
) -> datetime:
    """Do a one-time action on a row (an introduction, a notice) once, whoever clicks:
    one atomic ``UPDATE … SET <stamp>=now, <actor_field>=actor WHERE pk=… AND <stamp> IS NULL``;
    if another request got there first, ``ValidationError(already)``. The claimed row is then
    saved again so its history records the change, and ``send(pk)`` queues its e-mails in the
    outbox in the same transaction: the claim and the messages are committed together, and
    a mail server that refuses only delays them. Returns the moment stamped."""
    now = timezone.now()
    with transaction.atomic():
        claimed = model.objects.filter(pk=pk, **{f"{stamp}__isnull": True}).update(
            **{stamp: now, actor_field: actor}
        )
        if not claimed:
            raise ValidationError(already)
        figures.changed()  # an update sends no signal
        model.objects.get(pk=pk).save(update_fields=[stamp, actor_field])
        send(pk)
    return now


class AlreadyDone(ValidationError):
    """A form's one-time key was used before: what the form does is done already."""


def act_once(key: str, *, actor) -> None:
    """Claim a form's one-time ``key`` in the caller's transaction, or raise ``AlreadyDone``.
    A second request with the same key waits on the unique index until the first commits,
    then fails; if the first rolls back, the key is free again."""
    try:
        with transaction.atomic():
            OnceKey.objects.create(key=key[:64], created_by=actor)
    except IntegrityError:
        raise AlreadyDone(_("This has been done already.")) from None


def role_groups_ensure() -> None:
    """Create the role groups; the staff group gets every permission of the portal's apps.

    Idempotent; runs after every ``migrate``."""
    with transaction.atomic():
        for role in Role.values:
            Group.objects.get_or_create(name=role)
        staff = Group.objects.get(name=Role.STAFF)
        staff.permissions.set(
            Permission.objects.filter(
                content_type__app_label__in=(*settings.PORTAL_APPS, "auth", "simple_history")
            )
        )


@transaction.atomic
def reminder_preferences_set(*, user, enabled: set[str], language: str | None = None) -> set[str]:
    """Switch the user's optional reminders on (``enabled``) and off (the rest of those their
    roles receive), and set the language of their e-mails when ``language`` is given.
    Essential reminders cannot be switched off. Returns the kinds now off."""
    if language is not None and language != user.language:
        if language not in dict(settings.LANGUAGES):
            raise ValidationError({"language": _("Choose a language.")})
        user.language = language
        user.save(update_fields=["language"])
    _essential, optional = reminders_for_user(user)
    off = {r.kind for r in optional} - set(enabled)
    ReminderOptOut.objects.filter(user=user, kind__in=[r.kind for r in optional]).exclude(
        kind__in=off
    ).delete()
    ReminderOptOut.objects.bulk_create(
        [ReminderOptOut(user=user, kind=kind) for kind in sorted(off)], ignore_conflicts=True
    )
    return off


@transaction.atomic
def public_information_save(*, info, actor):
    """Save the facts of the public information pages (one row: the first save creates it).
    The history of changes records ``actor`` through the request (simple-history)."""

    existing = PublicInformation.objects.select_for_update().first()
    if existing is not None and existing.pk != info.pk:
        raise ValidationError(_("The public information exists already; change that one."))
    info.full_clean()
    info.save()
    return info


def reminder_unsubscribe(*, user, kind: str) -> bool:
    """Switch one optional reminder off for ``user`` (the one-click link of its e-mails,
    RFC 8058). Idempotent; an essential or unknown kind is refused. Returns True if it was
    on."""
    spec = reminders.registered().get(kind)
    if spec is None or spec.essential:
        raise ValidationError(_("This reminder cannot be switched off."))
    _row, created = ReminderOptOut.objects.get_or_create(user=user, kind=kind)
    return created


def _hashed(value: str) -> str:
    return hashlib.sha256(f"{settings.SECRET_KEY}:{value}".encode()).hexdigest()


def throttle_allow(*, limits: list[tuple[str, str, int]], window: timedelta, now=None) -> bool:
    """Count one request against every ``(scope, value, limit)`` of ``limits`` if none is
    spent within ``window``; return False, counting nothing, if one is. Values are stored
    hashed. Rows older than the window are deleted on the way."""
    now = now or timezone.now()
    since = now - window
    scopes = {scope for scope, _value, _limit in limits}
    Throttle.objects.filter(scope__in=scopes, created_at__lte=since).delete()
    for scope, value, limit in limits:
        used = Throttle.objects.filter(scope=scope, key=_hashed(value), created_at__gt=since)
        if used.count() >= limit:
            return False
    Throttle.objects.bulk_create(
        [Throttle(scope=scope, key=_hashed(value), created_at=now) for scope, value, _ in limits]
    )
    return True


@transaction.atomic
def password_reset_request(*, email: str, client: str | None) -> int:
    """Queue a password reset e-mail to each active account of ``email`` with a password
    (none for an unknown address, which the page does not reveal), within
    ``PASSWORD_RESET_PER_ADDRESS`` per address and ``PASSWORD_RESET_PER_CLIENT`` per client
    address an hour; over either, ``ValidationError(TOO_MANY_RESETS)`` and nothing sent.
    Returns the number of e-mails queued."""
    email = email.strip().lower()
    allowed = throttle_allow(
        limits=[
            ("password_reset:address", email, PASSWORD_RESET_PER_ADDRESS),
            ("password_reset:client", client or "unknown", PASSWORD_RESET_PER_CLIENT),
        ],
        window=PASSWORD_RESET_WINDOW,
    )
    if not allowed:
        raise ValidationError(TOO_MANY_RESETS)
    users = [
        user
        for user in get_user_model().objects.filter(email__iexact=email, is_active=True)
        if user.has_usable_password()
    ]
    for user in users:
        emails.send_password_reset(user.pk)
    return len(users)


# A message from staff goes to at most this many addresses at once (every leader of both
# rounds is about 2,000).
STAFF_MESSAGE_MAX_RECIPIENTS = 3000


@transaction.atomic
def staff_message_send(*, actor, recipients, subject: str, body: str, once: str = "") -> int:
    """Queue one e-mail from ``actor`` to each distinct address of ``recipients``
    (``portal.mail.Recipient``): their subject and text in the portal's frame, in Polish (the
    text is theirs), replies going to ``actor``, without ``Auto-Submitted`` (a person wrote
    it). All or none are queued. Returns the number queued. ``once``, the page's one-time
    key, makes a second send of the same page raise ``AlreadyDone`` and queue nothing."""
    subject, body = subject.strip(), body.strip()
    errors = {}
    if not subject:
        errors["subject"] = _("Write a subject.")
    if not body:
        errors["body"] = _("Write the message.")
    if errors:
        raise ValidationError(errors)
    recipients = mail.distinct_recipients(recipients)
    if not recipients:
        raise ValidationError(_("Nobody to write to: no one here has an e-mail address."))
    if len(recipients) > STAFF_MESSAGE_MAX_RECIPIENTS:
        raise ValidationError(
            _("At most %(limit)d people at once; narrow the list.")
            % {"limit": STAFF_MESSAGE_MAX_RECIPIENTS}
        )
    if once:
        act_once(f"staff_message:{once}", actor=actor)
    context = staff_message_context(actor=actor, subject=subject, body=body)
    for recipient in recipients:
        mail.queue_templated_mail(
            "staff_message",
            to=recipient.email,
            recipient=recipient.user,
            about=recipient.about,
            context=context,
            language=settings.LANGUAGE_CODE,
            automated=False,
            created_by=actor,
            reply_to=actor.email,
        )
    return len(recipients)


def staff_message_context(*, actor, subject: str, body: str) -> dict:
    return {"subject": subject.strip(), "body": body.strip(), "sender": actor}
