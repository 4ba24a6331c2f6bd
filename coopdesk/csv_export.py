"""CSV downloads of lists: UTF-8 with a byte-order mark (so that spreadsheet software opens
French text correctly), streamed row by row so that memory stays flat however long the list.

A view builds the same queryset as its page (the same permission rule, the same filters),
and hands `stream` an iterator of rows: `queryset.iterator()` reads it in chunks, never the
whole list at once.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime

from django.http import StreamingHttpResponse
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


def stream(filename: str, header: Sequence[str], rows: Iterable[Sequence]) -> StreamingHttpResponse:
    response = StreamingHttpResponse(lines(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
