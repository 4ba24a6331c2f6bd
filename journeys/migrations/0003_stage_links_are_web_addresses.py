"""A stage's links to articles become the knowledge base's own stage tags (kb.ArticleStage):
one way to say "this article helps at this stage". Links to other sites stay."""

from django.db import migrations, models


def links_to_article_stages(apps, schema_editor) -> None:
    StageLink = apps.get_model("journeys", "StageLink")
    Article = apps.get_model("kb", "Article")
    ArticleStage = apps.get_model("kb", "ArticleStage")
    for link in StageLink.objects.exclude(article_slug="").select_related("stage"):
        article = Article.objects.filter(slug=link.article_slug).first()
        if article is not None:
            ArticleStage.objects.get_or_create(article=article, stage=link.stage.kind)
        if not link.url:
            link.delete()


class Migration(migrations.Migration):

    dependencies = [
        ("journeys", "0002_task_journey_covers_due_tasks"),
        ("kb", "0008_article_stage_keys"),
    ]

    operations = [
        migrations.RunPython(links_to_article_stages, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name="stagelink",
            name="article_slug",
        ),
        migrations.AlterField(
            model_name="stagelink",
            name="url",
            field=models.URLField(verbose_name="web address"),
        ),
    ]
