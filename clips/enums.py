from django.db import models
from django.utils.translation import gettext_lazy as _

DEFAULT_CLIPS = 3  # §2.4.1
SCORE_MIN, SCORE_MAX = 0, 10
# §2.4.2 "w ciągu 1-2 dni roboczych": a production has a first and an optional second day,
# both working days, the second within a week of the first (at most 6 days after it: Friday
# and Monday, say), not necessarily the next day.
SHOOTING_WITHIN_DAYS = 7
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
