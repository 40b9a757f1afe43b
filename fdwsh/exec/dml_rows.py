"""The new rows of an INSERT as PostgreSQL's analyser builds them (transformInsertStmt,
transformInsertRow, transformAssignedExpr): each listed column's value assigned to its declared
type, every other column its DEFAULT from the foreign table definition (else NULL), with
PostgreSQL's errors for too many or too few values.  :func:`local_rows` evaluates them here
(VALUES lists row by row, a SELECT streamed as its rows come); :func:`check_types` only types a
source that is sent elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from pglast import ast

from fdwsh.exec.dml_generated import check_inserted
from fdwsh.exec.dml_target import Row, Target, TargetColumn, analyzer_for, assigned, literal_value
from fdwsh.sql.pstate import ParseState, error

if TYPE_CHECKING:  # the type checker is imported only where the rows are computed here
    from fdwsh.sql import ir


def is_plain_values(select: ast.SelectStmt | None) -> bool:
    """VALUES with nothing around it: transformInsertStmt treats each row on its own."""
    return select is not None and bool(select.valuesLists) and not (
        select.sortClause or select.limitCount or select.limitOffset or select.withClause
        or select.lockingClause)


def local_rows(stmt: ast.InsertStmt, target: Target, listed: list[int], ctx: Any
                ) -> Iterable[Row]:
    """Every new row, typed and complete (analysed now, evaluated as the rows are read)."""
    select = stmt.selectStmt
    analyzer = analyzer_for(select or ast.SelectStmt(limitOption=0, op=0), target, ctx)
    ps, ectx = analyzer.ps, analyzer.ctx
    compile_ = _compiler(ectx)
    if select is None:  # DEFAULT VALUES
        row = [compile_(_default(ps, c)) for c in target.columns]
        return _evaluated([row], ())
    if is_plain_values(select):
        return _values_rows(ps, stmt, target, listed, compile_)
    rel = analyzer.run(select, resolve_unknowns=False)
    exprs, locations = source_columns(analyzer, rel, select)
    row = _complete_row(ps, target, listed, exprs, locations, stmt)
    check_inserted(target, listed)
    return _evaluated_stream([compile_(e) for e in row], rel.stream())


def _values_rows(ps: ParseState, stmt: ast.InsertStmt, target: Target, listed: list[int],
                 compile_: Callable[[ir.Expr], Any]) -> Iterable[Row]:
    """transformInsertRow() of each VALUES list; DEFAULT takes the column's default."""
    from fdwsh.exec.local_select import expr_kind
    from fdwsh.sql.typecheck import transform_expr

    select = stmt.selectStmt
    rows = []
    width = len(select.valuesLists[0])
    with expr_kind(ps, "VALUES"):
        for sub in select.valuesLists:
            if len(sub) != width:
                raise error("VALUES lists must all be the same length", "42601", ps.loc(sub[0]))
            exprs = [None if isinstance(e, ast.SetToDefault) else transform_expr(ps, e)
                     for e in sub]
            row = _complete_row(ps, target, list(listed), exprs, [ps.loc(e) for e in sub], stmt)
            rows.append([compile_(e) for e in row])
    check_inserted(target, listed[:width], select.valuesLists)
    return _evaluated(rows, ())


def source_columns(analyzer: Any, rel: Any, select: ast.SelectStmt
                    ) -> tuple[list[ir.Expr | None], list[int]]:
    """The source's output columns as the new row's values, and where each is written."""
    from fdwsh.sql import ir

    exprs: list[ir.Expr | None] = [ir.Var(i, c.type, c.typmod, c.name)
                                   for i, c in enumerate(rel.columns)]
    targets = select.targetList or ()
    starred = any(isinstance(t.val, ast.ColumnRef) and isinstance(t.val.fields[-1], ast.A_Star)
                  for t in targets)
    if starred or len(targets) != len(exprs) or select.op != 0:
        return exprs, [ir.expr_location(e) for e in rel.exprs] or [-1] * len(exprs)
    exprs = [literal_value(analyzer, t.val) or e for t, e in zip(targets, exprs)]
    return exprs, [analyzer.ps.loc(t.val) for t in targets]


