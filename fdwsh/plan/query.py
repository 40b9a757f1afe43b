"""Plan a query: decide where it runs and build what runs there.

This is the single-server pushdown of postgres_fdw, taken as far as it goes: when every foreign
table of a query lives on one server (so one user mapping) and every expression is shippable,
the whole query — joins, subqueries, aggregates, window functions, ORDER BY, LIMIT, set
operations — runs remotely as one statement, and fdwsh only streams its rows.  Queries that need
fdwsh's own executor (tables of several servers, non-shippable expressions, no foreign table at
all) get a clear error naming why, until the local executor exists.
"""

from __future__ import annotations

from dataclasses import dataclass

from pglast import ast
from pglast.stream import RawStream

from fdwsh.errors import FeatureNotSupported
from fdwsh.plan.shippable import unshippable_reasons
from fdwsh.remote.deparse import remote_tree
from fdwsh.sql.bind import BoundQuery, RelationRef, TableLookup, bind_relations

@dataclass(frozen=True, slots=True)
class RemoteQuery:
    """A query that runs whole on one server."""

    server: str
    server_id: int
    tree: ast.Node  # the query as it runs remotely
    bound: BoundQuery
    fetch_size: int | None  # None: the remote layer's default

    @property
    def sql(self) -> str:
        return RawStream()(self.tree)

    @property
    def relations(self) -> list[RelationRef]:
        return self.bound.relations


def plan_query(stmt: ast.Node, lookup: TableLookup) -> RemoteQuery:
    """Plan a SELECT (or VALUES/set operation) for execution."""
    bound = bind_relations(stmt, lookup)
    if not bound.relations:
        raise FeatureNotSupported(
            "queries that read no foreign table are not supported yet",
            hint="fdwsh evaluates such queries in its local executor, which is not available "
                 "in this version.")
    servers = sorted({ref.table.server for ref in bound.relations})
    if len(servers) > 1:
        raise FeatureNotSupported(
            "queries joining tables of several servers are not supported yet",
            detail="The query reads tables of servers " + ", ".join(f'"{s}"' for s in servers)
                   + ".")
    reasons = unshippable_reasons(stmt)
    if reasons:
        raise FeatureNotSupported(
            f'query cannot be sent to server "{servers[0]}"',
            detail="Not pushed down: " + "; ".join(reasons) + ".",
            hint="Such queries need the local executor, which is not available in this "
                 "version.")
    first = bound.relations[0].table
    return RemoteQuery(server=first.server, server_id=first.server_id, tree=remote_tree(bound),
                       bound=bound, fetch_size=_fetch_size(bound))


def _fetch_size(bound: BoundQuery) -> int | None:
    """The largest ``fetch_size`` option among the tables (each: table's, else server's)."""
    sizes = [int(v) for ref in bound.relations if (v := ref.table.option("fetch_size"))]
    return max(sizes) if sizes else None
