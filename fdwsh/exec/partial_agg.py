"""What eager aggregation (fdwsh.plan.eager_agg) needs to know of the remote server.

A partial aggregate runs on the remote column itself, while a table scan reads each value
through the column type *declared* in the catalog (postgres_fdw's conversion): ``sum`` of a
remote ``numeric(12,4)`` declared ``numeric(10,2)`` adds rounded values in PostgreSQL, and a
remote ``text`` column declared ``integer`` fails there with ``invalid input syntax``.  So the
partial aggregation is used only where the remote columns it aggregates or filters on have
exactly the declared type and type modifier: :func:`remote_column_types` asks the server (one
Parse/Describe of ``SELECT cols FROM remote_table WHERE false`` on the connection the query
uses anyway).  A remote table that is gone fails here as it would in the scan, with the
remote error and ``CONTEXT:  remote SQL command: …``.
"""

from __future__ import annotations

from typing import Any

from pglast import ast
from pglast.stream import RawStream

from fdwsh.plan.eager_agg import TypeOf
from fdwsh.sql.bind import RelationRef


def remote_column_types(services: Any) -> TypeOf:
    """A function giving the remote (type OID, typmod) of columns of a foreign table."""
    def describe(ref: RelationRef, names: list[str]) -> dict[str, tuple[int, int]]:
        from fdwsh.exec.services import connection_cache
        from fdwsh.remote.deparse import table_subquery

        ordered = [c.name for c in ref.table.columns if c.name in names]
        tree = table_subquery(ref.table, set(ordered))
        tree.whereClause = ast.A_Const(isnull=False, val=ast.Boolean(boolval=False))
        conn = connection_cache(services).get(ref.table.server)
        stream = conn.stream(RawStream()(tree), fetch_size=1)
        found = [(c.type_oid, c.type_modifier) for c in stream.columns]
        for _ in stream:  # no rows: read to the end so the connection is free again
            pass
        return dict(zip(ordered, found))
    return describe
