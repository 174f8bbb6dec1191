"""Settings for the test suite: the real settings, with a test key and fast hashing."""

import os

os.environ.setdefault(
    "DJANGO_SECRET_KEY", "tests-only-secret-key-not-for-production-use-0123456789"
)
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")

from config.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
CELERY_TASK_ALWAYS_EAGER = True
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
