"""In place of migrations 0014 to 0026, with 0001_squashed_0013 (which holds every other
table and field as they stand): saved replies' links to kb's articles, the one thing that
must wait for kb's tables, which themselves link the help desk's teams and categories.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    replaces = [
        ('helpdesk', '0014_saved_replies'),
        ('helpdesk', '0015_request_channel'),
        ('helpdesk', '0016_category_change'),
        ('helpdesk', '0017_merge_and_links'),
        ('helpdesk', '0018_reply_drafts'),
        ('helpdesk', '0019_event_kinds_of_this_round'),
        ('helpdesk', '0020_drafts_everywhere'),
        ('helpdesk', '0021_team_day_packed_durations'),
        ('helpdesk', '0022_assignment_absences'),
        ('helpdesk', '0023_watchers'),
        ('helpdesk', '0024_watching_teams'),
        ('helpdesk', '0025_inbound_hardening'),
        ('helpdesk', '0026_draft_kinds_record_journey'),
    ]

    dependencies = [
        ('helpdesk', '0001_squashed_0013_honest_promise'),
        ('kb', '0001_squashed_0012_revision_audience'),
    ]

    operations = [
        migrations.AddField(
            model_name='savedreply',
            name='articles',
            field=models.ManyToManyField(blank=True, related_name='+', to='kb.article', verbose_name='linked articles'),
        ),
    ]
