"""Revisions record the audience they were written for.

Rows older than this migration never recorded it, and nothing else did either (the timeline
does not log audience changes). They take their article's current audience: that is what its
owner last chose, and it keeps every article's history readable by the people who may read
the article today. Marking them all staff-only would hide the whole history of every members'
and public article; the only history this guess shows too widely is that of an article
widened from staff to members before today, which its readers could read already.
"""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def audience_from_article(apps, schema_editor) -> None:
    Article = apps.get_model("kb", "Article")
    ArticleRevision = apps.get_model("kb", "ArticleRevision")
    current = Article.objects.filter(pk=OuterRef("article_id")).values("audience")[:1]
    ArticleRevision.objects.update(audience=Subquery(current))


class Migration(migrations.Migration):

    dependencies = [
        ("kb", "0011_article_author_shown_as"),
    ]

    operations = [
        migrations.AddField(
            model_name="articlerevision",
            name="audience",
            field=models.CharField(
                choices=[
                    ("public", "Everyone, even without an account"),
                    ("members", "Members of the cooperative"),
                    ("staff", "Cooperative staff only"),
                ],
                default="staff",
                max_length=10,
                verbose_name="who could read it",
            ),
            preserve_default=False,
        ),
        migrations.RunPython(audience_from_article, migrations.RunPython.noop, elidable=True),
    ]
