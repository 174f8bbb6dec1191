import datetime
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from events.enums import (
    ACTIVE_STATUSES,
    EXPECTED_PEOPLE,
    Diet,
    EventKind,
    ParticipantAnswer,
    RegistrationStatus,
)
from partnerships.models import Partnership, Person


@deconstructible(path="events.models.NextDay")
class NextDay(models.Func):
    """The day after a date, in SQL, so the database itself can hold "two consecutive days".

    PostgreSQL adds an integer to a date; SQLite needs its date() function (Django's duration
    arithmetic there yields a datetime string that never equals a date)."""

    output_field = models.DateField()
    arity = 1
    template = "(%(expressions)s + 1)"

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler, connection, template="date(%(expressions)s, '+1 day')", **extra_context
        )


def new_link_secret() -> str:
    return secrets.token_urlsafe(24)


class Event(models.Model):
    """A two-day study visit (§2.2) or the two-day summary seminar (§2.3)."""

    kind = models.CharField(_("kind"), max_length=16, choices=EventKind.choices)
    title = models.CharField(_("title"), max_length=255)
    programme = models.TextField(
        _("programme"), help_text=_("What happens on each day (§2.2.2, §2.3.2).")
    )
    place = models.CharField(
        _("place"),
        max_length=255,
        help_text=_("Town and address. The seminar is in Warsaw or nearby (§2.3.4)."),
    )
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("second day"), help_text=_("The day after the first day."))
    capacity = models.PositiveIntegerField(
        _("seats"), help_text=_("How many people can take part; each person takes one seat.")
    )
    registration_opens_at = models.DateTimeField(_("registration opens"))
    registration_closes_at = models.DateTimeField(_("registration closes"))

    host_name = models.CharField(
        _("host"), max_length=255, blank=True, help_text=_("The person who looks after the visit.")
    )
    host_email = models.EmailField(_("host e-mail"), blank=True)
    host_phone = models.CharField(_("host phone"), max_length=40, blank=True)
    host_organisation = models.CharField(_("host organisation"), max_length=255, blank=True)
    trainers = models.TextField(
        _("trainers"), blank=True, help_text=_("Who leads the seminar, one per line.")
    )

    provides_lodging = models.BooleanField(_("lodging provided"), default=False)
    provides_meals = models.BooleanField(_("meals provided"), default=False)
    provides_transport = models.BooleanField(_("transport provided"), default=False)
    provides_coffee_breaks = models.BooleanField(_("all-day coffee breaks"), default=False)
    provides_materials = models.BooleanField(
        _("educational and promotional materials"), default=False
    )
    travel_at_own_cost = models.BooleanField(_("travel at the participant's cost"), default=False)

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_on", "pk"]
        indexes = [models.Index(fields=["registration_opens_at", "registration_closes_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on=NextDay("starts_on")),
                name="event_two_consecutive_days",
                violation_error_message=_(
                    "An event lasts two consecutive days: the second day is the day after the "
                    "first."
                ),
            ),
            models.CheckConstraint(
                condition=Q(capacity__gt=0),
                name="event_capacity_positive",
                violation_error_message=_("An event needs at least one seat."),
            ),
            models.CheckConstraint(
                condition=Q(registration_closes_at__gt=models.F("registration_opens_at")),
                name="event_registration_closes_after_opening",
                violation_error_message=_("Registration must close after it opens."),
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.starts_on and not self.ends_on:
            self.ends_on = self.starts_on + datetime.timedelta(days=1)

    @property
    def is_study_visit(self):
        return self.kind == EventKind.STUDY_VISIT

    @property
    def expected_people(self) -> int:
        """Representatives per partnership: three at a study visit (§2.2.3), two at the
        seminar (§2.3.3); the expected number and the most allowed."""
        return EXPECTED_PEOPLE[self.kind]

    def registration_is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.registration_opens_at <= now < self.registration_closes_at

    def provided_labels(self) -> list:
        """Lazy labels, so an e-mail renders them in its own language."""
        fields = [
            ("provides_lodging", _("lodging")),
            ("provides_meals", _("meals")),
            ("provides_transport", _("transport")),
            ("provides_coffee_breaks", _("all-day coffee breaks")),
            ("provides_materials", _("educational and promotional materials")),
        ]
        return [label for name, label in fields if getattr(self, name)]

    def lodging_nights(self) -> list[datetime.date]:
        """The nights a participant may stay, each named by the evening it starts: those
        between the event's days (a two-day event has one), none without lodging (§2.2.4,
        §2.3.4)."""
        if not self.provides_lodging:
            return []
        nights, day = [], self.starts_on
        while day < self.ends_on:
            nights.append(day)
            day += datetime.timedelta(days=1)
        return nights


class Registration(models.Model):
    """A partnership's representatives for one event, entered by its leader."""

    event = models.ForeignKey(
        Event, on_delete=models.PROTECT, related_name="registrations", verbose_name=_("event")
    )
    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.PROTECT,
        related_name="event_registrations",
        verbose_name=_("partnership"),
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.REGISTERED,
    )
    chosen_internally = models.BooleanField(
        _("representatives chosen inside the partnership"),
        default=False,
        help_text=_("§2.2.3 and §2.3.3: the partners choose their representatives together."),
    )
    seats = models.PositiveSmallIntegerField(
        _("seats"), default=0, help_text=_("The number of people; kept with the people.")
    )
    fewer_reason = models.TextField(
        _("why fewer representatives"),
        blank=True,
        help_text=_(
            "Given by the leader when fewer people take part than the programme expects: "
            "three at a study visit (§2.2.3), two at the seminar (§2.3.3)."
        ),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    created_at = models.DateTimeField(_("entered"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    queued_at = models.DateTimeField(
        _("joined the waiting list"), null=True, blank=True, help_text=_("Orders the queue.")
    )
    offered_at = models.DateTimeField(_("seats offered"), null=True, blank=True)
    offer_expires_at = models.DateTimeField(_("offer expires"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("withdrawn by"),
    )
    introduced_at = models.DateTimeField(_("leader and host introduced"), null=True, blank=True)
    introduced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("introduced by"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["event", "created_at", "pk"]
        indexes = [
            models.Index(fields=["event", "status"]),
            models.Index(fields=["status", "offer_expires_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "partnership"],
                condition=Q(status__in=ACTIVE_STATUSES),
                name="registration_once_per_partnership_and_event",
                violation_error_message=_(
                    "This partnership is already registered for this event; change that "
                    "registration instead."
                ),
            ),
            models.CheckConstraint(
                condition=Q(chosen_internally=True),
                name="registration_chosen_internally",
                violation_error_message=_(
                    "Confirm that the representatives were chosen inside the partnership."
                ),
            ),
            models.CheckConstraint(
                condition=Q(seats__lte=3),
                name="registration_at_most_three_seats",
            ),
            models.CheckConstraint(
                condition=~Q(status=RegistrationStatus.OFFERED) | Q(offer_expires_at__isnull=False),
                name="registration_offer_has_expiry",
            ),
        ]

    def __str__(self):
        return f"{self.partnership} · {self.event}"

    @property
    def is_active(self):
        return self.status in ACTIVE_STATUSES


class Participant(models.Model):
    """One person registered for an event, with attendance marked by staff afterwards
    (§2.5.3–4). Rows are never deleted: a person taken off a registration is ``removed``."""

    registration = models.ForeignKey(
        Registration,
        on_delete=models.PROTECT,
        related_name="participants",
        verbose_name=_("registration"),
    )
    # Copied from the registration so that the database can hold "one person once per event".
    event = models.ForeignKey(
        Event, on_delete=models.PROTECT, related_name="participants", verbose_name=_("event")
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="event_participations",
        verbose_name=_("person"),
    )
    added_at = models.DateTimeField(_("added"), auto_now_add=True)
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True)
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    materials_received = models.BooleanField(_("materials handed out"), default=False)
    attendance_marked_at = models.DateTimeField(_("attendance marked"), null=True, blank=True)
    attendance_marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("attendance marked by"),
    )

    # The personal link (``events.selectors.participant_link_token``) is signed with this
    # secret: a new secret makes every earlier link unknown; ``link_revoked_at`` stops it.
    link_secret = models.CharField(max_length=64, default=new_link_secret, editable=False)
    link_revoked_at = models.DateTimeField(_("personal link revoked"), null=True, blank=True)
    link_revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("personal link revoked by"),
    )
    # What the person answers through the link.
    answer = models.CharField(
        _("answer"),
        max_length=16,
        choices=ParticipantAnswer.choices,
        default=ParticipantAnswer.PENDING,
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    diet = models.CharField(_("diet"), max_length=16, choices=Diet.choices, blank=True)
    diet_notes = models.CharField(_("diet: details and allergies"), max_length=500, blank=True)
    accessibility_needs = models.TextField(_("accessibility needs"), blank=True)
    nights = models.JSONField(
        _("nights of lodging"),
        default=list,
        blank=True,
        help_text=_("The evenings (ISO dates) the person stays the night."),
    )
    departure_place = models.CharField(_("place of departure"), max_length=255, blank=True)
    day_phone = models.CharField(_("phone during the event"), max_length=40, blank=True)
    clause_acknowledged_at = models.DateTimeField(
        _("information clause acknowledged"), null=True, blank=True
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["registration", "person__last_name", "person__first_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "person"],
                condition=Q(removed_at__isnull=True),
                name="participant_once_per_event",
                violation_error_message=_("This person is already registered for this event."),
            ),
        ]

    def __str__(self):
        return str(self.person)

    @property
    def night_dates(self) -> list[datetime.date]:
        return [datetime.date.fromisoformat(value) for value in self.nights]


class DataRequest(models.Model):
    """A person's request, sent through their personal link, to correct or remove what the
    portal holds about them (GDPR arts. 15-17); staff handle it and mark it done."""

    participant = models.ForeignKey(
        Participant,
        on_delete=models.PROTECT,
        related_name="data_requests",
        verbose_name=_("participant"),
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="data_requests", verbose_name=_("person")
    )
    text = models.TextField(_("what to change"))
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    handled_at = models.DateTimeField(_("request handled"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handled by"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("request about personal data")
        verbose_name_plural = _("requests about personal data")
        ordering = ["-created_at", "pk"]
        indexes = [models.Index(fields=["handled_at", "created_at"])]

    def __str__(self):
        return f"{self.person} · {self.created_at:%Y-%m-%d}"
