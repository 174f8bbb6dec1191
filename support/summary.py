"""The support summary of each partnership (``SupportSummary``): what the milestone rules read
from its sessions, kept in the transaction that changes them.

At 300,000 sessions every rule written as a correlated subquery over the sessions cost 170–350
ms per dashboard figure; a join on one row per partnership costs a few. The row is always
recomputed from the sessions (never adjusted by adding or subtracting), so a missed or repeated
refresh cannot leave it wrong for good, and it is refreshed:

- by the ``post_save``/``post_delete`` receivers of ``SupportSession`` (``connect``, from
  ``SupportConfig.ready``): the services, the admin, the factories and the demo alike;
- explicitly after a bulk write of sessions, which sends no signal (``summary_rebuild_all``
  after the bench's generator; the data migration that built the first rows)."""

from django.db import connections, router, transaction
from django.db.models import Count, Max, Min, Q, Sum
from django.db.models.functions import Coalesce
from django.db.models.signals import post_delete, post_save

from support.enums import SessionKind
from support.models import SupportSession, SupportSummary
from support.selectors import in_budget


def _aggregates() -> dict:
    """The summary's fields as aggregates over one partnership's sessions that count (not
    withdrawn); the budget split is the rule ``support.selectors.in_budget`` (§2.1.4: the
    diagnosis is outside the 16 hours), a condition on ``kind`` alone, so the data migration
    uses it with the historical models too."""
    budget = in_budget()

    def first(kind):
        return Min("held_on", filter=Q(kind=kind))

    return {
        "sessions": Count("pk"),
        "last_contact_on": Max("held_on"),
        "diagnosis_on": first(SessionKind.DIAGNOSIS),
        "meeting_1_on": first(SessionKind.MEETING_1),
        "meeting_2_on": first(SessionKind.MEETING_2),
        "minutes_in_budget": Coalesce(Sum("duration_minutes", filter=budget), 0),
        "minutes_outside_budget": Coalesce(Sum("duration_minutes", filter=~budget), 0),
    }


FIELDS = tuple(_aggregates())
EMPTY = {
    "sessions": 0,
    "last_contact_on": None,
    "diagnosis_on": None,
    "meeting_1_on": None,
    "meeting_2_on": None,
    "minutes_in_budget": 0,
    "minutes_outside_budget": 0,
}


def _summed(sessions):
    """One row per partnership of ``sessions`` (a queryset), the summary's fields in order."""
    return (
        sessions.filter(withdrawn_at__isnull=True)
        .order_by()
        .values("partnership_id")
        .annotate(**_aggregates())
        .values("partnership_id", *FIELDS)
    )


def summary_refresh(partnership_ids) -> None:
    """Recompute the summary rows of ``partnership_ids`` from their sessions, in the caller's
    transaction (one is opened when there is none). Four queries, whatever the number of
    partnerships.

    Locks the summary rows first (creating the missing ones), in the order of their keys, and
    only then reads the sessions in a new statement: under READ COMMITTED that statement sees
    every session committed by a transaction that held the lock before, and a transaction
    waiting for the lock will read this one's sessions once it commits. Reading and writing in
    one statement would read a snapshot taken before the wait, and lose the other's session."""
    ids = sorted({pk for pk in partnership_ids if pk is not None})
    if not ids:
        return
    with transaction.atomic(savepoint=False):
        SupportSummary.objects.bulk_create(
            [SupportSummary(partnership_id=pk) for pk in ids], ignore_conflicts=True
        )
        list(
            SupportSummary.objects.select_for_update()
            .filter(pk__in=ids)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        found = {
            row["partnership_id"]: row
            for row in _summed(SupportSession.objects.filter(partnership_id__in=ids))
        }
        rows = [
            SupportSummary(
                partnership_id=pk, **{name: found.get(pk, EMPTY)[name] for name in FIELDS}
            )
            for pk in ids
        ]
        SupportSummary.objects.bulk_update(rows, FIELDS)


def summary_rebuild_all(*, session_model=SupportSession, summary_model=SupportSummary) -> int:
    """Rebuild every summary row from the sessions in two statements (a delete, then one
    ``INSERT … SELECT … GROUP BY``): after a bulk load of sessions, which sends no signal. The
    models are given by the data migration (its historical models). Returns the rows written.
    Locks the summary table for the transaction, so no refresh runs in between."""
    using = router.db_for_write(summary_model)
    connection = connections[using]
    table = connection.ops.quote_name(summary_model._meta.db_table)
    columns = ", ".join(
        connection.ops.quote_name(summary_model._meta.get_field(name).column)
        for name in ("partnership", *FIELDS)
    )
    select, params = _summed(session_model.objects.using(using).all()).query.sql_with_params()
    with transaction.atomic(using=using), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608 -- names quoted, no input
        cursor.execute(f"INSERT INTO {table} ({columns}) {select}", params)  # noqa: S608
        return cursor.rowcount


def _on_save(sender, instance, **kwargs):
    summary_refresh([instance.partnership_id])


def _on_delete(sender, instance, **kwargs):
    summary_refresh([instance.partnership_id])


def connect() -> None:
    """Connect the receivers (``SupportConfig.ready``)."""
    post_save.connect(_on_save, sender=SupportSession, dispatch_uid="support_summary_save")
    post_delete.connect(_on_delete, sender=SupportSession, dispatch_uid="support_summary_delete")
