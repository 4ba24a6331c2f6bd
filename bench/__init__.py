"""Coopdesk's benchmark: `make bench` (SQLite) and `make bench-pg` (PostgreSQL).

    python -m bench                 # helpdesk, then live, journeys, kb when their module exists
    python -m bench helpdesk kb     # only these areas
    BENCH_DB=postgres python -m bench
    BENCH_TICKETS=5000 python -m bench helpdesk     # a quick try on less data

stdout carries one JSON object per measured page and nothing else, e.g.
{"page": "queue", "db": "sqlite", "tickets": 100000, "median_ms": 12.3, "queries": 7};
progress goes to stderr.

An area is a module bench/<area>.py with a `main()`. bench/harness.py gives it the shared
pieces: `setup()` (Django on the benchmark database, migrated; __main__ calls it first),
`seeded(area)` / `mark_seeded(area, signature)` to reuse seeded data, `measure()` / `report()`
(median of 20 GETs after 3 warm-ups with the test client, and the queries of one GET),
`emit(**record)` for a JSON line and `progress(message)` for stderr.
"""
