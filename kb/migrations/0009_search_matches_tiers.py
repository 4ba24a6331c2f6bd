"""PostgreSQL: kb_search_matches also returns each match's kind and language, so that the
search page lists the reader's language first and articles before glossary entries
without reading the matching rows a second time (kb/search.py, PostgresEngine.search).

The planner setting stays (see migration 0007): for a common word the planner prefers a
sequential scan that made the search page slower than the GIN index does.
"""

from django.db import migrations

DROP = "DROP FUNCTION IF EXISTS kb_search_matches(tsquery, text[], text[])"
BODY = """
LANGUAGE sql STABLE
SET enable_seqscan = off
AS $$
    SELECT d.id, ts_rank(d.search_vector, query){extra} FROM kb_searchdocument d
    WHERE d.search_vector @@ query AND d.audience = ANY (audiences)
      AND (kinds IS NULL OR d.kind = ANY (kinds))
$$
"""
HEAD = "CREATE FUNCTION kb_search_matches(query tsquery, audiences text[], kinds text[])"
WITH_TIERS = (
    HEAD + " RETURNS TABLE (id bigint, rank real, kind text, language text)"
    + BODY.format(extra=", d.kind::text, d.language::text")
)
WITHOUT_TIERS = HEAD + " RETURNS TABLE (id bigint, rank real)" + BODY.format(extra="")


def run(*statements):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return operation


class Migration(migrations.Migration):
    dependencies = [("kb", "0008_article_stage_keys")]

    operations = [
        migrations.RunPython(run(DROP, WITH_TIERS), run(DROP, WITHOUT_TIERS)),
    ]
