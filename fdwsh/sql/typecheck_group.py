"""GROUP BY and the grouped-query checks (parse_clause.c transformGroupClause, parse_agg.c
parseCheckAggregates / expand_grouping_sets of PostgreSQL 15).

A GROUP BY item is, in PostgreSQL's order (findTargetlistEntrySQL92): a bare name that is
not an input column but names output columns; an integer constant, an output position; else
an expression.  ROLLUP, CUBE and GROUPING SETS expand to a list of grouping sets (the
cartesian product of the top-level items), each a tuple of indices into the distinct grouping
expressions.

:class:`GroupingRewriter` then maps the select list, ORDER BY and HAVING onto the grouped row
(grouping expressions, then aggregate results, then GROUPING() values): an aggregate call or
a subexpression equal to a grouping expression (equal() ignores locations) becomes a column
of that row, and any other input column is PostgreSQL's ``column "t.x" must appear in the
GROUP BY clause or be used in an aggregate function``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from pglast import ast
from pglast.enums import CoercionForm, GroupingSetKind

from fdwsh.errors import FdwshError
from fdwsh.pgtypes import format_type
from fdwsh.sql import ir
from fdwsh.sql.pstate import ParseState, error
from fdwsh.sql.typecheck import transform_expr
from fdwsh.sql.typecheck_agg import (Aggref, GroupingFunc, clause, find_nodes,
                                     first_aggregate, strip_locations)

GroupingSet = tuple[int, ...]
_MAX_SETS = 4096


@dataclass(slots=True)
class GroupClause:
    """The distinct grouping expressions and the grouping sets over them."""

    exprs: list[ir.Expr] = field(default_factory=list)
    stripped: list[Any] = field(default_factory=list)
    sets: list[GroupingSet] = field(default_factory=lambda: [()])

    def add(self, expr: ir.Expr) -> int:
        key = strip_locations(expr)
        if key in self.stripped:
            return self.stripped.index(key)
        self.exprs.append(expr)
        self.stripped.append(key)
        return len(self.exprs) - 1


def transform_group_clause(ps: ParseState, items: Any, targets: list[tuple[str, ir.Expr]],
                           distinct: bool) -> GroupClause:
    """transformGroupClause() + expand_grouping_sets()."""
    group = GroupClause()
    sets: list[GroupingSet] = [()]
    with clause(ps, "GROUP BY"):
        for item in items or ():
            expanded = _item_sets(ps, item, targets, group)
            sets = [a + b for a in sets for b in expanded]
            if len(sets) > _MAX_SETS:
                raise error(f"too many grouping sets present (maximum {_MAX_SETS})", "54001",
                            getattr(item, "location", -1))
    if distinct:
        unique: dict[frozenset[int], GroupingSet] = {}
        for s in sets:
            unique.setdefault(frozenset(s), s)
        sets = list(unique.values())
    group.sets = sets
    return group


def _item_sets(ps: ParseState, item: Any, targets: list[tuple[str, ir.Expr]],
               group: GroupClause) -> list[GroupingSet]:
    """The grouping sets one GROUP BY item stands for."""
    if not isinstance(item, ast.GroupingSet):
        return [(_group_expr(ps, item, targets, group),)]
    kind = item.kind
    if kind == GroupingSetKind.GROUPING_SET_EMPTY:
        return [()]
    if kind == GroupingSetKind.GROUPING_SET_SETS:
        out: list[GroupingSet] = []
        for sub in item.content:
            if _is_row(sub):
                out.append(tuple(_group_expr(ps, e, targets, group) for e in sub.args))
            else:
                out.extend(_item_sets(ps, sub, targets, group))
        return out
    if kind == GroupingSetKind.GROUPING_SET_SIMPLE:
        return [tuple(_group_expr(ps, e, targets, group) for e in item.content)]
    parts = [tuple(_group_expr(ps, e, targets, group) for e in
                   (sub.args if _is_row(sub) else (sub,))) for sub in item.content]
    if kind == GroupingSetKind.GROUPING_SET_ROLLUP:
        return [sum(parts[:n], ()) for n in range(len(parts), -1, -1)]
    if len(parts) > 12:
        raise error("CUBE is limited to 12 elements", "54011", item.location)
    return [sum(chosen, ()) for n in range(len(parts), -1, -1)
            for chosen in combinations(parts, n)]


def _is_row(node: Any) -> bool:
    """``(a, b)`` inside a grouping set is a list of expressions, not a row constructor."""
    return isinstance(node, ast.RowExpr) and node.row_format == CoercionForm.COERCE_IMPLICIT_CAST


def _group_expr(ps: ParseState, node: Any, targets: list[tuple[str, ir.Expr]],
                group: GroupClause) -> int:
    """findTargetlistEntrySQL92() for GROUP BY: the index of the grouping expression."""
    expr = _target_by_name(ps, node, targets)
    if expr is None and isinstance(node, ast.A_Const):
        expr = _target_by_position(ps, node, targets)
    if expr is not None:
        found = first_aggregate([expr])
        if found is not None:
            raise error("aggregate functions are not allowed in GROUP BY", "42803",
                        found.location)
    else:
        expr = transform_expr(ps, node)
    from fdwsh.exec.srf import contains_srf
    if contains_srf(expr):
        raise error("set-returning functions in GROUP BY are not supported locally", "0A000",
                    ir.expr_location(expr))
    _check_hashable(expr)
    return group.add(expr)


def _target_by_name(ps: ParseState, node: Any, targets: list[tuple[str, ir.Expr]]
                    ) -> ir.Expr | None:
    """A bare name that is no input column but an output column's name (SQL92)."""
    if not (isinstance(node, ast.ColumnRef) and len(node.fields) == 1 and
            isinstance(node.fields[0], ast.String)):
        return None
    name = node.fields[0].sval
    if ps.columns is not None and ps.columns([name], node.location) is not None:
        return None
    found: ir.Expr | None = None
    for tname, texpr in targets:
        if tname != name:
            continue
        if found is not None and strip_locations(found) != strip_locations(texpr):
            raise error(f'GROUP BY "{name}" is ambiguous', "42702", node.location)
        found = found or texpr
    return found


