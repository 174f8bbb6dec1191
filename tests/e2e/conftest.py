"""Browser tests: Debian's Chromium driven by Playwright against Django's live server."""

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# there (factories, assertions) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("REQUIRE_SERVICES", "").lower() in {"1", "true", "yes"}:
            pytest.fail(f"{CHROMIUM} is missing (REQUIRE_SERVICES=1)", pytrace=False)
        pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1366, "height": 800}, locale="pl-PL"
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def screenshot(page):
    """Save a screenshot under $SCREENSHOT_DIR (the README's come from docs/screenshots)."""
    directory = Path(os.environ.get("SCREENSHOT_DIR", "var/screenshots"))
    directory.mkdir(parents=True, exist_ok=True)

    def take(name: str):
        page.screenshot(path=str(directory / f"{name}.png"), full_page=True)

    return take


def log_in(page, email, password):
    page.goto("/konto/logowanie/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Hasło").fill(password)
    page.get_by_role("button", name="Zaloguj się").click()


def open_as(browser, live_server, user, **context_options):
    """A new browser page logged in as ``user`` (None: anonymous) through a session cookie,
    quicker than the login form when the login is not what is tested."""
    from django.conf import settings
    from django.test import Client

    context = browser.new_context(base_url=live_server.url, locale="pl-PL", **context_options)
    if user is not None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


class PageLoads:
    """Full page loads of the main frame, as a user counts them: each document that finishes
    loading is one (a form sent and the page it redirects to are one load)."""

    def __init__(self, page):
        self.urls = []
        page.on("load", lambda loaded: self.urls.append(loaded.url))

    def since_login(self) -> list[str]:
        """The pages loaded after the login form was sent (the landing page counts)."""
        last_login = max(
            (i for i, url in enumerate(self.urls) if "/konto/logowanie/" in url), default=-1
        )
        return self.urls[last_login + 1 :]


@pytest.fixture
def page_loads(page):
    return PageLoads(page)
