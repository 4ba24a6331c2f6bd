"""The ground floor's tables as they stand, in place of migrations 0001 to 0007: a new
database builds in one step, and a database that had applied the old ones counts this one as
applied (`replaces`). The old 0003 ended the leases of e-mails an older worker had left
"sending"; a new database has none, so it is left out.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ('coopdesk', '0001_initial'),
        ('coopdesk', '0002_notice_kinds_beyond_requests'),
        ('coopdesk', '0003_outbox_lease_periodic_job'),
        ('coopdesk', '0004_erasure_request'),
        ('coopdesk', '0005_escalation_notice_kinds'),
        ('coopdesk', '0006_satisfaction_notices'),
        ('coopdesk', '0007_honest_promise'),
    ]

    dependencies = [
        ('helpdesk', '0001_squashed_0013_honest_promise'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        migrations.swappable_dependency(settings.NOTIFICATIONS_NOTIFICATION_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='PeriodicJob',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=100, unique=True)),
                ('next_run_at', models.DateTimeField()),
                ('last_run_at', models.DateTimeField(blank=True, null=True)),
                ('last_run_by', models.CharField(blank=True, max_length=100)),
            ],
            options={
                'verbose_name': 'periodic job',
                'verbose_name_plural': 'periodic jobs',
                'ordering': ['name'],
            },
        ),
        migrations.CreateModel(
            name='ErasureRequest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('requested_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='asked on')),
                ('erased_at', models.DateTimeField(blank=True, null=True, verbose_name='erased on')),
                ('erased_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='confirmed by')),
                ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='erasure_request', to=settings.AUTH_USER_MODEL, verbose_name='person')),
            ],
            options={
                'verbose_name': 'erasure request',
                'verbose_name_plural': 'erasure requests',
                'ordering': ['erased_at', 'requested_at'],
            },
        ),
        migrations.CreateModel(
            name='NotificationPreference',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('created', 'A new request arrives'), ('acknowledged', 'The team acknowledges a request'), ('assigned', 'Someone takes a request, or its priority changes'), ('replied', 'A new message is written'), ('waiting', 'The team is waiting for an answer'), ('transferred', 'A request moves to another team'), ('resolved', 'A request is resolved'), ('reopened', 'A request is reopened'), ('closed', 'A request is closed or withdrawn'), ('note', 'A colleague writes an internal note'), ('at_risk', 'A request nears its promised time (75 % of it used)'), ('late', 'A request is late: its handler and the team lead are alerted'), ('reminded', 'A reminder: the team still waits for your answer'), ('rated', 'A member says how they were served, with their comment'), ('low_score', 'A member was poorly served (1 or 2 out of 5): the team lead is alerted'), ('journey', 'A path moves on: a stage, a meeting, a contract, a mentor'), ('reminder', 'A reminder before a date: a task due, a CAPE contract ending, a meeting tomorrow'), ('collection', "An unpaid invoice's follow-up: a step proposed, announced or taken, payment"), ('kb', "Tutorials: a review asked or done, a publication, readers' feedback")], max_length=20)),
                ('delivery', models.CharField(choices=[('app', 'In the app only'), ('email', 'In the app and by e-mail at once'), ('digest', 'In the app and in a daily e-mail summary')], max_length=10)),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notification_preferences', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'notification preference',
                'verbose_name_plural': 'notification preferences',
                'constraints': [models.UniqueConstraint(fields=('user', 'kind'), name='notification_preference_once')],
            },
        ),
        migrations.CreateModel(
            name='OutboxEmail',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('event', 'One event'), ('digest', 'Daily summary')], default='event', max_length=10)),
                ('digest_date', models.DateField(blank=True, null=True)),
                ('notification_ids', models.JSONField(blank=True, default=list)),
                ('status', models.CharField(choices=[('pending', 'Waiting to be sent'), ('sending', 'Being sent'), ('sent', 'Sent'), ('failed', 'Given up')], default='pending', max_length=10)),
                ('attempts', models.PositiveSmallIntegerField(default=0)),
                ('next_attempt_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('claimed_at', models.DateTimeField(blank=True, null=True)),
                ('claimed_by', models.CharField(blank=True, max_length=100)),
                ('lease_until', models.DateTimeField(blank=True, null=True)),
                ('sent_at', models.DateTimeField(blank=True, null=True)),
                ('last_error', models.TextField(blank=True)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('notification', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.NOTIFICATIONS_NOTIFICATION_MODEL)),
                ('recipient', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='outbox_emails', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'outgoing e-mail',
                'verbose_name_plural': 'outgoing e-mails',
                'ordering': ['-created_at', '-pk'],
                'indexes': [models.Index(fields=['status', 'next_attempt_at'], name='outbox_due')],
                'constraints': [models.UniqueConstraint(condition=models.Q(('notification__isnull', False)), fields=('notification',), name='outbox_one_per_notification'), models.UniqueConstraint(condition=models.Q(('digest_date__isnull', False)), fields=('recipient', 'digest_date'), name='outbox_one_digest_per_day')],
            },
        ),
        migrations.CreateModel(
            name='TicketSubscription',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('mode', models.CharField(choices=[('follow', 'Follow'), ('mute', 'Mute')], max_length=10)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('ticket', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='subscriptions', to='helpdesk.ticket')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='ticket_subscriptions', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'request subscription',
                'verbose_name_plural': 'request subscriptions',
                'constraints': [models.UniqueConstraint(fields=('user', 'ticket'), name='ticket_subscription_once')],
            },
        ),
    ]
