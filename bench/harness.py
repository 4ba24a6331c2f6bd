"""What every benchmark area shares: the database it runs on, seed markers, timing, output.

One benchmark database serves all areas: a SQLite file under bench/.data/ (ignored by git),
or with BENCH_DB=postgres the PostgreSQL database named by BENCH_PG_URL (default
postgres://postgres@127.0.0.1:5432/coopdesk_bench). `setup()` points Django at it before
Django starts, creates it, and applies the migrations. Each area records what it seeded in a
small `bench_seed` table so that the next run reuses the data when it still matches.

stdout carries only JSON lines (one per measured page); progress goes to stderr.
"""

from __future__ import annotations

import gc
import json
import os
import statistics
import sys
import time
import warnings
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / ".data"
SQLITE_PATH = DATA_DIR / "bench.sqlite3"
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/coopdesk_bench"
WARMUPS = 3
RUNS = 20

_started = time.perf_counter()
_ready = False


def progress(message: str) -> None:
    print(f"[bench {time.perf_counter() - _started:7.1f}s] {message}", file=sys.stderr, flush=True)


def wants_postgres() -> bool:
    return os.environ.get("BENCH_DB", "sqlite").strip().lower() in {"postgres", "postgresql", "pg"}


def pg_url() -> str:
    return os.environ.get("BENCH_PG_URL", DEFAULT_PG_URL)


def production_like_settings() -> None:
    """Production-like settings (DEBUG off) for a benchmark, before Django starts; the
    caller chooses the database."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "coopdesk.settings"
    os.environ["DEBUG"] = "false"
    # Plain HTTP, as behind the TLS proxy of a deployment (else every page answers a redirect).
    os.environ["SECURE_SSL_REDIRECT"] = "false"
    # Its staff are past the second factor (signed in by session, without an authenticator).
    os.environ["MFA_REQUIRED_FOR_STAFF"] = "false"
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
    os.environ.pop("REDIS_URL", None)


def _configure_environment() -> None:
    """Production-like settings, on the benchmark database, before Django starts."""
    production_like_settings()
    if wants_postgres():
        os.environ["DATABASE_URL"] = pg_url()
        # The test client keeps one connection for the whole run, so a pool changes no
        # timing; without it, dropping the database to reseed is simple.
        os.environ["DATABASE_POOL"] = "false"
    else:
        os.environ.pop("DATABASE_URL", None)
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        os.environ["SQLITE_NAME"] = str(SQLITE_PATH)
    # WhiteNoise warns that staticfiles/ was never collected: irrelevant to page timings.
    warnings.filterwarnings("ignore", message="No directory at")


def _create_postgres_database() -> None:
    import psycopg

    url = pg_url()
    name = url.rsplit("/", 1)[1].split("?", 1)[0]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            progress(f"creating database {name}")
            conn.execute(f'CREATE DATABASE "{name}"')


def drop_database() -> None:
    """Start from nothing: an area whose seed no longer matches rebuilds the whole database."""
    from django.db import connections

    connections.close_all()
    if wants_postgres():
        import psycopg

        url = pg_url()
        name = url.rsplit("/", 1)[1].split("?", 1)[0]
        admin_url = url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    else:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
    migrate()


def migrate() -> None:
    from django.core.management import call_command

    progress("applying migrations")
    call_command("migrate", verbosity=0, interactive=False, skip_checks=True)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_seed (area VARCHAR(50) PRIMARY KEY, "
            "signature VARCHAR(200) NOT NULL)"
        )


def setup() -> str:
    """Point Django at the benchmark database, create and migrate it. Returns "sqlite" or
    "postgresql". Safe to call more than once."""
    global _ready
    if not _ready:
        _configure_environment()
        if wants_postgres():
            _create_postgres_database()
        import django

        django.setup()
        migrate()
        _ready = True
    return vendor()


def vendor() -> str:
    from django.db import connection

    return connection.vendor


def seeded(area: str) -> str | None:
    """The signature an area recorded after its last complete seed, if any."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT signature FROM bench_seed WHERE area = %s", [area])
        row = cursor.fetchone()
    return row[0] if row else None


def mark_seeded(area: str, signature: str) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM bench_seed WHERE area = %s", [area])
        cursor.execute(
            "INSERT INTO bench_seed (area, signature) VALUES (%s, %s)", [area, signature]
        )


def analyze() -> None:
    """Do what PostgreSQL's autovacuum does after a bulk load: VACUUM and ANALYZE.

    ANALYZE gives the planner its statistics; VACUUM sets the visibility map, without which
    counting a team's open requests reads thousands of heap pages instead of the index alone.
    Since PostgreSQL 13, autovacuum runs
    both on insert-only tables too, so a deployment is in this state minutes after a load.
    SQLite gets nothing: a deployment never runs ANALYZE by itself, so the pages must be fast
    without statistics.
    """
    from django.db import connection

    if connection.vendor == "postgresql":
        progress("VACUUM ANALYZE")
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def measure(client, url: str, *, warmups: int = WARMUPS, runs: int = RUNS) -> tuple[float, int]:
    """Median wall time in ms of `runs` GETs after `warmups`, and the queries one GET makes."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmups):
        _get(client, url)
    timings = []
    gc.collect()
    for _ in range(runs):
        start = time.perf_counter()
        _get(client, url)
        timings.append((time.perf_counter() - start) * 1000)
    with CaptureQueriesContext(connection) as captured:
        _get(client, url)
    return round(statistics.median(timings), 2), len(captured.captured_queries)


def _get(client, url: str):
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered {response.status_code}")
    return response


def emit(**record) -> None:
    """One JSON object per line on stdout, nothing else there."""
    print(json.dumps(record, ensure_ascii=False), flush=True)


def report(page: str, client, url: str, *, tickets: int, **extra) -> None:
    median_ms, queries = measure(client, url)
    emit(page=page, db=vendor(), tickets=tickets, median_ms=median_ms, queries=queries, **extra)
