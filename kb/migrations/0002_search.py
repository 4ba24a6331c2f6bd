"""Search infrastructure that Django's model layer cannot describe, per database.

PostgreSQL: the unaccent extension, a `kb_french` text search configuration (unaccent,
then the French Snowball stemmer; accent- and case-insensitive) and a GIN index on
kb_searchdocument.search_vector. Creating an extension needs a superuser (or the
extension already installed by one).

SQLite: an FTS5 table whose rowid is kb_searchdocument.id; kb/search.py fills it with
folded, stemmed text (remove_diacritics 2 catches whatever accents remain). The `scope`
column holds the audience and kind as tokens, so filtering by audience stays inside the
full-text index (reading a stored column would load every matching row's whole text).
"""

from django.db import migrations

PG_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    """DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'kb_french') THEN
            CREATE TEXT SEARCH CONFIGURATION kb_french (COPY = french);
            ALTER TEXT SEARCH CONFIGURATION kb_french
                ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
        END IF;
    END $$""",
    "CREATE INDEX IF NOT EXISTS kb_search_vector_gin ON kb_searchdocument "
    "USING GIN (search_vector)",
]
PG_BACKWARD = [
    "DROP INDEX IF EXISTS kb_search_vector_gin",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS kb_french",
]
SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS kb_search_fts USING fts5("
    "title, summary, body, scope, tokenize = 'unicode61 remove_diacritics 2')",
]
SQLITE_BACKWARD = ["DROP TABLE IF EXISTS kb_search_fts"]


def run(statements_by_vendor):
    def operation(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return operation


class Migration(migrations.Migration):
    dependencies = [("kb", "0001_initial")]

    operations = [
        migrations.RunPython(
            run({"postgresql": PG_FORWARD, "sqlite": SQLITE_FORWARD}),
            run({"postgresql": PG_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        ),
    ]
