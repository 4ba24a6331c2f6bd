"""Browser tests: a real daphne process (HTTP + websockets) over the test database,
driven by Debian's Chromium through Playwright.

Data made in a test must be committed to be seen by the server: use `transactional_db`
(the `server` fixture pulls it in).
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]
SQLITE_TEST_FILE = BASE_DIR / ".browser-test.sqlite3"


# Playwright's sync API runs an event loop in this thread; the ORM calls made by the
# test itself (fixtures, assertions) are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """The server process must open the same test database: SQLite in a file, not memory."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        db.setdefault("TEST", {})["NAME"] = str(SQLITE_TEST_FILE)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def _daphne(django_db_blocker, tmp_path_factory, log_path: Path | None = None,
            **extra_env: str):
    from django.conf import settings
    from django.db import connection

    port = _free_port()
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="tests.browser.server_settings", DEBUG="true",
               MEDIA_ROOT=str(tmp_path_factory.mktemp("media")),
               # Staff personas work without an authenticator (a test turns it on).
               MFA_REQUIRED_FOR_STAFF="false")
    env.update(extra_env)
    with django_db_blocker.unblock():
        name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        env["SQLITE_NAME"] = str(name)
    else:
        url = settings.DATABASE_URL.rsplit("/", 1)[0]
        env["DATABASE_URL"] = f"{url}/{name}"
    log_path = log_path or tmp_path_factory.mktemp("daphne") / "daphne.log"
    log = open(log_path, "w")  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port),
         "coopdesk.asgi:application"],
        cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"daphne exited, see {log.name}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            time.sleep(0.2)
    else:
        process.kill()
        raise RuntimeError("daphne did not start in 30 s")
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:  # still waiting on an open websocket, on a busy machine
        process.kill()
        process.wait()
    log.close()


@pytest.fixture(scope="session")
def server_process(django_db_setup, django_db_blocker, tmp_path_factory):
    with _daphne(django_db_blocker, tmp_path_factory) as url:
        yield url


@pytest.fixture
def fresh_server(django_db_setup, django_db_blocker, tmp_path_factory, transactional_db):
    """A daphne process of its own, for one test. The shared one caches content types, and
    each test's flush re-creates them under new ids: a later test whose pages write
    generic relations (notifications) then fails on a foreign key. Override `server`
    with this in a module whose tests do."""
    with _daphne(django_db_blocker, tmp_path_factory) as url:
        yield url


@pytest.fixture
def server(server_process, django_db_reset_sequences):
    # Reset sequences: the flush between tests recreates the content types, and the server
    # process caches their ids (notifications point at them); resetting keeps the ids equal.
    return server_process


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium")
        pytest.skip(f"{CHROMIUM} is missing: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, server):
    """Open a fresh browser context (its own cookies) per person in the test."""
    contexts = []

    def make(*, locale: str = "fr-FR", **options):
        context = browser.new_context(base_url=server, locale=locale, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def login(page, email: str, password: str = "pass") -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()


# A page's websocket is up: what is pushed from now on reaches it.
LIVE = "() => (window.coopdeskLive?.socket?.readyState === 1)"


def open_live(new_page, user, url: str, **context):
    """A fresh page of `user`'s on `url`, once its websocket is connected."""
    page = new_page(**context)
    login(page, user.email)
    page.goto(url)
    page.wait_for_function(LIVE)
    return page


def write_request(page, category, subject: str, body: str) -> None:
    """The logged-in member writes a request through the new-request form and lands on it."""
    from playwright.sync_api import expect

    page.goto("/demandes/nouvelle/")
    page.get_by_label(category.label).check()
    page.fill("input[name=subject]", subject)
    page.fill("textarea[name=body]", body)
    page.locator("form#ticket-form button[type=submit]").click()
    expect(page.locator("h1")).to_have_text(subject)
