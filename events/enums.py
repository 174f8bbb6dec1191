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


# §2.2.3 "W wizycie studyjnej weźmie udział trzech przedstawicieli partnerstwa" and §2.3.3 "W
# seminarium podsumowującym weźmie udział dwóch przedstawicieli": the number of
# representatives expected of each partnership, and the most it may register. Fewer only with
# the leader's confirmation and reason (``events.services``).
EXPECTED_PEOPLE = {EventKind.STUDY_VISIT: 3, EventKind.SEMINAR: 2}


class ParticipantAnswer(models.TextChoices):
    """What the person said through their own link: nothing yet, coming, or not coming (a
    decline gives the seat back, see ``events.services.participant_decline``)."""

    PENDING = "pending", _("no answer yet")
    CONFIRMED = "confirmed", _("attendance confirmed")
    DECLINED = "declined", _("attendance declined")


class Diet(models.TextChoices):
    """The diets the caterer is told about, counted per event; details go in the notes."""

    STANDARD = "standard", _("no special diet")
    VEGETARIAN = "vegetarian", _("vegetarian")
    VEGAN = "vegan", _("vegan")
    GLUTEN_FREE = "gluten_free", _("gluten-free")
    LACTOSE_FREE = "lactose_free", _("lactose-free")
    OTHER = "other", _("other (described in the notes)")
