"""E-mails the platform sends itself: the weekly staff digest and the password reset."""

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from portal.mail import absolute_url, queue_templated_mail


def send_staff_digest(user_id: int, *, sections, week: str) -> None:
    """To a staff member: the week's partnerships needing attention, section by section."""
    user = get_user_model().objects.get(pk=user_id)
    queue_templated_mail(
        "reminder_staff_digest",
        to=user.email,
        recipient=user,
        context={
            "user": user,
            "sections": sections,
            "week": week,
            "url": absolute_url(reverse("staff_home")),
        },
    )


def send_password_reset(user_id: int) -> None:
    """To the account's address: a one-time link to set a new password (its text is hidden
    from staff)."""
    user = get_user_model().objects.get(pk=user_id)
    url = absolute_url(
        reverse(
            "password_reset_confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
    )
    queue_templated_mail(
        "password_reset",
        to=user.email,
        recipient=user,
        context={"user": user, "url": url},
        sensitive=True,
    )
