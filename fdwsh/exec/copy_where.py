"""``COPY ft FROM STDIN WHERE condition``: the condition, analysed as DoCopy analyses it
(EXPR_KIND_COPY_WHERE over the table's columns, coerced to boolean), and evaluated for each
complete row (defaults filled in) before it is sent; rows where it is not true are skipped and
not counted.

The condition reads the row's values as the declared types' input functions make them from
the text fdwsh sends; a sub-select is refused (``cannot use subquery in COPY FROM WHERE
condition``), aggregates, window and set-returning functions get PostgreSQL's placement errors.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pglast import ast
from pglast.visitors import Visitor

from fdwsh.errors import FdwshError

Keep = Callable[[list["str | None"]], bool]


class _FindSubLink(Visitor):  # type: ignore[misc]
    def __init__(self) -> None:
        self.found: ast.SubLink | None = None

    def visit_SubLink(self, ancestors: Any, node: ast.SubLink) -> None:
        self.found = self.found or node


def where_filter(stmt: ast.CopyStmt, ctx: Any) -> Keep | None:
    """The row filter of the statement's WHERE (None without one)."""
    if stmt.whereClause is None:
        return None
    finder = _FindSubLink()
    finder(stmt.whereClause)
    if finder.found is not None:
        raise FdwshError("cannot use subquery in COPY FROM WHERE condition", sqlstate="0A000",
                         position=finder.found.location + 1)
    from fdwsh.exec.dml_target import analyzer_for, remote_reader, resolve_target
    from fdwsh.exec.eval import compile_expr
    from fdwsh.exec.fold import fold_constants
    from fdwsh.sql import ir
    from fdwsh.sql.coerce import coerce_to_boolean
    from fdwsh.sql.typecheck import transform_expr

    target = resolve_target(stmt, ctx)
    analyzer = analyzer_for(ast.SelectStmt(limitOption=0, op=0), target, ctx)
    ps, ectx = analyzer.ps, analyzer.ctx
    columns = {c.name: (i, c) for i, c in enumerate(target.columns)}

    def resolve(names: list[str], location: int) -> Any:
        if len(names) > 2 or (len(names) == 2 and names[0] != target.table.name):
            return None
        found = columns.get(names[-1])
        if found is None:
            return None
        index, column = found
        return ir.Var(index, column.type, column.typmod, column.name, location)

    ps.columns, ps.expr_kind = resolve, "COPY FROM WHERE conditions"
    condition = coerce_to_boolean(ps, transform_expr(ps, stmt.whereClause), "WHERE")
    test = compile_expr(fold_constants(condition, ectx), ectx)
    readers = [remote_reader(c, target.table.name) for c in target.columns]
    return lambda row: test(tuple(read(v) for read, v in zip(readers, row))) is True
