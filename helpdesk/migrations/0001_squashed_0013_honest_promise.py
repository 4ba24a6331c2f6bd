"""The help desk's tables as they stand, in place of migrations 0001 to 0013 (and, with
0014_squashed_0026, of all 26): a new database builds in one step, and a database that had
applied the old ones counts these as applied (`replaces`). The split at 0014 is the
one the old history had: saved replies link kb's articles, and kb's tables link teams and
categories, so kb's migration runs between the two.

Data fixes that only rewrote existing rows (opening hours parsed from text, clocks from the
first response, packed durations, one by-email category per team) are left out: a new
database has no rows to fix.

PostgreSQL only, as before: trigram GIN indexes (pg_trgm) on exactly the expressions
Django's `icontains` compares (`UPPER(column::text) LIKE UPPER('%word%')`), for the
subject and for the requester's name and e-mail (see TicketQuerySet.search). pg_trgm is a
trusted extension: the database owner may create it. SQLite has nothing of the kind and
scans; its queues are small.
"""

import coopdesk.db
import django.db.models.deletion
import django.utils.timezone
import django_fsm
import helpdesk.models.tickets
from django.conf import settings
from django.db import migrations, models

TRIGRAM_INDEXES = {
    "ticket_subject_trgm": ("helpdesk_ticket", "subject"),
    "user_first_name_trgm": ("accounts_user", "first_name"),
    "user_last_name_trgm": ("accounts_user", "last_name"),
    "user_email_trgm": ("accounts_user", "email"),
}


