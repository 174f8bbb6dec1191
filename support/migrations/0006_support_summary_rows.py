"""Builds the support summary of every partnership from the sessions already logged."""

from django.db import migrations


def build(apps, schema_editor):
    from support.summary import summary_rebuild_all  # noqa: PLC0415 -- the one definition

    summary_rebuild_all(
        session_model=apps.get_model("support", "SupportSession"),
        summary_model=apps.get_model("support", "SupportSummary"),
    )
    if schema_editor.connection.vendor == "postgresql":
        # the rules join this table at once: plan them with its statistics, not the defaults
        schema_editor.execute("ANALYZE support_supportsummary")


class Migration(migrations.Migration):
    dependencies = [("support", "0005_support_summary")]

    operations = [migrations.RunPython(build, migrations.RunPython.noop)]
