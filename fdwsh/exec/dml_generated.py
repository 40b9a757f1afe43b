"""Stored generated columns (``GENERATED ALWAYS AS (expr) STORED``) in INSERT and UPDATE, as
PostgreSQL 15 + postgres_fdw treat them (measured with psql on a local cluster):

- the value is never sent: postgres_fdw deparses ``DEFAULT`` for the column (``INSERT … VALUES
  ($1, $2, DEFAULT, $3)``, ``UPDATE … SET a = $2, g = DEFAULT``), so the remote computes it when
  its column is generated too, and otherwise stores its own default (often NULL).  fdwsh leaves
  the column out of an INSERT's column list (the same: the remote default) and sets it to
  ``DEFAULT`` in an UPDATE;
- an UPDATE recomputes a generated column when it sets a column the expression reads, or sets
  it to ``DEFAULT`` itself (PostgreSQL's extraUpdatedCols); ``SET b = …`` of an unrelated column
  leaves it alone;
- a value for it is refused with the rewriter's messages: ``cannot insert a non-DEFAULT value
  into column "g"`` (any value of a SELECT source, a non-DEFAULT item of any VALUES row) and
  ``column "g" can only be updated to DEFAULT``, each with ``DETAIL:  Column "g" is a generated
  column.`` and no cursor position.

Locally the expression is only evaluated for the row an error shows (:func:`computed`), as
PostgreSQL computes it before its constraint checks.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from pglast import ast
from pglast.visitors import Ancestor, Visitor

from fdwsh.errors import FdwshError
from fdwsh.exec.dml_target import Row, Target


def _refused(message: str, name: str) -> FdwshError:
    return FdwshError(message, sqlstate="428C9", detail=f'Column "{name}" is a generated column.')


def check_inserted(target: Target, listed: Sequence[int],
                   rows: Iterable[Sequence[ast.Node]] | None = None) -> None:
    """Refuse a value for a generated column: ``rows`` are a VALUES list's items (in ``listed``
    order; DEFAULT is no value); without them (a SELECT source) every listed generated column
    has one."""
    generated = [(n, i) for n, i in enumerate(listed) if target.columns[i].column.generated]
    for items in (rows if rows is not None else [()]) if generated else ():
        for n, index in generated:
            if n >= len(items) or not isinstance(items[n], ast.SetToDefault):
                name = target.columns[index].name
                raise _refused(f'cannot insert a non-DEFAULT value into column "{name}"', name)


def split_update(stmt: ast.UpdateStmt, target: Target) -> tuple[ast.UpdateStmt, list[int]]:
    """The statement without its ``g = DEFAULT`` items, and the generated columns they name (a
    generated column set to anything else is refused)."""
    kept, defaulted = [], []
    for item in stmt.targetList:
        column = target.table.column(item.name)
        if column is None or not column.generated:
            kept.append(item)
        elif isinstance(item.val, ast.SetToDefault):
            defaulted.append(target.column(item.name, item.location))
        else:
            raise _refused(f'column "{item.name}" can only be updated to DEFAULT', item.name)
    if not defaulted:
        return stmt, []
    import copy

    narrowed = copy.copy(stmt)
    narrowed.targetList = tuple(kept)
    return narrowed, defaulted


def recomputed(target: Target, sets: Sequence[int], defaulted: Sequence[int]) -> list[int]:
    """The generated columns an UPDATE setting ``sets`` sends as DEFAULT, in column order."""
    names = {target.columns[i].name for i in sets}
    return [i for i, c in enumerate(target.columns) if c.column.generated
            and (i in defaulted or names & referenced(c.column.generation or ""))]


def referenced(expression: str) -> set[str]:
    """The column names a generation expression reads."""
    from fdwsh.exec.dml_sets import default_node

    names: set[str] = set()

    class Columns(Visitor):  # type: ignore[misc]
        def visit_ColumnRef(self, ancestors: Ancestor, node: ast.ColumnRef) -> None:
            last = node.fields[-1]
            if isinstance(last, ast.String):
                names.add(last.sval)

    Columns()(default_node(expression))
    return names


def generation_node(target: Target, index: int) -> ast.Node:
    """A generated column's expression, its column references qualified with the target's
    name (it is evaluated among an UPDATE's FROM items)."""
    from fdwsh.exec.dml_sets import default_node

    tree = default_node(target.columns[index].column.generation or "NULL")

    class Qualify(Visitor):  # type: ignore[misc]
        def visit_ColumnRef(self, ancestors: Ancestor, node: ast.ColumnRef) -> None:
            if len(node.fields) == 1:
                node.fields = (ast.String(sval=target.alias), *node.fields)

    Qualify()(tree)
    return tree


def default_item(target: Target, index: int) -> ast.ResTarget:
    """``remote_column = DEFAULT`` of an UPDATE's SET list."""
    return ast.ResTarget(name=target.columns[index].column.remote_name, val=ast.SetToDefault())


def computed(target: Target, row: Row, ctx: Any) -> Row:
    """``row`` (every declared column, values of the declared types) with its generated
    columns computed from the others, as PostgreSQL stores them."""
    indexes = [i for i, c in enumerate(target.columns) if c.column.generated]
    if not indexes:
        return row
    from fdwsh.exec.dml_returning import prepare_returning
    from fdwsh.exec.dml_sets import default_node

    exprs = tuple(ast.ResTarget(val=default_node(target.columns[i].column.generation or "NULL"))
                  for i in indexes)
    evaluator = prepare_returning(ast.ReturningClause(exprs=exprs), target, ctx)
    assert evaluator is not None
    evaluator.rows.append(row)
    values = next(iter(evaluator.relation.produce()))
    full = list(row)
    for index, value in zip(indexes, values):
        full[index] = value
    return tuple(full)
