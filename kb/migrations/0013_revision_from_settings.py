from django.db import migrations, models

# The note the settings screens used to store, in the editor's language.
STORED_NOTES = ["Changed in the settings screens", "Modifiée dans les écrans de configuration"]


def mark_settings_revisions(apps, schema_editor):
    revisions = apps.get_model("kb", "ArticleRevision").objects
    revisions.filter(note__in=STORED_NOTES).update(note="", from_settings=True)


def unmark_settings_revisions(apps, schema_editor):
    revisions = apps.get_model("kb", "ArticleRevision").objects
    revisions.filter(from_settings=True, note="").update(note=STORED_NOTES[1])


class Migration(migrations.Migration):
    dependencies = [
        ("kb", "0001_squashed_0012_revision_audience"),
    ]

    operations = [
        migrations.AddField(
            model_name="articlerevision",
            name="from_settings",
            field=models.BooleanField(
                default=False, verbose_name="changed in the settings screens"
            ),
        ),
        migrations.RunPython(mark_settings_revisions, unmark_settings_revisions),
    ]
