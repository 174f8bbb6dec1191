import logging
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.db import connection
from django.shortcuts import redirect
from django.urls import resolve, reverse
from django.urls.exceptions import Resolver404
from django.utils.translation import gettext as _

from portal import health
from portal.otp import REQUIRED

request_log = logging.getLogger("portal.requests")

LOGIN_AT = "_portal_login_at"
SEEN_AT = "_portal_seen_at"
# Refresh the last-seen time at most this often, so most requests do not write the session.
SEEN_RESOLUTION = 60


class HealthCheckMiddleware:
    """``GET /health/`` (``portal.health``), answered first: no session, login, CSRF or host
    check runs for a load balancer's probe, which may use the node's address as its host."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == health.PATH and request.method in ("GET", "HEAD"):
            return health.response(request)
        return self.get_response(request)


class _QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


class RequestLogMiddleware:
    """Each request's time and number of queries in the log, at debug level (logger
    ``portal.requests``; ``DJANGO_LOG_LEVEL=DEBUG`` shows it). Nothing is counted when that
    level is off. The URL's pattern is logged rather than its path, so tokens in addresses
    (calendar feeds, invitations) stay out of the log. Queries made while a streamed response
    is sent (the exports) come after the line and are not counted."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request_log.isEnabledFor(logging.DEBUG):
            return self.get_response(request)
        counter = _QueryCounter()
        started = time.perf_counter()
        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        request_log.debug(
            "%s /%s %s %.1f ms %d queries",
            request.method,
            match.route if match else request.path_info.lstrip("/"),
            response.status_code,
            (time.perf_counter() - started) * 1000,
            counter.count,
        )
        return response


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
