"""One function per e-mail of the support app: the reminders its scans in ``tasks.py`` find.
Each takes ids (and the figures the scan computed), re-reads the rows and queues the message
in the outbox (``portal.mail``)."""

from django.urls import reverse
from django.utils import translation

from partnerships.models import Partnership, User
from portal.calendar import to_ical
from portal.mail import absolute_url, language_of, queue_templated_mail
from support.enums import KIND_SLUGS, SessionKind
from support.models import PlannedMeeting
from support.selectors import format_minutes, planned_meeting_calendar_item


def _timeline_url(partnership_id: int) -> str:
    return absolute_url(reverse("support:timeline", args=[partnership_id]))


def _log_url(partnership_id: int, kind: str) -> str:
    return absolute_url(reverse("support:session_log", args=[partnership_id, KIND_SLUGS[kind]]))


def send_planned_meeting_soon(*, meeting_id: int, user_id: int) -> None:
    """To the leader and the animator: the second meeting is in two days, with its .ics."""
    meeting = PlannedMeeting.objects.select_related("partnership").get(pk=meeting_id)
    user = User.objects.get(pk=user_id)
    body = to_ical([planned_meeting_calendar_item(meeting)], name=meeting.partnership.name)
    queue_templated_mail(
        "reminder_planned_meeting",
        to=user.email,
        recipient=user,
        about=meeting.partnership,
        context={
            "user": user,
            "meeting": meeting,
            "partnership": meeting.partnership,
            "url": _timeline_url(meeting.partnership_id),
        },
        attachments=[(f"spotkanie-{meeting.pk}.ics", body, "text/calendar")],
    )


def send_no_diagnosis(*, partnership_id: int, user_id: int, days: int) -> None:
    """To the animator: no diagnosis logged ``days`` days after being assigned."""
    partnership = Partnership.objects.get(pk=partnership_id)
    user = User.objects.get(pk=user_id)
    queue_templated_mail(
        "reminder_no_diagnosis",
        to=user.email,
        recipient=user,
        about=partnership,
        context={
            "user": user,
            "partnership": partnership,
            "days": days,
            "url": _log_url(partnership.pk, SessionKind.DIAGNOSIS),
        },
    )


def send_meeting_2_overdue(*, meeting_id: int, user_id: int) -> None:
    """To the animator: the date agreed at meeting 1 has passed and meeting 2 is not logged."""
    meeting = PlannedMeeting.objects.select_related("partnership").get(pk=meeting_id)
    user = User.objects.get(pk=user_id)
    queue_templated_mail(
        "reminder_meeting_2_overdue",
        to=user.email,
        recipient=user,
        about=meeting.partnership,
        context={
            "user": user,
            "meeting": meeting,
            "partnership": meeting.partnership,
            "url": _log_url(meeting.partnership_id, SessionKind.MEETING_2),
            "timeline_url": _timeline_url(meeting.partnership_id),
        },
    )


def send_hour_budget_used(
    *, partnership_id: int, user_id: int, threshold: int, used: int, budget: int
) -> None:
    """To the animator and staff: 75 % or all of the hour budget is used."""
    partnership = Partnership.objects.get(pk=partnership_id)
    user = User.objects.get(pk=user_id)
    # The durations are words ("1 godz. 15 min"): written in the reader's language.
    with translation.override(language_of(user)):
        used_text, budget_text = format_minutes(used), format_minutes(budget)
        left_text = format_minutes(max(0, budget - used))
    queue_templated_mail(
        "reminder_hour_budget",
        to=user.email,
        recipient=user,
        about=partnership,
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


def send_no_agreed_plan(*, partnership_id: int, user_id: int, held_on, days: int) -> None:
    """To the leader and the animator: meeting 2 was held on ``held_on``, ``days`` days ago,
    and the development plan is not agreed yet."""
    partnership = Partnership.objects.get(pk=partnership_id)
    user = User.objects.get(pk=user_id)
    queue_templated_mail(
        "reminder_no_agreed_plan",
        to=user.email,
        recipient=user,
        about=partnership,
        context={
            "user": user,
            "partnership": partnership,
            "held_on": held_on,
            "days": days,
            "url": absolute_url(reverse("support:plan_detail", args=[partnership.pk])),
        },
    )
