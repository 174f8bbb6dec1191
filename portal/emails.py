"""E-mails the platform sends itself: the weekly staff digest."""

from django.urls import reverse

from portal.mail import absolute_url, send_templated_mail


def send_staff_digest(*, user, sections, week: str) -> None:
    """To a staff member: the week's partnerships needing attention, section by section."""
    send_templated_mail(
        "reminder_staff_digest",
        to=[user.email],
        context={
            "user": user,
            "sections": sections,
            "week": week,
            "url": absolute_url(reverse("staff_home")),
        },
    )
