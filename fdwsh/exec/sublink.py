"""Evaluation of sub-SELECTs in expressions: EXISTS / scalar / ARRAY(...) / ``x op ANY|ALL
(SELECT ...)`` with PostgreSQL's NULL rules.

A sub-SELECT is analysed and compiled once (an :class:`~fdwsh.sql.ir.SubPlan`).  One that
reads no outer column runs once, when first needed, as PostgreSQL runs an initplan.  A
correlated one has ``args``: the outer values it reads, evaluated for each row of the level
that holds it; while it runs, their tuple is on top of ``EvalContext.outer_rows``, where its
:class:`~fdwsh.sql.ir.OuterVar`\\ s read them (PostgreSQL's PARAM_EXEC parameters).  Its rows
are kept per distinct tuple of argument values, so it re-runs only when they change.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fdwsh.errors import FdwshError
from fdwsh.exec.eval import Compiled, EvalContext, Row, compile_expr
from fdwsh.exec.functions import implementation
from fdwsh.sql import ir
from fdwsh.sql.pstate import error

RowsOf = Callable[[Row], list[Any]]


def compile_sublink(node: ir.SubLink, ctx: EvalContext) -> Compiled:
    rows = _rows_function(node, ctx)
    if node.kind == "exists":
        return lambda row: bool(rows(row))
    if node.kind == "array":
        return lambda row: [r[0] for r in rows(row)]
    if node.kind == "expr":
        def scalar(row: Row) -> Any:
            found = rows(row)
            if len(found) > 1:
                raise FdwshError("more than one row returned by a subquery used as an "
                                 "expression", sqlstate="21000")
            return found[0][0] if found else None
        return scalar
    return _quantified(node, ctx, rows)


def _rows_function(node: ir.SubLink, ctx: EvalContext) -> RowsOf:
    """The sub-query's rows for a row of the level holding it (run at most once per
    distinct tuple of argument values)."""
    plan, stack = node.rows, ctx.outer_rows
    args = [compile_expr(a, ctx) for a in node.args]
    cache: dict[Any, list[Any]] = {}

    def run(params: tuple[Any, ...]) -> list[Any]:
        stack.append(params)
        try:
            return plan()
        finally:
            stack.pop()

    if not args:
        def once(row: Row) -> list[Any]:
            if () not in cache:
                cache[()] = run(())
            return cache[()]
        return once

    def rows(row: Row) -> list[Any]:
        params = tuple(arg(row) for arg in args)
        key = tuple(map(_cache_key, params))
        found = cache.get(key)
        if found is None:
            found = cache[key] = run(params)
        return found
    return rows


def _cache_key(value: Any) -> Any:
    """A hashable key equal only for values that print the same (1.0 and 1.00 differ)."""
    if value is None or type(value) in (int, str):
        return value
    return type(value).__name__, repr(value)


def outer_value(node: ir.OuterVar, ctx: EvalContext) -> Compiled:
    """An outer column's value: slot ``index`` of the arguments ``levelsup`` sub-SELECTs out.
    Outside such a run (a sub-select's FROM item, LIMIT or OFFSET, computed while the query
    is analysed), there is none to read."""
    stack, up, index = ctx.outer_rows, node.levelsup, node.index

    def outer(row: Row) -> Any:
        try:
            return stack[-up][index]
        except IndexError:
            raise error("correlated references in the FROM clause, LIMIT or OFFSET of a "
                        "sub-select are not supported locally", "0A000", node.location
                        ) from None
    return outer


def _quantified(node: ir.SubLink, ctx: EvalContext, rows: RowsOf) -> Compiled:
    assert node.testexpr is not None and node.op is not None and node.convert is not None
    left = compile_expr(node.testexpr, ctx)
    fn = implementation(node.op, node, ctx)
    cell: list[Any] = [None]
    ctx.case_cells.append(cell)
    try:
        convert = compile_expr(node.convert, ctx)
    finally:
        ctx.case_cells.pop()
    use_or = node.kind == "any"

    def quantified(row: Row) -> Any:
        x = left(row)
        saw_null = False
        for r in rows(row):
            cell[0] = r[0]
            y = None if r[0] is None else convert(())
            result = None if x is None or y is None else fn(x, y)
            if result is None:
                saw_null = True
            elif result is use_or:
                return use_or
        return None if saw_null else not use_or
    return quantified
