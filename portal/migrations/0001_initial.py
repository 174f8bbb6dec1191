# The reminder engine's tables move from ``partnerships`` to ``portal`` in the model state
# only: the tables keep their names (``db_table``) and their rows, nothing is copied.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('partnerships', '0002_reminders'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='ReminderOptOut',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(max_length=64, verbose_name='kind')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='switched off')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reminder_opt_outs', to=settings.AUTH_USER_MODEL, verbose_name='user')),
                    ],
                    options={
                        'db_table': 'partnerships_reminderoptout',
                        'verbose_name': 'reminder switched off',
                        'verbose_name_plural': 'reminders switched off',
                        'constraints': [models.UniqueConstraint(fields=('user', 'kind'), name='reminder_opt_out_once')],
                    },
                ),
                migrations.CreateModel(
                    name='ReminderSent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('key', models.CharField(max_length=255, unique=True, verbose_name='key')),
                        ('kind', models.CharField(max_length=64, verbose_name='kind')),
                        ('email', models.EmailField(max_length=254, verbose_name='e-mail')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='claimed first')),
                        ('claimed_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='claimed')),
                        ('claim_token', models.CharField(editable=False, max_length=32)),
                        ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='sent')),
                        ('recipient', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='recipient')),
                    ],
                    options={
                        'db_table': 'partnerships_remindersent',
                        'verbose_name': 'reminder sent',
                        'verbose_name_plural': 'reminders sent',
                        'ordering': ['-created_at', '-pk'],
                        'indexes': [models.Index(fields=['kind', 'created_at'], name='partnership_kind_5fd91d_idx'), models.Index(fields=['claim_token'], name='partnership_claim_t_170bc7_idx')],
                    },
                ),
            ],
        ),
    ]
