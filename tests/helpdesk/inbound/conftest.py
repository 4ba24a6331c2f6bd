"""Real-world messages (tests/helpdesk/inbound/messages/) addressed to our personas.

The fixtures hold placeholders where a message names an address or an id we only know at
test time: %%FROM%% (the sender), %%REPLY%% (the reply address made for a person and a
request), %%ROOT%% (the request's thread id), %%DOMAIN%% (REPLY_DOMAIN), %%TEAM%%.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from coopdesk import replies

MESSAGES = Path(__file__).parent / "messages"
DOMAIN = "reply.coop.example"


@pytest.fixture(autouse=True)
def _reply_domain(settings):
    settings.REPLY_DOMAIN = DOMAIN


def fill(name: str, **values: str) -> bytes:
    raw = (MESSAGES / name).read_bytes()
    for key, value in values.items():
        raw = raw.replace(f"%%{key.upper()}%%".encode(), value.encode())
    return raw


def message(name: str, *, sender, ticket=None, token_for=None, team=None) -> bytes:
    """The fixture `name` sent by `sender` (a person or an address) to the reply address
    made for `token_for` (default: the sender) about `ticket`, or to `team`'s address."""
    address = sender if isinstance(sender, str) else sender.email
    values = {"from": address, "domain": DOMAIN}
    if ticket is not None:
        owner = token_for or sender
        values["reply"] = replies.reply_address("t", ticket.pk, owner)
        values["root"] = replies.thread_id("t", ticket.pk)
    if team is not None:
        values["team"] = team.email
    return fill(name, **values)


def answer_to(mail, body: str, *, sender: str, message_id: str, newline: str = "\n") -> bytes:
    """What a mail client sends when its user answers `mail` (an e-mail we sent): our
    reply address, our Message-ID in In-Reply-To, our text quoted below the answer."""
    quoted = "\n".join("> " + line for line in mail.body.splitlines())
    return newline.join([
        f"From: {sender}",
        f"To: {mail.extra_headers['Reply-To']}",
        f"Subject: Re: {mail.subject}",
        f"Message-ID: <{message_id}>",
        f"In-Reply-To: {mail.extra_headers['Message-ID']}",
        "Content-Type: text/plain; charset=utf-8",
        "",
        body,
        "",
        "Le 5 déc. 2026, Coopdesk a écrit :",
        quoted,
        "",
    ]).encode()
