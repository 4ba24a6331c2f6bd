"""Markdown to sanitised HTML, rendered once on save and stored beside the source.

cmark-gfm (GitHub's C CommonMark parser, via cmarkgfm) parses in linear time: anything a
person may type within the form limits renders in a few milliseconds, where Python-Markdown
took seconds on inputs such as `"[a](" * 5000`. nh3 then keeps only the tags and attributes
below. Images come only from Coopdesk's own attachments; any other image becomes a link, so
that a message cannot load a tracking pixel from elsewhere in our pages or e-mails.
"""

from __future__ import annotations

import functools
import html
import re
from urllib.parse import urlsplit

import cmarkgfm
import nh3
from cmarkgfm.cmark import Options
from django.conf import settings
from django.urls import Resolver404, resolve, reverse

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "details", "div", "dl", "dt",
    "em", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "li", "ol", "p", "pre", "span",
    "strong", "sub", "summary", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title"},
    "td": {"align"},
    "th": {"align"},
    "span": {"class"},
    "div": {"class"},
    "code": {"class"},
}
# Every link a person writes is theirs, not the cooperative's endorsement.
LINK_REL = "nofollow noopener ugc"
# Raw HTML is parsed (then sanitised by nh3) so that <details> and the like keep working;
# a line break in the text is a line break on the page, as people expect from a text box.
# No footnotes: their links never worked (nh3 drops ids), and 2,400 references to one note
# made 300 KB of back-links in 40 ms.
CMARK_OPTIONS = Options.CMARK_OPT_UNSAFE | Options.CMARK_OPT_HARDBREAKS
# Form limits on what people type. Rendering time grows with the length, so the Markdown
# limits are what keeps the worst input under 50 ms (bench: `python -m bench markdown`); each is
# several times what anyone writes (a long request is ~3,000 characters, a long tutorial
# ~10,000). Drafts keep more, so that nothing typed is lost before it can be shortened.
MESSAGE_MAX_CHARS = 10_000  # requests, replies and internal notes (Markdown)
ARTICLE_MAX_CHARS = 20_000  # articles and tutorials (Markdown)
NOTE_MAX_CHARS = 5_000  # plain text: step notes, reasons, comments, plans
# GitHub's extensions but the task lists (a checkbox nobody can tick) and the tag filter (nh3
# does that job).
EXTENSIONS = ["table", "autolink", "strikethrough"]
# Every row of a table gets as many cells as its header, however short the row: a wide header
# over thousands of one-letter lines makes megabytes of cells (10 columns over 10,000 lines:
# 1 MB in 50 ms). Beyond this many cells, a text is rendered without tables.
MAX_TABLE_CELLS = 5_000
# Where an image may come from: Coopdesk's own attachment downloads (URL names, so that this
# ground floor imports no app).
OWN_IMAGE_VIEWS = {"helpdesk:attachment-download"}


def render_markdown(text: str) -> str:
    text = text or ""
    extensions = EXTENSIONS
    if table_cells(text) > MAX_TABLE_CELLS:
        extensions = [name for name in EXTENSIONS if name != "table"]
    parsed = cmarkgfm.markdown_to_html_with_extensions(
        text, options=CMARK_OPTIONS, extensions=extensions
    )
    if too_deep(parsed):
        return plain_paragraphs(text)
    cleaned = nh3.clean(
        parsed,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel=LINK_REL,
    ).strip()
    if "<img" in cleaned:
        cleaned = _images_to_links(cleaned)
    return cleaned


def table_cells(text: str) -> int:
    """At most how many cells the tables of a text would make: a table ends at a blank line,
    so each block of lines holding a "|" and a "-" counts its lines times its widest row."""
    if "|" not in text:
        return 0
    cells = 0
    for block in re.split(r"\n[ \t]*\n", text):
        if "|" in block and "-" in block:
            lines = block.split("\n")
            cells += len(lines) * (max(map(_count_pipes, lines)) + 1)
    return cells


