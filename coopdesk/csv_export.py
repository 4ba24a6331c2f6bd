"""CSV downloads of lists: UTF-8 with a byte-order mark (so that spreadsheet software opens
French text correctly), streamed row by row so that memory stays flat however long the list.
A reader whose language is French gets what French spreadsheet software expects: `;` between
cells and a decimal comma ("2400,00"); English keeps `,` and "2400.00".

A view builds the same queryset as its page (the same permission rule, the same filters,
the same order), and hands `stream` an iterator of rows read through `read`: a chunk at a
time, never the whole list at once.
"""

from __future__ import annotations

import csv
from collections.abc import AsyncIterator, Iterable, Iterator, Sequence
from datetime import datetime
from decimal import Decimal
from itertools import islice

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIRequest
from django.db import connections, transaction
from django.db.models import QuerySet
from django.http import HttpRequest, StreamingHttpResponse
from django.utils import timezone, translation

BOM = "\ufeff"
# A cell starting with one of these is read as a formula by spreadsheet software: a subject
# typed as "=HYPERLINK(...)" would run in the reader's spreadsheet (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


# Rows fetched from the database at a time.
CHUNK = 2000


def read(queryset: QuerySet, *, chunk_size: int = CHUNK) -> Iterator:
    """The queryset's rows (instances, dicts or tuples, as the queryset gives them), fetched
    `chunk_size` at a time from a server-side cursor, in the queryset's own order.

    `queryset.iterator()` alone is not enough on PostgreSQL: the settings turn server-side
    cursors off (DISABLE_SERVER_SIDE_CURSORS), because Django declares them WITH HOLD outside
    a transaction, which a transaction pooler (PgBouncer) cannot keep; `.iterator()` then
    receives the whole result at once (about 1 kB a row: 97 MB for 100,000 rows). Here the
    cursor is declared inside a transaction of our own that lasts while the rows are read:
    no WITH HOLD (nothing for the server to copy at commit), and it holds one server
    connection even behind a transaction pooler. Keyset pages ("after this pk") would need
    every page's order to end on a unique key and its NULLs handled; the cursor keeps any
    order. The transaction ends when the rows are read or the download is cut (the
    generator closes). On SQLite `.iterator()` already steps through the rows."""
    connection = connections[queryset.db]
    # A prefetching queryset is not streamed on PostgreSQL (Django fetches it whole): our
    # exports read flat rows (values_list) and never prefetch.
    if (not connection.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS")
            or queryset._prefetch_related_lookups):
        yield from queryset.iterator(chunk_size=chunk_size)
        return
    with transaction.atomic(using=queryset.db):
        # What `.iterator()` does when server-side cursors are on (QuerySet._iterator).
        yield from queryset._iterable_class(queryset, chunked_fetch=True, chunk_size=chunk_size)


class _Echo:
    """The file-like object csv.writer writes to: it hands each line back."""

    def write(self, value: str) -> str:
        return value


def cell(value, zone=None, *, decimal_comma: bool = False) -> str:
    """A value as a spreadsheet should show it: local dates, formulas defused, and amounts
    with the reader's decimal sign (French spreadsheets read "2400.00" as text)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(zone or timezone.get_current_timezone()).isoformat(" ")[:16]
    text = value if isinstance(value, str) else str(value)
    if decimal_comma and isinstance(value, Decimal | float):
        text = text.replace(".", ",")
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def reads_french(language: str | None = None) -> bool:
    """Whether the reader's language (the active one: after login, her profile's) writes
    numbers the French way, which spreadsheet software then expects of a CSV file too."""
    return (language or translation.get_language() or "").lower().startswith("fr")


def lines(header: Sequence[str], rows: Iterable[Sequence], *, french: bool = False
          ) -> Iterator[str]:
    # French Excel splits cells on ";" (the comma is its decimal sign): with "," it shows
    # each line in a single column.
    writer = csv.writer(_Echo(), delimiter=";" if french else ",")
    zone = timezone.get_current_timezone()
    yield BOM + writer.writerow([str(name) for name in header])
    for row in rows:
        yield writer.writerow([cell(value, zone, decimal_comma=french) for value in row])


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
    content = lines(header, rows, french=reads_french())  # read now: the rows stream later
    if isinstance(request, ASGIRequest):
        content = _parts(content)
    response = StreamingHttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
