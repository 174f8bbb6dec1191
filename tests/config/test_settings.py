import pytest
from django.db import connection


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgres_connection_runs_without_jit():
    # config/settings.py: JIT compilation was most of the summarising pages' SQL time.
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)
