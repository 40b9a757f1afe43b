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
input order), split into partitions and peer groups, and every call of that window computed
per partition.  Aggregates fold the rows of each row's frame into their
:class:`~fdwsh.exec.aggregate.Aggregate` state; while the frame's head stays and its tail
only grows (the default frame, ROWS UNBOUNDED PRECEDING, a whole partition) the state is
carried from row to row instead of refolded.  Everything is compiled once: the evaluator the
plan returns recomputes the windows from scratch at each call (a correlated sub-SELECT's
level re-runs it), frame offsets included.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pglast import enums as E

from fdwsh.exec import pgerrors as PE
from fdwsh.exec.aggregate import Aggregate, build_aggregate
from fdwsh.exec.eval import EvalContext, compile_expr
from fdwsh.exec.fn_compare import sort_key
from fdwsh.exec.fold import fold_constants
from fdwsh.exec.sorting import SortSpec, sort_rows
from fdwsh.exec.srf import is_srf
from fdwsh.exec.window_frame import (FrameSpec, Peers, excluded, frame_bounds,
                                     in_range_function, peer_groups)
from fdwsh.sql import ir
from fdwsh.sql import oids as T
from fdwsh.sql.pstate import error
from fdwsh.sql.typecheck_agg import Aggref, GroupingFunc, find_nodes, strip_locations
from fdwsh.sql.typecheck_group import _map_children
from fdwsh.sql.typecheck_window import (WindowClause, WindowFunc, WindowScope,
                                        transform_window_definitions)

if TYPE_CHECKING:
    from fdwsh.exec.local_select import Analyzer

Row = tuple[Any, ...]
Targets = list[tuple[str, ir.Expr]]


@dataclass(slots=True)
class _Call:
    """One window call: its result slot and the input columns of its arguments/FILTER."""

    node: WindowFunc
    slot: int
    args: list[int]
    filter: int | None


@dataclass(slots=True)
class _Window:
    clause: WindowClause
    partition: list[int] = field(default_factory=list)
    order: list[int] = field(default_factory=list)
    calls: list[_Call] = field(default_factory=list)


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
            window.calls.append(_Call(node, slot, args, filt))
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
        self.functions = [_function(call, ctx) for call in window.calls]

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
        part = _Partition([rows[i] for i in members], frame, self.peer_key, self.order_column)
        for call, fn in zip(self.calls, self.functions):
            for i, value in zip(members, fn(part)):
                results[i][call.slot] = value


class _Partition:
    """A partition's rows in window order, with peers and (computed when first needed)
    frames."""

    def __init__(self, rows: list[Row], frame: FrameSpec, peer_key: Callable[[Row], Any],
                 order_column: int | None) -> None:
        self.rows = rows
        self.n = len(rows)
        self.frame = frame
        self.peers: Peers = peer_groups([peer_key(r) for r in rows])
        self._order_column = order_column
        self._bounds: tuple[list[int], list[int]] | None = None

    def bounds(self, p: int) -> tuple[int, int]:
        if self._bounds is None:
            col = self._order_column
            values = [r[col] for r in self.rows] if col is not None else []
            self._bounds = frame_bounds(self.frame, self.peers, values)
        return self._bounds[0][p], self._bounds[1][p]

    def positions(self, p: int) -> list[int]:
        """The frame of position p, EXCLUDE applied."""
        head, tail = self.bounds(p)
        if not self.frame.exclusion:
            return list(range(head, tail))
        out = excluded(self.frame, self.peers, p)
        return [q for q in range(head, tail) if not out(q)]


Function = Callable[[_Partition], list[Any]]


def _function(call: _Call, ctx: EvalContext) -> Function:
    node = call.node
    if node.agg is not None:
        spec = build_aggregate(node.agg, list(node.argtypes), ctx)
        return lambda part: _aggregate(part, call, spec)
    name = node.func.name
    simple = _SIMPLE.get(name)
    if simple is not None:
        return lambda part: [simple(part, p) for p in range(part.n)]
    if name in ("lag", "lead"):
        return lambda part: _lag_lead(part, call.args, name == "lead")
    return lambda part: _BY_NAME[name](part, call.args)


def _percent_rank(part: _Partition, p: int) -> float:
    return part.peers.start(p) / (part.n - 1) if part.n > 1 else 0.0


