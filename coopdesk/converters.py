"""`<id:pk>` in URLs: Django's `<int:...>` with the database's bound.

Django's int converter takes any run of digits, so /demandes/99999999999999999999/ reached
the queries. Django guards plain comparisons against overflow, but not `__in` lists nor
arithmetic (revision `number - 1`), and there the database refused the number (PostgreSQL:
bigint out of range; SQLite: OverflowError): a 500. A number past the largest 64-bit integer
names no row: the URL does not match, and the visitor gets the 404 page.
"""

from __future__ import annotations

import re

LARGEST = 2**63 - 1  # BigAutoField, and more than any PositiveIntegerField holds


class BoundedIntConverter:
    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > LARGEST:
            raise ValueError("past the largest 64-bit integer")  # Django: no match, 404
        return number

    def to_url(self, value: int) -> str:
        return str(value)


def parse_id(value: str | None) -> int | None:
    """An id read from a query string or a form: the number, or None when no row can have it
    (not plain ASCII digits: "²" is a digit int() refuses; or past 64 bits)."""
    if value and re.fullmatch(r"[0-9]{1,19}", value) and int(value) <= LARGEST:
        return int(value)
    return None
