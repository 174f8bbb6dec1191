# The reminder engine's models now belong to ``portal`` (its 0001 takes them over in the
# state); the tables stay where they are.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('partnerships', '0002_reminders'),
        ('portal', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name='ReminderOptOut'),
                migrations.DeleteModel(name='ReminderSent'),
            ],
        ),
    ]
