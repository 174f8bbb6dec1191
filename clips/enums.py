from django.db import models
from django.utils.translation import gettext_lazy as _

DEFAULT_CLIPS = 3  # §2.4.1
SCORE_MIN, SCORE_MAX = 0, 10
MAX_SHOOTING_DAYS = 2  # §2.4.2
DEFAULT_TARGET_MINUTES = 3  # §2.4.2


class CallStatus(models.TextChoices):
    DRAFT = "draft", _("in preparation")
    OPEN = "open", _("open to the committee")
    ANNOUNCED = "announced", _("announced")


class OverrideDecision(models.TextChoices):
    """Staff's word on a partnership's eligibility, over what the data says."""

    AUTO = "auto", _("as the data says")
    INCLUDE = "include", _("include")
    EXCLUDE = "exclude", _("exclude")


class SelectionStatus(models.TextChoices):
    SELECTED = "selected", _("selected")
    WITHDRAWN = "withdrawn", _("withdrawn")
