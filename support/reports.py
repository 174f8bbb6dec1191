"""What the support app adds to the staff dashboard, registered from ``SupportConfig.ready``
through ``reports.extensions``."""

import datetime

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from support.enums import PlanStatus, SessionKind
from support.models import DevelopmentPlan, SupportSession

PLAN_DAYS = 14  # the same rule as the reminder ``support.no_agreed_plan``


def no_agreed_plan(today):
    """Over ``Partnership`` rows: meeting 2 held at least 14 days ago and no agreed plan."""
    held = SupportSession.objects.filter(
        partnership=OuterRef("pk"),
        withdrawn_at__isnull=True,
        kind=SessionKind.MEETING_2,
        held_on__lte=today - datetime.timedelta(days=PLAN_DAYS),
    )
    agreed = DevelopmentPlan.objects.filter(partnership=OuterRef("pk"), status=PlanStatus.AGREED)
    return Exists(held) & ~Exists(agreed)


def register() -> None:
    from reports import extensions

    extensions.register_behind_reason(
        "no_plan", _("No agreed plan 14 days after the second meeting"), no_agreed_plan
    )
