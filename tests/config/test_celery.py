import os
import subprocess
import sys

import pytest

from config.celery import app


def _broker_for(env: dict, tmp_path) -> str:
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; django.setup();"
        "from config.celery import app; print(app.conf.broker_url)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={"PATH": "/usr/bin:/bin", "DJANGO_DEBUG": "1", "PORTAL_VAR_DIR": str(tmp_path), **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_broker_is_redis_when_redis_url_is_set(tmp_path):
    assert _broker_for({"REDIS_URL": "redis://127.0.0.1:6379/3"}, tmp_path) == (
        "redis://127.0.0.1:6379/3"
    )


def test_broker_is_filesystem_without_redis_url(tmp_path):
    assert _broker_for({}, tmp_path) == "filesystem://"
    assert (tmp_path / "broker" / "queue").is_dir()


@pytest.mark.redis
def test_redis_broker_accepts_a_connection():
    with app.connection_for_write(os.environ["REDIS_URL"]) as connection:
        connection.ensure_connection(max_retries=2)
        assert connection.connected
