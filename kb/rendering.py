"""Articles: Markdown to sanitised HTML with glossary terms linked, once, on save;
and the readable differences between two revisions.

The linking runs on HTML that nh3 has already cleaned; what it adds is ours (escaped
definitions, fixed attributes), so a hostile article cannot smuggle markup through it. It reads
that HTML with one regular expression rather than an HTML parser: nh3 writes every attribute
as name="value" with quotes escaped inside, and escapes every < in text, so a tag is easy to
tell from text, and an article at the length limit is linked in milliseconds.
"""

from __future__ import annotations

import difflib
import html
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.urls import reverse

from coopdesk.rendering import render_markdown

# Never link inside these: a link in a link is invalid, and code or headings read badly.
NO_LINK_TAGS = {"a", "abbr", "code", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "summary"}
TAG = r'<(?P<closing>/?)(?P<name>[a-zA-Z][a-zA-Z0-9]*)(?:\s+[\w:-]+(?:="[^"]*")?)*\s*/?>'
DEFINITION_CHARS = 280


@dataclass(frozen=True)
class Rendered:
    html: str
    text: str


@dataclass(frozen=True)
class GlossaryEntry:
    slug: str
    term: str
    definition: str
    url: str


class Glossary:
    """Every term and synonym, matched as whole words, case-insensitively."""

    def __init__(self, entries: Iterable[tuple[GlossaryEntry, list[str]]]):
        self.by_variant: dict[str, GlossaryEntry] = {}
        for entry, variants in entries:
            for variant in variants:
                self.by_variant.setdefault(variant.lower(), entry)
        # Terms are looked for in escaped text ("R&amp;D"), never inside an entity.
        alternatives = [html.escape(variant, quote=False) for variant in self.by_variant]
        self.pattern = (
            re.compile(
                TAG + r"|(?<![\w&#])(?P<term>" + trie_pattern(alternatives) + r")(?!\w)",
                re.IGNORECASE,
            )
            if alternatives
            else None
        )

    @classmethod
    def load(cls) -> Glossary:
        from kb.models import Term

        return cls(
            (
                GlossaryEntry(
                    slug=term.slug,
                    term=term.term,
                    definition=shorten(term.definition, DEFINITION_CHARS),
                    url=reverse("kb:term-detail", args=[term.slug]),
                ),
                term.variants(),
            )
            for term in Term.objects.only("term", "slug", "definition", "synonyms")
        )

    def link(self, cleaned_html: str) -> str:
        if self.pattern is None or not cleaned_html:
            return cleaned_html
        skip = 0  # inside how many tags where no term is linked
        linked: set[str] = set()

        def replace(match: re.Match) -> str:
            nonlocal skip
            if match.group("term") is None:
                if match.group("name").lower() in NO_LINK_TAGS:
                    skip = max(skip + (-1 if match.group("closing") else 1), 0)
                return match.group(0)
            text = html.unescape(match.group("term"))
            entry = self.by_variant[text.lower()]
            if skip or entry.slug in linked:
                return match.group(0)  # only the first mention: a page full of links helps nobody
            linked.add(entry.slug)
            return term_markup(entry, text)

        return self.pattern.sub(replace, cleaned_html)


def trie_pattern(words: Iterable[str]) -> str:
    """One regular expression for many words, sharing their prefixes ("ca(?:e|pe)"): the
    engine then tries one branch per letter, not every word at every position of a text.
    Longer words are tried first, as a plain "|" of words sorted by length would."""
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: dict) -> str:
        branches = [re.escape(char) + build(child) for char, child in sorted(node.items())
                    if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return build(trie)


def term_markup(entry: GlossaryEntry, text: str) -> str:
    """A link to the definition; the definition shows on hover and on keyboard focus
    (CSS), is announced as the link's description, and Escape hides it (kb.js)."""
    tip_id = f"term-tip-{entry.slug}"
    return (
        f'<span class="term">'
        f'<a class="term-link" href="{html.escape(entry.url)}" aria-describedby="{tip_id}">'
        f"{html.escape(text, quote=False)}</a>"
        f'<span class="term-tip" role="tooltip" id="{tip_id}">'
        f"<strong>{html.escape(entry.term, quote=False)}</strong> : "
        f"{html.escape(entry.definition, quote=False)}</span></span>"
    )


def plain_text(cleaned_html: str) -> str:
    return re.sub(r"[ \t]+", " ", html.unescape(re.sub(TAG, "", cleaned_html))).strip()


def render_article(body: str, glossary: Glossary | None = None) -> Rendered:
    cleaned = render_markdown(body)
    linked = (glossary or Glossary.load()).link(cleaned)
    return Rendered(html=linked, text=plain_text(cleaned))


def shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0] + "…"


# --- what changed between two revisions --------------------------------------------------------


@dataclass(frozen=True)
class DiffBlock:
    kind: str  # "same", "added", "removed", "changed"
    html: str


def _words(line: str) -> list[str]:
    return re.findall(r"\s+|\w+|[^\w\s]", line)


def _inline_diff(old: str, new: str) -> str:
    a, b = _words(old), _words(new)
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(html.escape("".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(f"<del>{html.escape(''.join(a[i1:i2]))}</del>")
        if j2 > j1:
            out.append(f"<ins>{html.escape(''.join(b[j1:j2]))}</ins>")
    return "".join(out)


def diff_blocks(old: str, new: str, context: int = 1) -> list[DiffBlock]:
    """Paragraph by paragraph; inside a changed paragraph, word by word. Unchanged
    paragraphs far from any change are folded away; no change at all gives no block."""
    a = [p for p in old.replace("\r\n", "\n").split("\n") if p.strip()]
    b = [p for p in new.replace("\r\n", "\n").split("\n") if p.strip()]
    blocks: list[DiffBlock] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            same = a[i1:i2]
            if len(same) > 2 * context + 1:
                head = same[:context] if blocks else []
                tail = same[-context:] if i2 < len(a) else []
                for line in head:
                    blocks.append(DiffBlock("same", html.escape(line)))
                blocks.append(DiffBlock("folded", ""))
                for line in tail:
                    blocks.append(DiffBlock("same", html.escape(line)))
            else:
                blocks.extend(DiffBlock("same", html.escape(line)) for line in same)
        elif op == "replace" and i2 - i1 == j2 - j1:
            for old_line, new_line in zip(a[i1:i2], b[j1:j2], strict=True):
                blocks.append(DiffBlock("changed", _inline_diff(old_line, new_line)))
        else:
            blocks.extend(DiffBlock("removed", html.escape(line)) for line in a[i1:i2])
            blocks.extend(DiffBlock("added", html.escape(line)) for line in b[j1:j2])
    if all(block.kind in ("same", "folded") for block in blocks):
        return []
    return blocks
