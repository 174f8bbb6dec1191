"""Root conftest: makes the project importable from any checkout and enforces the service
markers (a test that needs PostgreSQL or Redis is skipped without it, or fails when
REQUIRE_SERVICES=1, as in CI)."""

import os

import pytest


def _require_services() -> bool:
    return os.environ.get("REQUIRE_SERVICES", "").lower() in {"1", "true", "yes"}


def _missing(reason: str):
    if _require_services():
        pytest.fail(f"{reason} (REQUIRE_SERVICES=1)", pytrace=False)
    pytest.skip(reason)


def pytest_runtest_setup(item):
    if item.get_closest_marker("postgres"):
        from django.conf import settings

        if "postgresql" not in settings.DATABASES["default"]["ENGINE"]:
            _missing("needs PostgreSQL: set DATABASE_URL")
    if item.get_closest_marker("redis") and not os.environ.get("REDIS_URL"):
        _missing("needs Redis: set REDIS_URL")
