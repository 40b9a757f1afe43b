"""SELECT DISTINCT and DISTINCT ON of a local query level (transformDistinctClause and
transformDistinctOnClause of parse_clause.c, run as PostgreSQL's Unique over a Sort).

DISTINCT keeps the first of each set of equal rows.  DISTINCT ON (exprs) keeps the first row
of each group of rows equal in those expressions, first in ORDER BY order: the expressions are
found among the output columns as ORDER BY items are (by name, by position, else by
expression, added as hidden columns when not there), must be the leading ORDER BY items (in any
order), and those not in ORDER BY are sorted ascending after it.  Equality is PostgreSQL's
``=`` through :func:`fdwsh.exec.setops.row_key_function` (NULLs equal; ``1.0 = 1.00``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pglast import ast

from fdwsh.errors import FdwshError
from fdwsh.exec.setops import row_key_function
from fdwsh.exec.sorting import SortSpec, record_key, sort_rows
from fdwsh.pgtypes import format_type
from fdwsh.sql import ir
from fdwsh.sql import oids as T
from fdwsh.sql.coerce import IMPLICIT, coerce_type
from fdwsh.sql.pstate import error
from fdwsh.sql.typecheck import transform_expr

if TYPE_CHECKING:
    from fdwsh.exec.local_select import Analyzer

Row = tuple[Any, ...]
Targets = list[tuple[str, ir.Expr]]
Unique = Callable[[list[Row]], list[Row]]

_MUST_MATCH = "SELECT DISTINCT ON expressions must match initial ORDER BY expressions"


def plan_distinct(an: Analyzer, clause: Any, targets: Targets, specs: list[SortSpec]
                  ) -> tuple[list[SortSpec], Unique]:
    """The sort items (ORDER BY's, plus DISTINCT ON's not in it: hidden columns are computed
    for them as for ORDER BY's) and the function that removes the duplicates of rows
    evaluated with them."""
    if not clause:
        return specs, lambda rows: rows
    if clause[0] is None:
        return specs, _plain_distinct(targets, specs)
    return _distinct_on(an, clause, targets, specs)


def _plain_distinct(targets: Targets, specs: list[SortSpec]) -> Unique:
    for spec in specs:
        if spec.resjunk and not any(same_expr(spec.expr, e) for _, e in targets):
            raise error("for SELECT DISTINCT, ORDER BY expressions must appear in select list",
                        "42P10", ir.expr_location(spec.expr))
    for _, expr in targets:
        _check_equality(expr, ir.expr_location(expr))
    width = len(targets)
    return _unique(list(range(width)), [e for _, e in targets])


def _distinct_on(an: Analyzer, clause: Any, targets: Targets, specs: list[SortSpec]
                 ) -> tuple[list[SortSpec], Unique]:
    keys = [_find_key(an, node, targets, specs) for node in clause]
    matched: list[SortSpec] = []
    skipped = False
    for spec in specs:
        hit = next((k for k in keys if _matches(spec, k)), None)
        if hit is None:
            skipped = True
        elif skipped:
            raise error(_MUST_MATCH, "42P10", hit[2])
        else:
            matched.append(spec)
    extra: list[SortSpec] = []
    junk = sum(1 for s in specs if s.resjunk)
    for index, expr, location in keys:
        if any(_matches(s, (index, expr, location)) for s in matched + extra):
            continue
        if skipped:
            raise error(_MUST_MATCH, "42P10", location)
        if index < 0:
            index = len(targets) + junk
            junk += 1
        extra.append(_ascending(index, expr, index >= len(targets), location))
    sort = specs + extra
    indexes = [s.index for s in matched + extra]
    unique = _unique(indexes, [s.expr for s in matched + extra])
    return sort, lambda rows: unique(sort_rows(rows, sort, len(targets)))


def _find_key(an: Analyzer, node: ast.Node, targets: Targets, specs: list[SortSpec]
              ) -> tuple[int, ir.Expr, int]:
    """findTargetlistEntrySQL92() for a DISTINCT ON item: (row index or -1, expression,
    location of the item)."""
    from fdwsh.exec.setops import _leftmost

    ps = an.ps
    location = _leftmost(an, node)
    if isinstance(node, ast.ColumnRef) and len(node.fields) == 1 and \
            isinstance(node.fields[0], ast.String):
        found = [i for i, (name, _) in enumerate(targets) if name == node.fields[0].sval]
        for i in found[1:]:
            if not same_expr(targets[i][1], targets[found[0]][1]):
                raise error(f'DISTINCT ON "{node.fields[0].sval}" is ambiguous', "42702",
                            node.location)
        if found:
            return found[0], targets[found[0]][1], location
    if isinstance(node, ast.A_Const):
        if node.isnull or not isinstance(node.val, ast.Integer):
            raise error("non-integer constant in DISTINCT ON", "42601", location)
        pos = node.val.ival
        if not 1 <= pos <= len(targets):
            raise error(f"DISTINCT ON position {pos} is not in select list", "42P10",
                        location)
        return pos - 1, targets[pos - 1][1], location
    # PostgreSQL places aggregates, window and set-returning calls in DISTINCT ON as in
    # ORDER BY (both are sort items): the same placement checks apply.
    saved, ps.expr_kind = ps.expr_kind, "ORDER BY"
    try:
        expr = transform_expr(ps, node)
    finally:
        ps.expr_kind = saved
    for i, (_, texpr) in enumerate(targets):
        if same_expr(texpr, expr):
            return i, texpr, location
    for spec in specs:
        if spec.resjunk and same_expr(spec.expr, expr):
            return spec.index, spec.expr, location
    if expr.type == T.UNKNOWN:
        expr = coerce_type(ps, expr, T.TEXT, -1, IMPLICIT, ir.IMPLICIT_CAST, -1)
    return -1, expr, location


def _matches(spec: SortSpec, key: tuple[int, ir.Expr, int]) -> bool:
    """Whether an ORDER BY item sorts by a DISTINCT ON item (the same column, or a hidden
    column computing the same expression)."""
    index, expr, _ = key
    return spec.index == index or spec.resjunk and same_expr(spec.expr, expr)


def _ascending(index: int, expr: ir.Expr, resjunk: bool, location: int) -> SortSpec:
    """A DISTINCT ON item's default ordering (addTargetToGroupList): ASC NULLS LAST."""
    from fdwsh.exec.fn_compare import sort_key

    _check_equality(expr, location)
    key = record_key if expr.type == T.RECORD else sort_key(expr.type)
    return SortSpec(index, expr, False, False, resjunk, key)


def _check_equality(expr: ir.Expr, location: int) -> None:
    """get_sort_group_operators(): the type must have an equality operator."""
    try:
        row_key_function([expr.type])
    except FdwshError:
        raise error(f"could not identify an equality operator for type "
                    f"{format_type(expr.type)}", "42883", location) from None


def _unique(indexes: list[int], exprs: list[ir.Expr]) -> Unique:
    """The first of each set of rows equal in the columns at ``indexes``."""
    key = row_key_function([e.type for e in exprs])

    def unique(rows: list[Row]) -> list[Row]:
        seen: set[Any] = set()
        out = []
        for row in rows:
            k = key(tuple(row[i] for i in indexes))
            if k not in seen:
                seen.add(k)
                out.append(row)
        return out
    return unique


def same_expr(a: ir.Expr, b: ir.Expr) -> bool:
    """PostgreSQL's equal() on expressions: alike but for their locations."""
    return _strip(a) == _strip(b)


def _strip(node: Any) -> Any:
    if isinstance(node, tuple):
        return tuple(_strip(n) for n in node)
    if not dataclasses.is_dataclass(node) or isinstance(node, type):
        return node
    changes = {f.name: _strip(getattr(node, f.name)) for f in dataclasses.fields(node)
               if f.name != "location"}
    if any(f.name == "location" for f in dataclasses.fields(node)):
        changes["location"] = -1
    try:
        return dataclasses.replace(node, **changes)
    except (TypeError, ValueError):
        return node
