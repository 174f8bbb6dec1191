"""Search across the portal: one box in the top bar, every app's records (registered through
``portal.hooks.register_search_source``), found by any part of a name, e-mail, commune or
voivodeship, with or without Polish letters ("Lodz" finds "Łódź").

Text is compared *folded*: lower case, without diacritics, "ł" as "l". The database folds
with the function ``portal_fold(text)``:

- on PostgreSQL an immutable SQL function over ``unaccent`` (migration
  ``portal.0007_search_functions``), so that each app indexes its searched columns by the
  folded expression: a trigram GIN index (``pg_trgm``) answers "any part of" (``LIKE
  '%…%'``), a full-text GIN index answers several words in any order, each a word's start;
  results are ranked by the trigram word similarity of the query and the record's name (the
  full-text rank would read every matching row's text again: twice the time on data set L);
- on SQLite (development without a database server) a Python function registered on each
  connection; every word of the query must be in the record; no index, no fuzzy rank.

A source's queryset is built by ``matching``; the page shows a few best hits of each kind
(two queries per kind: the count and the hits) or one kind a page at a time.
"""

import re
import unicodedata

from django.contrib.postgres.search import (
    SearchQuery,
    SearchVectorField,
    TrigramWordSimilarity,
)
from django.db import connection, migrations
from django.db.models import Case, F, FloatField, Func, Q, QuerySet, TextField, Value, When

from portal import hooks

FOLD_FUNCTION = "portal_fold"
MIN_LENGTH = 2
MAX_LENGTH = 100
# Hits of each kind shown on the page for all kinds; the kind's own page has them all.
PREVIEW = 5
# Matches of a kind counted on the page for all kinds ("more than 100"): the count stops there
# (no ranking, a LIMIT), a third of the time of counting 4,000 institutions on data set L.
COUNT_CAP = 100
# Letters NFKD leaves whole (they are not a letter plus a combining mark).
_WHOLE_LETTERS = str.maketrans({"ł": "l", "Ł": "L", "ß": "ss", "æ": "ae", "Æ": "AE", "ø": "o"})
_WORD = re.compile(r"\w+")


def fold(text: str | None) -> str | None:
    """``text`` in lower case without diacritics, as ``portal_fold`` and ``unaccent`` do it."""
    if text is None:
        return None
    decomposed = unicodedata.normalize("NFKD", text.translate(_WHOLE_LETTERS))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def normalise_query(raw: str) -> str:
    """The query as typed, spaces collapsed, cut to ``MAX_LENGTH`` characters."""
    return " ".join((raw or "").split())[:MAX_LENGTH]


class Folded(Func):
    """``portal_fold(a || ' ' || b …)``: the folded text of one or more columns (NOT NULL
    text). The indexes of the migrations are built on this very expression."""

    function = FOLD_FUNCTION
    arg_joiner = " || ' ' || "
    output_field = TextField()

    def __init__(self, *fields):
        super().__init__(*(F(name) for name in fields))


class _TsVector(Func):
    function = "to_tsvector"
    template = "to_tsvector('simple'::regconfig, %(expressions)s)"

    def __init__(self, expression):
        super().__init__(expression, output_field=SearchVectorField())


def _prefix_query(folded: str) -> str:
    """``word:* & word:*`` of the query's words (letters and digits only, so the text can
    never break ``to_tsquery``); "" when it has none."""
    return " & ".join(f"{word}:*" for word in _WORD.findall(folded))


def on_postgresql() -> bool:
    return connection.vendor == "postgresql"


