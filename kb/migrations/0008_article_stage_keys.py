"""kb's stage keys become the journey's own: "membership" was journeys' "associate"."""

from django.db import migrations, models


def to_journey_keys(apps, schema_editor) -> None:
    ArticleStage = apps.get_model("kb", "ArticleStage")
    for row in ArticleStage.objects.filter(stage="membership"):
        if ArticleStage.objects.filter(article_id=row.article_id, stage="associate").exists():
            row.delete()
        else:
            row.stage = "associate"
            row.save(update_fields=["stage"])


def to_kb_keys(apps, schema_editor) -> None:
    ArticleStage = apps.get_model("kb", "ArticleStage")
    ArticleStage.objects.filter(stage="associate").update(stage="membership")
    ArticleStage.objects.filter(stage="exited").delete()


class Migration(migrations.Migration):

    dependencies = [
        ("kb", "0007_search_functions"),
    ]

    operations = [
        migrations.AlterField(
            model_name="articlestage",
            name="stage",
            field=models.CharField(
                choices=[
                    ("info_meeting", "Information meeting"), ("diagnosis", "Diagnosis"),
                    ("cape", "CAPE contract"), ("salaried", "Salaried entrepreneur (CESA)"),
                    ("associate", "Associate (membership)"),
                    ("exited", "Leaving the cooperative"),
                ],
                max_length=30, verbose_name="journey stage",
            ),
        ),
        migrations.RunPython(to_journey_keys, to_kb_keys),
    ]
