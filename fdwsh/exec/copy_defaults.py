"""The DEFAULT of a column a COPY FROM leaves out, evaluated locally for each row, as
PostgreSQL's CopyFrom evaluates the foreign table's defaults before postgres_fdw inserts the
row (a column without one gets NULL).

The expression is analysed and compiled once, with INSERT's machinery (the column's DEFAULT
parsed, assigned to the column's type, folded), and evaluated per row, so ``now()`` is the
statement's time and a volatile call is called for each row; each value is sent as the text
the remote session reads.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from pglast import ast

from fdwsh.catalog.model import ForeignColumn

Maker = Callable[[], "str | None"]


def default_makers(stmt: ast.CopyStmt, omitted: Sequence[ForeignColumn], ctx: Any
                   ) -> dict[str, Maker]:
    """Column name → a function giving the next row's default text, for each omitted column
    that has a DEFAULT."""
    if not any(c.default is not None for c in omitted):
        return {}
    from fdwsh.exec.dml_insert import default_node
    from fdwsh.exec.dml_target import analyzer_for, assigned, remote_text, resolve_target
    from fdwsh.exec.eval import compile_expr
    from fdwsh.exec.fold import fold_constants
    from fdwsh.sql.typecheck import transform_expr

    target = resolve_target(stmt, ctx)
    analyzer = analyzer_for(ast.SelectStmt(limitOption=0, op=0), target, ctx)
    ps, ectx = analyzer.ps, analyzer.ctx
    makers: dict[str, Maker] = {}
    names = {c.name for c in omitted if c.default is not None}
    for column in target.columns:
        if column.name not in names:
            continue
        expr = assigned(ps, transform_expr(ps, default_node(column)), column, -1)
        compiled, text = compile_expr(fold_constants(expr, ectx), ectx), remote_text(column)
        makers[column.name] = _maker(compiled, text)
    return makers


def _maker(compiled: Callable[[Any], Any], text: Callable[[Any], str | None]) -> Maker:
    return lambda: text(compiled(()))
