"""Settings of the portal. Production differs from development only by environment values
(see ``.env.example``)."""

import datetime
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_database, env_email, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("PORTAL_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DJANGO_DEBUG", default=False)

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off (see .env.example)."
        )
    SECRET_KEY = "insecure-development-key-only-for-DJANGO_DEBUG=1"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("PORTAL_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# The portal's own apps, lowest layer first (README, "How the code is organised"): each
# imports only those before it, and their hooks register in this order. ``bench`` (data sets
# and measurements) sits on top of all.
PORTAL_APPS = (
    "portal",
    "partnerships",
    "support",
    "events",
    "evaluations",
    "clips",
    "reports",
    "bench",
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    *PORTAL_APPS,
]

MIDDLEWARE = [
    # First: a load balancer's probe is answered before anything else runs (portal/health.py).
    "portal.middleware.HealthCheckMiddleware",
    # Each request's time and query count, at debug level (logger portal.requests).
    "portal.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.middleware.PolishFirstLocaleMiddleware",
    # Before anything reads the body: refuses methods, sizes and NUL bytes the portal never
    # takes, and marks responses private, no-store.
    "portal.middleware.RequestBoundsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "portal.middleware.SessionLimitsMiddleware",
    "portal.middleware.SecondFactorMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.roles",
            ],
        },
    },
    # Plain text (the text part and the subject of e-mails, ``portal.mail``): the same
    # templates without HTML escaping, so "Razem" & Syn stays as typed.
    {
        "NAME": "text",
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"autoescape": False},
    },
]

DATABASES = {"default": env_database("DATABASE_URL", VAR_DIR / "portal.sqlite3")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers wait for each other instead of failing at once (web, worker and beat share it).
    DATABASES["default"]["OPTIONS"] = {"timeout": 20}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: the portal's queries are short, and on the summarising pages
    # PostgreSQL spent most of their time compiling them (measured on data set L: 368 of 508 ms
    # of the dashboard's list of partnerships behind; the page took 2.5 s with JIT, 0.9 s
    # without). README, "Performance".
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Each process keeps its own copy of the figures that summarise the programme, for one version
# of the data (portal/figures.py): the version lives in the database, so a change made through
# any process is seen by all at once, without a shared cache server.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "default"},
    "figures": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "figures",
        "OPTIONS": {"MAX_ENTRIES": 2000},
    },
    # Rendered rows of lists and timelines (portal.web.kept_html): 20-60 kB each, so fewer.
    "fragments": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "fragments",
        "OPTIONS": {"MAX_ENTRIES": 300},
    },
}
# At most this long even without a change (0: no cache); see portal/figures.py.
FIGURES_CACHE_SECONDS = env_int("PORTAL_FIGURES_CACHE_SECONDS", 300)

AUTH_USER_MODEL = "partnerships.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
PASSWORD_RESET_TIMEOUT = env_int("PORTAL_PASSWORD_RESET_HOURS", 24) * 3600
INVITATION_VALID_DAYS = env_int("PORTAL_INVITATION_VALID_DAYS", 7)
# How long a partnership from the waiting list has to accept the seats offered to it.
EVENT_OFFER_HOURS = env_int("PORTAL_EVENT_OFFER_HOURS", 48)
# The professional videographer the programme names for the clips (§2.4.4): prefilled on each
# clip's production form, where staff can change it. The website's default is the one §2.4.4
# gives.
CLIP_VIDEOGRAPHER_NAME = env_str("PORTAL_CLIP_VIDEOGRAPHER_NAME", "").strip()
CLIP_VIDEOGRAPHER_WEBSITE = env_str(
    "PORTAL_CLIP_VIDEOGRAPHER_WEBSITE", "http://www.marekwitkowski.com/"
).strip()
if CLIP_VIDEOGRAPHER_WEBSITE:
    try:
        URLValidator(schemes=["http", "https"])(CLIP_VIDEOGRAPHER_WEBSITE)
    except ValidationError:
        raise ImproperlyConfigured(
            f"PORTAL_CLIP_VIDEOGRAPHER_WEBSITE={CLIP_VIDEOGRAPHER_WEBSITE!r} is not an "
            "http(s) address."
        ) from None

