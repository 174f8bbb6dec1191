"""Enumerations the platform owns: the roles every app checks."""

from django.db import models
from django.utils.translation import gettext_lazy as _


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
