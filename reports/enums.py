from django.db import models
from django.utils.translation import gettext_lazy as _


class BehindReason(models.TextChoices):
    """Why a partnership needs the staff's attention; shown next to it on the dashboard."""

    NO_ANIMATOR = "no_animator", _("no animator assigned")
    NO_DIAGNOSIS = "no_diagnosis", _("no diagnosis 14 days after the animator was assigned")
    NO_CONTACT = "no_contact", _("no contact for 30 days")
    MEETING_2_MISSING = "meeting_2_missing", _("second meeting missing after its planned date")


class Participation(models.TextChoices):
    ATTENDED = "attended", _("attended")
    REGISTERED = "registered", _("registered, attendance not recorded")
    NONE = "none", _("not registered")


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"
