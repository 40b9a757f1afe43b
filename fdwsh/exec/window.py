"""Window functions of a local query level (PostgreSQL's WindowAgg), evaluated after WHERE,
grouping and HAVING and before DISTINCT, ORDER BY and LIMIT.

Planning splits the level's expressions as make_window_input_target() does.  The *input* of
the windows is one row per input (or grouped) row holding every value the windows and the
rest of the select list read: each maximal sub-expression that reads the row and holds no
window call (nor a set-returning call, nor a CASE operand placeholder) becomes one input
column, as do the calls' arguments and FILTERs and the windows' PARTITION BY / ORDER BY
expressions.  A grouped level computes these columns as its own select list (so its
ungrouped-column errors are PostgreSQL's).  The windows then append nothing but their
results: an output row is ``(results of each call..., input columns...)`` and the select list
and ORDER BY are rewritten over it, set-returning calls expanding after the windows.

For each window, rows are sorted by PARTITION BY then ORDER BY (stably: equal rows keep their
input order), split into partitions and every call of that window computed per partition
(:mod:`fdwsh.exec.window_funcs`).  Everything is compiled once: the evaluator the plan
returns recomputes the windows from scratch at each call (a correlated sub-SELECT's level
re-runs it), frame offsets included.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pglast import enums as E

from fdwsh.exec import pgerrors as PE
from fdwsh.exec.eval import EvalContext, compile_expr
from fdwsh.exec.fn_compare import sort_key
from fdwsh.exec.fold import fold_constants
from fdwsh.exec.sorting import SortSpec, sort_rows
from fdwsh.exec.srf import is_srf
from fdwsh.exec.window_frame import FrameSpec, in_range_function
from fdwsh.exec.window_funcs import Call, Partition, window_function
from fdwsh.sql import ir
from fdwsh.sql import oids as T
from fdwsh.sql.pstate import error
from fdwsh.sql.typecheck_agg import Aggref, GroupingFunc, find_nodes, strip_locations
from fdwsh.sql.typecheck_group import _map_children
from fdwsh.sql.typecheck_window import WindowClause, WindowFunc, WindowScope
from fdwsh.sql.typecheck_window_defs import transform_window_definitions

if TYPE_CHECKING:
    from fdwsh.exec.local_select import Analyzer

Row = tuple[Any, ...]
Targets = list[tuple[str, ir.Expr]]


@dataclass(slots=True)
class _Window:
    clause: WindowClause
    partition: list[int] = field(default_factory=list)
    order: list[int] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)


@dataclass(slots=True)
class WindowPlan:
    """``inputs``: the window input's columns (over the FROM or grouped row); ``targets`` and
    ``specs``: the select list and ORDER BY over the output row."""

    inputs: Targets
    targets: Targets
    specs: list[SortSpec]
    windows: list[_Window]
    slots: int

    def evaluator(self, an: Analyzer, evaluate_input: Callable[[], list[Row]]
                  ) -> Callable[[], list[Row]]:
        """The level's rows (select list and ORDER BY columns, unsorted) at each call."""
        width = self.slots + len(self.inputs)
        rows_out: list[Row] = [(None,) * width]  # the width the select list is compiled for
        project = an._evaluate(rows_out, self.targets, None, self.specs)
        runners = [_Runner(w, an.ctx) for w in self.windows]
        slots = self.slots

        def evaluate() -> list[Row]:
            rows = evaluate_input()
            results: list[list[Any]] = [[None] * slots for _ in rows]
            order = list(range(len(rows)))
            for run in runners:
                order = run(rows, results)
            rows_out[:] = [tuple(results[i]) + rows[i] for i in order]
            return project()
        return evaluate


# ---------------------------------------------------------------------------------------------
# planning


