"""`<foreign key>__among=ids`: membership in a long list of ids, sent as one parameter.

The dashboard reads the journeys of an advisor's 400 members by member id, then their tasks by
journey id: id lists rather than joins, because PostgreSQL answers the join on
accounts_user.advisor_id by scanning every journey. Django's `__in` prepares every value of such
a list one by one (~30 function calls per id: 12,000 for 400 ids, a quarter of the page's Python
work) and sends one placeholder per id. `__among` checks the ids once and sends them as a single
parameter, which both databases turn back into an index lookup per id:
PostgreSQL `member_id = ANY(%s::bigint[])` (the plan of an `IN` list), SQLite
`member_id IN (SELECT value FROM json_each(%s))` (JSON1 is built in, Django's JSONField needs it).
"""

from __future__ import annotations

import json

from django.core.exceptions import EmptyResultSet
from django.db import models


@models.ForeignKey.register_lookup
class Among(models.Lookup):
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
