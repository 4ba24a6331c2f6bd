"""Live notifications under load: `python -m bench.live` (also run by `python -m bench`).

One JSON line per measure on stdout, progress on stderr:

- live_fanout: N members (100, then 1,000) hold authenticated websockets to one real daphne
  process; an agent makes 1,000 status changes of their requests (acknowledge, through the
  real view and action over HTTP) at 50 per second. Milliseconds from each action's commit
  (the `at` notify.py stamps when the transaction has committed) to receipt by the member's
  socket: median and p99; daphne's resident memory per open socket; notifications lost.
- live_team: 30 agents watch their team queue; a member sends 100 new requests at 10 per
  second; milliseconds from commit to the LAST of the 30 agents, median and p99.

Both for the in-memory layer and, when Redis answers, the Redis layer. Everything runs on
127.0.0.1 in a few minutes, in a database of its own (never the test or the shared bench
database): a temporary SQLite file, or with BENCH_DB=postgres the PostgreSQL database
"<BENCH_PG_URL's name>_live", dropped afterwards. BENCH_REDIS_URL picks the Redis database
(default redis://127.0.0.1:6379/15, keys under their own prefix, see bench/live_settings.py):
a database of its own, because a client that empties its database (FLUSHDB: a test run's
cache.clear() did, once per test) takes the sockets' groups with it, and every message sent
after that reaches nobody. On Redis each line says how many of the sockets' group
memberships were gone at the end ("groups_lost"): when it is not 0, the losses are
Redis being emptied under the benchmark, not the product.

`python -m bench.live --stock-dispatch` measures the same with Channels' own dispatch, which
hops to a thread (aclose_old_connections) before every message, to compare.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import shutil
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
CHANGES = 1000
RATE = 50
FANOUT_SIZES = (100, 1000)
TEAM_AGENTS = 30
TEAM_REQUESTS = 100
TEAM_RATE = 10
WARMUP = 20
DRAIN_SECONDS = 10
CSRF = "benchcsrftokenbenchcsrftoken0123"  # 32 letters and digits: a valid CSRF secret
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/coopdesk_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/15"
SESSION_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789"


_started = time.monotonic()


def log(message: str) -> None:
    print(f"[bench live {time.monotonic() - _started:6.1f}s] {message}", file=sys.stderr,
          flush=True)


# --- the parent: run the benchmark in a process of its own, on a database of its own -------------


def main(argv: list[str] | None = None) -> int:
    """Entry point for `python -m bench`: isolates the run in a child process."""
    # Only our own options: `python -m bench helpdesk live` passes area names through.
    argv = [arg for arg in (sys.argv[1:] if argv is None else argv) if arg.startswith("-")
            or arg.isdigit() or arg in {"memory", "redis"}]
    # Plain HTTP, as behind the TLS proxy of a deployment: no redirect, cookies sent over HTTP.
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="bench.live_settings", DEBUG="false",
               LOG_LEVEL="WARNING", SECURE_SSL_REDIRECT="false", SESSION_COOKIE_SECURE="false",
               CSRF_COOKIE_SECURE="false", MFA_REQUIRED_FOR_STAFF="false")
    env.setdefault("SECRET_KEY", "bench-only-secret-key")
    env.pop("REDIS_URL", None)
    workdir = Path(tempfile.mkdtemp(prefix="coopdesk-bench-live-"))
    pg_admin = None
    if os.environ.get("BENCH_DB", "sqlite").strip().lower() in {"postgres", "postgresql", "pg"}:
        base = os.environ.get("BENCH_PG_URL", DEFAULT_PG_URL)
        name = base.rsplit("/", 1)[1].split("?", 1)[0] + "_live"
        pg_admin = (base.rsplit("/", 1)[0] + "/postgres", name)
        _recreate_pg(*pg_admin)
        env["DATABASE_URL"] = base.rsplit("/", 1)[0] + "/" + name
    else:
        env.pop("DATABASE_URL", None)
        env["SQLITE_NAME"] = str(workdir / "live.sqlite3")
    try:
        child = subprocess.run([sys.executable, "-m", "bench.live", "--child", *argv],
                               cwd=BASE_DIR, env=env)
        return child.returncode
    finally:
        if pg_admin:
            _drop_pg(*pg_admin)
        shutil.rmtree(workdir, ignore_errors=True)


def _recreate_pg(admin_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _drop_pg(admin_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- the child: seed, start daphne, measure ------------------------------------------------------


def options(argv: list[str]):
    import argparse

    parser = argparse.ArgumentParser(prog="python -m bench.live")
    parser.add_argument("--stock-dispatch", action="store_true",
                        help="Channels' own dispatch (a thread hop per message), to compare")
    parser.add_argument("--layer", choices=["memory", "redis"], action="append")
    parser.add_argument("--size", type=int, action="append", help="fan-out sockets")
    parser.add_argument("--no-team", action="store_true")
    parser.add_argument("--keep-logs", action="store_true", help="daphne logs to stderr")
    return parser.parse_args(argv)


def child(argv: list[str]) -> int:
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 8192), hard))  # 1,000+ sockets
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    log(f"database {connection.vendor}: migrating")
    call_command("migrate", verbosity=0, interactive=False, skip_checks=True)
    data = seed()
    opts = options(argv)
    app = "bench.live:stock_application" if opts.stock_dispatch else None
    extra = {"dispatch": "stock"} if opts.stock_dispatch else {}
    layers = [("memory", None)]
    redis_url = os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS_URL)
    if redis_answers(redis_url):
        layers.append(("redis", redis_url))
    else:
        log(f"Redis does not answer at {redis_url}: Redis lines skipped")
    layers = [(name, url) for name, url in layers if not opts.layer or name in opts.layer]
    for layer, url in layers:
        if not opts.no_team:
            with Daphne(url, app=app, keep_logs=opts.keep_logs) as server:
                emit(page="live_team", db=connection.vendor, layer=layer, **extra,
                     **asyncio.run(live_team(server, data)))
        for size in opts.size or FANOUT_SIZES:
            reset_tickets(data, size)
            with Daphne(url, app=app, keep_logs=opts.keep_logs) as server:
                emit(page="live_fanout", db=connection.vendor, layer=layer, **extra,
                     **asyncio.run(live_fanout(server, data, size)))
    return 0


def emit(**record) -> None:
    print(json.dumps(record), flush=True)


def redis_answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except Exception:
        return False


def groups_lost(server: Daphne, expected: dict[str, int]) -> dict:
    """On Redis, how many of the memberships {group: sockets in it} the layer no longer
    holds, as a field of the line; a warning when some are gone. Nothing on memory."""
    if not server.redis_url:
        return {}
    import redis

    from bench.live_settings import BENCH_LAYER_PREFIX

    client = redis.Redis.from_url(server.redis_url, socket_connect_timeout=1)
    with client.pipeline(transaction=False) as pipe:
        for group in expected:
            pipe.zcard(f"{BENCH_LAYER_PREFIX}:group:{group}")  # channels-redis' key for a group
        held = pipe.execute()
    lost = sum(max(0, want - have) for want, have in zip(expected.values(), held, strict=True))
    if lost:
        log(f"{lost} group membership(s) vanished from Redis during the run (another client "
            f"emptied the database?): the messages sent to them reached nobody")
    return {"groups_lost": lost}


# --- data ----------------------------------------------------------------------------------------


def seed() -> dict:
    """People, two teams and sessions, written in bulk (the actions are what we measure)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.db import transaction
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    from coopdesk.accounts.models import Role, User
    from helpdesk.models import Category, Team

    log("seeding people and sessions")
    with transaction.atomic():
        User.objects.bulk_create(
            User(email=f"member{n}@bench.test", first_name=f"Membre{n}", role=Role.MEMBER,
                 password="!")
            for n in range(max(FANOUT_SIZES) + 1)
        )
        User.objects.bulk_create(
            User(email=f"agent{n}@bench.test", first_name=f"Agent{n}", role=Role.AGENT,
                 password="!")
            for n in range(TEAM_AGENTS + 1)
        )
        members = list(User.objects.filter(email__startswith="member").order_by("pk"))
        agents = list(User.objects.filter(email__startswith="agent").order_by("pk"))
        actor, team_agents = agents[0], agents[1:]
        fanout_team = Team.objects.create(name="Banc fan-out", slug="banc-fanout")
        fanout_team.agents.add(actor)
        queue_team = Team.objects.create(name="Banc file", slug="banc-file")
        queue_team.agents.add(*team_agents)
        fanout_category = Category.objects.create(team=fanout_team, label="Banc")
        queue_category = Category.objects.create(team=queue_team, label="Banc file")

        sessions = {user.pk: get_random_string(32, SESSION_CHARS) for user in [*members, *agents]}
        expires = timezone.now() + timedelta(days=1)
        Session.objects.bulk_create(
            Session(session_key=sessions[user.pk], expire_date=expires,
                    session_data=SessionStore().encode({
                        SESSION_KEY: str(user.pk),
                        BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
                        HASH_SESSION_KEY: user.get_session_auth_hash(),
                    }))
            for user in [*members, *agents]
        )
    return {
        "members": members, "actor": actor, "team_agents": team_agents, "sessions": sessions,
        "fanout_team": fanout_team, "fanout_category": fanout_category,
        "queue_team": queue_team, "queue_category": queue_category,
    }


