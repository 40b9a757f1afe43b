"""Plan a query: decide where it runs and build what runs there.

This is the single-server pushdown of postgres_fdw, taken as far as it goes: when every foreign
table of a query lives on one server (so one user mapping) and every expression is shippable,
the whole query — joins, subqueries, aggregates, window functions, ORDER BY, LIMIT, set
operations — runs remotely as one statement, and fdwsh only streams its rows.  Queries that need
fdwsh's own executor (tables of several servers, non-shippable expressions, no foreign table at
all) run in fdwsh's executor (:class:`LocalQuery`), each foreign table a remote scan.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from pglast import ast
from pglast.stream import RawStream

from fdwsh.catalog.model import ForeignColumn, ForeignTable
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


@dataclass(frozen=True, slots=True)
class LocalQuery:
    """A query fdwsh's own executor runs, reading each foreign table with a remote scan."""

    bound: BoundQuery
    #: Why the query does not run whole on one server (EXPLAIN shows them).
    reasons: list[str]


def plan_query(stmt: ast.Node, lookup: TableLookup,
               immutable_at: frozenset[int] = frozenset()) -> RemoteQuery | LocalQuery:
    """Plan a SELECT (or VALUES/set operation): whole on one server when it can be.
    ``immutable_at``: calls known to resolve to immutable overloads (see shippable)."""
    bound = bind_relations(stmt, lookup)
    reasons = not_pushed_reasons(bound, immutable_at)
    if reasons:
        return LocalQuery(bound, reasons)
    first = bound.relations[0].table
    return RemoteQuery(server=first.server, server_id=first.server_id, tree=remote_tree(bound),
                       bound=bound, fetch_size=fetch_size_of(bound))


def not_pushed_reasons(bound: BoundQuery, immutable_at: frozenset[int] = frozenset()
                       ) -> list[str]:
    """Why ``bound`` cannot be sent whole to one server (empty: it can)."""
    if not bound.relations:
        return ["the query reads no foreign table"]
    servers = sorted({ref.table.server for ref in bound.relations})
    if len(servers) > 1:
        return ["the query uses tables of servers " + ", ".join(f'"{s}"' for s in servers)]
    return unshippable_reasons(bound.stmt, immutable_at)


def fetch_size_of(bound: BoundQuery) -> int | None:
    """The largest ``fetch_size`` option among the tables (each: table's, else server's)."""
    sizes = [int(v) for ref in bound.relations if (v := ref.table.option("fetch_size"))]
    return max(sizes) if sizes else None


class Declared(NamedTuple):
    """An output column that shows a foreign-table column as is."""

    table: ForeignTable
    column: ForeignColumn
    #: The name the query knows the table by (postgres_fdw's error context names it).
    alias: str


def declared_outputs(bound: BoundQuery) -> list[Declared | None] | None:
    """For each output column of the query, the foreign-table column it shows as is, if any.

    postgres_fdw reads a remote value through the *declared* column type's input function; for
    outputs that are plain column references fdwsh does the same (a remote ``numeric`` shown
    through a declared ``numeric(10,2)`` gets two decimals; a value that does not fit is an
    error).  None when the output list cannot be matched up (``*`` over subqueries or joins
    with USING, set operations).
    """
    stmt = bound.stmt
    if not isinstance(stmt, ast.SelectStmt) or stmt.op != 0 or not stmt.targetList:
        return None
    refs = _from_refs(stmt.fromClause or (), bound)
    out: list[Declared | None] = []
    for target in stmt.targetList:
        val = target.val
        if not isinstance(val, ast.ColumnRef):
            out.append(None)
            continue
        names = [f.sval if isinstance(f, ast.String) else None for f in val.fields]
        if names[-1] is None:  # a star
            expanded = _expand_star(refs, names[:-1])
            if expanded is None:
                return None
            out.extend(expanded)
        else:
            out.append(_resolve_column(refs, names))
    return out


def _from_refs(items: tuple[ast.Node, ...], bound: BoundQuery) -> list[RelationRef] | None:
    """The foreign tables of a FROM list in order; None if it holds anything else (subqueries,
    functions) or a join whose ``*`` PostgreSQL expands differently (USING, NATURAL)."""
    by_node = {id(ref.node): ref for ref in bound.relations}
    refs: list[RelationRef] = []
    for item in items:
        if isinstance(item, ast.RangeVar) and id(item) in by_node:
            refs.append(by_node[id(item)])
        elif isinstance(item, ast.JoinExpr) and not item.usingClause and not item.isNatural:
            inner = _from_refs((item.larg, item.rarg), bound)
            if inner is None:
                return None
            refs.extend(inner)
        else:
            return None
    return refs


def _expand_star(refs: list[RelationRef] | None, qualifier: list[str | None]
                 ) -> list[Declared | None] | None:
    if refs is None:
        return None
    chosen = [r for r in refs if not qualifier or r.alias == qualifier[-1]]
    if qualifier and len(chosen) != 1:
        return None
    return [Declared(ref.table, col, ref.alias) for ref in chosen for col in ref.table.columns]


def _resolve_column(refs: list[RelationRef] | None, names: list[str | None]
                    ) -> Declared | None:
    if refs is None or len(names) > 2:
        return None
    candidates = [r for r in refs if len(names) == 1 or r.alias == names[0]]
    found = [Declared(r.table, c, r.alias) for r in candidates
             if (c := r.table.column(names[-1] or "")) is not None]
    return found[0] if len(found) == 1 else None
