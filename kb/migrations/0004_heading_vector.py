"""A second, small vector (title and summary) with its own GIN index on PostgreSQL:
suggestions while a member types look only there, and a weight-restricted query on the full
vector had to recheck every row whose body held any of the words."""

import django.contrib.postgres.search
from django.db import migrations

HEADINGS = (
    "setweight(to_tsvector('kb_french', coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('kb_french', coalesce(summary, '')), 'B')"
)


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"UPDATE kb_searchdocument SET heading_vector = {HEADINGS}")
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS kb_heading_vector_gin ON kb_searchdocument "
            "USING GIN (heading_vector)"
        )


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS kb_heading_vector_gin")


class Migration(migrations.Migration):
    dependencies = [("kb", "0003_translation_partial_index")]

    operations = [
        migrations.AddField(
            model_name="searchdocument",
            name="heading_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(forward, backward),
    ]