_SIMPLE: dict[str, Callable[[_Partition, int], Any]] = {
    "row_number": lambda part, p: p + 1,
    "rank": lambda part, p: part.peers.start(p) + 1,
    "dense_rank": lambda part, p: part.peers.gid[p] + 1,
    "percent_rank": _percent_rank,
    "cume_dist": lambda part, p: part.peers.end(p) / part.n,
}


def _ntile(part: _Partition, args: list[int]) -> list[Any]:
    """window_ntile(): the bucket count is read at the partition's first row (again at the
    next while it is NULL); leading buckets take one row more when rows do not divide."""
    out: list[Any] = []
    ntile = per_bucket = boundary = remainder = 0
    for row in part.rows:
        if ntile == 0:
            buckets = row[args[0]]
            if buckets is None:
                out.append(None)
                continue
            if buckets <= 0:
                raise PE.invalid("argument of ntile must be greater than zero", "22014")
            ntile, per_bucket = 1, 0
            boundary, remainder = divmod(part.n, buckets)
            if boundary <= 0:
                boundary, remainder = 1, 0
            elif remainder:
                boundary += 1
        per_bucket += 1
        if boundary < per_bucket:
            if remainder and ntile == remainder:
                remainder, boundary = 0, boundary - 1
            ntile, per_bucket = ntile + 1, 1
        out.append(ntile)
    return out


def _lag_lead(part: _Partition, args: list[int], forward: bool) -> list[Any]:
    """leadlag_common(): the offset and default are read at the current row."""
    rows, out = part.rows, []
    for p, row in enumerate(rows):
        offset = row[args[1]] if len(args) > 1 else 1
        if offset is None:
            out.append(None)
            continue
        q = p + offset if forward else p - offset
        if 0 <= q < part.n:
            out.append(rows[q][args[0]])
        else:
            out.append(row[args[2]] if len(args) > 2 else None)
    return out


def _first_value(part: _Partition, args: list[int]) -> list[Any]:
    out = []
    for p in range(part.n):
        frame = part.positions(p)
        out.append(part.rows[frame[0]][args[0]] if frame else None)
    return out


def _last_value(part: _Partition, args: list[int]) -> list[Any]:
    out = []
    for p in range(part.n):
        frame = part.positions(p)
        out.append(part.rows[frame[-1]][args[0]] if frame else None)
    return out


def _nth_value(part: _Partition, args: list[int]) -> list[Any]:
    out = []
    for p, row in enumerate(part.rows):
        nth = row[args[1]]
        if nth is None:
            out.append(None)
            continue
        if nth <= 0:
            raise PE.invalid("argument of nth_value must be greater than zero", "22016")
        frame = part.positions(p)
        out.append(part.rows[frame[nth - 1]][args[0]] if nth <= len(frame) else None)
    return out


_BY_NAME: dict[str, Callable[[_Partition, list[int]], list[Any]]] = {
    "ntile": _ntile, "first_value": _first_value, "last_value": _last_value,
    "nth_value": _nth_value,
}


def _aggregate(part: _Partition, call: _Call, spec: Aggregate) -> list[Any]:
    """The aggregate over each row's frame; the state carries on while the head stays and
    the tail grows, and a frame equal to the previous row's reuses its result."""
    rows, cols, filt, strict = part.rows, call.args, call.filter, spec.strict

    def fold(state: Any, positions: Any) -> Any:
        for q in positions:
            row = rows[q]
            if filt is not None and not row[filt]:
                continue
            values = [row[c] for c in cols]
            if strict and None in values:
                continue
            state = spec.step(state, *values)
        return state

    out: list[Any] = []
    state, head, tail, last, started = None, 0, 0, None, False
    for p in range(part.n):
        if part.frame.exclusion:
            out.append(_final(spec, fold(spec.init(), part.positions(p))))
            continue
        h, t = part.bounds(p)
        if started and (h, t) == (head, tail):
            out.append(last)
            continue
        if not started or h != head or t < tail:
            state, head, tail, started = spec.init(), h, h, True
        if t > tail:
            state, tail = fold(state, range(tail, t)), t
        last = _final(spec, state)
        out.append(last)
    return out


def _final(spec: Aggregate, state: Any) -> Any:
    """final() of a state that may still grow: a list result (array_agg) is copied."""
    value = spec.final(state)
    return list(value) if isinstance(value, list) else value