LANGUAGE_CODE = "pl"
LANGUAGES = [("pl", _("Polish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The language switch's choice is remembered for a year (PolishFirstLocaleMiddleware).
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
TIME_ZONE = "Europe/Warsaw"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Uploads: outside the static root and never served as a folder (see partnerships/uploads.py).
MEDIA_ROOT = VAR_DIR / "media"
UPLOAD_MAX_BYTES = env_int("PORTAL_UPLOAD_MAX_MB", 10) * 1024 * 1024
# Largest form (everything but an uploaded document). A larger body is refused by its
# Content-Length before it is read (portal.middleware.RequestBoundsMiddleware); a multipart
# body may add UPLOAD_MAX_BYTES for its document.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("PORTAL_FORM_MAX_MB", 2) * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o640

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# E-mail: EMAIL_URL wins; otherwise the usual EMAIL_* variables; otherwise the console.
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Portal partnerstw <portal@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
_email = env_email("EMAIL_URL")
if _email:
    globals().update(_email)
elif env_str("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env_str("EMAIL_HOST")
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", default=False)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
EMAIL_TIMEOUT = 10

# Celery: Redis when REDIS_URL is set, else kombu's filesystem transport under var/ so that
# `make run` needs no server.
REDIS_URL = env_str("REDIS_URL")
# Short connection timeouts and one quick retry: a page that queues work must answer when
# Redis is down (portal.queue logs the failure; the periodic scans do the work later).
# The worker's own reconnection loop is governed by broker_connection_* and is not affected.
REDIS_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3600,
    "socket_connect_timeout": 0.5,
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
}
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = REDIS_TRANSPORT_OPTIONS
else:
    _broker_dir = VAR_DIR / "broker"
    for _sub in ("queue", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        # Exchange tables too, or kombu writes them to ./control in the working directory.
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# A session ends after 12 hours or 30 minutes without a request (SessionLimitsMiddleware).
SESSION_MAX_SECONDS = 12 * 3600
SESSION_IDLE_SECONDS = 30 * 60
SESSION_COOKIE_AGE = SESSION_MAX_SECONDS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# No inline scripts anywhere; inline style attributes only where the admin and crispy-forms
# need them.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# A second factor (TOTP) that staff can switch on (django-otp).
OTP_ISSUER = env_str("PORTAL_OTP_ISSUER", "Partnerstwa PRB")
OTP_TOTP_ISSUER = OTP_ISSUER

# Login throttling (django-axes, portal.auth.LoginThrottle): an account locks after
# PORTAL_LOGIN_FAILURE_LIMIT failures from any addresses, an address after
# PORTAL_LOGIN_ADDRESS_FAILURE_LIMIT failures on any accounts, for PORTAL_LOGIN_COOLOFF_MINUTES.
AXES_FAILURE_LIMIT = env_int("PORTAL_LOGIN_FAILURE_LIMIT", 5)
PORTAL_LOGIN_ADDRESS_FAILURE_LIMIT = env_int("PORTAL_LOGIN_ADDRESS_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("PORTAL_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # this order: portal.auth reads it
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "portal.auth.axes_username"
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_HANDLER = "portal.auth.LoginThrottle"
# Behind N reverse proxies (PORTAL_TRUSTED_PROXIES=N) the client's address is read from
# X-Forwarded-For, trusting N proxies; without it every login would come from the proxy's
# address and one address's limit would lock everyone.
TRUSTED_PROXIES = env_int("PORTAL_TRUSTED_PROXIES", 0)
if TRUSTED_PROXIES:
    AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXIES
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")

if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

PAGINATE_BY = 25
