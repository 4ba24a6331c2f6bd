"""Accounts' tables as they stand, in place of migrations 0001 to 0003: a new database
builds in one step, and a database that had applied the old ones counts this one as applied
(`replaces`). The old 0002 gave the accounts made before allauth a verified address; a new
database has no such accounts, so it is left out with its dependency on allauth.
"""

import coopdesk.accounts.models
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ('accounts', '0001_initial'),
        ('accounts', '0002_login_addresses'),
        ('accounts', '0003_assignment_absences'),
    ]

    dependencies = [
        ('auth', '0012_alter_user_first_name_max_length'),
    ]

    operations = [
        migrations.CreateModel(
            name='Office',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=100, unique=True, verbose_name='name')),
                ('city', models.CharField(blank=True, max_length=100, verbose_name='city')),
            ],
            options={
                'verbose_name': 'office',
                'verbose_name_plural': 'offices',
                'ordering': ['name'],
            },
        ),
        migrations.CreateModel(
            name='User',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('password', models.CharField(max_length=128, verbose_name='password')),
                ('last_login', models.DateTimeField(blank=True, null=True, verbose_name='last login')),
                ('is_superuser', models.BooleanField(default=False, help_text='Designates that this user has all permissions without explicitly assigning them.', verbose_name='superuser status')),
                ('email', models.EmailField(max_length=254, unique=True, verbose_name='e-mail address')),
                ('first_name', models.CharField(max_length=80, verbose_name='first name')),
                ('last_name', models.CharField(blank=True, max_length=80, verbose_name='last name')),
                ('role', models.CharField(choices=[('member', 'Member'), ('advisor', 'Advisor'), ('agent', 'Support agent'), ('lead', 'Team lead'), ('admin', 'Administrator')], default='member', max_length=10, verbose_name='role')),
                ('language', models.CharField(choices=[('fr', 'Français'), ('en', 'English')], default='fr', max_length=5, verbose_name='language')),
                ('phone', models.CharField(blank=True, max_length=30, verbose_name='phone')),
                ('sector', models.CharField(blank=True, choices=[('sap', 'Personal services'), ('arts', 'Arts and culture'), ('crafts', 'Crafts'), ('consulting', 'Consulting and training'), ('building', 'Building trades'), ('digital', 'Digital and communication'), ('trade', 'Trade'), ('other', 'Other')], max_length=20, verbose_name='sector')),
                ('away_from', models.DateField(blank=True, null=True, verbose_name='away from')),
                ('away_until', models.DateField(blank=True, null=True, verbose_name='away until')),
                ('capacity', models.PositiveSmallIntegerField(blank=True, help_text="Automatic assignment gives no more requests beyond this. Empty: the team's limit.", null=True, verbose_name='open requests at most')),
                ('is_active', models.BooleanField(default=True, verbose_name='active')),
                ('is_staff', models.BooleanField(default=False, help_text='Can log in to the configuration screens.', verbose_name='admin site access')),
                ('date_joined', models.DateTimeField(default=django.utils.timezone.now, verbose_name='joined')),
                ('advisor', models.ForeignKey(blank=True, limit_choices_to={'role': 'advisor'}, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='advised_members', to=settings.AUTH_USER_MODEL, verbose_name='advisor')),
                ('backup_advisor', models.ForeignKey(blank=True, help_text="Covers the absence: an advisor's members, or an agent's open requests.", limit_choices_to={'role__in': ['advisor', 'agent', 'lead', 'admin']}, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='covered_advisors', to=settings.AUTH_USER_MODEL, verbose_name='backup colleague')),
                ('groups', models.ManyToManyField(blank=True, help_text='The groups this user belongs to. A user will get all permissions granted to each of their groups.', related_name='user_set', related_query_name='user', to='auth.group', verbose_name='groups')),
                ('mentor', models.ForeignKey(blank=True, limit_choices_to={'role': 'member'}, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='mentees', to=settings.AUTH_USER_MODEL, verbose_name='mentor')),
                ('user_permissions', models.ManyToManyField(blank=True, help_text='Specific permissions for this user.', related_name='user_set', related_query_name='user', to='auth.permission', verbose_name='user permissions')),
                ('office', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='people', to='accounts.office', verbose_name='office')),
            ],
            options={
                'verbose_name': 'person',
                'verbose_name_plural': 'people',
                'ordering': ['first_name', 'last_name'],
                'indexes': [models.Index(fields=['role', 'advisor'], name='accounts_us_role_66e2fa_idx')],
            },
            managers=[
                ('objects', coopdesk.accounts.models.UserManager()),
            ],
        ),
    ]
