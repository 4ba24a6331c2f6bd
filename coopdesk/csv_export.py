"""CSV downloads of lists: UTF-8 with a byte-order mark (so that spreadsheet software opens
French text correctly), streamed row by row so that memory stays flat however long the list.

A view builds the same queryset as its page (the same permission rule, the same filters),
and hands `stream` an iterator of rows: `queryset.iterator()` reads it in chunks, never the
whole list at once.
"""

from __future__ import annotations

import csv
from collections.abc import AsyncIterator, Iterable, Iterator, Sequence
from datetime import datetime
from itertools import islice

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpRequest, StreamingHttpResponse
from django.utils import timezone

BOM = "\ufeff"
# A cell starting with one of these is read as a formula by spreadsheet software: a subject
# typed as "=HYPERLINK(...)" would run in the reader's spreadsheet (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class _Echo:
    """The file-like object csv.writer writes to: it hands each line back."""

    def write(self, value: str) -> str:
        return value


def cell(value, zone=None) -> str:
    """A value as a spreadsheet should show it: local dates, formulas defused."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(zone or timezone.get_current_timezone()).isoformat(" ")[:16]
    text = value if isinstance(value, str) else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def lines(header: Sequence[str], rows: Iterable[Sequence]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    zone = timezone.get_current_timezone()
    yield BOM + writer.writerow([str(name) for name in header])
    for row in rows:
        yield writer.writerow([cell(value, zone) for value in row])


# Lines handed to the server at a time under ASGI.
LINES_PER_PART = 500


async def _parts(content: Iterator[str]) -> AsyncIterator[str]:
    """The lines, a part at a time, read in Django's sync thread (the database connection's).
    Given a plain iterator, Django's ASGI handler would first read the whole file into a
    list: memory would grow with the list's length."""

    def next_part() -> str:
        return "".join(islice(content, LINES_PER_PART))

    try:
        while part := await sync_to_async(next_part)():
            yield part
    finally:  # the download was cut or is over: the query's cursor closes with the generator
        await sync_to_async(content.close)()


def stream(request: HttpRequest, filename: str, header: Sequence[str],
           rows: Iterable[Sequence]) -> StreamingHttpResponse:
    content = lines(header, rows)
    if isinstance(request, ASGIRequest):
        content = _parts(content)
    response = StreamingHttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
