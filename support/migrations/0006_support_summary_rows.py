"""Builds the support summary of every partnership from the sessions already logged."""

from django.db import migrations


def build(apps, schema_editor):
    from support.summary import summary_rebuild_all  # noqa: PLC0415 -- the one definition

    summary_rebuild_all(
        session_model=apps.get_model("support", "SupportSession"),
        summary_model=apps.get_model("support", "SupportSummary"),
    )


class Migration(migrations.Migration):
    dependencies = [("support", "0005_support_summary")]

    operations = [migrations.RunPython(build, migrations.RunPython.noop)]
