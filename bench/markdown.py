"""Markdown rendering at the length limit: the worst of the inputs that are slow to parse.

    python -m bench markdown

Renders each pathological pattern (and random Markdown-heavy text) cut at the form limits:
request bodies, replies and notes through `render_markdown`, articles through
`render_article` with a glossary to link. Prints one JSON line, `markdown_worst`: the median
of 20 renderings after 3 warm-ups of the slowest input, which should stay under 50 ms.
Rendering is single-threaded and CPU-bound, so its cost is measured in the thread's CPU time:
the figure then holds on a busy machine too, where wall time adds whatever else runs.
"""

from __future__ import annotations

import gc
import random
import statistics
import sys
import time

from bench import harness

WARMUPS, RUNS = 3, 20
# Text that made Python-Markdown, cmark or the sanitiser slow: unclosed links and tags,
# nested brackets, emphasis runs, reference lists, deep nesting, entities, images, tables.
PATTERNS = [
    "[a](", "<a ", "[", "[[", "]", "[]", "](", "[(", "[a][", "![a](", "![a](b)", "[a]: b\n",
    "*a", "_a", "**a", "a**b", "*_", "a_b_", "~~a", "`a", "<", "&", "&#", "<!", "<a@",
    "> ", "- ", "1. ", "<div>", "<b>", "<a><b>", "<img src=x>", "[^a]", "|a|\n", "a\n",
    "www.a ", "http://a ", "<http://a>",
]
# A header of 10 or 100 columns over one-letter lines: every line a row of that many cells.
WIDE_TABLES = {f"table{columns}": "|a" * columns + "\n" + "|-" * columns + "\n" + "a\n" * 20_000
               for columns in (10, 100)}
FUZZ_ALPHABET = "[]()!*_`<>&#:|~-\\ \na/1"
FUZZ_SEEDS = 5


def inputs(limit: int) -> list[tuple[str, str]]:
    texts = [(pattern, (pattern * (limit // len(pattern) + 1))[:limit]) for pattern in PATTERNS]
    texts += [(name, text[:limit]) for name, text in WIDE_TABLES.items()]
    texts.append(("footnotes", ("[^a]" * limit)[: limit - 310] + "\n\n[^a]: " + "x" * 300))
    for seed in range(FUZZ_SEEDS):
        rng = random.Random(seed)
        texts.append((f"fuzz{seed}", "".join(rng.choice(FUZZ_ALPHABET) for _ in range(limit))))
    return texts


def median_ms(render, text: str) -> float:
    for _ in range(WARMUPS):
        render(text)
    gc.collect()
    timings = []
    for _ in range(RUNS):
        start = time.thread_time()
        render(text)
        timings.append((time.thread_time() - start) * 1000)
    return statistics.median(timings)


def run() -> dict:
    from django.utils.text import slugify

    from coopdesk.rendering import ARTICLE_MAX_CHARS, MESSAGE_MAX_CHARS, render_markdown
    from kb.demo import TERMS
    from kb.rendering import Glossary, GlossaryEntry, render_article

    # The demo's glossary (30 terms and their synonyms), plus one-letter terms found everywhere.
    glossary = Glossary(
        [(GlossaryEntry(slug=slugify(term), term=term, definition=definition[:280],
                        url=f"/aide/lexique/{slugify(term)}/"),
          [term, *(s.strip() for s in synonyms.split(",") if s.strip())])
         for term, definition, synonyms in TERMS]
        + [(GlossaryEntry(slug=word, term=word, definition="Défini.", url="/"), [word])
           for word in ("a", "b")]
    )
    fields = [
        ("message", MESSAGE_MAX_CHARS, render_markdown),
        ("article", ARTICLE_MAX_CHARS, lambda text: render_article(text, glossary)),
    ]
    worst = {"median_ms": -1.0}
    for field, limit, render in fields:
        for name, text in inputs(limit):
            median = median_ms(render, text)
            harness.progress(f"markdown: {field} {name!r} {median:.1f} ms")
            if median > worst["median_ms"]:
                worst = {"field": field, "pattern": name, "chars": limit, "median_ms": median}
    worst["median_ms"] = round(worst["median_ms"], 2)
    return {"page": "markdown_worst", **worst, "target_ms": 50}


def main() -> None:
    harness.setup()
    harness.emit(**run())


if __name__ == "__main__":
    sys.exit(main())
