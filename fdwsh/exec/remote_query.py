"""Run a query pushed whole to one server, and EXPLAIN it.

Rows stream from the remote server in ``fetch_size`` chunks straight into the printer (so
``--csv``/``-A`` output runs in bounded memory); each value is PostgreSQL's text output, turned
into the local session's styles (DateStyle, TimeZone, IntervalStyle …) only where those differ
from the remote session's pinned ones.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from pglast import ast

from fdwsh.errors import FdwshError
from fdwsh.output.result import Column, Result
from fdwsh.pgtypes import parse_type, type_by_oid
from fdwsh.plan.analysis import fold_session_literals, immutable_calls, parse_analysis_error
from fdwsh.plan.shippable import MIXED_REASON
from fdwsh.plan.query import (Declared, LocalQuery, RemoteQuery, declared_outputs,
                              plan_query)
from fdwsh.remote.deparse import explain_sql
from fdwsh.sql.bind import TableLookup

if TYPE_CHECKING:
    from fdwsh.plan.explain import Actual
    from fdwsh.remote.connection import ConnectionCache
    from fdwsh.remote.fetch import RemoteColumn

def run_select(stmt: ast.Node, lookup: TableLookup, remote: ConnectionCache,
               settings: Any = None, ctx: Any = None) -> Result:
    """Plan and run a query; the Result's rows stream from the server as they are printed.

    ``settings`` (the session's Gucs) decide how values print; None keeps the remote text.
    ``ctx`` (the statement's context) lets a remote analysis error be reported as PostgreSQL's
    own parser would (see :mod:`fdwsh.plan.analysis`).
    """
    plan = _plan(stmt, lookup, ctx)
    if isinstance(plan, LocalQuery):
        from fdwsh.exec.local_query import run_local_select

        return run_local_select(stmt, ctx)
    try:
        stream = remote.get(plan.server).stream(plan.sql, fetch_size=plan.fetch_size)
    except FdwshError as err:
        local = parse_analysis_error(stmt, lookup, ctx, err) if ctx is not None else None
        if local is None:
            raise
        raise local from None
    declared = declared_outputs(plan.bound)
    if declared is None or len(declared) != len(stream.columns):
        declared = [None] * len(stream.columns)
    columns = [Column(c.name, d[1].type if d is not None else c.type_name)
               for c, d in zip(stream.columns, declared)]
    converters = ([_converter(c, d, settings) for c, d in zip(stream.columns, declared)]
                  if settings is not None else [])
    return Result(columns=columns, rows=_converted(stream, converters))


def _plan(stmt: ast.Node, lookup: TableLookup, ctx: Any) -> RemoteQuery | LocalQuery:
    """The query's plan, with its date/time literals read in the session's styles, and calls
    of names with immutable and stable overloads shipped where the overload is immutable."""
    if ctx is None:
        return plan_query(stmt, lookup)
    fold_session_literals(stmt, lookup, ctx)
    plan = plan_query(stmt, lookup)
    if isinstance(plan, LocalQuery) and any(r.endswith(MIXED_REASON) for r in plan.reasons):
        immutable = immutable_calls(stmt, lookup, ctx)
        if immutable:
            plan = plan_query(stmt, lookup, frozenset(immutable))
    return plan


def _converter(column: RemoteColumn, declared: Declared | None, settings: Any
               ) -> Callable[[str], str] | None:
    """How one output column's remote text becomes what psql would show (None: unchanged).

    A column shown as declared goes through the declared type's input function, and a value
    that does not fit says which column it came from, as postgres_fdw's conversion_error_callback.
    """
    from fdwsh.types.convert import converter, is_identity, naming_column

    remote_type = type_by_oid(column.type_oid)
    if remote_type is None:
        return None
    if declared is None:
        convert = converter(remote_type.name, remote_type.name, None, settings)
        return None if is_identity(convert) else convert
    ref = parse_type(declared.column.type)
    typmod = ref.typmod if ref.typmod != column.type_modifier else None
    convert = converter(remote_type.name, ref.type.name, typmod, settings)
    if is_identity(convert):
        return None
    return naming_column(convert, declared.column.name, declared.alias)


def _converted(rows: Iterator[tuple[str | None, ...]],
               converters: list[Callable[[str], str] | None]) -> Iterator[tuple[str | None, ...]]:
    if not any(converters):
        yield from rows
        return
    pairs = list(enumerate(converters))
    for row in rows:
        yield tuple(v if v is None or f is None else f(v)
                    for (i, f), v in zip(pairs, row))


def run_explain(stmt: ast.ExplainStmt, lookup: TableLookup, remote: ConnectionCache,
                ctx: Any = None) -> Result:
    """EXPLAIN [ANALYZE] of a query, costs from the remote servers' estimates."""
    if isinstance(stmt.query, (ast.InsertStmt, ast.UpdateStmt, ast.DeleteStmt)):
        from fdwsh.exec.dml_explain import run_explain_dml

        return run_explain_dml(stmt, ctx)
    from fdwsh.plan.explain import explain_lines, explain_options  # EXPLAIN's own modules

    opts = explain_options(stmt)
    started = time.perf_counter()
    plan = _plan(stmt.query, lookup, ctx)
    if isinstance(plan, LocalQuery):
        from fdwsh.plan.explain_local import explain_local

        def scan_cost(scan: Any) -> str | None:
            from fdwsh.plan.cost import explain_cost  # ANALYZE statistics, where there are

            return explain_cost(scan, ctx) or _cost_of(remote.get(scan.server),
                                                       scan.remote_tree())

        lines = explain_local(stmt, plan, ctx, scan_cost)
        return Result(columns=[Column("QUERY PLAN", "text")], rows=[(line,) for line in lines])
    planning_ms = (time.perf_counter() - started) * 1000
    # Only costs (the remote server's estimate) and ANALYZE need the server.
    conn = remote.get(plan.server) if opts.costs or opts.analyze else None
    cost = _remote_cost(conn, plan) if opts.costs else None
    actual, execution_ms = None, None
    if opts.analyze:
        actual, execution_ms = _measure(conn, plan)
    lines = explain_lines(plan, opts, cost=cost, actual=actual, planning_ms=planning_ms,
                          execution_ms=execution_ms)
    return Result(columns=[Column("QUERY PLAN", "text")], rows=[(line,) for line in lines])


def _remote_cost(conn: object, plan: RemoteQuery) -> str | None:
    """``(cost=… rows=… width=…)`` from the remote server's EXPLAIN of the remote SQL."""
    return _cost_of(conn, plan.tree)


def _cost_of(conn: object, tree: ast.Node) -> str | None:
    """The top node's ``(cost=… rows=… width=…)`` of the remote server's EXPLAIN of ``tree``."""
    rows = list(conn.stream(explain_sql(tree), fetch_size=100))  # type: ignore[attr-defined]
    first = rows[0][0] if rows and rows[0] else ""
    start = first.find("(cost=") if first else -1
    return first[start:] if start >= 0 else None


def _measure(conn: object, plan: RemoteQuery) -> tuple[Actual, float]:
    """Run the query, discarding rows, timing the first and the last."""
    from fdwsh.plan.explain import Actual

    started = time.perf_counter()
    first_ms = None
    count = 0
    for _ in conn.stream(plan.sql, fetch_size=plan.fetch_size):  # type: ignore[attr-defined]
        if first_ms is None:
            first_ms = (time.perf_counter() - started) * 1000
        count += 1
    total_ms = (time.perf_counter() - started) * 1000
    return Actual(first_ms if first_ms is not None else total_ms, total_ms, count), total_ms
