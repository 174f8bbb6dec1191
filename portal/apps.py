from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_roles(sender, **kwargs):
    from portal.services import role_groups_ensure  # noqa: PLC0415 -- models load after ready

    role_groups_ensure()


class PortalConfig(AppConfig):
    """The platform under every app: web helpers, mail and its outbox, queue, PDF,
    spreadsheets, uploads, the calendar feed, the reminder engine and the registry of
    extension points."""

    name = "portal"
    verbose_name = _("Portal")

    def ready(self):
        from portal import (  # noqa: PLC0415 -- need the app registry
            figures,
            hooks,
            middleware,
            otp,
            outbox,
            search,
            tasks,
        )

        # Groups need the permissions that migrate creates for every app, so this runs after
        # each app's post_migrate (it is idempotent and cheap).
        post_migrate.connect(_ensure_roles, dispatch_uid="portal_roles")
        user_logged_in.connect(middleware.stamp_login, dispatch_uid="portal_stamp_login")
        user_logged_in.connect(otp.require_on_login, dispatch_uid="portal_otp_required")
        hooks.register_reminder(tasks.staff_digest)
        hooks.register_periodic_task(tasks.heartbeat, tasks.HEARTBEAT_SECONDS)
        figures.watch()
        connection_created.connect(search.register_sqlite_functions, dispatch_uid="portal_fold")
        hooks.register_periodic_task(tasks.outbox_deliver, outbox.SWEEP_SECONDS)
