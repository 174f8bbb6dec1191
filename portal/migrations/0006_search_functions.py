"""The search's database side on PostgreSQL (``portal.search``): the ``unaccent`` and
``pg_trgm`` extensions and ``portal_fold(text)``, lower case without diacritics. ``unaccent``
itself is only STABLE (its dictionary could change), so it cannot be in an index expression;
this wrapper names the dictionary and is declared IMMUTABLE, which the apps' search indexes
need. SQLite skips all of it (``portal.search`` registers a Python ``portal_fold``)."""

from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations

from portal.search import PostgreSQLOnly

FOLD = """
CREATE OR REPLACE FUNCTION portal_fold(text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$
"""


class Migration(migrations.Migration):
    dependencies = [("portal", "0005_heartbeat")]

    operations = [
        UnaccentExtension(),
        TrigramExtension(),
        PostgreSQLOnly(FOLD, "DROP FUNCTION IF EXISTS portal_fold(text)"),
    ]
