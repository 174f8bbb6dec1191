from django.db import models
from django.utils.translation import gettext_lazy as _


class Participation(models.TextChoices):
    ATTENDED = "attended", _("attended")
    REGISTERED = "registered", _("registered, attendance not recorded")
    NONE = "none", _("not registered")


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"  # for people: ``;`` and decimal commas (portal.spreadsheets.PEOPLE)
    DATA_CSV = "data-csv", _("CSV for programs")  # ``,`` and decimal points
    XLSX = "xlsx", "XLSX"


class WorkAction(models.TextChoices):
    """What staff do from the worklist to resolve why a partnership is behind."""

    ASSIGN = "assign", _("Assign an animator")
    TIMELINE = "timeline", _("Open the support timeline")
    WRITE_TO_LEADER = "write_to_leader", _("Write to the leader")
    MATERIALS = "materials", _("Record the materials sent")
