import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from partnerships.enums import (
    ApplicationStatus,
    InstitutionKind,
    PartnershipStatus,
    Round,
    Sector,
    Voivodeship,
)
from portal.enums import Role


def new_calendar_token() -> str:
    return secrets.token_urlsafe(24)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A person with an account. Logs in with the e-mail address; roles are groups."""

    email = models.EmailField(_("e-mail"), unique=True)
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    is_staff = models.BooleanField(
        _("staff status"),
        default=False,
        help_text=_("Staff of the support centre: sees everything and may use the admin."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    calendar_token = models.CharField(
        _("calendar feed key"),
        max_length=64,
        unique=True,
        default=new_calendar_token,
        editable=False,
        help_text=_("The secret part of the address of the person's calendar feed."),
    )
    language = models.CharField(
        _("language of e-mails"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("E-mails from the portal are written in this language."),
    )

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["last_name", "first_name", "email"]

    def __str__(self):
        return self.get_full_name() or self.email

    def get_full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self):
        return self.first_name or self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()


class Institution(models.Model):
    """A public, social or business body (§1.2); libraries lead partnerships."""

    name = models.CharField(_("name"), max_length=255)
    sector = models.CharField(_("sector"), max_length=16, choices=Sector.choices)
    kind = models.CharField(_("kind"), max_length=32, choices=InstitutionKind.choices)
    commune = models.CharField(_("commune"), max_length=120)
    voivodeship = models.CharField(_("voivodeship"), max_length=32, choices=Voivodeship.choices)
    address = models.CharField(_("address"), max_length=255, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    website = models.URLField(_("website"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        ordering = ["name"]
        indexes = [models.Index(fields=["kind"]), models.Index(fields=["voivodeship"])]

    def __str__(self):
        return f"{self.name} ({self.commune})"


class Partnership(models.Model):
    name = models.CharField(_("name"), max_length=255)
    lead_library = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        related_name="led_partnerships",
        verbose_name=_("lead library"),
        limit_choices_to={"kind": InstitutionKind.LIBRARY},
    )
    round = models.PositiveSmallIntegerField(_("PRB round"), choices=Round.choices)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_partnerships",
        verbose_name=_("library leader"),
    )
    animator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="animated_partnerships",
        verbose_name=_("animator"),
    )
    animator_assigned_on = models.DateField(_("animator assigned on"), null=True, blank=True)
    common_goal = models.TextField(
        _("common goal"),
        help_text=_("The local problem or need that the partnership addresses (§1.2)."),
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=PartnershipStatus.choices,
        default=PartnershipStatus.QUALIFIED,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        ordering = ["name", "pk"]
        # The lists are ordered by name: with this index a page is read in order, not sorted
        # out of every partnership.
        indexes = [
            models.Index(fields=["status", "round"]),
            models.Index(fields=["name", "id"], name="partnership_by_name"),
        ]

    def __str__(self):
        return self.name


class Partner(models.Model):
    """An institution in a partnership, with what it brings and what it gains (§1.2)."""

    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.CASCADE,
        related_name="partners",
        verbose_name=_("partnership"),
    )
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        related_name="partnerships_joined",
        verbose_name=_("institution"),
    )
    contribution = models.TextField(_("contribution"), help_text=_("What the partner brings."))
    benefit = models.TextField(
        _("benefit"), help_text=_("What the partner gains from working together.")
    )
    joined_on = models.DateField(_("joined on"), default=timezone.localdate)
    left_on = models.DateField(_("left on"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["joined_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "institution"],
                condition=Q(left_on__isnull=True),
                name="partner_active_once_per_partnership",
                violation_error_message=_("This institution is already a partner."),
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="partner_left_after_joined",
                violation_error_message=_("A partner cannot leave before it joined."),
            ),
        ]

    def __str__(self):
        return str(self.institution)

    @property
    def is_active(self):
        return self.left_on is None


class Person(models.Model):
    """Someone who can represent the partnership (study visits, seminar)."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="people", verbose_name=_("partnership")
    )
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="people", verbose_name=_("institution")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person_records",
        verbose_name=_("account"),
    )
    first_name = models.CharField(_("first name"), max_length=150)
    last_name = models.CharField(_("last name"), max_length=150)
    position = models.CharField(_("position"), max_length=150, blank=True)
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    consent_given_at = models.DateTimeField(
        _("consent to data processing given"),
        help_text=_("When the person agreed to the processing of their personal data."),
    )
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["last_name", "first_name", "pk"]
        # The staff's list of people is read a page at a time in this order.
        indexes = [models.Index(fields=["last_name", "first_name", "id"], name="person_by_name")]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                "partnership",
                condition=Q(archived_at__isnull=True),
                name="person_email_once_per_partnership",
                violation_error_message=_(
                    "A person with this e-mail is already in the partnership."
                ),
            ),
            # §2.3.3: one person of the partnership is linked to the leader's account.
            models.UniqueConstraint(
                fields=["partnership", "user"],
                condition=Q(archived_at__isnull=True, user__isnull=False),
                name="person_account_once_per_partnership",
                violation_error_message=_(
                    "Another person of the partnership is already linked to this account."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.first_name} {self.last_name}"

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}"


