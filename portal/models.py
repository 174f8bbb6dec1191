"""The platform's own tables: the reminders' sent log and opt-outs, the version of the data
that the cached figures are kept for, and the heartbeat of the scheduled work."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ReminderSent(models.Model):
    """The sent log of scheduled reminders (``portal.reminders``): one row per reminder,
    recipient and occasion, claimed before the e-mail goes out.

    ``key`` is unique, so two scans, a retried task or a replayed message that find the same
    reminder due cannot both claim it. ``sent_at`` stays empty between the claim and the
    sending; a claim still unsent after ``reminders.STALE_CLAIM`` (a worker died) is taken
    again by a later scan."""

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