def _complete_row(ps: ParseState, target: Target, listed: list[int],
                  exprs: list[ir.Expr | None], locations: list[int], stmt: ast.InsertStmt
                  ) -> list[ir.Expr]:
    """The full row: each listed column's value assigned to it, the others their default."""
    _check_counts(target, listed, len(exprs), locations, stmt)
    row: list[ir.Expr | None] = [None] * len(target.columns)
    for index, expr, location in zip(listed, exprs, locations):
        column = target.columns[index]
        row[index] = _default(ps, column) if expr is None else assigned(ps, expr, column,
                                                                        location)
    return [_default(ps, c) if e is None else e for c, e in zip(target.columns, row)]


def _check_counts(target: Target, listed: list[int], width: int, locations: list[int],
                  stmt: ast.InsertStmt) -> None:
    """transformInsertRow()'s checks; ``listed`` is cut to the expressions given."""
    if width > len(listed):
        raise error("INSERT has more expressions than target columns", "42601",
                    locations[len(listed)] if len(locations) > len(listed) else -1)
    if width < len(listed) and stmt.cols:
        raise error("INSERT has more target columns than expressions", "42601",
                    stmt.cols[width].location)
    del listed[width:]


def _default(ps: ParseState, column: TargetColumn) -> ir.Expr:
    """The column's DEFAULT expression (assigned to its type), else a typed NULL."""
    from fdwsh.sql import ir

    if column.column.default is None:
        return ir.Const(column.type, None, column.typmod)
    from fdwsh.sql.typecheck import transform_expr

    return assigned(ps, transform_expr(ps, default_node(column)), column, -1)


def default_node(column: TargetColumn) -> ast.Node:
    """The parsed DEFAULT expression of a column."""
    from fdwsh.exec.dml_sets import default_node as parsed

    return parsed(column.column.default or "NULL")


def _compiler(ectx: Any) -> Callable[[ir.Expr], Any]:
    from fdwsh.exec.eval import compile_expr
    from fdwsh.exec.fold import fold_constants

    return lambda expr: compile_expr(fold_constants(expr, ectx), ectx)


def _evaluated(rows: list[list[Any]], source: Row) -> Iterator[Row]:
    for row in rows:
        yield tuple(fn(source) for fn in row)


def _evaluated_stream(row: list[Any], source: Iterable[Row]) -> Iterator[Row]:
    for values in source:
        yield tuple(fn(values) for fn in row)


def check_types(stmt: ast.InsertStmt, target: Target, listed: list[int], ctx: Any,
                typed: dict[int, Any] | None = None) -> list[int]:
    """Analyse the source over no rows: its column count and types against the target's;
    the columns it gives values for."""
    return typed_source(stmt, target, listed, ctx, typed)[0]


def typed_source(stmt: ast.InsertStmt, target: Target, listed: list[int], ctx: Any,
                 typed: dict[int, Any] | None = None) -> tuple[list[int], list[Any]]:
    """:func:`check_types`, and the source's output columns (name, type, typmod)."""
    analyzer = analyzer_for(stmt.selectStmt, target, ctx, typed)
    analyzer.explain_only = True
    rel = analyzer.run(stmt.selectStmt, resolve_unknowns=False)
    exprs, locations = source_columns(analyzer, rel, stmt.selectStmt)
    _complete_row(analyzer.ps, target, listed, exprs, locations, stmt)
    check_inserted(target, listed)
    return listed, rel.columns


def default_values(target: Target, indexes: list[int], ctx: Any
                   ) -> list[Callable[[], Any]]:
    """For each column of ``indexes``, what computes its DEFAULT for one new row."""
    if all(target.columns[i].column.default is None for i in indexes):
        return [lambda: None for _ in indexes]
    analyzer = analyzer_for(ast.SelectStmt(limitOption=0, op=0), target, ctx)
    compile_ = _compiler(analyzer.ctx)
    fns = [compile_(_default(analyzer.ps, target.columns[i])) for i in indexes]
    return [lambda fn=fn: fn(()) for fn in fns]
