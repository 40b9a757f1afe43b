"""Evaluation of uncorrelated sub-SELECTs in expressions: run once when first needed, then
EXISTS / scalar / ARRAY(...) / ``x op ANY|ALL (SELECT ...)`` with PostgreSQL's NULL rules."""

from __future__ import annotations

from typing import Any

from fdwsh.errors import FdwshError
from fdwsh.exec.eval import Compiled, EvalContext, Row, compile_expr
from fdwsh.exec.functions import implementation
from fdwsh.sql import ir


def compile_sublink(node: ir.SubLink, ctx: EvalContext) -> Compiled:
    cache: list[list[Any]] = []

    def rows() -> list[Any]:
        if not cache:
            cache.append(node.rows())
        return cache[0]

    if node.kind == "exists":
        return lambda row: bool(rows())
    if node.kind == "array":
        return lambda row: [r[0] for r in rows()]
    if node.kind == "expr":
        def scalar(row: Row) -> Any:
            found = rows()
            if len(found) > 1:
                raise FdwshError("more than one row returned by a subquery used as an "
                                 "expression", sqlstate="21000")
            return found[0][0] if found else None
        return scalar
    return _quantified(node, ctx, rows)


def _quantified(node: ir.SubLink, ctx: EvalContext, rows: Any) -> Compiled:
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
        for r in rows():
            cell[0] = r[0]
            y = None if r[0] is None else convert(())
            result = None if x is None or y is None else fn(x, y)
            if result is None:
                saw_null = True
            elif result is use_or:
                return use_or
        return None if saw_null else not use_or
    return quantified