def reset_tickets(data: dict, size: int) -> None:
    """CHANGES + WARMUP new requests, spread over the first `size` members (the last member
    owns the warm-up ones and is not connected)."""
    from django.db import transaction
    from django.utils import timezone
    from notifications.models import Notification

    from helpdesk.models import Ticket

    members, category = data["members"], data["fanout_category"]
    now = timezone.now()
    with transaction.atomic():
        Notification.objects.all().delete()
        Ticket.objects.filter(team=data["fanout_team"]).delete()
        owners = [members[n % size] for n in range(CHANGES)] + [members[-1]] * WARMUP
        Ticket.objects.bulk_create(
            Ticket(subject=f"Demande {n}", body="Banc", body_html="<p>Banc</p>",
                   category=category, team=category.team, requester=owner,
                   created_at=now, updated_at=now, first_response_due=now)
            for n, owner in enumerate(owners)
        )
    tickets = list(Ticket.objects.filter(team=data["fanout_team"]).order_by("pk")
                   .values_list("pk", flat=True))
    data["tickets"], data["warmup_tickets"] = tickets[:CHANGES], tickets[CHANGES:]


# --- a real daphne -------------------------------------------------------------------------------


class Daphne:
    def __init__(self, redis_url: str | None, app: str | None = None,
                 keep_logs: bool = False) -> None:
        self.redis_url, self.app = redis_url, app or "coopdesk.asgi:application"
        self.keep_logs = keep_logs

    def __enter__(self) -> Daphne:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        env = dict(os.environ)
        if self.redis_url:
            env["REDIS_URL"] = self.redis_url
        self.log = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "daphne", "-v", "0", "-b", "127.0.0.1", "-p", str(self.port),
             self.app],
            cwd=BASE_DIR, env=env, stdout=self.log, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.log.seek(0)
                raise RuntimeError(f"daphne exited:\n{self.log.read().decode()[-3000:]}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return self
            except OSError:
                time.sleep(0.1)
        self.process.kill()
        raise RuntimeError("daphne did not start in 30 s")

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        log("daphne stopped")
        if self.keep_logs:
            self.log.seek(0)
            sys.stderr.write(self.log.read().decode(errors="replace")[-20000:])
        self.log.close()

    def rss_kb(self) -> int:
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        return int(next(line for line in status.splitlines() if line.startswith("VmRSS"))
                   .split()[1])


# --- a small websocket client (enough for text frames, ping and close) ---------------------------


class Socket:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, port: int, session_key: str) -> Socket:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        key = base64.b64encode(os.urandom(16)).decode()
        writer.write(
            f"GET /ws/live/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
            f"Origin: http://127.0.0.1:{port}\r\nCookie: sessionid={session_key}\r\n\r\n"
            .encode()
        )
        head = await reader.readuntil(b"\r\n\r\n")
        if b" 101 " not in head.split(b"\r\n", 1)[0]:
            raise RuntimeError(f"websocket refused: {head[:80]!r}")
        return cls(reader, writer)

    def send(self, text: str | bytes, opcode: int = 0x1) -> None:
        payload = text.encode() if isinstance(text, str) else text
        mask = os.urandom(4)
        length = len(payload)
        if length < 126:
            head = struct.pack("!BB", 0x80 | opcode, 0x80 | length)
        else:
            head = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, length)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.writer.write(head + mask + masked)

    async def messages(self):
        """Yield (receipt time, decoded JSON) for each text frame; answer pings."""
        while True:
            first, second = await self.reader.readexactly(2)
            opcode, length = first & 0x0F, second & 0x7F
            if length == 126:
                (length,) = struct.unpack("!H", await self.reader.readexactly(2))
            elif length == 127:
                (length,) = struct.unpack("!Q", await self.reader.readexactly(8))
            payload = await self.reader.readexactly(length)
            received = time.time()
            if opcode == 0x1:
                yield received, json.loads(payload)
            elif opcode == 0x9:
                self.send(payload, opcode=0xA)  # pong, with the ping's bytes
            elif opcode == 0x8:
                return

    def close(self) -> None:
        self.writer.close()


