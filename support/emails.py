"""One function per e-mail of the support app. The reminder scans in ``tasks.py`` load the
rows these need (``select_related``), so sending runs no queries of its own."""

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from partnerships.models import Partnership, User
from portal.calendar import to_ical
from portal.mail import absolute_url, send_templated_mail
from support.enums import KIND_SLUGS, SessionKind
from support.models import PlannedMeeting
from support.selectors import format_minutes, planned_meeting_calendar_item


def _timeline_url(partnership_id: int) -> str:
    return absolute_url(reverse("support:timeline", args=[partnership_id]))


def _log_url(partnership_id: int, kind: str) -> str:
    return absolute_url(reverse("support:session_log", args=[partnership_id, KIND_SLUGS[kind]]))


def send_planned_meeting_soon(*, meeting: PlannedMeeting, user: User) -> None:
    """To the leader and the animator: the second meeting is in two days, with its .ics."""
    body = to_ical([planned_meeting_calendar_item(meeting)], name=meeting.partnership.name)
    send_templated_mail(
        "reminder_planned_meeting",
        to=[user.email],
        context={
            "user": user,
            "meeting": meeting,
            "partnership": meeting.partnership,
            "url": _timeline_url(meeting.partnership_id),
        },
        attachments=[(f"spotkanie-{meeting.pk}.ics", body, "text/calendar")],
    )


def send_no_diagnosis(*, partnership: Partnership, user: User, days: int) -> None:
    """To the animator: no diagnosis logged ``days`` days after being assigned."""
    send_templated_mail(
        "reminder_no_diagnosis",
        to=[user.email],
        context={
            "user": user,
            "partnership": partnership,
            "days": days,
            "url": _log_url(partnership.pk, SessionKind.DIAGNOSIS),
        },
    )


def send_meeting_2_overdue(*, meeting: PlannedMeeting, user: User) -> None:
    """To the animator: the date agreed at meeting 1 has passed and meeting 2 is not logged."""
    send_templated_mail(
        "reminder_meeting_2_overdue",
        to=[user.email],
        context={
            "user": user,
            "meeting": meeting,
            "partnership": meeting.partnership,
            "url": _log_url(meeting.partnership_id, SessionKind.MEETING_2),
            "timeline_url": _timeline_url(meeting.partnership_id),
        },
    )


def send_hour_budget_used(
    *, partnership: Partnership, user: User, threshold: int, used: int, budget: int
) -> None:
    """To the animator and staff: 75 % or all of the hour budget is used."""
    with translation.override(settings.LANGUAGE_CODE):
        used_text, budget_text = format_minutes(used), format_minutes(budget)
        left_text = format_minutes(max(0, budget - used))
    send_templated_mail(
        "reminder_hour_budget",
        to=[user.email],
        context={
            "user": user,
            "partnership": partnership,
            "threshold": threshold,
            "used": used_text,
            "budget": budget_text,
            "left": left_text,
            "url": _timeline_url(partnership.pk),
        },
    )


def send_no_agreed_plan(*, partnership: Partnership, user: User, days: int) -> None:
    """To the leader and the animator: meeting 2 was held ``days`` days ago and the
    development plan is not agreed yet."""
    send_templated_mail(
        "reminder_no_agreed_plan",
        to=[user.email],
        context={
            "user": user,
            "partnership": partnership,
            "days": days,
            "url": absolute_url(reverse("support:plan_detail", args=[partnership.pk])),
        },
    )
