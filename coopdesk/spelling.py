""""Did you mean": the words of a search that finds nothing, spelt as a vocabulary spells them.

Shared by the knowledge base's search (the documents a reader may read) and the teams' queues
(the requests of one team). Each says where its words come from, which words it reads and how
a word "finds something"; this module holds what they share: folding, counting the words of
texts, choosing the closest word, and keeping a vocabulary in the cache (built by one
request at a time, under a key that changes with the rows it was read from).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from difflib import get_close_matches

from django.core.cache import cache
from django.db.models import Count, Max, QuerySet

CORRECTED_LENGTH = 4  # shorter words are left as typed: one letter off is another word
# difflib's ratio: "facure"/"facture" 0.92, "frai"/"frais" 0.89, but "fras"/"frai" 0.75: one
# letter changed in a word of four is too often another word.
CLOSE_ENOUGH = 0.8
CORRECTED_WORDS = 5
VOCABULARY_WORDS = 20_000  # the most frequent words, candidates for a correction
VOCABULARY_KEPT = 24 * 3600
BUILDING_FOR = 60  # seconds one request may take to build a vocabulary before another tries

WORD_RE = re.compile(r"\w+")
_FOLD = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss", "’": "'"})

Vocabulary = Mapping[str, str]  # folded word -> the spelling the texts use most


def fold(text: str) -> str:
    """Lower case without accents, as PostgreSQL's unaccent does."""
    text = unicodedata.normalize("NFKD", text.lower().translate(_FOLD))
    return "".join(c for c in text if not unicodedata.combining(c))


def count_words(texts: Iterable[str], *, stopwords: frozenset[str] = frozenset()) -> dict[str, str]:
    """The words of `texts` that may be corrected to (CORRECTED_LENGTH letters or more, no
    digit, not a stop word): folded, the VOCABULARY_WORDS most frequent first, each with the
    spelling the texts use most (accents included)."""
    spellings: Counter[str] = Counter()
    for text in texts:
        spellings.update(WORD_RE.findall(text.lower()))
    counts: Counter[str] = Counter()
    spelling: dict[str, str] = {}
    for written, n in spellings.most_common():  # the most used spelling of a word first
        folded = fold(written)
        if len(folded) >= CORRECTED_LENGTH and folded.isalpha() and folded not in stopwords:
            counts[folded] += n
            spelling.setdefault(folded, written)
    return {word: spelling[word] for word, _n in counts.most_common(VOCABULARY_WORDS)}


def closest(word: str, vocabulary: Vocabulary) -> str:
    """The vocabulary's spelling of the word closest to `word` (folded), "" when none is
    close enough."""
    close = get_close_matches(word, vocabulary, n=1, cutoff=CLOSE_ENOUGH)
    return vocabulary[close[0]] if close else ""


def corrections(
    words: Iterable[str], vocabulary: Vocabulary, *, finds: Callable[[str], bool]
) -> dict[str, str]:
    """For each of `words` (the first CORRECTED_WORDS), the vocabulary's spelling of it: its
    own when the vocabulary holds the folded word, else the closest one. A word is left as
    typed when nothing is close, and when it finds something as it is (`finds`, asked only
    then: it costs a query). Keyed by the word as given.

    The caller passes the words it does not know as typed: the knowledge base, whose search
    ignores accents, those its vocabulary does not hold; the queue, whose search does not,
    also those it holds with other accents."""
    fixes: dict[str, str] = {}
    for word in list(words)[:CORRECTED_WORDS]:
        spelling = vocabulary.get(fold(word)) or closest(fold(word), vocabulary)
        if spelling and not finds(word):
            fixes[word] = spelling
    return fixes


def rows_key(prefix: str, rows: QuerySet) -> str:
    """A cache key for what is read from `rows`: it changes when one of them is added or
    changed (their `updated_at`), and when one leaves them (their count), even if a later
    change elsewhere carries the newest time."""
    state = rows.order_by().aggregate(n=Count("*"), at=Max("updated_at"))
    stamp = state["at"].timestamp() if state["at"] else 0
    return f"{prefix}:{state['n']}:{stamp}"


def kept_vocabulary(key: str, read: Callable[[], dict[str, str]]) -> dict[str, str]:
    """The vocabulary kept under `key`, read (`read()`) and kept when it is not there. One
    request builds it; searches meanwhile go without a correction ({})."""
    known = cache.get(key)
    if known is None:
        if not cache.add(f"{key}:building", True, BUILDING_FOR):
            return {}
        known = read()
        cache.set(key, known, VOCABULARY_KEPT)
    return known
