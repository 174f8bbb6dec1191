"""Enumerations the platform owns: the roles every app checks."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """Roles are Django groups with these names."""

    STAFF = "staff", _("Staff")
    ANIMATOR = "animator", _("Animator")
    LEADER = "leader", _("Library leader")
    COMMITTEE = "committee", _("Committee member")
