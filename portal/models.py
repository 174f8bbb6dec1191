"""The platform's own tables: the outbox of e-mails, the reminders' sent log and opt-outs,
and the request counters of rate limits."""

import base64

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.enums import MessageStatus


class OutboxMessage(models.Model):
    """One e-mail to one address, rendered and stored in the transaction of the change that
    causes it, then sent by the worker (``portal.outbox``).

    ``status`` moves queued -> sending (claimed with ``claim_token``) -> sent, or back to
    queued with ``next_attempt_at`` later after a refusal, or to failed after the last
    attempt, with ``last_error`` holding the server's answer. ``about`` is what the message
    is about (a partnership, an event), so pages of the apps above can list their mail
    without this app knowing them."""

    template = models.CharField(_("template"), max_length=64)
    to = models.EmailField(_("to"))
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recipient's account"),
    )
    about_type = models.ForeignKey(
        ContentType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    about_id = models.PositiveBigIntegerField(null=True, blank=True)
    about = GenericForeignKey("about_type", "about_id")
    from_email = models.CharField(_("from"), max_length=255)
    subject = models.TextField(_("subject"))
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    # [[file name, MIME type, base64 content], ...]: calendar files of a few kilobytes.
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    language = models.CharField(_("language"), max_length=8)
    msgid = models.CharField(_("Message-ID"), max_length=255)
    sensitive = models.BooleanField(
        _("holds a secret link"),
        default=False,
        help_text=_("Its text is not shown to staff: it holds a link that signs someone in."),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=MessageStatus.choices, default=MessageStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("queued by"),
    )
    resent_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="resent_as",
        verbose_name=_("copy of"),
    )
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    claim_token = models.CharField(max_length=32, blank=True, editable=False)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    last_error = models.TextField(_("mail server's answer"), blank=True)

    class Meta:
        verbose_name = _("e-mail")
        verbose_name_plural = _("e-mails")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["about_type", "about_id", "created_at"]),
            models.Index(fields=["to", "created_at"]),
            models.Index(fields=["claim_token"]),
        ]

    def __str__(self):
        return f"{self.to}: {self.subject}"

    @property
    def preview(self) -> str:
        """The first words of the text, for lists (empty for a message with a secret link)."""
        if self.sensitive:
            return ""
        words = " ".join(self.body_text.split())
        return words[:140] + ("…" if len(words) > 140 else "")

    def as_email(self) -> EmailMultiAlternatives:
        """The message as Django sends it; the same ``Message-ID`` on every attempt, so a
        client that gets a message twice (a worker died between the server's acceptance and
        the mark) shows it once."""
        email = EmailMultiAlternatives(
            subject=self.subject,
            body=self.body_text,
            from_email=self.from_email,
            to=[self.to],
            headers={**self.headers, "Message-ID": self.msgid},
        )
        if self.body_html:
            email.attach_alternative(self.body_html, "text/html")
        for filename, mimetype, content in self.attachments:
            email.attach(filename, base64.b64decode(content), mimetype)
        return email


class Throttle(models.Model):
    """One request counted by a rate limit (``portal.services.throttle_allow``): the scope
    (``password_reset:address``) and a hash of what is limited (an address, a client), never
    the value itself."""

    scope = models.CharField(max_length=32)
    key = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["scope", "key", "created_at"])]

    def __str__(self):
        return f"{self.scope} {self.created_at:%Y-%m-%d %H:%M}"


class ReminderSent(models.Model):
    """The sent log of scheduled reminders (``portal.reminders``): one row per reminder,
    recipient and occasion, claimed before its e-mail is queued.

    ``key`` is unique, so two scans, a retried task or a replayed message that find the same
    reminder due cannot both claim it. ``sent_at`` is set, and ``message`` linked, in the
    transaction that puts the e-mail in the outbox (which then delivers it, retrying a mail
    server that refuses); a claim still without ``sent_at`` after ``reminders.STALE_CLAIM``
    (the run died before queuing) is taken again by a later scan."""

    key = models.CharField(_("key"), max_length=255, unique=True)
    kind = models.CharField(_("kind"), max_length=64)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recipient"),
    )
    email = models.EmailField(_("e-mail"))
    created_at = models.DateTimeField(_("claimed first"), default=timezone.now)
    claimed_at = models.DateTimeField(_("claimed"), default=timezone.now)
    claim_token = models.CharField(max_length=32, editable=False)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    message = models.ForeignKey(
        OutboxMessage,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("e-mail"),
    )

    class Meta:
        # The table keeps the name it had when the model lived in ``partnerships``.
        db_table = "partnerships_remindersent"
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["kind", "created_at"]),
            models.Index(fields=["claim_token"]),
        ]

    def __str__(self):
        return self.key


class ReminderOptOut(models.Model):
    """A reminder kind a user has switched off. Only kinds that are not essential can be
    switched off (the preferences page and ``reminders.run`` both check)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="reminder_opt_outs",
        verbose_name=_("user"),
    )
    kind = models.CharField(_("kind"), max_length=64)
    created_at = models.DateTimeField(_("switched off"), auto_now_add=True)

    class Meta:
        db_table = "partnerships_reminderoptout"
        verbose_name = _("reminder switched off")
        verbose_name_plural = _("reminders switched off")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="reminder_opt_out_once"),
        ]

    def __str__(self):
        return f"{self.user}: {self.kind}"
