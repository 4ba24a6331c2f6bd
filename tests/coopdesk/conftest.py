"""Helpers for the live notification tests: sockets with a real session, a fake mail server."""

from __future__ import annotations

import pytest
from channels import DEFAULT_CHANNEL_LAYER
from channels.layers import channel_layers, get_channel_layer
from channels.testing import WebsocketCommunicator

from coopdesk.asgi import application
from tests.conftest import login


def session_cookie(user) -> bytes:
    return f"sessionid={login(user).cookies['sessionid'].value}".encode()


@pytest.fixture
def socket_for():
    """socket_for(user) -> a communicator on /ws/live/ logged in as that person."""

    def make(user=None, *, origin: bytes = b"http://testserver") -> WebsocketCommunicator:
        headers = [(b"origin", origin)]
        if user is not None:
            headers.append((b"cookie", session_cookie(user)))
        return WebsocketCommunicator(application, "/ws/live/", headers=headers)

    return make


@pytest.fixture
def flush_layer():
    """Start each socket test with a new, empty channel layer (memory or Redis).

    A new instance: channels-redis keeps receive state bound to the event loop that used
    it, and each test runs its own loop.
    """
    channel_layers.backends.pop(DEFAULT_CHANNEL_LAYER, None)

    async def flush() -> None:
        layer = get_channel_layer()
        if hasattr(layer, "flush"):
            await layer.flush()

    return flush


class FlakyBackend:
    """An e-mail backend that fails while `failures` is positive, then delivers to `sent`."""

    failures = 0
    sent: list = []

    def __init__(self, *args, **kwargs) -> None:
        pass

    def open(self) -> bool:
        return True

    def close(self) -> None:
        pass

    def send_messages(self, messages) -> int:
        if FlakyBackend.failures > 0:
            FlakyBackend.failures -= 1
            raise ConnectionRefusedError("SMTP server unreachable")
        FlakyBackend.sent.extend(messages)
        return len(messages)


@pytest.fixture
def flaky_mail(settings):
    settings.EMAIL_BACKEND = "tests.coopdesk.conftest.FlakyBackend"
    FlakyBackend.failures = 0
    FlakyBackend.sent = []
    return FlakyBackend


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Persona fixtures hash a password each; the default hasher costs ~0.5 s a person."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
