"""Journeys' tables as they stand, in place of migrations 0001 to 0005: a new database
builds in one step, and a database that had applied the old ones counts this one as applied
(`replaces`). The old 0003 moved stage links to articles into kb's stage tags; a new
database has no links to move, so it is left out with its dependency on kb.
"""

import django.db.models.deletion
import django.utils.timezone
import django_fsm
import journeys.models.journey
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ('journeys', '0001_initial'),
        ('journeys', '0002_task_journey_covers_due_tasks'),
        ('journeys', '0003_stage_links_are_web_addresses'),
        ('journeys', '0004_stage_figures'),
        ('journeys', '0005_latest_state_index'),
    ]

    dependencies = [
        ('accounts', '0001_squashed_0003_assignment_absences'),
        ('helpdesk', '0001_squashed_0013_honest_promise'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='StageFigures',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('stage', models.CharField(max_length=20, unique=True)),
                ('reached', models.PositiveIntegerField(default=0)),
                ('median_days', models.FloatField(null=True)),
                ('stays', models.PositiveIntegerField(default=0)),
                ('computed_at', models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                'verbose_name': 'stage figures',
                'verbose_name_plural': 'stage figures',
            },
        ),
        migrations.CreateModel(
            name='InfoMeeting',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.CharField(default="Réunion d'information collective", max_length=150, verbose_name='title')),
                ('starts_at', models.DateTimeField(verbose_name='date and time')),
                ('duration_minutes', models.PositiveSmallIntegerField(default=120, verbose_name='duration (minutes)')),
                ('place', models.CharField(blank=True, max_length=200, verbose_name='place')),
                ('video_url', models.URLField(blank=True, verbose_name='video link')),
                ('capacity', models.PositiveSmallIntegerField(default=15, verbose_name='places')),
                ('description', models.TextField(blank=True, verbose_name='what to expect')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('host', models.ForeignKey(blank=True, limit_choices_to={'role__in': ['advisor', 'lead', 'admin']}, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='hosted_meetings', to=settings.AUTH_USER_MODEL, verbose_name='host')),
                ('office', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='accounts.office', verbose_name='office')),
            ],
            options={
                'verbose_name': 'information meeting',
                'verbose_name_plural': 'information meetings',
                'ordering': ['starts_at'],
                'indexes': [models.Index(fields=['starts_at'], name='meeting_starts')],
            },
        ),
        migrations.CreateModel(
            name='Journey',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('cycle', models.PositiveSmallIntegerField(default=1, verbose_name='cycle')),
                ('is_latest', models.BooleanField(default=True, editable=False)),
                ('state', django_fsm.FSMField(choices=[('info_meeting', 'Information meeting'), ('diagnosis', 'Diagnosis'), ('cape', 'CAPE contract'), ('salaried', 'Salaried entrepreneur (CESA)'), ('associate', 'Associate (membership)'), ('exited', 'Leaving the cooperative')], default='info_meeting', max_length=50, protected=True, verbose_name='stage')),
                ('version', models.PositiveIntegerField(default=1)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='started')),
                ('updated_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='last update')),
                ('info_meeting_at', models.DateTimeField(blank=True, null=True)),
                ('diagnosis_at', models.DateTimeField(blank=True, null=True)),
                ('cape_at', models.DateTimeField(blank=True, null=True)),
                ('salaried_at', models.DateTimeField(blank=True, null=True)),
                ('associate_at', models.DateTimeField(blank=True, null=True)),
                ('exited_at', models.DateTimeField(blank=True, null=True)),
                ('diagnosis_held_at', models.DateTimeField(blank=True, null=True, verbose_name='diagnosis held')),
                ('cape_start', models.DateField(blank=True, null=True, verbose_name='CAPE start')),
                ('cape_end', models.DateField(blank=True, null=True, verbose_name='CAPE end')),
                ('cape_renewals', models.PositiveSmallIntegerField(default=0, verbose_name='CAPE renewals')),
                ('salaried_start', models.DateField(blank=True, null=True, verbose_name='salaried contract start')),
                ('associate_since', models.DateField(blank=True, null=True, verbose_name='associate since')),
                ('exit_reason', models.CharField(blank=True, choices=[('own_company', 'Created their own company'), ('employed', 'Found a job'), ('not_viable', 'The activity was not viable'), ('not_a_fit', 'The cooperative did not fit the project'), ('personal', 'Personal reasons'), ('moved', 'Moved away'), ('other', 'Other')], max_length=20, verbose_name='reason for leaving')),
                ('exit_note', models.TextField(blank=True, verbose_name='note on leaving')),
                ('adaptation_requested_at', models.DateTimeField(blank=True, null=True)),
                ('adaptation_note', models.TextField(blank=True)),
                ('member', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='journeys', to=settings.AUTH_USER_MODEL, verbose_name='member')),
                ('previous', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='next_cycle', to='journeys.journey')),
            ],
            options={
                'verbose_name': 'journey',
                'verbose_name_plural': 'journeys',
                'ordering': ['-updated_at'],
                'indexes': [models.Index(fields=['is_latest', 'state'], name='journey_stage'), models.Index(fields=['state', 'cape_end'], name='journey_cape_end'), models.Index(condition=models.Q(('is_latest', True)), fields=['state'], name='journey_latest_state')],
                'constraints': [models.UniqueConstraint(fields=('member', 'cycle'), name='journey_member_cycle'), models.UniqueConstraint(condition=models.Q(('is_latest', True)), fields=('member',), name='journey_one_latest')],
            },
            bases=(django_fsm.ConcurrentTransitionMixin, models.Model),
        ),
        migrations.CreateModel(
            name='DiagnosisSlot',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('starts_at', models.DateTimeField(verbose_name='date and time')),
                ('duration_minutes', models.PositiveSmallIntegerField(default=60, verbose_name='duration (minutes)')),
                ('place', models.CharField(max_length=200, verbose_name='place or video link')),
                ('status', django_fsm.FSMField(choices=[('free', 'Free'), ('booked', 'Booked'), ('held', 'Held')], default='free', max_length=50, protected=True)),
                ('booked_at', models.DateTimeField(blank=True, null=True)),
                ('held_at', models.DateTimeField(blank=True, null=True)),
                ('summary', models.TextField(blank=True, verbose_name='action plan agreed')),
                ('advisor', models.ForeignKey(limit_choices_to={'role': 'advisor'}, on_delete=django.db.models.deletion.CASCADE, related_name='diagnosis_slots', to=settings.AUTH_USER_MODEL, verbose_name='advisor')),
                ('journey', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='diagnosis_slots', to='journeys.journey')),
            ],
            options={
                'verbose_name': 'diagnosis slot',
                'verbose_name_plural': 'diagnosis slots',
                'ordering': ['starts_at'],
                'indexes': [models.Index(fields=['status', 'starts_at'], name='slot_free')],
                'constraints': [models.UniqueConstraint(fields=('advisor', 'starts_at'), name='slot_advisor_start'), models.UniqueConstraint(condition=models.Q(('status', 'booked')), fields=('journey',), name='slot_one_booking')],
            },
            bases=(django_fsm.ConcurrentTransitionMixin, models.Model),
        ),
        migrations.CreateModel(
            name='JourneyEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('note', models.TextField(blank=True)),
                ('data', models.JSONField(blank=True, default=dict)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('kind', models.CharField(choices=[('started', 'Path started'), ('registered', 'Registered for an information meeting'), ('waitlisted', 'On the waiting list of an information meeting'), ('promoted', 'A place freed up at the information meeting'), ('unregistered', 'Meeting registration cancelled'), ('attended', 'Attended the information meeting'), ('absent', 'Missed the information meeting'), ('advanced', 'Moved on to the next stage'), ('diagnosis_booked', 'Diagnosis appointment booked'), ('diagnosis_cancelled', 'Diagnosis appointment cancelled'), ('diagnosis_held', 'Diagnosis held'), ('cape_signed', 'CAPE contract signed'), ('cape_renewed', 'CAPE contract renewed'), ('salaried', 'Salaried contract (CESA) signed'), ('membership', 'Became an associate'), ('exited', 'Left the cooperative'), ('reentered', 'Came back: new cycle'), ('path_switched', 'Path adapted'), ('adaptation_asked', 'Asked for the path to be adapted'), ('mentor_assigned', 'Mentor assigned'), ('task_done', 'Task done'), ('task_reopened', 'Task reopened')], max_length=30)),
                ('from_state', models.CharField(blank=True, choices=[('info_meeting', 'Information meeting'), ('diagnosis', 'Diagnosis'), ('cape', 'CAPE contract'), ('salaried', 'Salaried entrepreneur (CESA)'), ('associate', 'Associate (membership)'), ('exited', 'Leaving the cooperative')], max_length=20)),
                ('to_state', models.CharField(blank=True, choices=[('info_meeting', 'Information meeting'), ('diagnosis', 'Diagnosis'), ('cape', 'CAPE contract'), ('salaried', 'Salaried entrepreneur (CESA)'), ('associate', 'Associate (membership)'), ('exited', 'Leaving the cooperative')], max_length=20)),
                ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('journey', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='events', to='journeys.journey')),
            ],
            options={
                'verbose_name': 'timeline event',
                'verbose_name_plural': 'timeline events',
                'ordering': ['created_at', 'pk'],
                'abstract': False,
                'indexes': [models.Index(fields=['journey', '-created_at'], name='journey_event_recent')],
            },
        ),
        migrations.CreateModel(
            name='JourneyTask',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('stage', models.CharField(choices=[('info_meeting', 'Information meeting'), ('diagnosis', 'Diagnosis'), ('cape', 'CAPE contract'), ('salaried', 'Salaried entrepreneur (CESA)'), ('associate', 'Associate (membership)'), ('exited', 'Leaving the cooperative')], max_length=20, verbose_name='stage')),
                ('key', models.SlugField(blank=True, db_index=False, max_length=60)),
                ('title', models.CharField(max_length=200, verbose_name='task')),
                ('description', models.TextField(blank=True, verbose_name='details')),
                ('assignee', models.CharField(choices=[('member', 'The member'), ('advisor', 'The advisor'), ('team', 'A team')], max_length=10, verbose_name='who does it')),
                ('due_date', models.DateField(verbose_name='due')),
                ('article_slug', models.SlugField(blank=True, db_index=False, max_length=200)),
                ('url', models.URLField(blank=True)),
                ('required_document', models.CharField(blank=True, max_length=150, verbose_name='document to provide')),
                ('document', models.FileField(blank=True, upload_to=journeys.models.journey.task_document_path)),
                ('document_token', models.CharField(blank=True, max_length=32)),
                ('document_name', models.CharField(blank=True, max_length=200)),
                ('is_followup', models.BooleanField(default=False)),
                ('state', django_fsm.FSMField(choices=[('open', 'To do'), ('done', 'Done'), ('dropped', 'No longer needed')], default='open', max_length=50, protected=True)),
                ('position', models.PositiveSmallIntegerField(default=0)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('done_at', models.DateTimeField(blank=True, null=True)),
                ('done_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('journey', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='tasks', to='journeys.journey')),
                ('team', models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='helpdesk.team')),
            ],
            options={
                'verbose_name': 'task',
                'verbose_name_plural': 'tasks',
                'ordering': ['due_date', 'position', 'pk'],
                'indexes': [models.Index(fields=['journey', 'state', 'due_date', 'is_followup', 'id'], name='task_journey'), models.Index(fields=['due_date', 'state'], name='task_due'), models.Index(fields=['team', 'state'], name='task_team')],
            },
            bases=(django_fsm.ConcurrentTransitionMixin, models.Model),
        ),
        migrations.CreateModel(
            name='MentorOffer',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('is_active', models.BooleanField(default=True, verbose_name='I am available as a mentor')),
                ('note', models.TextField(blank=True, help_text='A few words newcomers will read: your trade, what you learnt.', verbose_name='What I can help with')),
                ('max_mentees', models.PositiveSmallIntegerField(default=3, verbose_name='How many newcomers at most')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('member', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='mentor_offer', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'mentor offer',
                'verbose_name_plural': 'mentor offers',
            },
        ),
        migrations.CreateModel(
            name='PathTemplate',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=120, verbose_name='name')),
                ('slug', models.SlugField(unique=True, verbose_name='short name')),
                ('description', models.TextField(blank=True, verbose_name='description for members')),
                ('sector', models.CharField(blank=True, choices=[('sap', 'Personal services'), ('arts', 'Arts and culture'), ('crafts', 'Crafts'), ('consulting', 'Consulting and training'), ('building', 'Building trades'), ('digital', 'Digital and communication'), ('trade', 'Trade'), ('other', 'Other')], max_length=20, verbose_name='offered first to the sector')),
                ('is_default', models.BooleanField(default=False, verbose_name='default path')),
                ('is_active', models.BooleanField(default=True, verbose_name='offered')),
            ],
            options={
                'verbose_name': 'path template',
                'verbose_name_plural': 'path templates',
                'ordering': ['name'],
                'constraints': [models.UniqueConstraint(condition=models.Q(('is_default', True)), fields=('is_default',), name='one_default_path')],
            },
        ),
        migrations.AddField(
            model_name='journey',
            name='path',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='journeys', to='journeys.pathtemplate', verbose_name='path'),
        ),
        migrations.CreateModel(
            name='Registration',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('status', django_fsm.FSMField(choices=[('registered', 'Registered'), ('waiting', 'Waiting list'), ('attended', 'Attended'), ('absent', 'Absent'), ('cancelled', 'Cancelled')], default='registered', max_length=50, protected=True)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('updated_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('journey', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='registrations', to='journeys.journey')),
                ('meeting', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='registrations', to='journeys.infomeeting')),
            ],
            options={
                'verbose_name': 'registration',
                'verbose_name_plural': 'registrations',
                'ordering': ['created_at', 'pk'],
                'constraints': [models.UniqueConstraint(condition=models.Q(('status', 'cancelled'), _negated=True), fields=('meeting', 'journey'), name='registration_once_per_meeting')],
            },
            bases=(django_fsm.ConcurrentTransitionMixin, models.Model),
        ),
        migrations.CreateModel(
            name='Reminder',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.CharField(max_length=120)),
                ('kind', models.CharField(choices=[('task_due', 'A task is due soon'), ('cape_ending', 'The CAPE contract ends soon'), ('meeting_tomorrow', 'Information meeting tomorrow')], max_length=20)),
                ('message', models.CharField(max_length=300)),
                ('sent_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('journey', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='journeys.journey')),
                ('meeting', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='journeys.infomeeting')),
                ('recipient', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('task', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='journeys.journeytask')),
            ],
            options={
                'verbose_name': 'reminder',
                'verbose_name_plural': 'reminders',
                'ordering': ['-sent_at'],
                'constraints': [models.UniqueConstraint(fields=('key', 'recipient'), name='reminder_once')],
            },
        ),
        migrations.CreateModel(
            name='StageTemplate',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('info_meeting', 'Information meeting'), ('diagnosis', 'Diagnosis'), ('cape', 'CAPE contract'), ('salaried', 'Salaried entrepreneur (CESA)'), ('associate', 'Associate (membership)'), ('exited', 'Leaving the cooperative')], max_length=20, verbose_name='stage')),
                ('rank', models.PositiveSmallIntegerField(default=0, editable=False)),
                ('title', models.CharField(max_length=150, verbose_name='title in plain words')),
                ('description', models.TextField(blank=True, verbose_name='what happens, for the member')),
                ('path', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='stages', to='journeys.pathtemplate', verbose_name='path')),
            ],
            options={
                'verbose_name': 'stage',
                'verbose_name_plural': 'stages',
                'ordering': ['path', 'rank'],
                'constraints': [models.UniqueConstraint(fields=('path', 'kind'), name='one_stage_per_kind')],
            },
        ),
        migrations.CreateModel(
            name='StageLink',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.CharField(max_length=150, verbose_name='title')),
                ('url', models.URLField(verbose_name='web address')),
                ('position', models.PositiveSmallIntegerField(default=0, verbose_name='position')),
                ('stage', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='links', to='journeys.stagetemplate')),
            ],
            options={
                'verbose_name': 'useful link',
                'verbose_name_plural': 'useful links',
                'ordering': ['position', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='TaskTemplate',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('article_slug', models.SlugField(blank=True, db_index=False, help_text='The short name of an article of the help pages.', max_length=200, verbose_name='knowledge-base article')),
                ('url', models.URLField(blank=True, verbose_name='or a web address')),
                ('key', models.SlugField(blank=True, db_index=False, help_text='Same key in two paths = same task: switching path keeps it if done.', max_length=60, verbose_name='key')),
                ('title', models.CharField(max_length=200, verbose_name='title in plain words')),
                ('description', models.TextField(blank=True, verbose_name='details')),
                ('assignee', models.CharField(choices=[('member', 'The member'), ('advisor', 'The advisor'), ('team', 'A team')], default='member', max_length=10, verbose_name='who does it')),
                ('due_offset_days', models.PositiveSmallIntegerField(default=7, help_text="Counted from the start of the stage (the CAPE's start date for the CAPE).", verbose_name='due after (days)')),
                ('required_document', models.CharField(blank=True, help_text='If set, the task is done when this document is sent.', max_length=150, verbose_name='document to provide')),
                ('position', models.PositiveSmallIntegerField(default=0, verbose_name='position')),
                ('is_active', models.BooleanField(default=True, verbose_name='active')),
                ('stage', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='tasks', to='journeys.stagetemplate', verbose_name='stage')),
                ('team', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='helpdesk.team', verbose_name='team')),
            ],
            options={
                'verbose_name': 'task template',
                'verbose_name_plural': 'task templates',
                'ordering': ['stage', 'position', 'pk'],
            },
        ),
        migrations.AddField(
            model_name='journeytask',
            name='template',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='journeys.tasktemplate'),
        ),
    ]
