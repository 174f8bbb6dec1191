"""What the support app plugs into the platform (``portal.hooks``), from
``SupportConfig.ready``: its reminders and digest sections, the reasons a partnership is
behind on the staff dashboard (the rules of ``support.selectors``), the planned meetings in
each user's calendar and its demo data."""

from django.utils.translation import gettext_lazy as _

from portal import hooks
from support import demo, tasks
from support.enums import BehindReason
from support.selectors import (
    BEHIND_RULES,
    BEHIND_SINCE,
    calendar_items,
    dashboard_missing_sectors,
    leader_todos,
    path_steps,
    sector_panel,
)


def register() -> None:
    for reminder in (
        tasks.planned_meeting_soon,
        tasks.no_diagnosis,
        tasks.meeting_2_overdue,
        tasks.hour_budget_used,
        tasks.no_agreed_plan,
    ):
        hooks.register_reminder(reminder)
    for section in (
        tasks.digest_no_contact,
        tasks.digest_no_diagnosis,
        tasks.digest_meeting_2_overdue,
        tasks.digest_no_agreed_plan,
    ):
        hooks.register_digest_section(section)
    for reason in BehindReason:
        hooks.register_behind_reason(
            reason.value, reason.label, BEHIND_RULES[reason], BEHIND_SINCE[reason]
        )
    hooks.register_calendar_source(calendar_items)
    hooks.register_demo_loader(demo.load)
    hooks.register_leader_todo_source(leader_todos)
    hooks.register_path_source(path_steps)
    hooks.register_sector_panel("support/_sector_pipeline.html", sector_panel)
    hooks.register_dashboard_panel(
        _("Missing sectors with candidates in view"),
        "support/_dashboard_missing_sectors.html",
        dashboard_missing_sectors,
    )
