"""Full-text search over the knowledge base, on PostgreSQL and on SQLite.

PostgreSQL: a `tsvector` column kept inside the rows, with a GIN index, the `kb_french` text
search configuration (unaccent then the French Snowball stemmer, made by kb's migration),
`websearch_to_tsquery` and `ts_rank`; suggestions look at titles and summaries, in a narrow
table of their own (SearchHeading).

SQLite: an FTS5 table (`unicode61 remove_diacritics 2`) holding text that Python has
already folded (lower case, no accents) and stemmed with the same Snowball French stemmer,
without French stop words: the same words match on both databases. `bm25` ranks.

On both, the snippet is cut and highlighted in Python, for the shown rows only, with the same
folding and stemmer: PostgreSQL's ts_headline re-parsed each whole shown text with the
dictionary, where highlight() stops reading at the end of its window.

Results list the reader's language first, then articles and guides before glossary entries,
then by rank.

Both keep the title, summary and body apart, weighted 10/4/1 (A/B/C on PostgreSQL).
"""

from __future__ import annotations

import html
import re
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice

import snowballstemmer
from django.conf import settings
from django.core.cache import cache
from django.db import connection as default_connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.functions import Left
from django.utils.translation import get_language

from coopdesk.spelling import (
    CORRECTED_LENGTH,
    WORD_RE,
    corrections,
    count_words,
    fold,
    kept_vocabulary,
    rows_key,
)
from kb.models import SearchDocument

CONFIG = "kb_french"
FTS_TABLE = "kb_search_fts"
SNIPPET_WORDS = 28
SNIPPET_SOURCE = 6000  # characters of a text that a snippet may come from
SUGGEST_TERMS = 12

# PostgreSQL's French stop words (snowball list), folded like the indexed text.
STOPWORDS = frozenset(
    """au aux avec ce ces dans de des du elle en et eux il ils je la le les leur lui ma mais me
    meme mes moi mon ne nos notre nous on ou par pas pour qu que qui sa se ses son sur ta te tes
    toi ton tu un une vos votre vous c d j l a m n s t y ete etee etees etes etant etante etants
    etantes suis es est sommes etes sont serai seras sera serons serez seront serais serait
    serions seriez seraient etais etait etions etiez etaient fus fut fumes futes furent sois
    soit soyons soyez soient fusse fusses fut fussions fussiez fussent ayant ayante ayantes
    ayants eu eue eues eus ai as avons avez ont aurai auras aura aurons aurez auront aurais
    aurait aurions auriez auraient avais avait avions aviez avaient eut eumes eutes eurent aie
    aies ait ayons ayez aient eusse eusses eut eussions eussiez eussent ceci cela cet cette ici
    ils les leurs quel quels quelle quelles sans soi""".split()
)
# Words of a request's greeting and politeness: suggestions look for what it is about. They
# also cost: ranking time grows with the number of words asked for.
REQUEST_FILLER = frozenset(
    """bonjour bonsoir salut hello merci remercie remerciant cordialement cordiales
    salutations madame monsieur svp stp plait voudrais souhaiterais pourriez pouvez faut
    depuis""".split()
)
_stemmer = snowballstemmer.stemmer("french")


@lru_cache(maxsize=200_000)
def stem(folded_word: str) -> str:
    return _stemmer.stemWord(folded_word)


def words(text: str) -> list[str]:
    """The meaningful words of a text, folded, in order."""
    return [w for w in WORD_RE.findall(fold(text)) if w not in STOPWORDS and w.strip("_")]


def terms(text: str) -> list[str]:
    """The stems of the meaningful words of a text, in order."""
    return [stem(w) for w in words(text)]


@dataclass
class Hit:
    kind: str
    object_id: int
    title: str
    summary: str
    url: str
    audience: str
    language: str
    snippet: str  # safe HTML: escaped text with <mark> around the matching words


@dataclass
class Results:
    total: int
    hits: list[Hit]


@dataclass(frozen=True)
class Query:
    """A websearch-style query: words (all required), "a phrase", -excluded, `or`."""

    groups: tuple[tuple[tuple[str, ...], ...], ...]  # OR-groups of AND-ed phrases of words
    excluded: tuple[tuple[str, ...], ...]
    headings_only: bool = False  # match titles and summaries (and tags) only

    @property
    def is_empty(self) -> bool:
        return not any(meaningful(p) for group in self.groups for p in group)

    def either(self, other: Query) -> Query:
        """This query or the other (with this one's exclusions)."""
        return Query(groups=self.groups + other.groups, excluded=self.excluded,
                     headings_only=self.headings_only)

    @property
    def highlight_terms(self) -> set[str]:
        return {t for group in self.groups for phrase in group for t in meaningful(phrase)}


