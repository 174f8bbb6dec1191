"""The promotional clip (§2.4, §2.5.5): a call with its committee, the committee's scores,
staff's selection of at most the call's number of partnerships, the notice to each selected
partnership, its scenario and the production of its clip. Business records keep their history
and are not deleted: a selection is withdrawn, an override is set back to "as the data says"."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clips.enums import (
    DEFAULT_CLIPS,
    DEFAULT_TARGET_MINUTES,
    SCORE_MAX,
    SCORE_MIN,
    SHOOTING_WITHIN_DAYS,
    CallStatus,
    OverrideDecision,
    SelectionStatus,
)
from partnerships.enums import Round
from partnerships.models import Partnership

SCORE_VALIDATORS = [MinValueValidator(SCORE_MIN), MaxValueValidator(SCORE_MAX)]


@deconstructible(path="clips.models.DaysAfter")
class DaysAfter(models.Func):
    """A date plus a whole number of days, in SQL, so the database can hold "within a week".

    PostgreSQL adds an integer to a date; SQLite needs its date() function (as
    ``events.models.NextDay``)."""

    output_field = models.DateField()
    arity = 1

    def __init__(self, expression, days: int, **extra):
        self.days = int(days)
        super().__init__(expression, **extra)

    def deconstruct(self):
        path, args, kwargs = super().deconstruct()
        return path, (*args, self.days), kwargs

    def as_sql(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler, connection, template=f"(%(expressions)s + {self.days})", **extra_context
        )

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler,
            connection,
            template=f"date(%(expressions)s, '+{self.days} day')",
            **extra_context,
        )


class ClipCall(models.Model):
    """One selection of partnerships for the promotional clip (§2.4.1, §2.4.5)."""

    title = models.CharField(_("title"), max_length=255)
    round = models.PositiveSmallIntegerField(
        _("PRB round"),
        choices=Round.choices,
        null=True,
        blank=True,
        help_text=_("Leave empty for partnerships of both rounds."),
    )
    clips_count = models.PositiveSmallIntegerField(
        _("number of clips"),
        default=DEFAULT_CLIPS,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text=_("How many partnerships get a clip (three in the programme, §2.4.1)."),
    )
    clips_count_reason = models.TextField(
        _("why another number of clips"),
        max_length=2000,
        blank=True,
        help_text=_("Only when the call offers other than three clips (§2.4.1); it is kept."),
    )
    committee = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="clip_calls",
        blank=True,
        verbose_name=_("committee"),
        help_text=_("Animators, partnership specialists and others named by the support centre."),
    )
    scoring_deadline = models.DateTimeField(_("scoring deadline"))
    status = models.CharField(
        _("status"), max_length=16, choices=CallStatus.choices, default=CallStatus.DRAFT
    )
    announced_at = models.DateTimeField(_("announced"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("clip call")
        verbose_name_plural = _("clip calls")
        ordering = ["-scoring_deadline", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(clips_count__gte=1),
                name="clip_call_at_least_one_clip",
                violation_error_message=_("A call offers at least one clip."),
            ),
            # §2.4.1: the offer goes to three partnerships; another number needs its reason.
            models.CheckConstraint(
                condition=Q(clips_count=DEFAULT_CLIPS) | ~Q(clips_count_reason=""),
                name="clip_call_other_number_has_reason",
                violation_error_message=_(
                    "The programme offers three clips (§2.4.1): say why this call offers "
                    "another number."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(status=CallStatus.ANNOUNCED) | Q(announced_at__isnull=False),
                name="clip_call_announced_has_time",
            ),
        ]

    def __str__(self):
        return self.title

    def scoring_is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.status != CallStatus.DRAFT and now < self.scoring_deadline


class EligibilityOverride(models.Model):
    """Staff include or exclude a partnership regardless of the data, with the reason."""

    call = models.ForeignKey(
        ClipCall, on_delete=models.PROTECT, related_name="overrides", verbose_name=_("call")
    )
    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.PROTECT,
        related_name="clip_overrides",
        verbose_name=_("partnership"),
    )
    decision = models.CharField(_("decision"), max_length=16, choices=OverrideDecision.choices)
    reason = models.TextField(_("reason"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("eligibility override")
        verbose_name_plural = _("eligibility overrides")
        ordering = ["-decided_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["call", "partnership"], name="clip_override_once_per_call"
            ),
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="clip_override_has_reason",
                violation_error_message=_("Give the reason for the decision."),
            ),
        ]

    def __str__(self):
        return f"{self.partnership}: {self.get_decision_display()}"


class Score(models.Model):
    """One committee member's score of one partnership in one call (§2.4.1)."""

    call = models.ForeignKey(
        ClipCall, on_delete=models.PROTECT, related_name="scores", verbose_name=_("call")
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="clip_scores",
        verbose_name=_("committee member"),
    )
    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.PROTECT,
        related_name="clip_scores",
        verbose_name=_("partnership"),
    )
    progress = models.PositiveSmallIntegerField(
        _("progress"),
        validators=SCORE_VALIDATORS,
        help_text=_("How far the partnership has come during the programme, from 0 to 10."),
    )
    creativity = models.PositiveSmallIntegerField(
        _("creativity in planning"),
        validators=SCORE_VALIDATORS,
        help_text=_("How creatively the partnership plans its actions, from 0 to 10."),
    )
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("scored"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["call", "partnership", "member"]
        constraints = [
            models.UniqueConstraint(
                fields=["call", "member", "partnership"],
                name="clip_score_once_per_member",
                violation_error_message=_("You have already scored this partnership."),
            ),
            models.CheckConstraint(
                condition=Q(progress__gte=SCORE_MIN, progress__lte=SCORE_MAX),
                name="clip_score_progress_range",
                violation_error_message=_("Scores are from 0 to 10."),
            ),
            models.CheckConstraint(
                condition=Q(creativity__gte=SCORE_MIN, creativity__lte=SCORE_MAX),
                name="clip_score_creativity_range",
                violation_error_message=_("Scores are from 0 to 10."),
            ),
        ]

    def __str__(self):
        return f"{self.member} · {self.partnership}"

    @property
    def mean(self) -> float:
        return (self.progress + self.creativity) / 2


class Selection(models.Model):
    """A partnership selected for a clip by staff. Withdrawn, never deleted."""

    call = models.ForeignKey(
        ClipCall, on_delete=models.PROTECT, related_name="selections", verbose_name=_("call")
    )
    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.PROTECT,
        related_name="clip_selections",
        verbose_name=_("partnership"),
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=SelectionStatus.choices,
        default=SelectionStatus.SELECTED,
    )
    public_summary = models.CharField(
        _("short public description"),
        max_length=300,
        blank=True,
        help_text=_(
            "One or two sentences for the public announcement. Names, places and this text "
            "are all that is published."
        ),
    )
    selected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("selected by"),
    )
    selected_at = models.DateTimeField(_("selected"), default=timezone.now)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("withdrawn by"),
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_reason = models.TextField(_("reason for withdrawal"), blank=True)
    leader_emailed_at = models.DateTimeField(_("leader e-mailed"), null=True, blank=True)
    leader_emailed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("e-mailed by"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("selection")
        verbose_name_plural = _("selections")
        ordering = ["call", "selected_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["call", "partnership"],
                condition=Q(status=SelectionStatus.SELECTED),
                name="clip_selection_once_per_call",
                violation_error_message=_("This partnership is already selected in this call."),
            ),
            models.CheckConstraint(
                condition=Q(status=SelectionStatus.SELECTED)
                | (Q(withdrawn_at__isnull=False) & ~Q(withdrawn_reason="")),
                name="clip_selection_withdrawal_has_reason",
                violation_error_message=_("Give the reason for the withdrawal."),
            ),
        ]

    def __str__(self):
        return f"{self.partnership} · {self.call}"

    @property
    def is_active(self):
        return self.status == SelectionStatus.SELECTED


