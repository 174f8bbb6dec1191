"""A second factor for staff accounts: a TOTP app (Google Authenticator, Aegis, …) through
django-otp. Staff who set it up type a six-digit code after their password; until then every
page sends them to the code page."""

import io
from base64 import b32encode

import django_otp
import qrcode
import qrcode.image.svg
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

REQUIRED = "_portal_otp_required"


def device_confirmed(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def device_for_setup(user) -> TOTPDevice:
    """The user's unconfirmed device, created once so reloading the page keeps the secret."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(
        user=user, name="Aplikacja uwierzytelniająca", confirmed=False
    )


def qr_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// address as an inline SVG (no script, no external request)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode()


def secret_b32(device: TOTPDevice) -> str:

    return b32encode(device.bin_key).decode()


@transaction.atomic
def device_confirm(*, request, device: TOTPDevice, token: str) -> bool:
    """Confirm the device with a code from the app; the session counts as verified."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
    if not device.verify_token(token):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
    django_otp.login(request, device)
    request.session.pop(REQUIRED, None)
    return True


def session_verify(*, request, token: str) -> bool:
    device = django_otp.match_token(request.user, token)
    if device is None:
        return False
    django_otp.login(request, device)
    request.session.pop(REQUIRED, None)
    return True


def device_remove(*, user) -> None:
    TOTPDevice.objects.filter(user=user).delete()


def require_on_login(sender, request, user, **kwargs):
    """At login, remember in the session whether this account still owes a code."""
    if request is not None and user.is_staff and device_confirmed(user) is not None:
        request.session[REQUIRED] = True
