"""Suggestions read titles and summaries from a narrow table of their own (SearchHeading),
not from kb_searchdocument, whose rows also carry the whole text's vector. PostgreSQL only
fills it, from the documents, and moves the GIN index (same name) there; SQLite's FTS5
table already holds the headings as columns."""

import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models

HEADINGS = (
    "setweight(to_tsvector('kb_french', coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('kb_french', coalesce(summary, '')), 'B')"
)


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "INSERT INTO kb_searchheading (document_id, kind, audience, heading_vector) "
            f"SELECT id, kind, audience, {HEADINGS} FROM kb_searchdocument"
        )
        schema_editor.execute("DROP INDEX IF EXISTS kb_heading_vector_gin")
        schema_editor.execute(
            "CREATE INDEX kb_heading_vector_gin ON kb_searchheading USING GIN (heading_vector)"
        )


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS kb_heading_vector_gin")
        schema_editor.execute(
            "UPDATE kb_searchdocument d SET heading_vector = h.heading_vector "
            "FROM kb_searchheading h WHERE h.document_id = d.id"
        )
        schema_editor.execute(
            "CREATE INDEX kb_heading_vector_gin ON kb_searchdocument USING GIN (heading_vector)"
        )


class Migration(migrations.Migration):
    dependencies = [("kb", "0004_heading_vector")]

    operations = [
        migrations.CreateModel(
            name="SearchHeading",
            fields=[
                ("document", models.OneToOneField(
                    on_delete=django.db.models.deletion.CASCADE, primary_key=True,
                    related_name="+", serialize=False, to="kb.searchdocument")),
                ("kind", models.CharField(
                    choices=[("article", "Article"), ("guide", "Guided path"),
                             ("term", "Glossary")], max_length=10)),
                ("audience", models.CharField(
                    choices=[("public", "Everyone, even without an account"),
                             ("members", "Members of the cooperative"),
                             ("staff", "Cooperative staff only")], max_length=10)),
                ("heading_vector", django.contrib.postgres.search.SearchVectorField()),
            ],
        ),
        # Backward, the field comes back before its values: RemoveField reversed runs first.
        migrations.RunPython(forward, backward),
        migrations.RemoveField(model_name="searchdocument", name="heading_vector"),
    ]
