from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    name = "support"
    verbose_name = _("Animator support")

    def ready(self):
        from support import hooks, summary  # noqa: PLC0415 -- both import models

        hooks.register()
        summary.connect()
