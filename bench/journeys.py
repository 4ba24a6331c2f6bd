"""Benchmark of the journey pages: 20,000 journeys, advisors with 400 members each; the
cooperative's overview (funnel and median time per stage) read by a team lead.

    python -m bench.journeys                 # SQLite, bench/.data/journeys.sqlite3
    BENCH_JOURNEYS=2000 python -m bench.journeys   # a quick run on fewer journeys
    BENCH_DB=postgres python -m bench.journeys
        # PostgreSQL: BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432/coopdesk_bench_journeys

Run alone it points Django at its own benchmark database (never DATABASE_URL); called from
`bench/__main__.py` after Django is set up, it uses the database the harness chose. The seed is
made with bulk_create in one transaction and reused while it is complete; on PostgreSQL it is
then vacuumed and analyzed, as autovacuum would do to a live database.

stdout carries only JSON lines, one per page:
{"page": "journey_member"|"advisor_dashboard"|"coop_overview", "db": "sqlite"|"postgresql",
 "journeys": N, "median_ms": X, "queries": Q}; progress goes to stderr.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

from bench.harness import production_like_settings, wants_postgres

# BENCH_JOURNEYS makes a quick, smaller run possible (a multiple of 400).
JOURNEYS = int(os.environ.get("BENCH_JOURNEYS", "20000"))
MEMBERS_PER_ADVISOR = 400
WARMUPS, RUNS = 3, 20
DATA_DIR = Path(__file__).resolve().parent / ".data"
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/coopdesk_bench_journeys"
SEED_MARK = "bench-journeys"  # the slug of the path the seed creates last

_started = time.perf_counter()


def progress(message: str) -> None:
    print(f"[bench journeys {time.perf_counter() - _started:6.1f}s] {message}", file=sys.stderr,
          flush=True)


def setup() -> None:
    """Configure Django on the benchmark database unless a caller already did."""
    from django.apps import apps

    if apps.ready:
        return
    production_like_settings()
    if wants_postgres():
        url = os.environ.get("BENCH_PG_URL", DEFAULT_PG_URL)
        _create_postgres_database(url)
        os.environ["DATABASE_URL"] = url
        os.environ["DATABASE_POOL"] = "false"  # one client, one connection: a pool adds nothing
    else:
        os.environ.pop("DATABASE_URL", None)
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        os.environ["SQLITE_NAME"] = str(DATA_DIR / "journeys.sqlite3")
    import warnings

    warnings.filterwarnings("ignore", message="No directory at")
    import django
    from django.core.management import call_command

    django.setup()
    progress("applying migrations")
    call_command("migrate", verbosity=0, interactive=False, skip_checks=True)


def _create_postgres_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1].split("?", 1)[0]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            progress(f"creating database {name}")
            conn.execute(f'CREATE DATABASE "{name}"')


# --- seed --------------------------------------------------------------------------------------

# Where the 20,000 journeys are: (stage, share).
MIX = [("info_meeting", 0.10), ("diagnosis", 0.15), ("cape", 0.30), ("salaried", 0.25),
       ("associate", 0.15), ("exited", 0.05)]


def seeded() -> bool:
    from journeys.models import Journey, PathTemplate

    return (PathTemplate.objects.filter(slug=SEED_MARK).exists()
            and Journey.objects.filter(path__slug=SEED_MARK).count() == JOURNEYS)


def seed() -> None:
    from django.db import transaction

    if seeded():
        progress("reusing the seeded journeys")
        if not _vacuumed():
            vacuum_analyze()
        return
    progress(f"seeding {JOURNEYS} journeys")
    with transaction.atomic():
        _seed()
    vacuum_analyze()
    progress("seeded")


def vacuum_analyze() -> None:
    """On PostgreSQL, what autovacuum does to a live database after a bulk load.

    The seed's bulk inserts leave the planner without statistics (it then guesses, and picks
    plans that production never sees) and the visibility map empty (every index-only scan
    goes back to the table). Autovacuum would ANALYZE and VACUUM these tables within a
    minute or so; the benchmark cannot wait for it (and this machine runs without it), so it
    does both itself. SQLite gets nothing: a deployment never runs ANALYZE by itself.
    """
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        if connection.in_atomic_block:  # the test's transaction: VACUUM cannot run in one
            cursor.execute("ANALYZE")
            return
        progress("VACUUM ANALYZE")
        cursor.execute("VACUUM ANALYZE")


def _vacuumed() -> bool:
    """Whether the seeded tasks were vacuumed since they were loaded (a seed made before the
    benchmark vacuumed, or whose vacuum was interrupted, gets it now)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(last_vacuum, last_autovacuum) IS NOT NULL FROM pg_stat_user_tables"
            " WHERE relname = 'journeys_journeytask'"
        )
        row = cursor.fetchone()
    return bool(row and row[0])


