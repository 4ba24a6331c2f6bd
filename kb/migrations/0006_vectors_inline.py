"""PostgreSQL: keep the search vector inside the table's rows (STORAGE MAIN), not in TOAST.

A 1-word query matches thousands of articles, and ranking them reads every match's vector.
An article's vector (~1.6 kB) hardly compresses, so with the default storage PostgreSQL
moved it out of the row: each read was a TOAST index lookup (3 buffers), 9 ms for the
4,000 matches of "facture" over 10,000 articles, and a sequential scan paid it for every
row. MAIN moves the long texts (the body) out first and keeps the vector inline unless a
row cannot fit in a page.

The new storage applies to values written from then on: VACUUM FULL writes every row again
(it expands and stores anew whatever was moved out, and drops the values of the headings
vector that migration 0005 moved to its own table), without leaving the dead copies an
UPDATE of every row would. It cannot run inside a transaction, hence a non-atomic
migration; it locks the table for as long as it takes (about a second for 10,000 articles).
"""

from django.db import migrations


def storage(kind):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(
            f"ALTER TABLE kb_searchdocument ALTER COLUMN search_vector SET STORAGE {kind}"
        )
        schema_editor.execute("VACUUM FULL kb_searchdocument")

    return operation


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("kb", "0005_search_heading")]

    operations = [migrations.RunPython(storage("MAIN"), storage("EXTENDED"))]
