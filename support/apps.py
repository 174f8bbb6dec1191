from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    name = "support"
    verbose_name = _("Animator support")

    def ready(self):
        from partnerships.calendar import register_source
        from support.selectors import calendar_items

        register_source(calendar_items)

        from support import reports

        reports.register()
