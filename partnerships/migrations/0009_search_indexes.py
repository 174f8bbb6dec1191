"""Trigram and full-text indexes for the search (``portal.search``), PostgreSQL only, on
the folded expressions that ``partnerships.selectors.search_*`` match."""

from django.db import migrations

from portal.search import index_operations


class Migration(migrations.Migration):
    dependencies = [
        ("partnerships", "0008_person_by_name"),
        ("portal", "0007_search_functions"),
    ]

    operations = [
        *index_operations(
            "partnerships_institution",
            "institution_search",
            ["name", "email", "commune", "voivodeship"],
        ),
        *index_operations("partnerships_partnership", "partnership_search", ["name"]),
        *index_operations(
            "partnerships_person", "person_search", ["first_name", "last_name", "email"]
        ),
        *index_operations(
            "partnerships_application",
            "application_search",
            [
                "library_name",
                "library_commune",
                "library_voivodeship",
                "contact_name",
                "contact_email",
                "partnership_name",
            ],
        ),
    ]
