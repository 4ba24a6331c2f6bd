"""PostgreSQL: kb_search_matches and kb_heading_matches(query, audiences, kinds), the
matching documents (or headings, for suggestions) and their rank, read through the GIN
indexes.

For common words ("facture": 4,000 of 10,000 articles) the planner prices a sequential
scan a little below the index; in a tight loop the two cost about the same, but in the
flow of a request, reading the whole table instead of the matching rows' pages made the
pages slower (in-process A/B, requests interleaved: search 19.5 vs 15.6 ms, suggestions
18.9 vs 15.9 ms even with three more statements around the query). A setting attached to a
function lasts for that function's query only: no SET statements, no round trips, nothing
left over in the caller's transaction. The function's result (ids and ranks) is small, so
the window aggregate that counts matches no longer buffers their vectors either.
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION {name}(query tsquery, audiences text[], kinds text[])
RETURNS TABLE (id bigint, rank real)
LANGUAGE sql STABLE
SET enable_seqscan = off
AS $$
    SELECT d.{id}, ts_rank(d.{vector}, query) FROM {table} d
    WHERE d.{vector} @@ query AND d.audience = ANY (audiences)
      AND (kinds IS NULL OR d.kind = ANY (kinds))
$$
"""
CREATE = [
    FUNCTION.format(name="kb_search_matches", id="id", vector="search_vector",
                    table="kb_searchdocument"),
    FUNCTION.format(name="kb_heading_matches", id="document_id", vector="heading_vector",
                    table="kb_searchheading"),
]
DROP = [
    "DROP FUNCTION IF EXISTS kb_search_matches(tsquery, text[], text[])",
    "DROP FUNCTION IF EXISTS kb_heading_matches(tsquery, text[], text[])",
]


def run(statements):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return operation


class Migration(migrations.Migration):
    dependencies = [("kb", "0006_vectors_inline")]

    operations = [migrations.RunPython(run(CREATE), run(DROP))]
