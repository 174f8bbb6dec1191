"""§2.3.3: the seminar rule now recognises the library leader only by the link between a
person record and the partnership's leader account (it used to fall back on the e-mail).
Existing data moves to the link before the database holds "one person per account and
partnership" (0005): a partnership whose leader has no linked person gets the one active
person with the leader's login e-mail, if exactly one; where two active people of one
partnership share an account, the earliest keeps it."""

from django.db import migrations
from django.db.models import Count
from django.db.models.functions import Lower


def link_leaders(apps, schema_editor):
    Partnership = apps.get_model("partnerships", "Partnership")
    Person = apps.get_model("partnerships", "Person")
    active = Person.objects.filter(archived_at__isnull=True)

    duplicates = (
        active.filter(user__isnull=False)
        .values("partnership_id", "user_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    for row in duplicates:
        keep, *rest = active.filter(
            partnership_id=row["partnership_id"], user_id=row["user_id"]
        ).order_by("pk")
        active.filter(pk__in=[p.pk for p in rest]).update(user=None)

    for partnership in Partnership.objects.filter(leader__isnull=False).select_related("leader"):
        if active.filter(partnership=partnership, user_id=partnership.leader_id).exists():
            continue
        matches = list(
            active.annotate(email_lower=Lower("email")).filter(
                partnership=partnership,
                user__isnull=True,
                email_lower=partnership.leader.email.lower(),
            )[:2]
        )
        if len(matches) == 1:
            active.filter(pk=matches[0].pk).update(user_id=partnership.leader_id)


class Migration(migrations.Migration):
    dependencies = [
        ("partnerships", "0003_reminders_moved_to_portal"),
    ]

    operations = [
        migrations.RunPython(link_leaders, migrations.RunPython.noop),
    ]
