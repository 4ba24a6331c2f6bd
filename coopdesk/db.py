"""Database helpers that pages share."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction


@contextmanager
def custom_plans() -> Iterator[None]:
    """PostgreSQL: plan the queries of this block for the values they are given.

    Prepared statements (settings: DATABASE_PREPARED_STATEMENTS) are planned once per
    connection, for any value. That suits most pages, not a text search: the generic plan of
    "subject contains %s" in a team's open requests read the team's 20,000 requests through
    its own index, where the plan made for the word combines the trigram and queue indexes
    (server CPU for the queue searched for a common word: 14 ms unprepared, 20 ms on the
    generic plan). The setting lasts until the end of this block's transaction.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL plan_cache_mode = force_custom_plan")
        yield
