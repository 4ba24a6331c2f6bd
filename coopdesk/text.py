"""Control characters in what people send: none belongs in a name, a subject or a text.

PostgreSQL refuses NUL in text; the others are invisible junk (pasted from a PDF) or terminal
escapes that would reach pages, CSV exports and e-mails. One rule for every way in: the web
forms (coopdesk.forms.CleanCharField) and the e-mails received (helpdesk.inbound).
"""

from __future__ import annotations

import re

# C0 but tab, line feed and carriage return; DEL; C1.
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# All of them, tab and line ends included: a line has none.
LINE_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f]")
LINE_BREAK_RE = re.compile(r"[\t\n\r]+")


def clean_line(value: str) -> str:
    """One line (an address, a Message-ID, a header): no control character."""
    return LINE_CONTROL_RE.sub("", value)


def clean_text(value: str) -> str:
    """A text: line ends made \\n, no control character but tabs and line ends."""
    return CONTROL_RE.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


def typed_line(value: str) -> str:
    """A one-line field as typed: tabs and line breaks become a space, the rest goes."""
    return clean_line(LINE_BREAK_RE.sub(" ", value))


def typed_text(value: str) -> str:
    """A text box as typed: tabs and line breaks kept as sent, the rest goes."""
    return CONTROL_RE.sub("", value)
