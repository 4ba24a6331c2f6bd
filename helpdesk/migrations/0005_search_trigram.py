"""Trigram indexes for the queue's text search, on PostgreSQL only.

Django's `icontains` is `UPPER(column::text) LIKE UPPER('%word%')` on PostgreSQL: these GIN
indexes (pg_trgm) on exactly those expressions answer it without reading every request of
the team, for the subject and for the requester's name and e-mail (see
TicketQuerySet.search). pg_trgm is a trusted extension: the database owner may create it.
SQLite has nothing of the kind and scans; its queues are small.
"""

from django.db import migrations

INDEXES = {
    "ticket_subject_trgm": ("helpdesk_ticket", "subject"),
    "user_first_name_trgm": ("accounts_user", "first_name"),
    "user_last_name_trgm": ("accounts_user", "last_name"),
    "user_email_trgm": ("accounts_user", "email"),
}


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, (table, column) in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} "
            f"USING GIN ((UPPER({column}::text)) gin_trgm_ops)"
        )


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("helpdesk", "0004_requester_state_index"),
        ("accounts", "0001_initial"),
    ]

    operations = [migrations.RunPython(forward, backward)]