def meaningful(phrase: tuple[str, ...]) -> list[str]:
    """The stems of a phrase's words, stop words left out (as both indexes do)."""
    return [stem(w) for w in phrase if w not in STOPWORDS]


MAX_QUERY = 300  # characters of a search that are read


def parse(text: str) -> Query:
    text = (text or "")[:MAX_QUERY]
    groups: list[list[tuple[str, ...]]] = [[]]
    excluded: list[tuple[str, ...]] = []
    for match in re.finditer(r'(-?)"([^"]*)"?|(\S+)', text):
        negative, quoted, word = match.group(1), match.group(2), match.group(3)
        if word is not None and word.lower() == "or":
            if groups[-1]:
                groups.append([])
            continue
        if word is not None and word.startswith("-") and len(word) > 1:
            negative, word = "-", word[1:]
        # Keep stop words inside a phrase: PostgreSQL counts their positions.
        phrase = tuple(w for w in WORD_RE.findall(fold(quoted if quoted is not None else word))
                       if w.strip("_"))
        if not meaningful(phrase):
            continue
        (excluded if negative else groups[-1]).append(phrase)
    return Query(groups=tuple(tuple(g) for g in groups if g), excluded=tuple(excluded))


def any_words(text: str) -> Query:
    """For suggestions while typing: any meaningful word may match, the best ranked first."""
    seen: dict[str, str] = {}
    for word in words(text[:2000]):
        if len(word) > 2 and not word.isdigit() and word not in REQUEST_FILLER:
            seen.setdefault(stem(word), word)
    picked = list(seen.values())[:SUGGEST_TERMS]
    return Query(groups=tuple(((w,),) for w in picked), excluded=(), headings_only=True)


# --- snippets ------------------------------------------------------------------------------------


@lru_cache(maxsize=200_000)
def token_stem(word: str) -> str:
    return stem(fold(word))


