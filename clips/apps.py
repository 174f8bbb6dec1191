from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClipsConfig(AppConfig):
    name = "clips"
    verbose_name = _("Promotional clip")

    def ready(self):
        from clips import hooks  # noqa: PLC0415 -- hooks import models

        hooks.register()
