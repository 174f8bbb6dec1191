"""The platform's own tables: the outbox of e-mails, the reminders' sent log and opt-outs,
the request counters of rate limits, the one-time keys of forms that act once, the facts
behind the public information pages, the version of the data that the cached figures are kept
for, and the heartbeat of the scheduled work."""

import base64

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.enums import Compliance, MessageStatus


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


class PublicInformation(models.Model):
    """What the pages every public service must have say about the organisation running the
    portal: the accessibility statement (the 2019 act on digital accessibility, in the
    official structure), the information clause on personal data (GDPR art. 13) and the
    contact page. One row, written by staff in the admin; until they write it, the defaults
    below (what the portal knows of itself). The fixed legal wording is in the templates."""

    organisation = models.CharField(
        _("organisation"), max_length=200, default="Centrum Wspierania Aktywności Lokalnej CAL"
    )
    address = models.TextField(_("address"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    office_hours = models.CharField(_("office hours"), max_length=200, blank=True)
    # The accessibility statement.
    accessibility_contact = models.CharField(
        _("accessibility contact person"), max_length=200, blank=True
    )
    accessibility_email = models.EmailField(_("accessibility contact e-mail"), blank=True)
    accessibility_phone = models.CharField(
        _("accessibility contact phone"), max_length=50, blank=True
    )
    published_on = models.DateField(_("portal published on"), null=True, blank=True)
    updated_on = models.DateField(_("last significant update"), null=True, blank=True)
    statement_prepared_on = models.DateField(_("statement prepared on"), null=True, blank=True)
    statement_reviewed_on = models.DateField(_("statement last reviewed on"), null=True, blank=True)
    compliance = models.CharField(
        _("compliance"), max_length=10, choices=Compliance.choices, default=Compliance.PARTIAL
    )
    inaccessible_content = models.TextField(
        _("inaccessible content"),
        blank=True,
        default=_(
            "Files attached by the support centre (materials for the partnerships) may not be "
            "accessible if they were not prepared as accessible documents.\n"
            "The administration panel used by the support centre's staff has not been assessed."
        ),
        help_text=_("One item per line."),
    )
    exemptions = models.TextField(_("exemptions"), blank=True, help_text=_("One item per line."))
    assessment = models.TextField(
        _("how accessibility was assessed"),
        default=_(
            "The statement is based on a self-assessment by the support centre. Every version "
            "of the portal is checked automatically with axe-core against the WCAG 2.1 level A "
            "and AA rules on every page open to each kind of user, used with the keyboard alone "
            "and shown on a screen 360 pixels wide."
        ),
    )
    architecture = models.TextField(
        _("accessibility of the premises"),
        blank=True,
        help_text=_(
            "Entrances, lifts, toilets, parking, sign language: the support centre's offices."
        ),
    )
    # The information clause on personal data.
    data_protection_officer = models.CharField(
        _("data protection officer (e-mail)"),
        max_length=200,
        blank=True,
        help_text=_("Leave empty when no officer is appointed: write to the organisation."),
    )
    purposes = models.TextField(
        _("what data, why, on what basis"),
        default=_(
            "People who represent a partnership (name, e-mail, phone, institution, position): "
            "to register them for study visits and the seminar and to contact them about "
            "them, on the basis of their consent (GDPR art. 6(1)(a)).\n"
            "Users of the portal (name, e-mail, role): to give them access and to run the "
            "support programme, in the controller's legitimate interest of running the "
            "programme (GDPR art. 6(1)(f)).\n"
            "Libraries applying to the programme (the contact person's name and e-mail): to "
            "consider the application at the applicant's request (GDPR art. 6(1)(b)).\n"
            "Logins and failed login attempts (the address they came from): to protect the "
            "portal and its data, in the controller's legitimate interest (GDPR art. 6(1)(f))."
        ),
        help_text=_("One item per line."),
    )
    recipients = models.TextField(
        _("who receives the data"),
        default=_(
            "The support centre's staff; the partnership's animator and leader; the hosts of "
            "the study visits a person is registered for; the committee that selects the "
            "clips (names of partnerships, not of people); the providers who host the portal "
            "and deliver its e-mail, on the controller's behalf."
        ),
    )
    retention = models.TextField(
        _("how long the data are kept"),
        default=_(
            "For the duration of the support programme and afterwards for as long as the "
            "programme's settlement and archiving require. Anyone may ask for their data to be "
            "anonymised earlier, which keeps only the counts in the reports."
        ),
    )
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("public information")
        verbose_name_plural = _("public information")

    def __str__(self):
        return str(self._meta.verbose_name)

    def inaccessible_items(self) -> list[str]:
        return [
            line.strip() for line in str(self.inaccessible_content).splitlines() if line.strip()
        ]

    def exemption_items(self) -> list[str]:
        return [line.strip() for line in self.exemptions.splitlines() if line.strip()]

    def purpose_items(self) -> list[str]:
        return [line.strip() for line in str(self.purposes).splitlines() if line.strip()]


class DataVersion(models.Model):
    """One row whose number goes up after every committed change to the portal's data, so a
    figure cached for an older number is never shown again (``portal.figures``)."""

    number = models.BigIntegerField(default=0)
    changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("data version")
        verbose_name_plural = _("data versions")

    def __str__(self):
        return str(self.number)


class Heartbeat(models.Model):
    """When a periodic task last ran (``portal.tasks.heartbeat``, scheduled by beat and run by
    a worker): the health check (``portal.health``) reads it to tell whether scheduled work
    runs."""

    name = models.CharField(max_length=64, unique=True)
    seen_at = models.DateTimeField()

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self):
        return f"{self.name}: {self.seen_at:%Y-%m-%d %H:%M:%S}"


class OnceKey(models.Model):
    """The one-time key of a form that must act once (a message from staff to many): written
    in the transaction of what the form does, so a double click or a form sent again acts
    once. The unique key makes a second request wait for the first and then fail, on
    PostgreSQL as on SQLite."""

    key = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    def __str__(self):
        return self.key