def highlight(text: str, wanted: set[str], words: int = SNIPPET_WORDS) -> str:
    """Escape `text`, keep a window of words around the first match, mark the matches.
    Runs for the shown rows only, and stops reading at the end of the window."""
    before: deque[re.Match] = deque(maxlen=words // 3)
    window: list[re.Match] = []
    for token in WORD_RE.finditer(text, 0, SNIPPET_SOURCE):
        if window or token_stem(token.group()) in wanted:
            window.append(token)
            if len(before) + len(window) >= words:
                break
        else:
            before.append(token)
    tokens = [*before, *window] if window else list(islice(WORD_RE.finditer(text), words))
    if not tokens:
        return ""
    begin, end = tokens[0].start(), tokens[-1].end()
    parts, position = [], begin
    for token in tokens:
        parts.append(html.escape(text[position : token.start()]))
        word = html.escape(token.group())
        parts.append(f"<mark>{word}</mark>" if token_stem(token.group()) in wanted else word)
        position = token.end()
    prefix = "… " if begin > 0 else ""
    suffix = " …" if end < len(text) else ""
    return prefix + "".join(parts) + suffix


def hits(rows: list[tuple], query: Query) -> list[Hit]:
    """Search rows (the document's fields, the start of its text, the total) to hits with
    their snippets: from the text, or from the summary when the text is empty."""
    wanted = query.highlight_terms
    return [
        Hit(kind, object_id, title, summary, url, audience, language,
            highlight(body or summary, wanted))
        for kind, object_id, title, summary, url, audience, language, body, _total in rows
    ]


# --- engines -----------------------------------------------------------------------------------


class Engine:
    def __init__(self, connection: BaseDatabaseWrapper):
        self.connection = connection

    def sync(self, docs: Iterable[SearchDocument]) -> None:
        raise NotImplementedError

    def remove(self, ids: Iterable[int]) -> None:
        raise NotImplementedError

    def search(
        self, query: Query, *, audiences: Sequence[str], kinds: Sequence[str] | None = None,
        limit: int = 10, offset: int = 0, count: bool = True, language: str = "",
    ) -> Results:
        """The matches best first: those in `language` before the others, then articles and
        guides before glossary entries (a term's short definition outranks the article that
        explains what to do), then by rank."""
        raise NotImplementedError


def scope_tokens(audience: str, kind: str) -> str:
    return f"au{audience} kd{kind}"


class SqliteEngine(Engine):
    def sync(self, docs: Iterable[SearchDocument]) -> None:
        rows = [
            (d.pk, " ".join(terms(d.title)), " ".join(terms(d.summary)),
             " ".join(terms(d.body)), scope_tokens(d.audience, d.kind))
            for d in docs
        ]
        with self.connection.cursor() as cursor:
            cursor.executemany(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [(r[0],) for r in rows])
            cursor.executemany(
                f"INSERT INTO {FTS_TABLE} (rowid, title, summary, body, scope)"
                " VALUES (%s, %s, %s, %s, %s)",
                rows,
            )

    def remove(self, ids: Iterable[int]) -> None:
        with self.connection.cursor() as cursor:
            cursor.executemany(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [(i,) for i in ids])

    @staticmethod
    def match_expression(query: Query) -> str:
        def phrase(words: tuple[str, ...]) -> str:
            return '"' + " ".join(meaningful(words)) + '"'  # \w only: nothing to escape

        groups = [" AND ".join(phrase(p) for p in group) for group in query.groups]
        expression = " OR ".join(f"({g})" for g in groups)
        if query.headings_only:
            expression = f"{{title summary}} : ({expression})"
        if query.excluded:
            expression = f"({expression}) NOT ({' OR '.join(phrase(p) for p in query.excluded)})"
        return expression

    @staticmethod
    def scope_filter(audiences: Sequence[str], kinds: Sequence[str] | None) -> str:
        allowed = " OR ".join(f"au{a}" for a in audiences)
        expression = f" AND scope : ({allowed})"
        if kinds:
            expression += " AND scope : ({})".format(" OR ".join(f"kd{k}" for k in kinds))
        return expression

    def search(self, query, *, audiences, kinds=None, limit=10, offset=0, count=True,
               language=""):
        if query.is_empty:
            return Results(0, [])
        match = f"({self.match_expression(query)}){self.scope_filter(audiences, kinds)}"
        total = "count(*) OVER ()" if count else "0"
        # bm25() is only allowed in a plain query on the FTS table: rank there, order, count
        # and cut the page around it, and read the documents' rows for the page only. The
        # language and kind of each match come from two id lists read through small
        # indexes: joining each match's row instead doubled the time of a search for a
        # common word. Suggestions (headings) keep the rank alone, as on PostgreSQL.
        if query.headings_only:
            tiers, params = "0 AS elsewhere, 0 AS glossary", []
        else:
            tiers = (
                "id IN (SELECT id FROM kb_searchdocument WHERE language <> %s) AS elsewhere,"
                " id IN (SELECT id FROM kb_searchdocument WHERE kind = 'term') AS glossary"
            )
            params = [language]
        sql = (
            "SELECT d.kind, d.object_id, d.title, d.summary, d.url, d.audience, d.language,"
            f" substr(d.body, 1, {SNIPPET_SOURCE}), page.total FROM ("
            f"  SELECT id, score, {total} AS total, {tiers} FROM ("
            f"    SELECT rowid AS id, bm25({FTS_TABLE}, 10.0, 4.0, 1.0, 0.0) AS score"
            f"    FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"
            "  ) ORDER BY elsewhere, glossary, score, id LIMIT %s OFFSET %s"
            ") page JOIN kb_searchdocument d ON d.id = page.id"
            " ORDER BY page.elsewhere, page.glossary, page.score, d.id"
        )
        with self.connection.cursor() as cursor:
            cursor.execute(sql, [*params, match, limit, offset])
            rows = cursor.fetchall()
        return Results(rows[0][-1] if rows and count else len(rows), hits(rows, query))


class PostgresEngine(Engine):
    VECTOR = (
        f"setweight(to_tsvector('{CONFIG}', coalesce(title, '')), 'A') || "
        f"setweight(to_tsvector('{CONFIG}', coalesce(summary, '')), 'B') || "
        f"setweight(to_tsvector('{CONFIG}', coalesce(body, '')), 'C')"
    )
    HEADINGS = (
        f"setweight(to_tsvector('{CONFIG}', coalesce(title, '')), 'A') || "
        f"setweight(to_tsvector('{CONFIG}', coalesce(summary, '')), 'B')"
    )

    def sync(self, docs: Iterable[SearchDocument]) -> None:
        """The document's vector, and its heading (a row of SearchHeading, with the audience
        and kind copied: a document whose audience changes is filtered anew at once)."""
        ids = [d.pk for d in docs]
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE kb_searchdocument SET search_vector = {self.VECTOR} WHERE id = ANY(%s)",
                [ids],
            )
            cursor.execute(
                "INSERT INTO kb_searchheading (document_id, kind, audience, heading_vector)"
                f" SELECT id, kind, audience, {self.HEADINGS} FROM kb_searchdocument"
                " WHERE id = ANY(%s) ON CONFLICT (document_id) DO UPDATE SET"
                " kind = excluded.kind, audience = excluded.audience,"
                " heading_vector = excluded.heading_vector",
                [ids],
            )

    def remove(self, ids: Iterable[int]) -> None:
        """The row's own delete removes its vector, and Django's its SearchHeading."""

    @staticmethod
    def tsquery(query: Query) -> str:
        """websearch_to_tsquery for the search page; for suggestions, any word (an OR,
        which websearch syntax can say, but not without parsing the member's text)."""
        if query.headings_only:
            return f"to_tsquery('{CONFIG}', %s)"
        return f"websearch_to_tsquery('{CONFIG}', %s)"

    @staticmethod
    def query_text(query: Query) -> str:
        if query.headings_only:  # words are \w+ only: no tsquery operator can slip in
            return " | ".join(w for group in query.groups for phrase in group for w in phrase)
        return PostgresEngine.websearch_text(query)

    @staticmethod
    def websearch_text(query: Query) -> str:
        """Our parsed query back to websearch syntax (words only, no operators of the
        member's), so both databases read it alike."""

        def phrase(words):
            return '"' + " ".join(words) + '"' if len(words) > 1 else words[0]

        text = " or ".join(" ".join(phrase(p) for p in group) for group in query.groups)
        return text + "".join(f" -{phrase(p)}" for p in query.excluded)

    def search(self, query, *, audiences, kinds=None, limit=10, offset=0, count=True,
               language=""):
        if query.is_empty:
            return Results(0, [])
        total = "count(*) OVER ()" if count else "0"
        # kb_search_matches and kb_heading_matches (made by kb's migration) rank every
        # match, read through the GIN index even for common words; suggestions look at
        # headings only, in their narrow table (see SearchHeading). The inner query counts
        # and cuts the page on ids and ranks only; the outer one reads the page's rows.
        if query.headings_only:
            matches = "kb_heading_matches(q, %s, %s) m"
            tiers = "false AS elsewhere, false AS glossary"
            params = []
        else:
            matches = "kb_search_matches(q, %s, %s) m"
            tiers = "(m.language <> %s) AS elsewhere, (m.kind = 'term') AS glossary"
            params = [language]
        sql = (
            "SELECT d.kind, d.object_id, d.title, d.summary, d.url, d.audience, d.language,"
            f" left(d.body, {SNIPPET_SOURCE}), page.total FROM ("
            f"  SELECT m.id, m.rank, {total} AS total, {tiers}"
            f"  FROM {self.tsquery(query)} q, {matches}"
            "  ORDER BY elsewhere, glossary, m.rank DESC, m.id LIMIT %s OFFSET %s"
            ") page JOIN kb_searchdocument d ON d.id = page.id"
            " ORDER BY page.elsewhere, page.glossary, page.rank DESC, d.id"
        )
        with self.connection.cursor() as cursor:
            cursor.execute(sql, [
                *params, self.query_text(query), list(audiences),
                list(kinds) if kinds else None, limit, offset,
            ])
            rows = cursor.fetchall()
        return Results(rows[0][-1] if rows and count else len(rows), hits(rows, query))


