from django.db import models
from django.utils.translation import gettext_lazy as _

DEFAULT_CLIPS = 3  # §2.4.1
SCORE_MIN, SCORE_MAX = 0, 10
# §2.4.2 "w ciągu 1-2 dni roboczych": a production has a first and an optional second day,
# both working days, the second within a week of the first (at most 6 days after it: Friday
# and Monday, say), not necessarily the next day.
SHOOTING_WITHIN_DAYS = 7

# What the points of a score mean, for progress and for creativity in planning (§2.4.1),
# shown beside the score form so that members score alike. Each band covers its points.
SCORE_GUIDE = (
    (
        "0–2",
        _("Little has changed since the diagnosis: partners rarely meet, nothing done jointly."),
        _("The plan repeats what the partners did before, or is missing."),
    ),
    (
        "3–4",
        _("First joint steps: the meetings held, a few actions started."),
        _("Some new ideas, loosely tied to the needs the partnership named."),
    ),
    (
        "5–6",
        _("Steady cooperation: the plan's actions are under way, partners share the tasks."),
        _("Actions answer the community's needs and use what each partner brings."),
    ),
    (
        "7–8",
        _("Clear progress: most planned actions done, new partners or sectors joined."),
        _("Original actions that combine the resources of several sectors."),
    ),
    (
        "9–10",
        _("Outstanding: the partnership acts on its own and its results are seen locally."),
        _("Inventive, well-founded actions other partnerships could learn from."),
    ),
)
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
