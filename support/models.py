"""The animator's support of a partnership (§2.1, §2.5.1–2): the hour budget, the logged
contacts with their records, the planned next meeting, the partners' reports between the
meetings and the materials sent before support. Nothing here is deleted: a session is
withdrawn with a reason, and every change keeps its history with the actor."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Mod
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from partnerships.enums import InstitutionKind, Sector
from partnerships.models import Partner, Partnership
from portal.uploads import validate_document
from support.enums import (
    DEFAULT_BUDGET_MINUTES,
    QUARTER,
    SINGLE_KINDS,
    Channel,
    MaterialsChannel,
    PlanStatus,
    PotentialPartnerStatus,
    SessionKind,
    TrainingTopic,
)


def validate_quarter_hours(value):
    """A duration in minutes: positive, in whole quarter hours."""
    if value is None:
        return
    if value <= 0:
        raise ValidationError(
            _("The duration must be more than zero minutes."), code="not_positive"
        )
    if value % QUARTER:
        raise ValidationError(
            _("Give the duration in whole quarter hours: 15, 30, 45, 60 minutes and so on."),
            code="not_quarter",
        )


def _quarter_constraints(field: str, prefix: str) -> list:
    return [
        models.CheckConstraint(
            condition=Q(**{f"{field}__gt": 0}),
            name=f"{prefix}_{field}_positive",
            violation_error_message=_("The duration must be more than zero minutes."),
        ),
        models.CheckConstraint(
            condition=Exact(Mod(F(field), QUARTER), 0),
            name=f"{prefix}_{field}_quarter_hours",
            violation_error_message=_("Give the duration in whole quarter hours."),
        ),
    ]


# Durations are plain integers: positive and quarter-hour steps are checked by
# ``validate_quarter_hours`` (one clear message) and by database constraints.


class HourBudget(models.Model):
    """The hours of animator support a partnership has (16 by default, §2.1.4). One row per
    partnership, created on first use; the service locks it so that concurrent logs cannot pass
    it. Only staff change it, and each change keeps its reason in the history."""

    partnership = models.OneToOneField(
        Partnership,
        on_delete=models.PROTECT,
        related_name="hour_budget",
        verbose_name=_("partnership"),
    )
    minutes = models.IntegerField(
        _("budget in minutes"),
        default=DEFAULT_BUDGET_MINUTES,
        validators=[validate_quarter_hours],
        help_text=_("960 minutes are the standard 16 hours."),
    )
    reason = models.TextField(
        _("reason for the last change"),
        blank=True,
        help_text=_("Why the budget differs from the standard; kept in the history."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("hour budget")
        verbose_name_plural = _("hour budgets")
        ordering = ["partnership__name"]
        constraints = _quarter_constraints("minutes", "hour_budget")

    def __str__(self):
        return f"{self.partnership}: {self.minutes // 60} h {self.minutes % 60:02d} min"


class SupportSession(models.Model):
    """One contact of the animator with a partnership, in quarter hours."""

    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.PROTECT,
        related_name="support_sessions",
        verbose_name=_("partnership"),
    )
    animator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="support_sessions",
        verbose_name=_("logged by"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=SessionKind.choices)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    held_on = models.DateField(_("date of the contact"))
    duration_minutes = models.IntegerField(
        _("duration in minutes"),
        validators=[validate_quarter_hours],
        help_text=_("In quarter hours: 15, 30, 45, 60 …"),
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("logged"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_reason = models.TextField(_("reason for withdrawal"), blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("withdrawn by"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("support session")
        verbose_name_plural = _("support sessions")
        ordering = ["held_on", "created_at", "pk"]
        indexes = [models.Index(fields=["partnership", "held_on"])]
        constraints = [
            *_quarter_constraints("duration_minutes", "support_session"),
            models.UniqueConstraint(
                fields=["partnership", "kind"],
                condition=Q(kind__in=SINGLE_KINDS, withdrawn_at__isnull=True),
                name="support_session_single_kinds_once",
                violation_error_message=_(
                    "This kind of contact has already been logged for the partnership."
                ),
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | ~Q(withdrawn_reason=""),
                name="support_session_withdrawal_has_reason",
                violation_error_message=_("Give the reason for the withdrawal."),
            ),
            models.CheckConstraint(
                condition=~Q(kind=SessionKind.REMOTE, channel=Channel.IN_PERSON),
                name="support_session_remote_not_in_person",
                violation_error_message=_("Remote support cannot be in person."),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.held_on:%Y-%m-%d} · {self.partnership}"

    def clean(self):
        super().clean()
        errors = {}
        if self.held_on and self.held_on > timezone.localdate():
            errors["held_on"] = _(
                "A contact is logged after it took place: the date cannot be in the future."
            )
        if self.kind == SessionKind.REMOTE and self.channel == Channel.IN_PERSON:
            errors["channel"] = _(
                "Remote support is by phone, e-mail, video call or labib.pl, not in person."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def is_withdrawn(self):
        return self.withdrawn_at is not None


class SupportSummary(models.Model):
    """What the milestone rules read from a partnership's sessions (withdrawn ones left out),
    kept by ``support.summary.summary_refresh`` in the transaction that changes a session, so
    the dashboards join one row per partnership instead of probing the sessions. No row: no
    session logged (the rules read a missing row as zeros and no dates)."""

    partnership = models.OneToOneField(
        Partnership,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="support_summary",
        verbose_name=_("partnership"),
    )
    sessions = models.PositiveIntegerField(_("sessions"), default=0)
    last_contact_on = models.DateField(_("last contact"), null=True, blank=True)
    diagnosis_on = models.DateField(_("diagnosis held"), null=True, blank=True)
    meeting_1_on = models.DateField(_("meeting 1 held"), null=True, blank=True)
    meeting_2_on = models.DateField(_("meeting 2 held"), null=True, blank=True)
    minutes_in_budget = models.IntegerField(_("minutes in the budget"), default=0)
    minutes_outside_budget = models.IntegerField(_("minutes outside the budget"), default=0)

    class Meta:
        verbose_name = _("support summary")
        verbose_name_plural = _("support summaries")

    def __str__(self):
        return str(self.partnership_id)


class DiagnosisRecord(models.Model):
    """What the contact before support found (§2.1.4)."""

    session = models.OneToOneField(
        SupportSession,
        on_delete=models.PROTECT,
        related_name="diagnosis_record",
        verbose_name=_("session"),
    )
    state = models.TextField(_("state of the partnership"))
    development = models.TextField(_("development so far"))
    potential = models.TextField(_("potential"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("diagnosis record")
        verbose_name_plural = _("diagnosis records")

    def __str__(self):
        return str(self.session)


class Meeting1Record(models.Model):
    """The first partnership meeting (§2.1.2). Its next-meeting date is a PlannedMeeting."""

    session = models.OneToOneField(
        SupportSession,
        on_delete=models.PROTECT,
        related_name="meeting1_record",
        verbose_name=_("session"),
    )
    experience_assessment = models.TextField(_("assessment of past experience"))
    planned_actions = models.TextField(_("planned actions"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("first meeting record")
        verbose_name_plural = _("first meeting records")

    def __str__(self):
        return str(self.session)


class Meeting2Record(models.Model):
    """The second partnership meeting (§2.1.3)."""

    session = models.OneToOneField(
        SupportSession,
        on_delete=models.PROTECT,
        related_name="meeting2_record",
        verbose_name=_("session"),
    )
    progress = models.TextField(_("progress on the first meeting's goals"))
    training_topic = models.CharField(
        _("training topic"), max_length=16, choices=TrainingTopic.choices
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("second meeting record")
        verbose_name_plural = _("second meeting records")

    def __str__(self):
        return str(self.session)


class PlannedMeeting(models.Model):
    """The next meeting agreed at meeting 1 (§2.1.2). Open until meeting 2 is logged
    (``held_session``) or meeting 1 is withdrawn (``cancelled_at``)."""

    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.PROTECT,
        related_name="planned_meetings",
        verbose_name=_("partnership"),
    )
    planned_by_session = models.OneToOneField(
        SupportSession,
        on_delete=models.PROTECT,
        related_name="planned_meeting",
        verbose_name=_("planned at"),
    )
    planned_on = models.DateField(_("date of the next meeting"))
    starts_at = models.TimeField(_("time"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=255, blank=True)
    held_session = models.OneToOneField(
        SupportSession,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="fulfils_planned_meeting",
        verbose_name=_("held as"),
    )
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("planned meeting")
        verbose_name_plural = _("planned meetings")
        ordering = ["planned_on", "pk"]
        indexes = [models.Index(fields=["planned_on"])]

    def __str__(self):
        return f"{self.partnership}: {self.planned_on:%Y-%m-%d}"

    @property
    def is_open(self):
        return self.cancelled_at is None and self.held_session_id is None


class PartnerReport(models.Model):
    """Between the meetings, how a partner spread the idea in its institution (§2.1.5)."""

    partner = models.OneToOneField(
        Partner,
        on_delete=models.PROTECT,
        related_name="support_report",
        verbose_name=_("partner"),
    )
    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.PROTECT,
        related_name="partner_reports",
        verbose_name=_("partnership"),
    )
    reported_on = models.DateField(_("reported on"))
    how_spread = models.TextField(
        _("how the idea was spread"),
        help_text=_(
            "How the partner told its institution about the partnership, the community's "
            "needs and ideas for cooperation."
        ),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("partner's report")
        verbose_name_plural = _("partners' reports")
        ordering = ["reported_on", "pk"]

    def __str__(self):
        return f"{self.partner}: {self.reported_on:%Y-%m-%d}"

    def clean(self):
        super().clean()
        if self.reported_on and self.reported_on > timezone.localdate():
            raise ValidationError({"reported_on": _("The date cannot be in the future.")})


class MaterialsDispatch(models.Model):
    """Information and learning materials sent by the support centre before support
    (§2.5.1)."""

    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.PROTECT,
        related_name="materials_dispatches",
        verbose_name=_("partnership"),
    )
    what = models.TextField(_("what was sent"))
    sent_on = models.DateField(_("sent on"))
    channel = models.CharField(_("how"), max_length=16, choices=MaterialsChannel.choices)
    attachment = models.FileField(
        _("attachment"),
        upload_to="materials/%Y/%m/",
        blank=True,
        validators=[validate_document],
        help_text=_(
            "The materials sent, if you have them as a file (PDF, office document, image)."
        ),
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("sent by"),
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("materials dispatch")
        verbose_name_plural = _("materials dispatches")
        ordering = ["-sent_on", "-pk"]

    def __str__(self):
        return f"{self.partnership}: {self.sent_on:%Y-%m-%d}"

    def clean(self):
        super().clean()
        if self.sent_on and self.sent_on > timezone.localdate():
            raise ValidationError({"sent_on": _("The date cannot be in the future.")})


class DevelopmentPlan(models.Model):
    """The partnership development plan (§2.1.4), co-edited by the leader and the animator.

    ``version`` counts saves of the text sections: the edit form carries the version it was
    loaded at, so a save made over someone else's newer text is refused. ``revision`` counts
    every change of the content (sections and actions): an agreement names the revision it was
    given on, so nobody agrees to text they have not seen. Any change resets both agreements
    and makes an agreed plan a draft again; agreed texts live on in ``PlanVersion``."""

    partnership = models.OneToOneField(
        Partnership,
        on_delete=models.PROTECT,
        related_name="development_plan",
        verbose_name=_("partnership"),
    )
    concept = models.TextField(_("concept of cooperation"), blank=True)
    needs = models.TextField(_("needs and problems addressed"), blank=True)
    goals = models.TextField(_("goals"), blank=True)
    promotion = models.TextField(_("promotion"), blank=True)
    evaluation = models.TextField(_("evaluation"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    version = models.PositiveIntegerField(_("version of the text"), default=1)
    revision = models.PositiveIntegerField(_("revision of the content"), default=1)
    agreed_by_leader_at = models.DateTimeField(_("agreed by the leader"), null=True, blank=True)
    agreed_by_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("leader who agreed"),
    )
    agreed_by_animator_at = models.DateTimeField(_("agreed by the animator"), null=True, blank=True)
    agreed_by_animator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("animator who agreed"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last changed by"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("development plan")
        verbose_name_plural = _("development plans")
        ordering = ["partnership__name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=PlanStatus.DRAFT)
                | Q(agreed_by_leader_at__isnull=False, agreed_by_animator_at__isnull=False),
                name="development_plan_agreed_by_both",
                violation_error_message=_("A plan is agreed only when both sides agreed."),
            ),
        ]

    def __str__(self):
        return str(self.partnership)

    @property
    def is_agreed(self):
        return self.status == PlanStatus.AGREED


class PlanAction(models.Model):
    """One action of the plan: what, which partner is responsible, when, with what resources."""

    plan = models.ForeignKey(
        DevelopmentPlan,
        on_delete=models.CASCADE,
        related_name="actions",
        verbose_name=_("plan"),
    )
    what = models.TextField(_("action"))
    partner = models.ForeignKey(
        Partner,
        on_delete=models.PROTECT,
        related_name="plan_actions",
        verbose_name=_("responsible partner"),
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    resources = models.TextField(_("resources"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("plan action")
        verbose_name_plural = _("plan actions")
        ordering = ["starts_on", "ends_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="plan_action_ends_after_start",
                violation_error_message=_("An action cannot end before it starts."),
            ),
        ]

    def __str__(self):
        return self.what[:60]

    def clean(self):
        super().clean()
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("An action cannot end before it starts.")})


class PlanVersion(models.Model):
    """A plan as agreed by both sides, frozen: the sections, the actions and the partners as
    they were (``snapshot``), so later changes to partners or the draft never alter it."""

    plan = models.ForeignKey(
        DevelopmentPlan,
        on_delete=models.PROTECT,
        related_name="versions",
        verbose_name=_("plan"),
    )
    number = models.PositiveIntegerField(_("number"))
    snapshot = models.JSONField(_("content"))
    agreed_at = models.DateTimeField(_("agreed"))
    agreed_by_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("leader who agreed"),
    )
    agreed_by_animator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("animator who agreed"),
    )

    class Meta:
        verbose_name = _("agreed plan version")
        verbose_name_plural = _("agreed plan versions")
        ordering = ["plan", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "number"],
                name="plan_version_number_once",
                violation_error_message=_("This version number already exists."),
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="plan_version_number_positive"),
        ]

    def __str__(self):
        return f"{self.plan}: {self.number}"


class PotentialPartner(models.Model):
    """An institution the partnership is approaching (§1.2: the library identifies and invites
    potential partners from the three sectors), with who contacted it, when and the outcome,
    and the animator's help in making the contact (§2.1.1). One that joins becomes a partner
    (``partner``) and stays here, marked, for the history."""

    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.PROTECT,
        related_name="potential_partners",
        verbose_name=_("partnership"),
    )
    name = models.CharField(_("institution"), max_length=255)
    sector = models.CharField(_("sector"), max_length=16, choices=Sector.choices)
    kind = models.CharField(_("kind"), max_length=32, choices=InstitutionKind.choices)
    contact_person = models.CharField(
        _("contact at the institution"),
        max_length=255,
        blank=True,
        help_text=_("Who the partnership talks to there: name, position, phone or e-mail."),
    )
    contacted_by = models.CharField(
        _("contacted by"),
        max_length=255,
        help_text=_("Who from the partnership made the contact."),
    )
    contacted_on = models.DateField(_("contacted on"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=PotentialPartnerStatus.choices,
        default=PotentialPartnerStatus.APPROACHED,
    )
    outcome = models.TextField(
        _("outcome"), blank=True, help_text=_("What came of the contact so far.")
    )
    animator_help = models.TextField(
        _("the animator's help"),
        blank=True,
        help_text=_("How the animator helped to make or deepen the contact (§2.1.1)."),
    )
    partner = models.OneToOneField(
        Partner,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="potential_partner",
        verbose_name=_("partner it became"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("potential partner")
        verbose_name_plural = _("potential partners")
        ordering = ["sector", "name", "pk"]
        indexes = [models.Index(fields=["partnership", "sector"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=PotentialPartnerStatus.JOINED, partner__isnull=False)
                | (~Q(status=PotentialPartnerStatus.JOINED) & Q(partner__isnull=True)),
                name="potential_partner_joined_has_partner",
                violation_error_message=_(
                    "A potential partner has joined exactly when it has become a partner."
                ),
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.contacted_on and self.contacted_on > timezone.localdate():
            raise ValidationError(
                {
                    "contacted_on": _(
                        "A contact is recorded after it took place: the date cannot "
                        "be in the future."
                    )
                }
            )

    @property
    def has_joined(self):
        return self.status == PotentialPartnerStatus.JOINED
