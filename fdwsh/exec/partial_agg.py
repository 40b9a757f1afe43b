"""Eager aggregation (fdwsh.plan.eager_agg) at run time: the remote types it checks, the
level it runs (:func:`level_to_run`), the partner's keys it sends.

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
from pglast.enums import A_Expr_Kind
from pglast.stream import RawStream

from fdwsh.pgtypes import type_by_oid
from fdwsh.plan.eager_agg import EagerAggregation, TypeOf
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


def level_to_run(an: Any, stmt: ast.SelectStmt) -> ast.SelectStmt:
    """The query level to run for ``stmt``: the rewritten one for a level eager aggregation
    rewrote, and its partial query with the partner's join keys where they filter it."""
    for note in an.notes:
        if not isinstance(note, EagerAggregation):
            continue  # another planner's EXPLAIN note (a join order)
        if stmt is note.original:
            return note.rewritten
        if stmt is note.partial and note.link is not None and not an.explain_only:
            return _with_partner_keys(an, note, stmt)
    return stmt


def _with_partner_keys(an: Any, note: EagerAggregation, stmt: ast.SelectStmt
                       ) -> ast.SelectStmt:
    """``stmt`` and ``alias.column = ANY ('{keys}'::type[])``, the partner's distinct
    non-NULL join keys (fetched now), unless there are more than DYNAMIC_FILTER_LIMIT."""
    from fdwsh.exec.dynamic_filter import _array_text, _column_index
    from fdwsh.plan.eager_rewrite import and_of

    link = note.link
    assert link is not None
    partner = an.scan_plan.scans.get(id(link.partner.node))
    if partner is None:
        return stmt
    index = _column_index(partner, link.partner_column)
    keys = list({row[index] for row in partner.rows(an.ps.services)} - {None})
    if len(keys) > an.scan_plan.key_limit:
        note.sent_keys = -1
        return stmt
    note.sent_keys = len(keys)
    pg_type = type_by_oid(partner.columns[index].type)
    assert pg_type is not None
    type_name = ast.TypeName(names=(ast.String(sval="pg_catalog"), ast.String(sval=pg_type.name)),
                             arrayBounds=(ast.Integer(ival=-1),), typemod=-1, location=-1)
    array = ast.TypeCast(arg=ast.A_Const(isnull=False, val=ast.String(
        sval=_array_text(partner, link.partner_column, keys))), typeName=type_name, location=-1)
    condition = ast.A_Expr(kind=A_Expr_Kind.AEXPR_OP_ANY, name=(ast.String(sval="="),),
                           lexpr=ast.ColumnRef(fields=(ast.String(sval=note.ref.alias),
                                                       ast.String(sval=link.column))),
                           rexpr=array, location=-1)
    filtered = type(stmt)()
    for slot in stmt.__slots__:
        setattr(filtered, slot, getattr(stmt, slot, None))
    filtered.whereClause = and_of([c for c in (stmt.whereClause, condition) if c is not None])
    return filtered
