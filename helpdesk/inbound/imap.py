"""The worker's job for a cooperative with only a mailbox: read it over IMAP.

Each round takes the messages in IMAP_FOLDER, oldest first, hands each to the one path
(helpdesk.inbound.process) and moves it: to IMAP_DONE_FOLDER when posted or ignored on
purpose, to IMAP_REFUSED_FOLDER when refused (someone can look at it there). A message
whose processing failed on our side (the database unreachable...) stays where it is and
is tried again next round; since each Message-ID is processed once, a message processed
but not moved (the worker stopped in between) is only recorded as a duplicate next time.
A message that fails for any other reason is left for the next round too, the others
processed meanwhile; after MAX_ATTEMPTS failed rounds it goes to IMAP_REFUSED_FOLDER, so that
one hostile message never stops the mailbox.

A message larger than INBOUND_MAX_BYTES is not downloaded: its header is enough to refuse it.
"""

from __future__ import annotations

import logging
import re

from django.conf import settings
from django.core.cache import cache
from django.db import InterfaceError, OperationalError
from imap_tools import MailBox, MailBoxUnencrypted

from coopdesk import jobs
from helpdesk import inbound

logger = logging.getLogger(__name__)

BATCH = 50
MAX_ATTEMPTS = 3
ATTEMPTS_KEPT = 7 * 24 * 3600  # seconds


def _attempts_key(uid: str) -> str:
    return f"inbound:imap:{settings.IMAP_HOST}:{settings.IMAP_USER}:{settings.IMAP_FOLDER}:{uid}"


def failed_attempt(uid: str) -> int:
    """Count one more failed round for the message `uid`; how many so far."""
    key = _attempts_key(uid)
    cache.add(key, 0, ATTEMPTS_KEPT)  # the first failure; a racing one keeps its count
    return cache.incr(key)
SIZE_RE = re.compile(rb"RFC822\.SIZE (\d+)")


def connect():
    box_class = MailBox if settings.IMAP_SSL else MailBoxUnencrypted
    box = box_class(settings.IMAP_HOST, port=settings.IMAP_PORT, timeout=30)
    return box.login(settings.IMAP_USER, settings.IMAP_PASSWORD, settings.IMAP_FOLDER)


def _fetch(box, uid: str, what: str) -> bytes:
    status, data = box.client.uid("FETCH", uid, what)
    if status != "OK":
        raise OSError(f"IMAP FETCH {what} of {uid}: {status}")
    parts = [item for item in data if isinstance(item, tuple)]
    return parts[0][1] if parts else b""


def _size(box, uid: str) -> int:
    status, data = box.client.uid("FETCH", uid, "(RFC822.SIZE)")
    match = SIZE_RE.search(data[0] if data and isinstance(data[0], bytes) else b"")
    return int(match.group(1)) if status == "OK" and match else 0


def poll() -> int | None:
    """One round: returns how many messages were handled (moved)."""
    if not settings.IMAP_HOST:
        return None
    handled = 0
    with connect() as box:
        for folder in (settings.IMAP_DONE_FOLDER, settings.IMAP_REFUSED_FOLDER):
            if not box.folder.exists(folder):
                box.folder.create(folder)
        for uid in box.uids("ALL")[:BATCH]:
            if jobs.stopping():
                break
            try:
                size = _size(box, uid)
                if size > settings.INBOUND_MAX_BYTES:
                    raw = _fetch(box, uid, "(BODY.PEEK[HEADER])")
                else:
                    raw = _fetch(box, uid, "(BODY.PEEK[])")
                result = inbound.process(raw, size=size or None)
            except (OperationalError, InterfaceError):
                logger.exception("incoming e-mail %s left in the mailbox, tried again later", uid)
                break  # the database unreachable: the next ones would fail too
            except Exception:
                attempts = failed_attempt(uid)
                if attempts < MAX_ATTEMPTS:
                    logger.exception(
                        "incoming e-mail %s left in the mailbox (attempt %d of %d)",
                        uid, attempts, MAX_ATTEMPTS,
                    )
                    continue  # this one only: the others are processed
                logger.exception(
                    "incoming e-mail %s failed %d times: moved to %s",
                    uid, attempts, settings.IMAP_REFUSED_FOLDER,
                )
                box.move(uid, settings.IMAP_REFUSED_FOLDER)
                cache.delete(_attempts_key(uid))
                handled += 1
                continue
            folder = settings.IMAP_REFUSED_FOLDER if result.refused else settings.IMAP_DONE_FOLDER
            box.move(uid, folder)
            handled += 1
    return handled