async def open_all(port: int, session_keys: list[str], concurrency: int = 50) -> list[Socket]:
    gate = asyncio.Semaphore(concurrency)

    async def one(key: str) -> Socket:
        async with gate:
            return await Socket.open(port, key)

    return await asyncio.gather(*(one(key) for key in session_keys))


# --- HTTP, from a thread, paced ------------------------------------------------------------------


def post_paced(port: int, session_key: str, requests: list[tuple[str, dict]], rate: float,
               stop: threading.Event | None = None) -> int:
    """POST each (path, fields) at `rate` per second over one keep-alive connection."""
    import http.client
    from urllib.parse import urlencode

    headers = {"Content-Type": "application/x-www-form-urlencoded",
               "Cookie": f"sessionid={session_key}; csrftoken={CSRF}"}
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    failures = 0
    start = time.monotonic()
    for n, (path, fields) in enumerate(requests):
        delay = start + n / rate - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        body = urlencode({**fields, "csrfmiddlewaretoken": CSRF})
        try:
            conn.request("POST", path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            if response.status != 302:
                failures += 1
        except (OSError, http.client.HTTPException):
            failures += 1
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.close()
    return failures


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


def ms(value: float) -> float:
    return round(value * 1000, 1)


# --- the measures --------------------------------------------------------------------------------


async def live_fanout(server: Daphne, data: dict, size: int) -> dict:
    members = data["members"][:size]
    actor_key = data["sessions"][data["actor"].pk]
    loop = asyncio.get_running_loop()

    # Warm the server up (imports, templates, first connections), then measure memory.
    warm = await Socket.open(server.port, data["sessions"][data["members"][-1].pk])
    await loop.run_in_executor(None, post_paced, server.port, actor_key,
                               [(f"/demandes/{pk}/etape/acknowledge/", {"version": 1})
                                for pk in data["warmup_tickets"]], 100)
    warm.close()
    await asyncio.sleep(0.5)
    rss_before = server.rss_kb()
    log(f"fan-out: opening {size} sockets")
    sockets = await open_all(server.port, [data["sessions"][m.pk] for m in members])
    await asyncio.sleep(1.0)
    kb_per_connection = round((server.rss_kb() - rss_before) / size, 1)

    latencies: dict[int, float] = {}
    closed = []

    async def listen(sock: Socket) -> None:
        try:
            async for received, message in sock.messages():
                if message.get("type") == "notification":
                    latencies[message["notification"]["id"]] = received - message["at"]
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        closed.append(sock)

    listeners = [asyncio.create_task(listen(sock)) for sock in sockets]
    log(f"fan-out: {CHANGES} status changes at {RATE}/s to {size} members")
    requests = [(f"/demandes/{pk}/etape/acknowledge/", {"version": 1}) for pk in data["tickets"]]
    started = time.monotonic()
    failures = await loop.run_in_executor(None, post_paced, server.port, actor_key, requests,
                                          RATE)
    achieved = round(CHANGES / (time.monotonic() - started), 1)
    deadline = time.monotonic() + DRAIN_SECONDS
    while len(latencies) < CHANGES - failures and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    log(f"fan-out: {len(latencies)} received")
    if closed:
        log(f"fan-out: the server closed {len(closed)} socket(s) during the run")
    layer_check = groups_lost(server, {f"user.{m.pk}": 1 for m in members})
    for sock in sockets:
        sock.close()
    for task in listeners:
        task.cancel()
    values = list(latencies.values())
    return {
        "connections": size, "changes": CHANGES, "rate_per_s": achieved,
        "median_ms": ms(statistics.median(values)) if values else None,
        "p99_ms": ms(percentile(values, 0.99)) if values else None,
        "kb_per_connection": kb_per_connection,
        "lost": CHANGES - failures - len(values), "failed_actions": failures, **layer_check,
    }


async def live_team(server: Daphne, data: dict) -> dict:
    team, category = data["queue_team"], data["queue_category"]
    member = data["members"][-1]
    loop = asyncio.get_running_loop()
    log(f"team: {TEAM_AGENTS} agents watch the queue")
    sockets = await open_all(server.port, [data["sessions"][a.pk] for a in data["team_agents"]])
    for sock in sockets:
        sock.send(json.dumps({"watch": "team", "id": team.pk}))
    arrivals: dict[int, list[float]] = {}
    watching = 0

    async def listen(sock: Socket) -> None:
        nonlocal watching
        try:
            async for received, message in sock.messages():
                if message.get("type") == "watching":
                    watching += 1
                elif message.get("type") == "ticket.event" and message["kind"] == "created":
                    arrivals.setdefault(message["ticket"], []).append(received - message["at"])
        except (asyncio.IncompleteReadError, ConnectionError):
            pass

    listeners = [asyncio.create_task(listen(sock)) for sock in sockets]
    while watching < TEAM_AGENTS:
        await asyncio.sleep(0.05)
    # Warm-up request, not measured.
    form = {"category": category.pk, "subject": "Banc", "body": "Banc"}
    await loop.run_in_executor(None, post_paced, server.port, data["sessions"][member.pk],
                               [("/demandes/nouvelle/", {**form, "key": uuid.uuid4().hex})], 1)
    await asyncio.sleep(0.5)
    arrivals.clear()
    log(f"team: {TEAM_REQUESTS} new requests at {TEAM_RATE}/s")
    requests = [("/demandes/nouvelle/", {**form, "key": uuid.uuid4().hex})
                for _ in range(TEAM_REQUESTS)]
    failures = await loop.run_in_executor(None, post_paced, server.port,
                                          data["sessions"][member.pk], requests, TEAM_RATE)
    expected = (TEAM_REQUESTS - failures) * TEAM_AGENTS
    deadline = time.monotonic() + DRAIN_SECONDS
    while sum(map(len, arrivals.values())) < expected and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    layer_check = groups_lost(server, {f"team.{team.pk}": TEAM_AGENTS})
    for sock in sockets:
        sock.close()
    for task in listeners:
        task.cancel()
    last_agent = [max(times) for times in arrivals.values() if len(times) == TEAM_AGENTS]
    return {
        "agents": TEAM_AGENTS, "requests": TEAM_REQUESTS, "rate_per_s": TEAM_RATE,
        "median_ms": ms(statistics.median(last_agent)) if last_agent else None,
        "p99_ms": ms(percentile(last_agent, 0.99)) if last_agent else None,
        "lost": expected - sum(map(len, arrivals.values())), "failed_actions": failures,
        **layer_check,
    }


# --- Channels' own dispatch, for comparison ------------------------------------------------------


def __getattr__(name: str):
    """`bench.live:stock_application`: the same site, with a consumer that hops to a thread
    before each message like any Channels 4.3 consumer. Built lazily, in daphne only."""
    if name != "stock_application":
        raise AttributeError(name)
    from django.core.asgi import get_asgi_application

    http = get_asgi_application()
    from channels.auth import AuthMiddlewareStack
    from channels.generic.websocket import AsyncJsonWebsocketConsumer
    from channels.routing import ProtocolTypeRouter, URLRouter
    from channels.security.websocket import AllowedHostsOriginValidator
    from django.urls import path

    from coopdesk.consumers import LiveConsumer

    class StockDispatchConsumer(LiveConsumer):
        async def dispatch(self, message: dict) -> None:
            await AsyncJsonWebsocketConsumer.dispatch(self, message)

        async def live_message(self, message: dict) -> None:
            await self.send(text_data=message["text"])

    routes = URLRouter([path("ws/live/", StockDispatchConsumer.as_asgi())])
    return ProtocolTypeRouter({
        "http": http,
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(routes)),
    })


if __name__ == "__main__":
    if "--child" in sys.argv:
        sys.exit(child(sys.argv[2:]))
    sys.exit(main())
