from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Events")

    def ready(self):
        from events.selectors import calendar_items_for_user
        from partnerships.calendar import register_source

        register_source(calendar_items_for_user)