def filtered(qs: QuerySet, query: str, *, documents: list[Folded]) -> QuerySet:
    """The rows of ``qs`` whose folded ``documents`` (any of them) hold the query: on
    PostgreSQL the whole query as a part of one (the trigram index) or each word as a word's
    start (the full-text index); on SQLite each word as a part of one."""
    folded = fold(normalise_query(query))
    words = _prefix_query(folded) if on_postgresql() else ""
    condition = Q()
    for number, document in enumerate(documents):
        alias = f"search_doc_{number}"
        qs = qs.alias(**{alias: document})
        if on_postgresql():
            condition |= Q(**{f"{alias}__contains": folded})
            if words:
                tsquery = SearchQuery(words, config="simple", search_type="raw")
                vector = f"search_tsv_{number}"
                qs = qs.alias(**{vector: _TsVector(document)})
                condition |= Q(**{vector: tsquery})
        else:
            every_word = Q()
            for word in folded.split():
                every_word &= Q(**{f"{alias}__contains": word})
            condition |= every_word
    return qs.filter(condition)


def matching(
    qs: QuerySet, query: str, *, documents: list[Folded], title: Folded, also: Q | None = None
) -> QuerySet:
    """The rows of ``qs`` that ``filtered`` keeps (or that ``also`` selects: a condition on
    a related table, such as ``lead_library__in=filtered(...)``, which that table's indexes
    answer), annotated with ``search_rank`` and ordered by it (best first), then by
    ``title``."""
    folded = fold(normalise_query(query))
    found = filtered(qs, query, documents=documents)
    if also is not None:
        found = qs.filter(Q(pk__in=found.values("pk")) | also)
    if on_postgresql():
        rank = TrigramWordSimilarity(Value(folded), title)
    else:  # the title's start first
        rank = Case(
            When(Q(search_title__startswith=folded), then=Value(2.0)),
            When(Q(search_title__contains=folded), then=Value(1.0)),
            default=Value(0.0),
            output_field=FloatField(),
        )
    return (
        found.alias(search_title=title)
        .annotate(search_rank=rank)
        .order_by("-search_rank", "search_title", "pk")
    )


def query_error(query: str) -> str:
    """Why the query cannot be searched ("" when it can); the message is the page's."""
    if not query:
        return "empty"
    if len(fold(query).replace(" ", "")) < MIN_LENGTH:
        return "short"
    return ""


def groups(user, query: str) -> list[dict]:
    """Each kind the user may search, with how many records match (up to ``COUNT_CAP``;
    ``more`` when there are more) and the best few (two queries per kind)."""
    found = []
    for source in hooks.search_sources().values():
        results = source.results(user, query)
        if results is None:  # the kind is not for this user
            continue
        count = results.order_by()[: COUNT_CAP + 1].count()
        hits = [source.hit(obj) for obj in results[:PREVIEW]] if count else []
        found.append(
            {
                "source": source,
                "count": min(count, COUNT_CAP),
                "more": count > COUNT_CAP,
                "hits": hits,
            }
        )
    return found


def sources_for(user) -> dict:
    """The kinds the user may search, by key."""
    return {
        key: source
        for key, source in hooks.search_sources().items()
        if source.results(user, "") is not None
    }


# --- the database side -------------------------------------------------------------------------


def register_sqlite_functions(sender, connection, **kwargs):
    """``portal_fold`` on each new SQLite connection (``connection_created``)."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(FOLD_FUNCTION, 1, fold, deterministic=True)


class PostgreSQLOnly(migrations.RunSQL):
    """SQL that only PostgreSQL runs (SQLite folds in Python and has no such indexes)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def index_operations(table: str, prefix: str, columns: list[str]) -> list[PostgreSQLOnly]:
    """A trigram and a full-text GIN index on ``portal_fold(col || ' ' || col …)`` of
    ``table``, the expression ``Folded(*columns)`` produces."""
    joined = " || ' ' || ".join(columns)
    expression = f"{FOLD_FUNCTION}({joined})"
    return [
        PostgreSQLOnly(
            f"CREATE INDEX {prefix}_trgm ON {table} USING gin ({expression} gin_trgm_ops)",
            f"DROP INDEX IF EXISTS {prefix}_trgm",
        ),
        PostgreSQLOnly(
            f"CREATE INDEX {prefix}_fts ON {table} "
            f"USING gin (to_tsvector('simple'::regconfig, {expression}))",
            f"DROP INDEX IF EXISTS {prefix}_fts",
        ),
    ]