def plan_windows(an: Analyzer, scope: WindowScope, group_clause: Any, targets: Targets,
                 specs: list[SortSpec]) -> WindowPlan | None:
    """The level's windows (None when it calls no window function; its WINDOW clause is
    checked all the same)."""
    clauses = transform_window_definitions(an.ps, scope)
    exprs = [e for _, e in targets] + [s.expr for s in specs if s.resjunk]
    calls: dict[int, WindowFunc] = {}
    for expr in exprs:
        for node in find_nodes(expr, (WindowFunc,)):
            calls.setdefault(id(node), node)  # type: ignore[arg-type]
    if not calls:
        return None
    _check_aggregates(exprs)
    _check_group_by(an, group_clause, targets)
    lifter = _Lifter({key: i for i, key in enumerate(calls)}, clauses)
    lifter.seed(targets)
    new_targets = [(name, lifter.lift(e)) for name, e in targets]
    new_specs = [dataclasses.replace(s, expr=lifter.lift(s.expr)) if s.resjunk else s
                 for s in specs]
    windows = lifter.finish()
    return WindowPlan(lifter.inputs, new_targets, new_specs, windows, len(calls))


def _check_aggregates(exprs: list[ir.Expr]) -> None:
    for expr in exprs:
        for agg in find_nodes(expr, (Aggref,)):
            for node in find_nodes_below(agg, WindowFunc):
                raise error("aggregate function calls cannot contain window function calls",
                            "42803", node.location)


def find_nodes_below(node: ir.Expr, kind: type) -> list[ir.Expr]:
    return [found for child in node.children() for found in find_nodes(child, (kind,))]


def _check_group_by(an: Analyzer, items: Any, targets: Targets) -> None:
    """checkTargetlistEntrySQL92(): GROUP BY naming an output column (by position, or by a
    name that is not an input column) that holds a window call."""
    from pglast import ast
    for item in items or ():
        expr = None
        if isinstance(item, ast.A_Const) and isinstance(item.val, ast.Integer):
            if 1 <= item.val.ival <= len(targets):
                expr = targets[item.val.ival - 1][1]
        elif isinstance(item, ast.ColumnRef) and len(item.fields) == 1 and \
                isinstance(item.fields[0], ast.String):
            name = item.fields[0].sval
            resolve = an.ps.columns
            if resolve is None or resolve([name], -1) is None:
                expr = next((e for n, e in targets if n == name), None)
        for node in find_nodes(expr, (WindowFunc,)):
            raise error("window functions are not allowed in GROUP BY", "42P20", node.location)


def _reads_row(expr: ir.Expr) -> bool:
    return any(True for _ in find_nodes(expr, (ir.Var, Aggref, GroupingFunc)))


def _movable(expr: ir.Expr) -> bool:
    """Whether ``expr`` may be computed below the windows."""
    if isinstance(expr, (WindowFunc, ir.CaseTestExpr)) or is_srf(expr):
        return False
    return all(_movable(c) for c in expr.children())


_NO_KEY = object()


class _Lifter:
    """Builds the window input's columns and rewrites expressions over the output row."""

    def __init__(self, slots: dict[int, int], clauses: list[WindowClause]) -> None:
        self.slots = slots
        self.clauses = clauses
        self.inputs: Targets = []
        self._keys: list[Any] = []
        self.windows: dict[int, _Window] = {}

    def seed(self, targets: Targets) -> None:
        """One input column per output column first, so that the grouped level's checks
        that walk the select list by position (``*`` carets) meet its columns there."""
        for name, expr in targets:
            plain = _reads_row(expr) and _movable(expr)
            self._keys.append(strip_locations(expr) if plain else _NO_KEY)
            self.inputs.append((name, expr if plain else ir.Const(T.BOOL, None)))

    def column(self, expr: ir.Expr) -> int:
        """The input column computing ``expr`` (one per distinct expression)."""
        key = strip_locations(expr)
        for i, seen in enumerate(self._keys):
            if seen == key:
                return i
        self._keys.append(key)
        self.inputs.append((getattr(expr, "name", "") or "?column?", expr))
        return len(self.inputs) - 1

    def lift(self, expr: ir.Expr) -> ir.Expr:
        if isinstance(expr, WindowFunc):
            return self._call(expr)
        if _reads_row(expr) and _movable(expr):
            index = len(self.slots) + self.column(expr)
            return ir.Var(index, expr.type, expr.typmod, getattr(expr, "name", ""),
                          ir.expr_location(expr))
        return _map_children(expr, self.lift)

    def _call(self, node: WindowFunc) -> ir.Expr:
        slot = self.slots[id(node)]
        window = self.windows.get(node.winref)
        if window is None:
            window = self.windows[node.winref] = _Window(self.clauses[node.winref])
        if all(c.slot != slot for c in window.calls):
            args = [self.column(a) for a in node.args]
            filt = self.column(node.filter) if node.filter is not None else None
            window.calls.append(Call(node, slot, args, filt))
        return ir.Var(slot, node.type, node.typmod, "", node.location)

    def finish(self) -> list[_Window]:
        """The windows called, in winref order, with their PARTITION BY/ORDER BY columns."""
        out = []
        for winref in sorted(self.windows):
            window = self.windows[winref]
            window.partition = [self.column(e) for e in window.clause.partition]
            window.order = [self.column(o.expr) for o in window.clause.order]
            out.append(window)
        return out