def engine(connection: BaseDatabaseWrapper | None = None) -> Engine:
    connection = connection or default_connection
    if connection.vendor == "postgresql":
        return PostgresEngine(connection)
    if connection.vendor == "sqlite":
        return SqliteEngine(connection)
    raise NotImplementedError(f"no knowledge-base search for {connection.vendor}")


def search(
    text: str, *, audiences: Sequence[str], kinds: Sequence[str] | None = None,
    limit: int = 10, offset: int = 0,
) -> Results:
    """The reader's language is the active one (the page's); the glossary's synonyms in
    `text` also find what is written in their terms' words."""
    query = parse(text)
    for alternative in synonym_alternatives(text):
        query = query.either(parse(alternative))
    return engine().search(
        query, audiences=audiences, kinds=kinds, limit=limit, offset=offset,
        language=reading_language(),
    )


# --- the glossary's synonyms -----------------------------------------------------------------

SYNONYMS_KEY = "kb-glossary-synonyms"
SYNONYMS_KEPT = 600  # kb.actions forgets them when a term changes; this for other processes


def synonym_alternatives(text: str) -> list[str]:
    """`text` again for each glossary synonym it holds, with the term's words in its place:
    "bulletin de paie" is also "fiche de paie"."""
    text = text[:MAX_QUERY]
    tokens = [(m.start(), m.end(), fold(m.group())) for m in WORD_RE.finditer(text)]
    folded = [word for _start, _end, word in tokens]
    alternatives = []
    for synonym, term in glossary_synonyms().items():
        size = len(synonym)
        for i in range(len(folded) - size + 1):
            if tuple(folded[i : i + size]) == synonym:
                start, end = tokens[i][0], tokens[i + size - 1][1]
                alternatives.append(f'{text[:start]}"{term}"{text[end:]}')
                break
    return alternatives


