import logging
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.db import DataError, connection
from django.http import HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import redirect
from django.urls import resolve, reverse
from django.urls.exceptions import Resolver404
from django.utils import translation
from django.utils.translation import gettext as _

from portal import health
from portal.otp import REQUIRED

request_log = logging.getLogger("portal.requests")
logger = logging.getLogger(__name__)

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


# --- bounds on what comes in, and what caches may keep -------------------------------------

ALLOWED_METHODS = ("GET", "HEAD", "POST", "OPTIONS")
NO_STORE = "private, no-store"


def body_limit(content_type: str) -> int:
    """The largest request body accepted, in bytes: ``DATA_UPLOAD_MAX_MEMORY_SIZE`` for
    forms, plus ``UPLOAD_MAX_BYTES`` for a multipart body that may carry a document (whose
    own size the upload check enforces)."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if content_type.startswith("multipart/"):
        limit += settings.UPLOAD_MAX_BYTES
    return limit


def _refuse(status: int, message: str, **headers) -> HttpResponse:
    # Plain text: the refusal comes before sessions and templates are worth running.
    response = HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
    for name, value in headers.items():
        response[name] = value
    response["Cache-Control"] = NO_STORE
    return response


def _has_nul(query) -> bool:
    return any("\x00" in key or any("\x00" in v for v in values) for key, values in query.lists())


class RequestBoundsMiddleware:
    """Refuse, before any work, what the portal never takes, each with a 4xx and a message:

    - a method other than GET, HEAD, POST and OPTIONS (TRACE, PUT, DELETE…): 405;
    - a body larger than ``body_limit`` by its Content-Length: 413, before it is read;
    - a NUL byte in the address, the query or a form: 400 (PostgreSQL cannot store it, and no
      person types it);
    - a number or date past what the database or Python holds (``OverflowError``,
      ``DataError``) raised by a view: 400 rather than 500.

    Then every response that does not say otherwise is ``Cache-Control: private, no-store``:
    the portal's pages and downloads carry personal data, and no cache between the portal and
    the person should keep them (the static files are served before this middleware)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self._refusal(request) or self.get_response(request)
        if not response.has_header("Cache-Control"):
            response["Cache-Control"] = NO_STORE
        return response

    def _refusal(self, request):
        if request.method not in ALLOWED_METHODS:
            return _refuse(
                405,
                _("This address does not accept the %(method)s method.")
                % {"method": request.method[:20]},
                Allow=", ".join(ALLOWED_METHODS),
            )
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return _refuse(400, _("The request gives an invalid length."))
        limit = body_limit(request.META.get("CONTENT_TYPE", ""))
        if length > limit:
            return _refuse(
                413,
                _("The data sent are too large (at most %(size)s MB). Nothing was changed.")
                % {"size": f"{limit / 1024 / 1024:.0f}"},
            )
        if (
            "\x00" in request.path
            or _has_nul(request.GET)
            or (
                request.method == "POST"
                and request.content_type == "application/x-www-form-urlencoded"
                and _has_nul(request.POST)
            )
        ):
            return _refuse(
                400,
                _(
                    "The address or the form holds a character that is not allowed (NUL). "
                    "Nothing was changed."
                ),
            )
        return None

    def process_exception(self, request, exception):
        if isinstance(exception, OverflowError | DataError):
            logger.warning("Input out of range on %s: %s", request.path, exception)
            return _refuse(400, _("A number or a date is out of range. Nothing was changed."))
        return None


class PolishFirstLocaleMiddleware(LocaleMiddleware):
    """The interface is Polish unless the user chose another language with the switch in the
    footer (Django's ``set_language`` keeps the choice in the language cookie). The browser's
    Accept-Language is not consulted: an English-speaking browser on a Polish public service
    gets Polish, as its users expect."""

    def process_request(self, request):
        code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if code not in dict(settings.LANGUAGES) or not translation.check_for_language(code):
            code = settings.LANGUAGE_CODE
        translation.activate(code)
        request.LANGUAGE_CODE = translation.get_language()
