"""Real concurrency in tests: several threads, each with its own database connection.

Only PostgreSQL shares a test database across threads; on SQLite these tests skip
(`needs_postgresql`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable

import pytest
from django.db import connection, connections

# SQLite's test database is one in-memory file shared by the threads, where a second writer
# is refused rather than queued, and select_for_update locks no row: nothing real to race on.
needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="a real race needs PostgreSQL: run with DATABASE_URL=postgres://...",
)


def run_together(target: Callable, calls: Iterable[tuple], *, timeout: float = 120) -> list:
    """Call `target(*args)` for each `args` of `calls`, each in a thread of its own, all
    released at once; each thread closes its connection. Returns what they raised."""
    calls = list(calls)
    start = threading.Barrier(len(calls))
    errors = []

    def run(*args) -> None:
        try:
            start.wait(timeout=30)
            target(*args)
        except Exception as error:  # reported to the test
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=args) for args in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    return errors
