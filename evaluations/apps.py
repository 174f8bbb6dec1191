from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationsConfig(AppConfig):
    name = "evaluations"
    verbose_name = _("Evaluation of events")

    def ready(self):
        from evaluations import hooks  # noqa: PLC0415 -- hooks import models

        hooks.register()
