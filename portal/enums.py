"""Enumerations the platform owns: the roles every app checks, the states of an e-mail."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Role(models.TextChoices):
    """Roles are Django groups with these names."""

    STAFF = "staff", _("Staff")
    ANIMATOR = "animator", _("Animator")
    LEADER = "leader", _("Library leader")
    COMMITTEE = "committee", _("Committee member")


class Compliance(models.TextChoices):
    """How far the portal complies with the 2019 act on digital accessibility (WCAG 2.1 AA),
    in the words of the official accessibility statement."""

    FULL = "full", _("compliant")
    PARTIAL = "partial", _("partially compliant")
    NONE = "none", _("not compliant")


class MessageStatus(models.TextChoices):
    """Where an e-mail of the outbox (``portal.models.OutboxMessage``) is."""

    QUEUED = "queued", pgettext_lazy("e-mail status", "Waiting")
    SENDING = "sending", pgettext_lazy("e-mail status", "Being sent")
    SENT = "sent", pgettext_lazy("e-mail status", "Sent")
    FAILED = "failed", pgettext_lazy("e-mail status", "Not sent")
