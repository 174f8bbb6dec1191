from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    name = "support"
    verbose_name = _("Animator support")

    def ready(self):
        from support import hooks  # noqa: PLC0415 -- hooks import models

        hooks.register()
