from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_roles(sender, **kwargs):
    from partnerships.services import role_groups_ensure

    role_groups_ensure()


class PartnershipsConfig(AppConfig):
    name = "partnerships"
    verbose_name = _("Partnerships")

    def ready(self):
        # Groups need the permissions that migrate creates for every app, so this runs after
        # each app's post_migrate (it is idempotent and cheap).
        post_migrate.connect(_ensure_roles, dispatch_uid="partnerships_roles")
        from django.contrib.auth.signals import user_logged_in

        from partnerships.middleware import stamp_login

        user_logged_in.connect(stamp_login, dispatch_uid="partnerships_stamp_login")
        from partnerships.otp import require_on_login

        user_logged_in.connect(require_on_login, dispatch_uid="partnerships_otp_required")
