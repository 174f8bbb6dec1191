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