def _seed() -> None:  # noqa: PLR0915 (one straight story is easier to follow here)
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from coopdesk.accounts.models import Office, Role, User
    from journeys.demo import SAP_EXTRA, _path
    from journeys.models import (
        PROGRESSION,
        Assignee,
        InfoMeeting,
        Journey,
        JourneyEvent,
        JourneyTask,
        MentorOffer,
        PathTemplate,
        Registration,
        Stage,
        TaskState,
        add_months,
        entered_field,
    )

    rng = random.Random(42)
    now = timezone.now()
    today = timezone.localdate()
    password = make_password("bench")
    office, _ = Office.objects.get_or_create(name="Banc d'essai", defaults={"city": "Lyon"})
    path = _path("Parcours CAE (banc)", "bench-cae-tmp", "", {}, {})
    _path("Parcours SAP (banc)", "bench-sap", "", SAP_EXTRA, {})
    templates = {
        stage.kind: list(stage.tasks.all()) for stage in path.stages.prefetch_related("tasks")
    }
    advisors = User.objects.bulk_create([
        User(email=f"bench-advisor-{i}@bench.test", first_name=f"Conseil{i}", last_name="Banc",
             role=Role.ADVISOR, office=office, password=password)
        for i in range(JOURNEYS // MEMBERS_PER_ADVISOR)
    ])
    members = User.objects.bulk_create([
        User(email=f"bench-member-{i}@bench.test", first_name=f"Membre{i}", last_name="Banc",
             role=Role.MEMBER, office=office, password=password,
             advisor=advisors[i % len(advisors)], sector=rng.choice(["arts", "digital", "sap"]))
        for i in range(JOURNEYS)
    ], batch_size=2000)
    progress("people created")

    stages, cursor = [], 0
    for kind, share in MIX:
        count = round(JOURNEYS * share)
        stages += [kind] * count
        cursor += count
    stages = (stages + ["cape"] * JOURNEYS)[:JOURNEYS]
    rng.shuffle(stages)

    journeys = []
    for member, kind in zip(members, stages, strict=True):
        reached = PROGRESSION[: PROGRESSION.index(kind) + 1] if kind != Stage.EXITED else (
            PROGRESSION[: rng.randint(1, 4)])
        start = now - timedelta(days=rng.randint(30, 900))
        fields, moment = {}, start
        for step in reached:
            fields[entered_field(step)] = moment
            moment += timedelta(days=rng.randint(7, 150))
        if kind == Stage.EXITED:
            fields["exited_at"] = moment
            fields["exit_reason"] = rng.choice(["own_company", "personal", "employed"])
        journey = Journey(member=member, path=path, state=kind, created_at=start,
                          updated_at=moment, **fields)
        if Stage.DIAGNOSIS in reached and kind != Stage.DIAGNOSIS:
            journey.diagnosis_held_at = fields[entered_field(Stage.DIAGNOSIS)]
        if Stage.CAPE in reached:
            cape_start = timezone.localdate(fields["cape_at"])
            if kind == Stage.CAPE:  # contracts in progress, some ending within 30 days
                cape_start = today - timedelta(days=rng.randint(0, 170))
            journey.cape_start = cape_start
            journey.cape_end = add_months(cape_start, 6) - timedelta(days=1)
        if kind in (Stage.SALARIED, Stage.ASSOCIATE):
            journey.salaried_start = timezone.localdate(fields["salaried_at"])
        if kind == Stage.ASSOCIATE:
            journey.associate_since = timezone.localdate(fields["associate_at"])
        if rng.random() < 0.03:
            journey.adaptation_requested_at, journey.adaptation_note = now, "Nouvelle activité"
        journeys.append(journey)
    Journey.objects.bulk_create(journeys, batch_size=2000)
    progress("journeys created")

    tasks, events = [], []
    for journey in journeys:
        for step in [*PROGRESSION, Stage.EXITED]:
            entered = journey.entered_at(step)
            if entered is None:
                continue
            current = step == journey.state
            base = journey.cape_start if step == Stage.CAPE else timezone.localdate(entered)
            for template in templates.get(step, []):
                done = not current or rng.random() < 0.4
                due = base + timedelta(days=template.due_offset_days)
                tasks.append(JourneyTask(
                    journey=journey, template=template, stage=step, key=template.key,
                    title=template.title, assignee=template.assignee, due_date=due,
                    state=TaskState.DONE if done else TaskState.OPEN,
                    done_at=entered + timedelta(days=3) if done else None,
                    article_slug=template.article_slug, position=template.position,
                ))
            events.append(JourneyEvent(journey=journey, kind="advanced", to_state=step,
                                       created_at=entered))
        if journey.state in (Stage.SALARIED, Stage.ASSOCIATE):
            tasks.append(JourneyTask(
                journey=journey, stage=journey.state, key="yearly-follow-up",
                title="Yearly follow-up meeting", assignee=Assignee.ADVISOR, is_followup=True,
                due_date=journey.salaried_start + timedelta(days=365 * rng.randint(1, 3)),
            ))
    progress(f"{len(tasks)} tasks built")
    JourneyTask.objects.bulk_create(tasks, batch_size=5000)
    JourneyEvent.objects.bulk_create(events, batch_size=5000)
    progress(f"{len(tasks)} tasks, {len(events)} events created")

    associates = [j.member for j in journeys if j.state == Stage.ASSOCIATE]
    MentorOffer.objects.bulk_create([MentorOffer(member=m, max_mentees=3)
                                     for m in associates[:500]])
    mentored = [j.member_id for j in journeys if j.state == Stage.CAPE][::2]
    for index in range(0, len(mentored), 500):
        User.objects.filter(pk__in=mentored[index:index + 500]).update(
            mentor=associates[index // 500 % len(associates)])

    meetings = InfoMeeting.objects.bulk_create([
        InfoMeeting(starts_at=now + timedelta(days=1 + i % 30, hours=i % 5), place="Lyon",
                    capacity=15, host=advisors[i % len(advisors)], office=office)
        for i in range(60)
    ])
    newcomers = [j for j in journeys if j.state == Stage.INFO_MEETING]
    Registration.objects.bulk_create([
        Registration(meeting=meetings[i % len(meetings)], journey=j,
                     status="registered" if i < 60 * 15 else "waiting")
        for i, j in enumerate(newcomers)
    ], batch_size=2000)
    # Marks a complete seed: the mark is the path's final slug, set in the same transaction.
    PathTemplate.objects.filter(pk=path.pk).update(slug=SEED_MARK)


# --- measure -----------------------------------------------------------------------------------


def measure(client, url: str) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(WARMUPS):
        assert client.get(url).status_code == 200, url
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return statistics.median(timings), len(queries)


def run() -> list[dict]:
    from django.db import connection
    from django.db.models import Count
    from django.test import Client

    from coopdesk.accounts.models import Role, User
    from journeys import figures
    from journeys.models import Journey

    seed()
    vendor = connection.vendor
    total = Journey.objects.filter(path__slug=SEED_MARK).count()
    advisor = User.objects.get(email="bench-advisor-0@bench.test")
    member = (
        Journey.objects.filter(member__advisor=advisor, state="cape", is_latest=True)
        .annotate(n=Count("tasks")).order_by("-n", "pk").select_related("member").first().member
    )
    lead, _ = User.objects.get_or_create(
        email="bench-lead@bench.test",
        defaults={"first_name": "Responsable", "last_name": "Banc", "role": Role.LEAD},
    )
    figures.refresh()  # what the worker's job keeps (journeys/figures.py)
    lines = []
    for page, person, url in [
        ("journey_member", member, "/parcours/"),
        ("advisor_dashboard", advisor, "/parcours/conseiller/"),
        ("coop_overview", lead, "/parcours/cooperative/"),
    ]:
        client = Client()
        client.force_login(person)
        median_ms, queries = measure(client, url)
        lines.append({"page": page, "db": vendor, "journeys": total,
                      "median_ms": round(median_ms, 2), "queries": queries})
    return lines


def main() -> None:
    setup()
    for line in run():
        print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main()
