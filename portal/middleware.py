import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import resolve, reverse
from django.urls.exceptions import Resolver404
from django.utils.translation import gettext as _

from portal.otp import REQUIRED

LOGIN_AT = "_portal_login_at"
SEEN_AT = "_portal_seen_at"
# Refresh the last-seen time at most this often, so most requests do not write the session.
SEEN_RESOLUTION = 60


class SessionLimitsMiddleware:
    """End a session after ``SESSION_IDLE_SECONDS`` without a request or
    ``SESSION_MAX_SECONDS`` after logging in, whichever comes first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            session = request.session
            login_at = session.setdefault(LOGIN_AT, now)
            seen_at = session.get(SEEN_AT, now)
            if (
                now - seen_at > settings.SESSION_IDLE_SECONDS
                or now - login_at > settings.SESSION_MAX_SECONDS
            ):
                logout(request)
                messages.info(request, _("Your session has ended. Log in again."))
                return redirect_to_login(request.get_full_path())
            if now - seen_at >= SEEN_RESOLUTION or SEEN_AT not in session:
                session[SEEN_AT] = now
        return self.get_response(request)


def stamp_login(sender, request, user, **kwargs):
    """Start both session clocks at login, so the first request after it writes nothing."""
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[LOGIN_AT] = now
        request.session[SEEN_AT] = now


class SecondFactorMiddleware:
    """Until a staff member with a second factor types their code, every page but the code
    page, logging out and static files sends them to the code page."""

    ALLOWED = ("otp_verify", "logout", "set_language")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):

        if (
            request.user.is_authenticated
            and request.session.get(REQUIRED)
            and not request.user.is_verified()
        ):
            try:
                name = resolve(request.path_info).url_name
            except Resolver404:
                name = None
            if name not in self.ALLOWED and not request.path_info.startswith(settings.STATIC_URL):
                return redirect(f"{reverse('otp_verify')}?next={request.get_full_path()}")
        return self.get_response(request)