def create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, (table, column) in TRIGRAM_INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} "
            f"USING GIN ((UPPER({column}::text)) gin_trgm_ops)"
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in TRIGRAM_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ('helpdesk', '0001_initial'),
        ('helpdesk', '0002_collections'),
        ('helpdesk', '0003_queue_recent_index'),
        ('helpdesk', '0004_requester_state_index'),
        ('helpdesk', '0005_search_trigram'),
        ('helpdesk', '0006_collectionevent_data'),
        ('helpdesk', '0007_team_calendar'),
        ('helpdesk', '0008_ticket_clock'),
        ('helpdesk', '0009_queue_list_indexes'),
        ('helpdesk', '0010_satisfaction'),
        ('helpdesk', '0011_answer_by_email'),
        ('helpdesk', '0012_team_health'),
        ('helpdesk', '0013_honest_promise'),
    ]

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='CollectionCase',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('client_name', models.CharField(max_length=200, verbose_name='client')),
                ('invoice_number', models.CharField(max_length=50, verbose_name='invoice number')),
                ('amount', models.DecimalField(decimal_places=2, max_digits=10, verbose_name='amount incl. VAT (EUR)')),
                ('due_date', models.DateField(verbose_name='due date')),
                ('state', django_fsm.FSMField(choices=[('awaiting', 'Awaiting payment'), ('reminder_1', 'First reminder'), ('reminder_2', 'Second reminder'), ('formal_notice', 'Formal notice'), ('litigation', 'Litigation (bailiff, then court)'), ('paid', 'Paid'), ('stopped', 'Stopped')], default='awaiting', max_length=50, protected=True, verbose_name='step')),
                ('overrides', models.JSONField(blank=True, default=dict, verbose_name="the member's choices for this invoice")),
                ('pending_step', models.CharField(blank=True, choices=[('awaiting', 'Awaiting payment'), ('reminder_1', 'First reminder'), ('reminder_2', 'Second reminder'), ('formal_notice', 'Formal notice'), ('litigation', 'Litigation (bailiff, then court)'), ('paid', 'Paid'), ('stopped', 'Stopped')], max_length=20, verbose_name='next step proposed')),
                ('pending_since', models.DateTimeField(blank=True, null=True)),
                ('scheduled_for', models.DateTimeField(blank=True, help_text='Set when the member is told ahead and has not said wait.', null=True, verbose_name='will be taken on')),
                ('version', models.PositiveIntegerField(default=1)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('updated_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('member', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='collection_cases', to=settings.AUTH_USER_MODEL, verbose_name='member')),
            ],
            options={
                'verbose_name': 'collection case',
                'verbose_name_plural': 'collection cases',
                'ordering': ['-updated_at'],
                'indexes': [models.Index(fields=['member', '-updated_at'], name='collection_member')],
            },
            bases=(django_fsm.ConcurrentTransitionMixin, models.Model),
        ),
        migrations.CreateModel(
            name='CollectionEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('note', models.TextField(blank=True)),
                ('data', models.JSONField(blank=True, default=dict)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('kind', models.CharField(choices=[('opened', 'Case opened'), ('proposed', "Step proposed, waiting for the member's OK"), ('scheduled', 'Step announced'), ('taken', 'Step taken'), ('consent', "Member's choice"), ('paid', 'Paid'), ('stopped', 'Stopped')], max_length=20)),
                ('from_state', models.CharField(blank=True, choices=[('awaiting', 'Awaiting payment'), ('reminder_1', 'First reminder'), ('reminder_2', 'Second reminder'), ('formal_notice', 'Formal notice'), ('litigation', 'Litigation (bailiff, then court)'), ('paid', 'Paid'), ('stopped', 'Stopped')], max_length=20)),
                ('to_state', models.CharField(blank=True, choices=[('awaiting', 'Awaiting payment'), ('reminder_1', 'First reminder'), ('reminder_2', 'Second reminder'), ('formal_notice', 'Formal notice'), ('litigation', 'Litigation (bailiff, then court)'), ('paid', 'Paid'), ('stopped', 'Stopped')], max_length=20)),
                ('step', models.CharField(blank=True, choices=[('awaiting', 'Awaiting payment'), ('reminder_1', 'First reminder'), ('reminder_2', 'Second reminder'), ('formal_notice', 'Formal notice'), ('litigation', 'Litigation (bailiff, then court)'), ('paid', 'Paid'), ('stopped', 'Stopped')], max_length=20)),
                ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='events', to='helpdesk.collectioncase')),
            ],
            options={
                'verbose_name': 'collection event',
                'verbose_name_plural': 'collection events',
                'ordering': ['created_at', 'pk'],
                'abstract': False,
            },
        ),
        migrations.CreateModel(
            name='CollectionSettings',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('reminder_1', models.CharField(choices=[('allow', 'OK, go ahead'), ('hold', 'Wait for my OK')], default='allow', max_length=5, verbose_name='First reminder')),
                ('reminder_2', models.CharField(choices=[('allow', 'OK, go ahead'), ('hold', 'Wait for my OK')], default='allow', max_length=5, verbose_name='Second reminder')),
                ('formal_notice', models.CharField(choices=[('allow', 'OK, go ahead'), ('hold', 'Wait for my OK')], default='hold', max_length=5, verbose_name='Formal notice')),
                ('litigation', models.CharField(choices=[('allow', 'OK, go ahead'), ('hold', 'Wait for my OK')], default='hold', max_length=5, verbose_name='Litigation (bailiff, then court)')),
                ('tell_me_before', models.BooleanField(default=True, help_text='The team announces each step two days ahead; you can still say wait.', verbose_name='Tell me before any action')),
                ('member', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='collection_settings', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'collection settings',
                'verbose_name_plural': 'collection settings',
            },
        ),
        migrations.CreateModel(
            name='SatisfactionOptOut',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('member', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='satisfaction_opt_out', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'satisfaction question turned off',
                'verbose_name_plural': 'satisfaction questions turned off',
            },
        ),
        migrations.CreateModel(
            name='Team',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=100, unique=True, verbose_name='name')),
                ('slug', models.SlugField(unique=True, verbose_name='short name')),
                ('description', models.TextField(blank=True, verbose_name='what this team does')),
                ('email', models.EmailField(blank=True, max_length=254, verbose_name='contact e-mail')),
                ('phone', models.CharField(blank=True, max_length=30, verbose_name='contact phone')),
                ('region', models.CharField(choices=[('FR', 'France'), ('FR-57', 'France, Moselle'), ('FR-6AE', 'France, Alsace'), ('BE', 'Belgium')], default='FR', max_length=10, verbose_name='public holidays of')),
                ('time_zone', models.CharField(default='Europe/Paris', max_length=40, verbose_name='time zone')),
                ('first_response_hours', models.PositiveIntegerField(default=24, verbose_name='first-response target (business hours)')),
                ('answer_minutes', models.FloatField(editable=False, null=True, verbose_name='minutes per first answer')),
                ('assignment', models.CharField(choices=[('manual', 'Manual: agents take requests from the queue'), ('round_robin', 'Round robin: each agent who is in, in turn'), ('least_loaded', 'Least loaded: the agent with the fewest open requests')], default='manual', max_length=20, verbose_name='assignment of new requests')),
                ('agent_capacity', models.PositiveSmallIntegerField(blank=True, help_text="Agents who hold this many open requests get no more automatically. Empty: no limit. An agent's own limit, when set, comes first.", null=True, verbose_name='open requests per agent at most')),
                ('agents', models.ManyToManyField(blank=True, limit_choices_to={'role__in': ['agent', 'lead', 'admin']}, related_name='teams', to=settings.AUTH_USER_MODEL, verbose_name='agents')),
                ('last_assigned', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('lead', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='led_teams', to=settings.AUTH_USER_MODEL, verbose_name='team lead')),
            ],
            options={
                'verbose_name': 'team',
                'verbose_name_plural': 'teams',
                'ordering': ['name'],
            },
        ),
        migrations.CreateModel(
            name='OpeningRange',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('weekday', models.PositiveSmallIntegerField(choices=[(0, 'Monday'), (1, 'Tuesday'), (2, 'Wednesday'), (3, 'Thursday'), (4, 'Friday'), (5, 'Saturday'), (6, 'Sunday')], verbose_name='day')),
                ('starts', models.TimeField(verbose_name='from')),
                ('ends', models.TimeField(verbose_name='to')),
                ('team', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='opening_ranges', to='helpdesk.team')),
            ],
            options={
                'verbose_name': 'opening range',
                'verbose_name_plural': 'opening hours',
                'ordering': ['weekday', 'starts'],
            },
        ),
        migrations.AddField(
            model_name='collectioncase',
            name='team',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='collection_cases', to='helpdesk.team', verbose_name='team'),
        ),
        migrations.CreateModel(
            name='Closure',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('first_day', models.DateField(verbose_name='first day closed')),
                ('last_day', models.DateField(verbose_name='last day closed')),
                ('reason', models.CharField(blank=True, max_length=100, verbose_name='reason')),
                ('team', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='closures', to='helpdesk.team')),
            ],
            options={
                'verbose_name': 'closure',
                'verbose_name_plural': 'closures',
                'ordering': ['first_day'],
            },
        ),
        migrations.CreateModel(
            name='Category',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('label', models.CharField(max_length=150, verbose_name='label')),
                ('help_text', models.TextField(blank=True, verbose_name='help text')),
                ('default_priority', models.PositiveSmallIntegerField(choices=[(1, 'Low'), (2, 'Normal'), (3, 'High'), (4, 'Urgent')], default=2, verbose_name='default priority')),
                ('position', models.PositiveIntegerField(default=0, verbose_name='position')),
                ('is_active', models.BooleanField(default=True, verbose_name='active')),
                ('by_email', models.BooleanField(default=False, editable=False, verbose_name='arrived by e-mail')),
                ('team', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='categories', to='helpdesk.team', verbose_name='team')),
            ],
            options={
                'verbose_name': 'category',
                'verbose_name_plural': 'categories',
                'ordering': ['team__name', 'position', 'label'],
                'constraints': [models.UniqueConstraint(condition=models.Q(('by_email', True)), fields=('team',), name='one_by_email_category')],
            },
        ),
        migrations.CreateModel(
            name='TeamDay',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField()),
                ('incoming', models.PositiveIntegerField(default=0)),
                ('answered', models.PositiveIntegerField(default=0)),
                ('answered_in_time', models.PositiveIntegerField(default=0)),
                ('response_minutes', coopdesk.db.FloatListField()),
                ('resolved', models.PositiveIntegerField(default=0)),
                ('resolution_minutes', coopdesk.db.FloatListField()),
                ('reopened', models.PositiveIntegerField(default=0)),
                ('transfers_in', models.PositiveIntegerField(default=0)),
                ('transfers_out', models.PositiveIntegerField(default=0)),
                ('avoided', models.PositiveIntegerField(default=0)),
                ('computed_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('team', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='days', to='helpdesk.team')),
            ],
            options={
                'verbose_name': 'team day',
                'verbose_name_plural': 'team days',
                'ordering': ['team', 'day'],
                'constraints': [models.UniqueConstraint(fields=('team', 'day'), name='team_day_once')],
            },
        ),
        migrations.CreateModel(
            name='Ticket',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('subject', models.CharField(max_length=200, verbose_name='subject')),
                ('body', models.TextField(verbose_name='your message')),
                ('body_html', models.TextField(editable=False)),
                ('priority', models.PositiveSmallIntegerField(choices=[(1, 'Low'), (2, 'Normal'), (3, 'High'), (4, 'Urgent')], default=2, verbose_name='priority')),
                ('state', django_fsm.FSMField(choices=[('new', 'New'), ('open', 'In progress'), ('waiting', 'Waiting for you'), ('resolved', 'Resolved'), ('closed', 'Closed'), ('withdrawn', 'Withdrawn')], default='new', max_length=50, protected=True, verbose_name='status')),
                ('channel', models.CharField(choices=[('web', 'Online'), ('phone', 'By phone'), ('email', 'By e-mail'), ('counter', 'At the counter')], default='web', max_length=10, verbose_name='came in')),
                ('version', models.PositiveIntegerField(default=1)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='opened')),
                ('updated_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='last update')),
                ('first_response_due', models.DateTimeField(verbose_name='first response due')),
                ('first_response_at', models.DateTimeField(blank=True, null=True, verbose_name='first response')),
                ('next_update_due', models.DateTimeField(blank=True, null=True, verbose_name='next update due')),
                ('resolution_due', models.DateTimeField(blank=True, null=True, verbose_name='resolution due')),
                ('paused_at', models.DateTimeField(blank=True, null=True, verbose_name='clock paused since')),
                ('due_at', models.DateTimeField(blank=True, null=True, verbose_name='due')),
                ('risk_at', models.DateTimeField(blank=True, null=True, verbose_name='at risk from')),
                ('escalation', models.PositiveSmallIntegerField(choices=[(0, 'None'), (1, 'Handler alerted: at risk'), (2, 'Team lead alerted: late')], default=0, verbose_name='escalation')),
                ('lead_alerted_at', models.DateTimeField(blank=True, null=True, verbose_name='team lead alerted')),
                ('member_reminded_at', models.DateTimeField(blank=True, null=True, verbose_name='member reminded')),
                ('resolved_at', models.DateTimeField(blank=True, null=True, verbose_name='resolved')),
                ('closed_at', models.DateTimeField(blank=True, null=True, verbose_name='closed')),
                ('assignee', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='assigned_requests', to=settings.AUTH_USER_MODEL, verbose_name='handled by')),
                ('category', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='tickets', to='helpdesk.category', verbose_name='category')),
                ('merged_into', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='merged_duplicates', to='helpdesk.ticket', verbose_name='merged into')),
                ('related_requests', models.ManyToManyField(blank=True, to='helpdesk.ticket', verbose_name='related requests')),
                ('requester', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='requests', to=settings.AUTH_USER_MODEL, verbose_name='member')),
                ('team', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='tickets', to='helpdesk.team', verbose_name='team')),
                ('watchers', models.ManyToManyField(blank=True, related_name='watched_requests', to=settings.AUTH_USER_MODEL, verbose_name='watchers')),
                ('watching_teams', models.ManyToManyField(blank=True, related_name='watched_requests', to='helpdesk.team', verbose_name='watching teams')),
            ],
            options={
                'verbose_name': 'request',
                'verbose_name_plural': 'requests',
                'ordering': ['-updated_at'],
                'indexes': [models.Index(fields=['team', 'state', '-updated_at'], name='ticket_queue'), models.Index(fields=['team', '-updated_at'], name='ticket_team_recent'), models.Index(fields=['requester', 'state', '-updated_at'], name='ticket_requester_state'), models.Index(fields=['assignee', 'state', '-updated_at'], include=('id',), name='ticket_assignee'), models.Index(fields=['state', 'resolved_at'], name='ticket_autoclose'), models.Index(fields=['team', 'due_at'], name='ticket_team_due'), models.Index(fields=['team', 'state', 'assignee', 'due_at', 'risk_at'], name='ticket_team_clock'), models.Index(fields=['team', 'state', 'created_at', 'due_at', 'risk_at'], name='ticket_team_age'), models.Index(condition=models.Q(('risk_at__isnull', False), ('escalation__lt', 2)), fields=['risk_at'], name='ticket_risk'), models.Index(condition=models.Q(('first_response_at__isnull', False)), fields=['team', 'first_response_at'], name='ticket_team_answered')],
            },
            bases=(django_fsm.ConcurrentTransitionMixin, models.Model),
        ),
        migrations.CreateModel(
            name='Satisfaction',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('score', models.PositiveSmallIntegerField(choices=[(1, 'Very poorly'), (2, 'Poorly'), (3, 'Fairly'), (4, 'Well'), (5, 'Very well')], verbose_name='how you were served')),
                ('comment', models.TextField(blank=True, verbose_name='comment')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='answered')),
                ('changed_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='last changed')),
                ('lead_alerted_at', models.DateTimeField(blank=True, null=True, verbose_name='team lead alerted')),
                ('member', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='satisfactions', to=settings.AUTH_USER_MODEL)),
                ('team', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='satisfactions', to='helpdesk.team')),
                ('ticket', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='satisfaction', to='helpdesk.ticket')),
            ],
            options={
                'verbose_name': 'satisfaction answer',
                'verbose_name_plural': 'satisfaction answers',
                'indexes': [models.Index(fields=['team', 'created_at', 'score'], name='satisfaction_results')],
                'constraints': [models.CheckConstraint(condition=models.Q(('score__gte', 1), ('score__lte', 5)), name='satisfaction_score_1_5')],
            },
        ),
        migrations.CreateModel(
            name='Message',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('body', models.TextField(verbose_name='message')),
                ('body_html', models.TextField(editable=False)),
                ('is_internal', models.BooleanField(default=False, verbose_name='internal note')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('author', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='ticket_messages', to=settings.AUTH_USER_MODEL)),
                ('ticket', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='messages', to='helpdesk.ticket')),
            ],
            options={
                'verbose_name': 'message',
                'verbose_name_plural': 'messages',
                'ordering': ['created_at', 'pk'],
                'indexes': [models.Index(fields=['ticket', 'created_at'], name='message_ticket')],
            },
        ),
        migrations.CreateModel(
            name='InboundEmail',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('message_id', models.CharField(max_length=255, unique=True)),
                ('sender', models.EmailField(db_index=True, max_length=254)),
                ('outcome', models.CharField(choices=[('posted', 'posted as a reply'), ('opened', 'opened a request'), ('unknown_answered', 'unknown sender, told how to sign up'), ('unknown_sender', 'unknown sender, not answered'), ('auto_reply', 'automatic reply'), ('bounce', 'delivery failure report'), ('loop', 'one of our own e-mails'), ('duplicate', 'already processed'), ('too_large', 'too large'), ('unreadable', 'unreadable message'), ('rate_limited', 'too many e-mails from this sender'), ('no_address', 'not sent to a reply or team address'), ('bad_token', 'reply address not made by us'), ('sender_mismatch', 'sender is not the person the address was made for'), ('not_permitted', 'the person may not reply to this request'), ('closed', 'the request is closed'), ('empty', 'no text'), ('bad_attachment', 'attachment refused'), ('unverified_sender', 'sender not vouched for by the trusted mail server (SPF/DKIM/DMARC)')], max_length=20)),
                ('detail', models.CharField(blank=True, max_length=500)),
                ('received_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('ticket', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='helpdesk.ticket')),
            ],
            options={
                'verbose_name': 'incoming e-mail',
                'verbose_name_plural': 'incoming e-mails',
                'ordering': ['-received_at', '-pk'],
                'indexes': [models.Index(fields=['sender', 'received_at'], name='inbound_sender')],
            },
        ),
        migrations.CreateModel(
            name='Draft',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.CharField(help_text='Set by the form page, so that saves racing each other (typing, leaving the page) update one draft.', max_length=40)),
                ('kind', models.CharField(choices=[('request', 'New request'), ('reply', 'Reply'), ('note', 'Internal note'), ('reopen', 'Reopening note'), ('withdraw', 'Withdrawal note'), ('transfer', 'Transfer reason'), ('category', 'Category change reason'), ('priority', 'Priority change reason'), ('merge', 'Merge note'), ('article', 'Knowledge-base article'), ('record', 'Request recorded for a member'), ('journey', 'Journey step note'), ('template', 'Saved reply')], default='request', max_length=10)),
                ('subject', models.CharField(blank=True, max_length=200, verbose_name='subject')),
                ('body', models.TextField(blank=True, verbose_name='your message')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('updated_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('category', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to='helpdesk.category')),
                ('owner', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='ticket_drafts', to=settings.AUTH_USER_MODEL)),
                ('ticket', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='helpdesk.ticket')),
            ],
            options={
                'verbose_name': 'draft',
                'verbose_name_plural': 'drafts',
                'ordering': ['-updated_at'],
                'constraints': [models.UniqueConstraint(fields=('owner', 'key'), name='draft_owner_key')],
            },
        ),
        migrations.AddField(
            model_name='collectioncase',
            name='ticket',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='collection_cases', to='helpdesk.ticket', verbose_name='request'),
        ),
        migrations.CreateModel(
            name='Attachment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('token', models.CharField(max_length=32, unique=True)),
                ('file', models.FileField(upload_to=helpdesk.models.tickets.attachment_path)),
                ('name', models.CharField(max_length=200, verbose_name='file name')),
                ('size', models.PositiveIntegerField(verbose_name='size')),
                ('content_type', models.CharField(max_length=100)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('uploaded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('message', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='attachments', to='helpdesk.message')),
                ('ticket', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='attachments', to='helpdesk.ticket')),
            ],
            options={
                'verbose_name': 'attachment',
                'verbose_name_plural': 'attachments',
                'ordering': ['created_at', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='TicketEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('note', models.TextField(blank=True)),
                ('data', models.JSONField(blank=True, default=dict)),
                ('kind', models.CharField(choices=[('created', 'Request sent'), ('acknowledged', 'Request acknowledged'), ('assigned', 'Handler assigned'), ('replied', 'Reply'), ('note', 'Internal note'), ('waiting', 'Waiting for the member'), ('answered', 'Member answered'), ('transferred', 'Transferred to another team'), ('resolved', 'Resolved'), ('reopened', 'Reopened'), ('closed', 'Closed'), ('withdrawn', 'Withdrawn'), ('priority', 'Priority changed'), ('rescheduled', 'Promised date moved'), ('category', 'Category changed'), ('merged', 'Merged into another request'), ('merged_in', 'A duplicate was merged into this request'), ('linked', 'Linked to another request'), ('watcher', 'Someone follows the request, or no longer does'), ('at_risk', 'At risk: the handler was alerted'), ('late', 'Late: the team lead was alerted'), ('reminded', "The member was reminded of the team's question"), ('rated', 'The member said how they were served'), ('low_score', 'Low score: the team lead was alerted')], max_length=20)),
                ('from_state', models.CharField(blank=True, choices=[('new', 'New'), ('open', 'In progress'), ('waiting', 'Waiting for you'), ('resolved', 'Resolved'), ('closed', 'Closed'), ('withdrawn', 'Withdrawn')], max_length=20)),
                ('to_state', models.CharField(blank=True, choices=[('new', 'New'), ('open', 'In progress'), ('waiting', 'Waiting for you'), ('resolved', 'Resolved'), ('closed', 'Closed'), ('withdrawn', 'Withdrawn')], max_length=20)),
                ('is_internal', models.BooleanField(default=False)),
                ('created_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('message', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='helpdesk.message')),
                ('ticket', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='events', to='helpdesk.ticket')),
            ],
            options={
                'verbose_name': 'timeline event',
                'verbose_name_plural': 'timeline events',
                'ordering': ['created_at', 'pk'],
                'abstract': False,
            },
        ),
        migrations.CreateModel(
            name='ServiceTarget',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('priority', models.PositiveSmallIntegerField(choices=[(1, 'Low'), (2, 'Normal'), (3, 'High'), (4, 'Urgent')], verbose_name='priority')),
                ('first_response_hours', models.DecimalField(decimal_places=2, max_digits=6, verbose_name='first response within (business hours)')),
                ('next_update_hours', models.DecimalField(decimal_places=2, max_digits=6, verbose_name='next update after the member writes (business hours)')),
                ('resolution_hours', models.DecimalField(decimal_places=2, max_digits=6, verbose_name='resolution within (business hours)')),
                ('team', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='targets', to='helpdesk.team')),
            ],
            options={
                'verbose_name': 'target',
                'verbose_name_plural': 'targets',
                'ordering': ['team', '-priority'],
                'constraints': [models.UniqueConstraint(fields=('team', 'priority'), name='one_target_per_priority')],
            },
        ),
        migrations.CreateModel(
            name='SavedReply',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.CharField(max_length=150, verbose_name='title')),
                ('body', models.TextField(verbose_name='text')),
                ('usage_count', models.PositiveIntegerField(default=0, verbose_name='times used')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('updated_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('owner', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='saved_replies', to=settings.AUTH_USER_MODEL, verbose_name='personal reply of')),
                ('team', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='saved_replies', to='helpdesk.team', verbose_name='team')),
            ],
            options={
                'verbose_name': 'saved reply',
                'verbose_name_plural': 'saved replies',
                'ordering': ['title', 'pk'],
                'indexes': [models.Index(fields=['team', 'title'], name='saved_reply_team'), models.Index(fields=['owner', 'title'], name='saved_reply_owner')],
                'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('owner__isnull', False), ('team__isnull', True)), models.Q(('owner__isnull', True), ('team__isnull', False)), _connector='OR'), name='saved_reply_team_or_owner')],
            },
        ),
        migrations.AddIndex(
            model_name='collectioncase',
            index=models.Index(fields=['team', 'state'], name='collection_team'),
        ),
        migrations.RunPython(create_trigram_indexes, drop_trigram_indexes),
    ]
