"""Root conftest: makes the project importable from any checkout and enforces the service
markers (a test that needs PostgreSQL or Redis is skipped without it, or fails when
REQUIRE_SERVICES=1, as in CI) and chooses the Hypothesis profile (``HYPOTHESIS_PROFILE``)."""

import os

import pytest
from hypothesis import settings as hypothesis_settings

# In CI the fuzzers draw the same examples every run (``derandomize``), so a red run always
# means a real failure that the next run shows again; locally they explore new ones.
hypothesis_settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


def _require_services() -> bool:
    return os.environ.get("REQUIRE_SERVICES", "").lower() in {"1", "true", "yes"}


def _missing(reason: str):
    if _require_services():
        pytest.fail(f"{reason} (REQUIRE_SERVICES=1)", pytrace=False)
    pytest.skip(reason)


def pytest_runtest_setup(item):
    if item.get_closest_marker("postgres"):
        from django.conf import settings  # noqa: PLC0415 -- configured by pytest-django later

        if "postgresql" not in settings.DATABASES["default"]["ENGINE"]:
            _missing("needs PostgreSQL: set DATABASE_URL")
    if item.get_closest_marker("redis") and not os.environ.get("REDIS_URL"):
        _missing("needs Redis: set REDIS_URL")