def _target_by_position(ps: ParseState, node: ast.A_Const, targets: list[tuple[str, ir.Expr]]
                        ) -> ir.Expr:
    if node.isnull or not isinstance(node.val, ast.Integer):
        raise error("non-integer constant in GROUP BY", "42601", ps.loc(node))
    pos = node.val.ival
    if not 1 <= pos <= len(targets):
        raise error(f"GROUP BY position {pos} is not in select list", "42P10", ps.loc(node))
    return targets[pos - 1][1]


def _check_hashable(expr: ir.Expr) -> None:
    from fdwsh.exec.setops import row_key_function
    from fdwsh.sql import oids as T
    if expr.type in (T.UNKNOWN, T.RECORD):
        return
    try:
        row_key_function([expr.type])
    except FdwshError:
        raise error(f"could not identify an equality operator for type "
                    f"{format_type(expr.type)}", "42883", ir.expr_location(expr)) from None


# ---------------------------------------------------------------------------------------------
# parseCheckAggregates: onto the grouped row


@dataclass(slots=True)
class GroupingRewriter:
    """Maps expressions of the input row onto the grouped row (see the module docstring)."""

    group: GroupClause
    #: ``table.column`` of an input column, for the ungrouped-column message.
    qualified_name: Callable[[ir.Var], str]
    aggs: list[Aggref] = field(default_factory=list)
    groupings: list[tuple[int, ...]] = field(default_factory=list)
    _slots: dict[int, int] = field(default_factory=dict)
    _pending: list[GroupingFunc] = field(default_factory=list)

    def collect(self, exprs: list[ir.Expr | None]) -> None:
        """Give every aggregate and GROUPING() call of ``exprs`` its grouped-row column."""
        for expr in exprs:
            for node in find_nodes(expr, (Aggref, GroupingFunc)):
                if isinstance(node, Aggref):
                    self._slots[id(node)] = len(self.aggs)
                    self.aggs.append(node)
                else:
                    self._pending.append(node)

    def rewrite(self, exprs: list[ir.Expr | None]) -> list[ir.Expr | None]:
        """``exprs`` (one clause) over the grouped row; GROUPING() arguments are checked
        first, as finalize_grouping_exprs() runs before check_ungrouped_columns()."""
        for expr in exprs:
            for node in find_nodes(expr, (GroupingFunc,)):
                self._grouping_refs(node)
        return [None if e is None else self._rewrite(e) for e in exprs]

    @property
    def width(self) -> int:
        return len(self.group.exprs) + len(self.aggs) + len(self._pending)

    def _grouping_refs(self, node: GroupingFunc) -> tuple[int, ...]:
        refs = []
        for arg in node.args:
            key = strip_locations(arg)
            if key not in self.group.stripped:
                raise error("arguments to GROUPING must be grouping expressions of the "
                            "associated query level", "42803", ir.expr_location(arg))
            refs.append(self.group.stripped.index(key))
        return tuple(refs)

    def _rewrite(self, node: ir.Expr, sublink: bool = False) -> ir.Expr:
        nkeys = len(self.group.exprs)
        if isinstance(node, Aggref):
            return ir.Var(nkeys + self._slots[id(node)], node.type, node.typmod, "",
                          node.location)
        if isinstance(node, GroupingFunc):
            index = next(i for i, g in enumerate(self._pending) if g is node)
            while len(self.groupings) <= index:
                self.groupings.append(())
            self.groupings[index] = self._grouping_refs(node)
            return ir.Var(nkeys + len(self.aggs) + index, node.type, -1, "", node.location)
        if isinstance(node, ir.Const):
            return node
        key = strip_locations(node)
        if key in self.group.stripped:
            i = self.group.stripped.index(key)
            return ir.Var(i, node.type, node.typmod, getattr(node, "name", ""), node.location)
        if isinstance(node, ir.Var):
            name = self.qualified_name(node)
            if sublink:
                raise error(f'subquery uses ungrouped column "{name}" from outer query',
                            "42803", node.location)
            raise error(f'column "{name}" must appear in the GROUP BY clause or be used in an '
                        "aggregate function", "42803", node.location)
        if isinstance(node, ir.SubLink):  # its args: the outer values the sub-query reads
            node = dataclasses.replace(node, args=tuple(self._rewrite(a, True)
                                                        for a in node.args))
            return _map_children(node, self._rewrite, skip="args")
        return _map_children(node, lambda child: self._rewrite(child, sublink))

    def grouping_sets_refs(self) -> list[tuple[int, ...]]:
        """The key indices of each GROUPING() column, in grouped-row order."""
        while len(self.groupings) < len(self._pending):
            self.groupings.append(self._grouping_refs(self._pending[len(self.groupings)]))
        return self.groupings


def _map_children(node: ir.Expr, fn: Callable[[ir.Expr], ir.Expr], skip: str = "") -> ir.Expr:
    """``node`` with ``fn`` applied to each direct sub-expression (but field ``skip``)."""
    if not dataclasses.is_dataclass(node):
        return node
    changes: dict[str, Any] = {}
    for f in dataclasses.fields(node):
        if f.name == skip:
            continue
        value = getattr(node, f.name)
        if isinstance(value, ir.Expr):
            new: Any = fn(value)
        elif isinstance(value, tuple) and any(isinstance(v, ir.Expr) for v in value):
            new = tuple(fn(v) if isinstance(v, ir.Expr) else v for v in value)
        else:
            continue
        if new is not value:
            changes[f.name] = new
    return dataclasses.replace(node, **changes) if changes else node
