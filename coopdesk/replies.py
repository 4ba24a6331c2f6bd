"""Answering an e-mail: the reply address and the threading headers of outgoing e-mails.

Each e-mail about something a person can answer (a request) carries a reply address made
for that reader and that thing, `reply+<token>@REPLY_DOMAIN`, and threading headers so that
mail clients keep one thread per thing. The token names a thread (`t12`: a kind letter the
app registered and the object's id, in base 36) and the person; it is signed with
django.core.signing under its own salt, so nobody can make one for another person or
request. It is lower case throughout: some mail servers change the case of an address.

A token stays valid while the person may still answer: whoever uses it is checked again,
as the web form checks them (coopdesk does not know what "may answer" means; the app that
registered the kind does). A token also names the person's address when it was made: after
a change of address the old tokens stop working.

REPLY_DOMAIN empty (the default) means no reply address and no "reply above" line.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.utils.crypto import salted_hmac

SALT = "coopdesk.replies"
LOCAL_PREFIX = "reply+"
# Message-IDs of our own e-mails start with this: a message that carries one is ours,
# come back (a loop), never a person's answer.
OWN_ID_PREFIX = "coopdesk."
ADDRESS_RE = re.compile(r"^reply\+([a-z0-9.]+)@(.+)$")


class LowerSigner(signing.Signer):
    """A Signer whose signature is lower-case base 32 (128 bits of an HMAC-SHA256): an
    address's local part survives servers that fold case, and stays within 64 characters."""

    def __init__(self):
        super().__init__(salt=SALT, sep=".", algorithm="sha256")

    def signature(self, value, key=None):
        key = key or self.key
        digest = salted_hmac(self.salt + "signer", value, key, algorithm=self.algorithm).digest()
        return base64.b32encode(digest[:16]).decode().rstrip("=").lower()


def b36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
        if not number:
            return out


def _address_key(email: str) -> str:
    """Four characters bound to the person's address: changing it retires old tokens."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:4]


@dataclass(frozen=True)
class Token:
    kind: str  # one letter, e.g. "t" for a request
    object_id: int
    user_id: int
    address_key: str


def enabled() -> bool:
    return bool(getattr(settings, "REPLY_DOMAIN", ""))


def make_token(kind: str, object_id: int, user) -> str:
    value = f"{kind}{b36(object_id)}.{b36(user.pk)}.{_address_key(user.email)}"
    return LowerSigner().sign(value)


def reply_address(kind: str, object_id: int, user) -> str:
    return f"{LOCAL_PREFIX}{make_token(kind, object_id, user)}@{settings.REPLY_DOMAIN}"


def read_address(address: str) -> Token | None:
    """The token of one of our reply addresses, checked; None for any other address.

    Raises signing.BadSignature for an address of ours whose token was not made by us.
    """
    if not enabled():
        return None
    match = ADDRESS_RE.match(address.strip().lower())
    if not match or match.group(2) != settings.REPLY_DOMAIN.lower():
        return None
    value = LowerSigner().unsign(match.group(1))
    try:
        thread, user, key = value.split(".")
        return Token(thread[0], int(thread[1:], 36), int(user, 36), key)
    except (ValueError, IndexError):
        raise signing.BadSignature("malformed token") from None


def address_matches(token: Token, email: str) -> bool:
    return secrets.compare_digest(token.address_key, _address_key(email))


def id_domain() -> str:
    """The right-hand side of our Message-IDs: a host name, never a port (not allowed there)."""
    if settings.REPLY_DOMAIN:
        return settings.REPLY_DOMAIN
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def thread_id(kind: str, object_id: int) -> str:
    """The stable root of a thread: every e-mail about it refers to it."""
    return f"<{OWN_ID_PREFIX}{kind}{object_id}@{id_domain()}>"


def message_id(unique: str) -> str:
    return f"<{OWN_ID_PREFIX}{unique}.{secrets.token_hex(6)}@{id_domain()}>"


def is_own_message_id(value: str) -> bool:
    value = (value or "").strip().lower()
    return value.startswith(f"<{OWN_ID_PREFIX}") and value.endswith(f"@{id_domain().lower()}>")


def headers(*, unique: str, thread: tuple[str, int] | None, user, can_reply: bool) -> dict:
    """The headers of one outgoing e-mail: its own Message-ID, and for an e-mail about a
    thread, In-Reply-To/References to the thread's root and this reader's reply address."""
    out = {"Message-ID": message_id(unique)}
    if thread is None:
        return out
    root = thread_id(*thread)
    out["In-Reply-To"] = root
    out["References"] = root
    if can_reply and enabled():
        out["Reply-To"] = reply_address(thread[0], thread[1], user)
    return out