def glossary_synonyms() -> dict[tuple[str, ...], str]:
    """Each synonym of the glossary, as folded words, with the term it stands for."""
    synonyms = cache.get(SYNONYMS_KEY)
    if synonyms is None:
        from kb.models import Term

        synonyms = {}
        for term in Term.objects.exclude(synonyms="").only("term", "synonyms"):
            own = tuple(WORD_RE.findall(fold(term.term)))
            for synonym in term.synonym_list():
                words = tuple(WORD_RE.findall(fold(synonym)))
                if len("".join(words)) < 3:  # "CA" is also "ça"
                    continue
                if words != own and meaningful(words) != meaningful(own):
                    synonyms.setdefault(words, term.term)
        cache.set(SYNONYMS_KEY, synonyms, SYNONYMS_KEPT)
    return synonyms


def forget_synonyms() -> None:
    cache.delete(SYNONYMS_KEY)


def reading_language() -> str:
    return (get_language() or settings.LANGUAGE_CODE).split("-")[0]


def suggest(
    text: str, *, audiences: Sequence[str], limit: int = 5
) -> list[Hit]:
    query = any_words(text)
    return engine().search(
        query, audiences=audiences, kinds=["article", "guide"], limit=limit, count=False
    ).hits


# --- "did you mean" (coopdesk/spelling.py: what the teams' queues share) -------------------------

VOCABULARY_SOURCE = 1000  # characters of each body that words are learnt from


def search_or_correct(
    text: str, *, audiences: Sequence[str], kinds: Sequence[str] | None = None,
    limit: int = 10, offset: int = 0,
) -> tuple[Results, str]:
    """The results for `text`; when there are none, those for `text` with its unknown words
    spelt as the documents the reader may read spell them, and that text ("" if it finds
    nothing either, or if there was nothing to correct)."""
    results = search(text, audiences=audiences, kinds=kinds, limit=limit, offset=offset)
    if results.total:
        return results, ""
    corrected = correction(text, audiences=audiences)
    if corrected:
        corrected_results = search(
            corrected, audiences=audiences, kinds=kinds, limit=limit, offset=offset
        )
        if corrected_results.total:
            return corrected_results, corrected
    return results, ""


def correction(text: str, *, audiences: Sequence[str]) -> str:
    """`text` with each word that matches nothing the reader may read replaced by the
    closest word of those documents, or "" when no word was replaced. Words to exclude
    (-word) are left as typed."""
    typed = [w for w in dict.fromkeys(w for group in parse(text).groups for p in group for w in p)
             if len(w) >= CORRECTED_LENGTH and w.isalpha() and w not in STOPWORDS]
    if not typed:
        return ""
    known = vocabulary(audiences)
    fixes = corrections([w for w in typed if w not in known], known,
                        finds=lambda word: matches(word, audiences=audiences))
    if not fixes:
        return ""
    return WORD_RE.sub(lambda m: fixes.get(fold(m.group()), m.group()), text)


def matches(word: str, *, audiences: Sequence[str]) -> bool:
    """Whether a folded word finds something as typed: through its stem ("factur"), or in a
    body beyond what the vocabulary reads."""
    query = Query(groups=(((word,),),), excluded=())
    return bool(engine().search(query, audiences=audiences, limit=1, count=False).hits)


def vocabulary(audiences: Sequence[str]) -> dict[str, str]:
    """The words of the documents these audiences may read (coopdesk.spelling.count_words),
    kept in the cache until a document is added, changed or removed."""
    readable = SearchDocument.objects.filter(audience__in=audiences)
    # A document leaving these audiences changes the count: its words go at once.
    key = rows_key(f"kb-vocabulary:{'.'.join(sorted(audiences))}", readable)
    return kept_vocabulary(key, lambda: read_vocabulary(audiences))


def read_vocabulary(audiences: Sequence[str]) -> dict[str, str]:
    texts = SearchDocument.objects.filter(audience__in=audiences).values_list(
        "title", "summary", Left("body", VOCABULARY_SOURCE)
    )
    return count_words((" ".join(row) for row in texts.iterator(chunk_size=500)),
                       stopwords=STOPWORDS)
