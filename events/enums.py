from django.db import models
from django.utils.translation import gettext_lazy as _


class EventKind(models.TextChoices):
    STUDY_VISIT = "study_visit", _("study visit")
    SEMINAR = "seminar", _("summary seminar")


class RegistrationStatus(models.TextChoices):
    """``registered`` and ``offered`` hold seats; ``waiting`` queues for them; ``withdrawn``
    and ``expired`` are kept for the history and hold nothing."""

    REGISTERED = "registered", _("registered")
    WAITING = "waiting", _("on the waiting list")
    OFFERED = "offered", _("seats offered")
    WITHDRAWN = "withdrawn", _("withdrawn")
    EXPIRED = "expired", _("offer expired")


ACTIVE_STATUSES = (
    RegistrationStatus.REGISTERED,
    RegistrationStatus.WAITING,
    RegistrationStatus.OFFERED,
)
SEAT_HOLDING_STATUSES = (RegistrationStatus.REGISTERED, RegistrationStatus.OFFERED)
