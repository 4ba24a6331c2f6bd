"""Database helpers that pages share, and the SQL in them that differs per database.

Vendor-specific SQL lives here and, for the knowledge base's full-text search, in
kb/search.py (PostgresEngine and SqliteEngine); migrations create what these use.
"""

from __future__ import annotations

import json
from array import array
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.core.exceptions import EmptyResultSet
from django.db import connection, models, transaction
from django.db.models import F


@contextmanager
def custom_plans() -> Iterator[None]:
    """PostgreSQL: plan the queries of this block for the values they are given.

    Prepared statements (settings: DATABASE_PREPARED_STATEMENTS) are planned once per
    connection, for any value. That suits most pages, not a text search: the generic plan of
    "subject contains %s" in a team's open requests reads all the team's requests through
    its own index, where the plan made for the word combines the trigram and queue indexes.
    The setting lasts until the end of this block's transaction.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL plan_cache_mode = force_custom_plan")
        yield


class Among(models.Lookup):
    """`column IN (ids)` for a long list of ids, sent as one parameter: PostgreSQL
    `column = ANY(%s::bigint[])` (the plan of an IN list), SQLite
    `column IN (SELECT value FROM json_each(%s))` (JSON1 is built in, Django's JSONField
    needs it). Django's `__in` prepares and sends each id on its own, which for the
    hundreds of ids of an advisor's caseload is a noticeable share of the dashboard
    (README, "Performance decisions").

    Not registered on any field: written where it is used, `among("member_id", ids)`.
    """

    lookup_name = "among"
    prepare_rhs = False

    def get_prep_lookup(self) -> list[int]:
        return [int(value) for value in self.rhs]

    def as_sql(self, compiler, connection) -> tuple[str, list]:
        lhs, params = self.process_lhs(compiler, connection)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s::bigint[])", [*params, self.rhs]
        if connection.vendor == "sqlite":
            return f"{lhs} IN (SELECT value FROM json_each(%s))", [*params, json.dumps(self.rhs)]
        if not self.rhs:
            raise EmptyResultSet
        return f"{lhs} IN ({', '.join(['%s'] * len(self.rhs))})", [*params, *self.rhs]


def among(field: str, ids: Iterable[int]) -> Among:
    """The condition "`field` is one of `ids`", for filter()."""
    return Among(F(field), list(ids))


class FloatListField(models.BinaryField):
    """A list of floats kept as packed 8-byte doubles (`array("d")`), read back as a list.

    For many numbers read at once: the team health page reads ~50,000 durations, which
    `json.loads` decodes in ~16 ms and `array.frombytes` in ~1 ms. The values are the
    same doubles either way (JSON writes a float's shortest repr, which reads back to it).
    """

    description = "A list of floats (packed doubles)"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", list)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("default") is list:
            del kwargs["default"]
        return name, path, args, kwargs

    def from_db_value(self, value, expression, connection) -> list[float] | None:
        if value is None:
            return None
        return array("d", bytes(value)).tolist()

    def to_python(self, value):
        if isinstance(value, list | tuple):
            return [float(item) for item in value]
        if isinstance(value, bytes | bytearray | memoryview):
            return array("d", bytes(value)).tolist()
        return value

    def get_prep_value(self, value):
        if isinstance(value, list | tuple):
            value = array("d", value).tobytes()
        return super().get_prep_value(value)

    def get_default(self) -> list:
        return []

    def value_to_string(self, obj) -> str:
        return json.dumps(self.value_from_object(obj))
