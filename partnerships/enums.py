from django.db import models
from django.utils.translation import gettext_lazy as _


class Sector(models.TextChoices):
    """The three sectors of §1.2."""

    PUBLIC = "public", _("public")
    SOCIAL = "social", _("social")
    BUSINESS = "business", _("business")


class InstitutionKind(models.TextChoices):
    LIBRARY = "library", _("library")
    MUNICIPALITY = "municipality", _("municipality")
    SCHOOL = "school", _("school")
    CULTURE = "culture", _("cultural centre")
    OTHER_PUBLIC = "other_public", _("other public institution")
    NGO = "ngo", _("NGO")
    PARISH = "parish", _("parish or religious community")
    INFORMAL = "informal", _("informal group")
    COMPANY = "company", _("company")
    FARM = "farm", _("farm or sole trader")


class Voivodeship(models.TextChoices):
    DOLNOSLASKIE = "dolnoslaskie", "dolnośląskie"
    KUJAWSKO_POMORSKIE = "kujawsko-pomorskie", "kujawsko-pomorskie"
    LUBELSKIE = "lubelskie", "lubelskie"
    LUBUSKIE = "lubuskie", "lubuskie"
    LODZKIE = "lodzkie", "łódzkie"
    MALOPOLSKIE = "malopolskie", "małopolskie"
    MAZOWIECKIE = "mazowieckie", "mazowieckie"
    OPOLSKIE = "opolskie", "opolskie"
    PODKARPACKIE = "podkarpackie", "podkarpackie"
    PODLASKIE = "podlaskie", "podlaskie"
    POMORSKIE = "pomorskie", "pomorskie"
    SLASKIE = "slaskie", "śląskie"
    SWIETOKRZYSKIE = "swietokrzyskie", "świętokrzyskie"
    WARMINSKO_MAZURSKIE = "warminsko-mazurskie", "warmińsko-mazurskie"
    WIELKOPOLSKIE = "wielkopolskie", "wielkopolskie"
    ZACHODNIOPOMORSKIE = "zachodniopomorskie", "zachodniopomorskie"


class Round(models.IntegerChoices):
    """PRB round."""

    I = 1, _("round I")  # noqa: E741
    II = 2, _("round II")


class PartnershipStatus(models.TextChoices):
    APPLIED = "applied", _("applied")
    QUALIFIED = "qualified", _("qualified")
    IN_SUPPORT = "in_support", _("in support")
    COMPLETED = "completed", _("completed")
    WITHDRAWN = "withdrawn", _("withdrawn")


# The statuses in which a partnership is being supported (or is about to be, §2.1): reminders
# go out, and the dashboard says who is behind.
SUPPORTED_STATUSES = (PartnershipStatus.QUALIFIED, PartnershipStatus.IN_SUPPORT)
# The statuses of a partnership in the programme at all (not applying, not withdrawn): it may
# register for events and be a clip candidate.
PROGRAMME_STATUSES = (*SUPPORTED_STATUSES, PartnershipStatus.COMPLETED)


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    QUALIFIED = "qualified", _("qualified")
    REJECTED = "rejected", _("rejected")


class SectorCoverage(models.TextChoices):
    """Values of the sector-coverage filter."""

    FULL = "full", _("all three sectors")
    MISSING = "missing", _("a sector missing")
    NO_PUBLIC = "no_public", _("no public partner")
    NO_SOCIAL = "no_social", _("no social partner")
    NO_BUSINESS = "no_business", _("no business partner")
