import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_database, env_email, env_int, env_list


def test_env_bool_reads_common_spellings(monkeypatch):
    monkeypatch.setenv("X_FLAG", "Yes")
    assert env_bool("X_FLAG") is True
    monkeypatch.setenv("X_FLAG", "off")
    assert env_bool("X_FLAG", default=True) is False


def test_env_bool_rejects_unknown_value_naming_the_variable(monkeypatch):
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG"):
        env_bool("X_FLAG")


def test_env_int_rejects_text_naming_the_variable(monkeypatch):
    monkeypatch.setenv("X_NUMBER", "ten")
    with pytest.raises(ImproperlyConfigured, match="X_NUMBER"):
        env_int("X_NUMBER", 1)


def test_env_list_splits_and_strips(monkeypatch):
    monkeypatch.setenv("X_HOSTS", " a.pl, b.pl ,")
    assert env_list("X_HOSTS", []) == ["a.pl", "b.pl"]


def test_env_database_defaults_to_sqlite(monkeypatch, tmp_path):
    monkeypatch.delenv("X_DB", raising=False)
    config = env_database("X_DB", tmp_path / "db.sqlite3")
    assert config["ENGINE"] == "django.db.backends.sqlite3"


def test_env_database_reads_postgres_url(monkeypatch, tmp_path):
    monkeypatch.setenv("X_DB", "postgres://portal:pw@db.example.org:5433/portal")
    config = env_database("X_DB", tmp_path / "db.sqlite3")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["PORT"], config["NAME"]) == ("db.example.org", 5433, "portal")


def test_env_database_rejects_unknown_scheme_naming_the_variable(monkeypatch, tmp_path):
    monkeypatch.setenv("X_DB", "oracle-ish://nothing")
    with pytest.raises(ImproperlyConfigured, match="X_DB"):
        env_database("X_DB", tmp_path / "db.sqlite3")


def test_env_email_reads_smtp_url(monkeypatch):
    monkeypatch.setenv("X_MAIL", "smtp://user:secret@smtp.example.org:587/?tls=True")
    config = env_email("X_MAIL")
    assert config["EMAIL_HOST"] == "smtp.example.org"
    assert config["EMAIL_USE_TLS"] is True


def _settings_import(env: dict) -> subprocess.CompletedProcess:
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; django.setup()"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_settings_without_secret_key_in_production_fail_naming_it(tmp_path):
    result = _settings_import({"DJANGO_DEBUG": "0", "PORTAL_VAR_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_settings_with_bad_debug_value_fail_naming_it(tmp_path):
    result = _settings_import({"DJANGO_DEBUG": "perhaps", "PORTAL_VAR_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "DJANGO_DEBUG" in result.stderr


def test_settings_start_in_development_without_any_variable(tmp_path):
    result = _settings_import({"DJANGO_DEBUG": "1", "PORTAL_VAR_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr


def test_settings_with_bad_videographer_website_fail_naming_it(tmp_path):
    result = _settings_import(
        {
            "DJANGO_DEBUG": "1",
            "PORTAL_VAR_DIR": str(tmp_path),
            "PORTAL_CLIP_VIDEOGRAPHER_WEBSITE": "marekwitkowski",
        }
    )
    assert result.returncode != 0
    assert "PORTAL_CLIP_VIDEOGRAPHER_WEBSITE" in result.stderr