class ApplicationCall(models.Model):
    """A recruitment of libraries into one PRB round, open until its deadline."""

    title = models.CharField(_("title"), max_length=255)
    round = models.PositiveSmallIntegerField(_("PRB round"), choices=Round.choices)
    description = models.TextField(_("description"), blank=True)
    opens_at = models.DateTimeField(_("opens at"))
    deadline = models.DateTimeField(_("deadline"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("application call")
        verbose_name_plural = _("application calls")
        ordering = ["-deadline"]
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline__gt=models.F("opens_at")),
                name="application_call_deadline_after_opening",
                violation_error_message=_("The deadline must be after the opening."),
            )
        ]

    def __str__(self):
        return self.title

    def is_open(self, now=None):
        now = now or timezone.now()
        return self.opens_at <= now < self.deadline


class Application(models.Model):
    """A library's application; a draft until submitted before the call's deadline."""

    call = models.ForeignKey(
        ApplicationCall,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("call"),
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.DRAFT,
    )
    access_token_hash = models.CharField(max_length=64, unique=True, editable=False)

    library_name = models.CharField(_("library name"), max_length=255)
    library_commune = models.CharField(_("commune"), max_length=120, blank=True)
    library_voivodeship = models.CharField(
        _("voivodeship"), max_length=32, choices=Voivodeship.choices, blank=True
    )
    library_address = models.CharField(_("library address"), max_length=255, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=255, blank=True)
    contact_email = models.EmailField(_("contact e-mail"))
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    partnership_name = models.CharField(_("partnership name"), max_length=255, blank=True)
    common_goal = models.TextField(
        _("common goal"),
        blank=True,
        help_text=_("The local problem or need the partnership wants to address."),
    )
    planned_partners = models.TextField(
        _("partners"),
        blank=True,
        help_text=_(
            "The institutions invited so far, with their sector, contribution and benefit."
        ),
    )
    first_meeting_reflections = models.TextField(
        _("reflections from the first partners' meeting"), blank=True
    )
    consent = models.BooleanField(_("consent to data processing"), default=False)

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decision_note = models.TextField(_("decision note"), blank=True)
    partnership = models.OneToOneField(
        Partnership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="application",
        verbose_name=_("partnership"),
    )

    history = HistoricalRecords(excluded_fields=["access_token_hash"])

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-submitted_at", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=ApplicationStatus.DRAFT) | Q(submitted_at__isnull=False),
                name="application_submitted_has_time",
            )
        ]

    def __str__(self):
        return self.library_name


class Invitation(models.Model):
    """An e-mailed link that lets a person set a password and join in a role."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("partnership to lead"),
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.user.email} ({self.get_role_display()})"

    def is_usable(self, now=None):
        now = now or timezone.now()
        return self.accepted_at is None and self.revoked_at is None and now < self.expires_at