def _count_pipes(line: str) -> int:
    return line.count("|")


def too_deep(parsed_html: str) -> bool:
    """Whether elements nest deeper than anybody writes: the sanitiser's time grows with the
    square of the depth (`"> " * 10000` is 10,000 nested quotes), so such text is shown as
    plain text instead. Unclosed tags count as open: an over-estimate, on odd input only."""
    depth = 0
    for match in _TAG.finditer(parsed_html):
        if match.group(2).lower() in _VOID:
            continue
        depth += -1 if match.group(1) else 1
        if depth > MAX_DEPTH:
            return True
    return False


def plain_paragraphs(text: str) -> str:
    return "".join(
        "<p>" + html.escape(block.strip()).replace("\n", "<br>\n") + "</p>"
        for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n"))
        if block.strip()
    )


MAX_DEPTH = 40
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)")
_VOID = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
# nh3 writes every attribute as name="value", a quote inside a value as &quot;.
_LINK_OR_IMAGE = re.compile(r'<(/?)(a|img)\b((?:\s+[\w:-]+(?:="[^"]*")?)*)\s*/?>')
_ATTRIBUTE = re.compile(r'([\w:-]+)="([^"]*)"')


def _attributes(raw: str) -> dict[str, str]:
    return {name: html.unescape(value) for name, value in _ATTRIBUTE.findall(raw)}


def _images_to_links(cleaned_html: str) -> str:
    in_link = 0

    def replace(match: re.Match) -> str:
        nonlocal in_link
        closing, tag, raw = match.groups()
        if tag == "a":
            in_link = max(in_link + (-1 if closing else 1), 0)
            return match.group(0)
        attrs = _attributes(raw)
        src = attrs.get("src", "")
        if src and is_own_image(src):
            return match.group(0)
        label = html.escape(attrs.get("alt") or attrs.get("title") or src, quote=False)
        if in_link or not src:
            return label  # a link cannot hold another link
        return f'<a href="{html.escape(src)}" rel="{LINK_REL}">{label}</a>'

    return _LINK_OR_IMAGE.sub(replace, cleaned_html)


def is_own_image(src: str) -> bool:
    parts = urlsplit(src)
    if parts.scheme or parts.netloc:
        site = urlsplit(settings.SITE_URL)
        if (parts.scheme, parts.netloc) != (site.scheme, site.netloc):
            return False
    return _is_own_image_path(parts.path)


@functools.lru_cache(maxsize=512)
def _is_own_image_path(path: str) -> bool:
    if not path.startswith(_own_image_prefixes()):
        return False  # resolving costs more than the rest of the rendering per image
    try:
        return resolve(path).view_name in OWN_IMAGE_VIEWS
    except Resolver404:
        return False


@functools.cache
def _own_image_prefixes() -> tuple[str, ...]:
    return tuple(reverse(name, args=[0]).rsplit("0", 1)[0] for name in OWN_IMAGE_VIEWS)


def external_domain(href: str) -> str:
    """The host a link leads to when it leaves Coopdesk; "" for our own and relative links."""
    parts = urlsplit(href)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return ""
    if parts.netloc == urlsplit(settings.SITE_URL).netloc:
        return ""
    return parts.hostname


def with_link_domains(cleaned_html: str) -> str:
    """Sanitised HTML with the domain written after each external link, for e-mails: there a
    link's text is all a reader sees before clicking, and it may name another site."""
    domains: list[str] = []

    def replace(match: re.Match) -> str:
        closing, tag, raw = match.groups()
        if tag != "a":
            return match.group(0)
        if not closing:
            domains.append(external_domain(_attributes(raw).get("href", "")))
            return match.group(0)
        domain = domains.pop() if domains else ""
        return match.group(0) + (f" [{html.escape(domain)}]" if domain else "")

    return _LINK_OR_IMAGE.sub(replace, cleaned_html)
