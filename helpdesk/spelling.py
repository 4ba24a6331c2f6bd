""""Did you mean" in a team's queue: the misspelt words of a search that finds nothing, spelt
as that team's requests spell them (coopdesk/spelling.py chooses and keeps the words, as for
the knowledge base).

The words are those the queue's search reads: the subjects of the team's requests and the
names of their members, never another team's. Not the categories (the search does not read
them: the category filter does), nor parts of e-mail addresses, which nobody spells.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction

from coopdesk.spelling import (
    CORRECTED_LENGTH,
    corrections,
    count_words,
    fold,
    kept_vocabulary,
    rows_key,
)
from helpdesk.models import REFERENCE_RE, SEARCH_WORDS, Team, Ticket

# The team's most recently updated requests that words are learnt from: a busy team's whole
# history would be read again each time one of its requests changes. An older word is not
# suggested; a word is never corrected when it finds something as typed.
VOCABULARY_REQUESTS = 10_000


def correction(text: str, *, team: Team) -> str:
    """`text` with each word that finds nothing in the team's requests replaced by the
    closest word of their subjects and members' names, as they spell it (accents included:
    the queue's search does not ignore them), or "" when no word was replaced.

    References and numbers, words of fewer than CORRECTED_LENGTH letters, and words with a
    digit or a sign (e-mail addresses, "D-2026-…") are left as typed."""
    text = text.strip()
    if not text or REFERENCE_RE.match(text) or text.isdecimal():
        return ""
    typed = [w for w in dict.fromkeys(text.split()[:SEARCH_WORDS])  # those the search reads
             if w.isalpha() and len(fold(w)) >= CORRECTED_LENGTH]
    if not typed:
        return ""
    known = vocabulary(team)
    requests = Ticket.objects.filter(team=team)
    fixes = corrections(
        [w for w in typed if known.get(fold(w), "") != w.lower()], known,
        finds=lambda word: requests.search(word).exists(),
    )
    if not fixes:
        return ""
    return re.sub(r"\S+", lambda m: fixes.get(m.group(), m.group()), text)


def _key(team_id: int) -> str:
    # A request transferred away changes the count: its words leave the team at once.
    return rows_key(f"queue-vocabulary:{team_id}:{_generation(team_id)}",
                    Ticket.objects.filter(team=team_id))


def _generation_key(team_id: int) -> str:
    return f"queue-vocabulary-generation:{team_id}"


def _generation(team_id: int) -> str:
    """The team's vocabulary generation, changed when its words must be forgotten. A
    random token rather than a count: if the cache drops it, the next one is new too, never
    an earlier one whose words someone asked to forget."""
    return cache.get_or_set(_generation_key(team_id), _new_generation, timeout=None)


def _new_generation() -> str:
    return secrets.token_hex(8)


def vocabulary(team: Team) -> dict[str, str]:
    """The team's words (coopdesk.spelling.count_words), kept in the cache until one of its
    requests is added, changed or transferred away."""
    return kept_vocabulary(_key(team.pk), lambda: read_vocabulary(team))


def read_vocabulary(team: Team) -> dict[str, str]:
    rows = (
        Ticket.objects.filter(team=team).order_by("-updated_at")
        .values_list("subject", "requester__first_name", "requester__last_name")
    )[:VOCABULARY_REQUESTS]
    return count_words(" ".join(row) for row in rows.iterator(chunk_size=2000))


def forget_vocabularies(team_ids: Iterable[int]) -> None:
    """Once the transaction commits, forget these teams' words: for a change that moves no
    request's `updated_at`, such as a member's erasure (her subjects and name).

    Deleting the kept words is not enough: a build that read the requests before the
    change committed would keep them again under the same key when it ends. So the team's
    generation, part of the key, changes: what is kept under the old one is never read
    again (and expires with VOCABULARY_KEPT)."""
    team_ids = set(team_ids)

    def forget() -> None:
        kept = [_key(team_id) for team_id in team_ids]
        cache.set_many({_generation_key(team_id): _new_generation() for team_id in team_ids},
                       timeout=None)
        cache.delete_many(kept)

    if team_ids:
        transaction.on_commit(forget)
