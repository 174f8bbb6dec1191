from django.db import models
from django.utils.translation import gettext_lazy as _

DEFAULT_BUDGET_MINUTES = 16 * 60  # §2.1.4

# Thresholds of the programme's milestones (docs/design.md, "Reminders"); each is used by one
# rule in ``support.selectors`` and nowhere else.
DIAGNOSIS_DAYS = 14  # a diagnosis within 14 days of the animator's assignment (§2.1.4)
NO_CONTACT_DAYS = 30  # a partnership with no contact for 30 days needs attention
PLAN_DAYS = 14  # an agreed development plan within 14 days of meeting 2 (§2.1.3, §2.1.4)
QUARTER = 15


class SessionKind(models.TextChoices):
    DIAGNOSIS = "diagnosis", _("diagnosis")
    MEETING_1 = "meeting_1", _("first partnership meeting")
    MEETING_2 = "meeting_2", _("second partnership meeting")
    REMOTE = "remote", _("remote support")
    SUMMARY_HELP = "summary_help", _("help summarising the meetings")
    PLAN_HELP = "plan_help", _("help with the development plan")


# Kinds that happen at most once per partnership (among sessions not withdrawn).
SINGLE_KINDS = (SessionKind.DIAGNOSIS, SessionKind.MEETING_1, SessionKind.MEETING_2)

# §2.1.4 lists the contact before support (the diagnosis) apart from the support itself, "w
# wymiarze 16 godzin": it is logged with its length but outside the hour budget. The one rule
# built on this is ``support.selectors.in_budget`` / ``counts_toward_budget``.
OUTSIDE_BUDGET_KINDS = (SessionKind.DIAGNOSIS,)

# Polish words for the log page's address, one per kind.
KIND_SLUGS = {
    SessionKind.DIAGNOSIS: "diagnoza",
    SessionKind.MEETING_1: "spotkanie-1",
    SessionKind.MEETING_2: "spotkanie-2",
    SessionKind.REMOTE: "zdalne",
    SessionKind.SUMMARY_HELP: "podsumowanie",
    SessionKind.PLAN_HELP: "plan",
}
SLUG_KINDS = {slug: kind for kind, slug in KIND_SLUGS.items()}

# Kinds logged without a record, from the one "+ contact" page: the animator's weekly work.
# The diagnosis and the meetings keep their own pages, each with its record.
EVERYDAY_KINDS = (SessionKind.REMOTE, SessionKind.SUMMARY_HELP, SessionKind.PLAN_HELP)

# Lengths offered as one click on the log pages; any other quarter hour is typed in.
DURATION_PRESETS = (15, 30, 45, 60, 90)


class Channel(models.TextChoices):
    """How the animator and the partnership were in touch (§2.1.4, §2.5.2)."""

    IN_PERSON = "in_person", _("in person")
    PHONE = "phone", _("phone")
    EMAIL = "email", _("e-mail")
    VIDEO = "video", _("video call (Skype)")
    LABIB = "labib", _("labib.pl")


class TrainingTopic(models.TextChoices):
    """The one topic of the second meeting, chosen from the three of §2.1.3."""

    PROMOTION = (
        "promotion",
        _("How to say “we” without losing “I”: promotion and image"),
    )
    POTENTIAL = "potential", _("Strengthening and widening the partnership's potential")
    TEAM = "team", _("Building the team of partners and teamwork")


class SupportStep(models.TextChoices):
    """How far a partnership has come in the animator's support."""

    NOT_STARTED = "not_started", _("no diagnosis yet")
    DIAGNOSED = "diagnosed", _("diagnosis done")
    MEETING_1 = "meeting_1", _("first meeting held")
    MEETING_2 = "meeting_2", _("second meeting held")


class MaterialsChannel(models.TextChoices):
    POST = "post", _("by post")
    EMAIL = "email", _("by e-mail")
    IN_PERSON = "in_person", _("handed over in person")
    LABIB = "labib", _("on labib.pl")


class PlanStatus(models.TextChoices):
    """The development plan (§2.1.4): a draft until both its leader and its animator agree."""

    DRAFT = "draft", _("draft")
    AGREED = "agreed", _("agreed")


# The plan's text sections, in the order of the document (docs/design.md "Development plan").
PLAN_SECTIONS = ("concept", "needs", "goals", "promotion", "evaluation")


class BehindReason(models.TextChoices):
    """Why a partnership in support needs the staff's attention (the dashboard's "behind"
    list, the weekly digest). Each has one rule in ``support.selectors``."""

    NO_ANIMATOR = "no_animator", _("no animator assigned")
    NO_DIAGNOSIS = "no_diagnosis", _("no diagnosis 14 days after the animator was assigned")
    NO_CONTACT = "no_contact", _("no contact for 30 days")
    MEETING_2_MISSING = "meeting_2_missing", _("second meeting missing after its planned date")
    NO_PLAN = "no_plan", _("no agreed plan 14 days after the second meeting")


class PotentialPartnerStatus(models.TextChoices):
    """Where the partnership stands with an institution it is approaching (§1.2: the library
    identifies and invites potential partners from the three sectors)."""

    APPROACHED = "approached", _("approached")
    INTERESTED = "interested", _("interested")
    DECLINED = "declined", _("declined")
    JOINED = "joined", _("joined the partnership")


# A potential partner becomes ``joined`` only by joining (``potential_partner_join``), which
# makes it a partner; the forms offer the other statuses.
OPEN_POTENTIAL_STATUSES = (
    PotentialPartnerStatus.APPROACHED,
    PotentialPartnerStatus.INTERESTED,
    PotentialPartnerStatus.DECLINED,
)

# The candidates still in view: contacted, not yet declined or joined (§1.2).
OPEN_CANDIDATE_STATUSES = (PotentialPartnerStatus.APPROACHED, PotentialPartnerStatus.INTERESTED)
