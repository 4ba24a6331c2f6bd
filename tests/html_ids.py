"""What a page's HTML says about its ids: each id once, and each label pointing at one of them.
A repeated id sends a label's click (and a screen reader's name) to the wrong field."""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: Counter[str] = Counter()
        self.label_fors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids[attributes["id"]] += 1
        if tag == "label" and attributes.get("for"):
            self.label_fors.append(attributes["for"])


def id_problems(html: str) -> list[str]:
    """The ids used more than once, and the labels whose `for` names no element: [] if none."""
    parser = _Ids()
    parser.feed(html)
    problems = [f"id {name!r} ×{count}" for name, count in parser.ids.items() if count > 1]
    problems += [f"label for {name!r} names no element" for name in parser.label_fors
                 if name not in parser.ids]
    return problems