class NoticeCall(models.Model):
    """The phone call that told the partnership about its clip (§2.4.6)."""

    selection = models.ForeignKey(
        Selection, on_delete=models.PROTECT, related_name="calls", verbose_name=_("selection")
    )
    called_at = models.DateTimeField(_("when"))
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("called by"),
    )
    person_reached = models.CharField(_("person reached"), max_length=255)
    note = models.TextField(_("note"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("notice call")
        verbose_name_plural = _("notice calls")
        ordering = ["-called_at", "-pk"]

    def __str__(self):
        return f"{self.selection.partnership}: {self.called_at:%Y-%m-%d %H:%M}"


class ScenarioTemplate(models.Model):
    """The support centre's scenario concept for a call (§2.4.3), copied to each selected
    partnership."""

    call = models.OneToOneField(
        ClipCall,
        on_delete=models.PROTECT,
        related_name="scenario_template",
        verbose_name=_("call"),
    )
    body = models.TextField(_("scenario"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("scenario template")
        verbose_name_plural = _("scenario templates")

    def __str__(self):
        return str(self.call)


class Scenario(models.Model):
    """A selected partnership's own copy of the scenario, adapted by its leader (§2.5.5)."""

    selection = models.OneToOneField(
        Selection, on_delete=models.PROTECT, related_name="scenario", verbose_name=_("selection")
    )
    body = models.TextField(_("scenario"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("scenario")
        verbose_name_plural = _("scenarios")

    def __str__(self):
        return str(self.selection)


class Production(models.Model):
    """The shooting of one clip (§2.4.2, §2.4.4, §2.4.7)."""

    selection = models.OneToOneField(
        Selection,
        on_delete=models.PROTECT,
        related_name="production",
        verbose_name=_("selection"),
    )
    first_day = models.DateField(_("first shooting day"), null=True, blank=True)
    last_day = models.DateField(
        _("second shooting day"),
        null=True,
        blank=True,
        help_text=_(
            "A working day within a week of the first (Friday and Monday, say); empty when "
            "the clip is shot in one day."
        ),
    )
    place = models.CharField(_("place"), max_length=255, blank=True)
    target_minutes = models.PositiveSmallIntegerField(
        _("target length in minutes"),
        default=DEFAULT_TARGET_MINUTES,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    videographer_name = models.CharField(_("videographer"), max_length=255, blank=True)
    videographer_email = models.EmailField(_("videographer's e-mail"), blank=True)
    videographer_phone = models.CharField(_("videographer's phone"), max_length=40, blank=True)
    videographer_website = models.URLField(_("videographer's website"), blank=True)
    clip_url = models.URLField(_("link to the finished clip"), blank=True)
    introduced_at = models.DateTimeField(
        _("leader and videographer introduced"), null=True, blank=True
    )
    introduced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("introduced by"),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("clip production")
        verbose_name_plural = _("clip productions")
        constraints = [
            # One day, or two days within a week (§2.4.2); that they are working days (no
            # weekend, no Polish public holiday) is checked by the service.
            models.CheckConstraint(
                condition=Q(last_day__isnull=True)
                | Q(
                    first_day__isnull=False,
                    last_day__gt=F("first_day"),
                    last_day__lt=DaysAfter("first_day", SHOOTING_WITHIN_DAYS),
                ),
                name="clip_production_one_or_two_days",
                violation_error_message=_(
                    "The clip is shot in one or two working days within a week."
                ),
            ),
        ]

    def __str__(self):
        return str(self.selection)

    @property
    def shooting_days(self) -> list:
        return [d for d in (self.first_day, self.last_day) if d]
