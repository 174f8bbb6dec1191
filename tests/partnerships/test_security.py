import datetime
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from portal.enums import Role
from tests.factories import PASSWORD, UserFactory

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def test_no_template_has_an_inline_script():
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        for tag in re.findall(r"<script\b[^>]*>", path.read_text()):
            if "src=" not in tag:
                offenders.append(f"{path.relative_to(TEMPLATES)}: {tag}")
    assert not offenders


@pytest.mark.django_db
def test_pages_send_a_csp_that_forbids_inline_scripts(client):
    policy = client.get(reverse("login"))["Content-Security-Policy"]
    script_src = next(d for d in policy.split(";") if d.strip().startswith("script-src"))
    assert "'self'" in script_src and "unsafe-inline" not in script_src
    assert "frame-ancestors 'none'" in policy


def test_passwords_are_hashed_with_argon2():
    import config.settings as production

    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def _attempt(client, email, password):
    return client.post(reverse("login"), {"username": email, "password": password})


@pytest.mark.django_db
def test_login_locks_account_after_repeated_failures(client):
    UserFactory(email="ala@example.org")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _attempt(client, "ala@example.org", "zle-haslo").status_code == 200
    assert _attempt(client, "ala@example.org", "zle-haslo").status_code == 429
    response = _attempt(client, "ALA@example.org", PASSWORD)
    assert response.status_code == 429
    assert "Zbyt wiele" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_login_lockout_does_not_block_other_accounts(client):
    UserFactory(email="ala@example.org")
    UserFactory(email="ola@example.org")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _attempt(client, "ala@example.org", "zle-haslo")
    assert _attempt(client, "ola@example.org", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_session_ends_after_idle_time(client, time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 25, 9, 0, tzinfo=datetime.UTC))
    client.force_login(UserFactory(role=Role.STAFF))
    assert client.get(reverse("staff_home")).status_code == 200
    time_machine.shift(datetime.timedelta(minutes=29))
    assert client.get(reverse("staff_home")).status_code == 200
    time_machine.shift(datetime.timedelta(minutes=31))
    response = client.get(reverse("staff_home"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_session_ends_twelve_hours_after_login_even_when_active(client, time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 25, 7, 0, tzinfo=datetime.UTC))
    client.force_login(UserFactory(role=Role.STAFF))
    client.get(reverse("staff_home"))
    for _ in range(12 * 4):
        time_machine.shift(datetime.timedelta(minutes=15))
        response = client.get(reverse("staff_home"))
    assert response.status_code == 302


def test_deploy_check_is_clean_with_production_values(tmp_path):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(60),
        "DJANGO_ALLOWED_HOSTS": "portal.example.org",
        "PORTAL_VAR_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