# ---------------------------------------------------------------------------------------------
# evaluation


def _key(oid: int) -> Callable[[Any], Any] | None:
    return sort_key(oid if oid != ir.UNKNOWN_OID else ir.TEXT_OID)


def _row_key(cols: list[tuple[int, Callable[[Any], Any] | None]]) -> Callable[[Row], Any]:
    """Equality of rows on ``cols`` as the sort compares them (NULLs equal each other)."""
    def key(row: Row) -> tuple[Any, ...]:
        return tuple(("null",) if row[i] is None else (0, k(row[i]) if k else row[i])
                     for i, k in cols)
    return key


class _Runner:
    """One window: sorting, partitions, frames and its calls."""

    def __init__(self, window: _Window, ctx: EvalContext) -> None:
        clause = window.clause
        self.calls = window.calls
        parts = [(c, e.type) for c, e in zip(window.partition, clause.partition)]
        orders = [(c, o) for c, o in zip(window.order, clause.order)]
        self.sort = [SortSpec(c, ir.Const(t, None), False, False, False, _key(t))
                     for c, t in parts]
        self.sort += [SortSpec(c, o.expr, o.descending, o.nulls_first, False, _key(o.expr.type))
                      for c, o in orders]
        self.partition_key = _row_key([(c, _key(t)) for c, t in parts])
        self.peer_key = _row_key([(c, _key(o.expr.type)) for c, o in orders])
        self.order_column = window.order[0] if window.order else None
        self.options = clause.options
        self.offsets = [None if e is None else compile_expr(fold_constants(e, ctx), ctx)
                        for e in (clause.start, clause.end)]
        self.in_range = in_range_function(clause.range_type, ctx) if clause.range_type else None
        self.ascending = not clause.order or not clause.order[0].descending
        self.nulls_first = bool(clause.order) and clause.order[0].nulls_first
        self.functions = [window_function(call, ctx) for call in window.calls]

    def __call__(self, rows: list[Row], results: list[list[Any]]) -> list[int]:
        """Fill this window's result slots; returns the row indices in window order."""
        frame = self._frame()
        decorated = sort_rows([row + (i,) for i, row in enumerate(rows)], self.sort, 0)
        order = [r[-1] for r in decorated]
        start = 0
        for end in range(1, len(order) + 1):
            if end < len(order) and self.partition_key(rows[order[end]]) == \
                    self.partition_key(rows[order[start]]):
                continue
            self._partition(rows, order[start:end], frame, results)
            start = end
        return order

    def _frame(self) -> FrameSpec:
        """The frame with its offsets evaluated (ExecWindowAgg's first call)."""
        values = []
        for fn, which in zip(self.offsets, ("starting", "ending")):
            value = None if fn is None else fn(())
            if fn is not None and value is None:
                raise PE.invalid(f"frame {which} offset must not be null", "22004")
            if value is not None and not self.options & E.FRAMEOPTION_RANGE and value < 0:
                raise PE.invalid(f"frame {which} offset must not be negative", "22013")
            values.append(value)
        return FrameSpec(self.options, values[0], values[1], self.in_range, self.ascending,
                         self.nulls_first)

    def _partition(self, rows: list[Row], members: list[int], frame: FrameSpec,
                   results: list[list[Any]]) -> None:
        part = Partition([rows[i] for i in members], frame, self.peer_key, self.order_column)
        for call, fn in zip(self.calls, self.functions):
            for i, value in zip(members, fn(part)):
                results[i][call.slot] = value
