"""An UPDATE's SET list in its plain form, one ``column = expression`` per column.

``SET (a, b) = (1, 2)`` becomes ``a = 1, b = 2``; ``SET (a, b) = (SELECT x, y FROM …)`` becomes
one scalar sub-select per column (``a = (SELECT x FROM …)``, evaluated once each, as the rows of
an uncorrelated or correlated sub-select are the same for each); ``SET c = DEFAULT`` takes the
column's DEFAULT from the foreign table definition (else NULL), evaluated locally, as
postgres_fdw does.  What follows (typing, shipping, locating rows) sees only plain items.
"""

from __future__ import annotations

import copy
from pglast import ast
from pglast.enums import SubLinkType

from fdwsh.errors import FeatureNotSupported
from fdwsh.exec.dml_target import Target
from fdwsh.sql.pstate import error


def plain_sets(stmt: ast.UpdateStmt, target: Target) -> ast.UpdateStmt:
    """``stmt`` itself, or a copy whose SET items are plain."""
    items = [_plain(item, target) for item in stmt.targetList]
    if all(new is old for new, old in zip(items, stmt.targetList)):
        return stmt
    rewritten = copy.copy(stmt)
    rewritten.targetList = tuple(items)
    return rewritten


def _plain(item: ast.ResTarget, target: Target) -> ast.ResTarget:
    """One plain item; a generated column's DEFAULT stays DEFAULT (dml_generated)."""
    value = _one_of(item.val, item) if isinstance(item.val, ast.MultiAssignRef) else item.val
    column = target.table.column(item.name)
    if isinstance(value, ast.SetToDefault) and not (column is not None and column.generated):
        value = (default_node(column.default) if column is not None and column.default
                 else ast.A_Const(isnull=True, val=None))
    if value is item.val:
        return item
    return ast.ResTarget(name=item.name, indirection=item.indirection, val=value,
                         location=item.location)


def _one_of(ref: ast.MultiAssignRef, item: ast.ResTarget) -> ast.Node:
    """The ``colno``-th value of a multiple-column assignment."""
    source = ref.source
    if isinstance(source, ast.RowExpr):
        if len(source.args) != ref.ncolumns:
            raise error("number of columns does not match number of values", "42601",
                        source.location)
        return source.args[ref.colno - 1]  # type: ignore[no-any-return]
    select = source.subselect if isinstance(source, ast.SubLink) else None
    if (select is None or source.subLinkType != SubLinkType.EXPR_SUBLINK or select.op != 0
            or select.valuesLists or any(isinstance(t.val, ast.ColumnRef)
                                         and isinstance(t.val.fields[-1], ast.A_Star)
                                         for t in select.targetList)):
        raise FeatureNotSupported("this form of multiple-column UPDATE is not supported on "
                                  "foreign tables", position=item.location + 1)
    if len(select.targetList) != ref.ncolumns:
        raise error("number of columns does not match number of values", "42601",
                    source.location)
    narrowed = copy.copy(select)
    narrowed.targetList = (select.targetList[ref.colno - 1],)
    return ast.SubLink(subLinkType=SubLinkType.EXPR_SUBLINK, subLinkId=0, subselect=narrowed,
                       location=getattr(source, "location", -1))


def default_node(text: str) -> ast.Node:
    """A DEFAULT expression of the catalog, parsed."""
    from pglast import parse_sql

    return parse_sql(f"SELECT ({text})")[0].stmt.targetList[0].val  # type: ignore[no-any-return]
