"""Trigram and full-text indexes for the search (``portal.search``), PostgreSQL only, on
the folded expression that ``events.selectors.search_events`` matches."""

from django.db import migrations

from portal.search import index_operations


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0003_participant_personal_link_and_answers"),
        ("portal", "0007_search_functions"),
    ]

    operations = index_operations(
        "events_event",
        "event_search",
        ["title", "place", "host_organisation", "host_name", "host_email"],
    )
