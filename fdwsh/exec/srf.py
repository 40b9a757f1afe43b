"""Set-returning functions in the select list: PostgreSQL's ProjectSet, and record values.

``SELECT generate_series(1, 3), unnest(ARRAY['a', 'b'])`` runs the calls in lockstep, one
output row per step, shorter sets padded with NULLs, until every set is exhausted (an input
row whose sets are all empty gives no row).  A call whose arguments hold another
set-returning call runs at a level above it (split_pathtarget_at_srfs()): ``generate_series(1,
generate_series(1, 3))`` expands each row of the inner call.

How: :func:`plan_project_set` moves each set-returning call out of the expressions — the call
becomes a :class:`~fdwsh.sql.ir.Var` reading a column appended to the input row — and groups
the calls by level; :meth:`ProjectSet.expand` appends those columns, one level at a time.

A set-returning function with OUT parameters (postgres_fdw_get_connections()) yields tuples;
in the select list each is a :class:`Record`, printed by :func:`format_record` as record_out()
prints it: ``(loopback,t)``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fdwsh.exec.eval import EvalContext, compile_expr
from fdwsh.sql import ir

Row = tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class Record:
    """A value of type ``record``: a function's OUT columns with their types."""

    values: tuple[Any, ...]
    types: tuple[int, ...]


def is_srf(node: ir.Expr) -> bool:
    return isinstance(node, ir.FuncExpr) and node.func.retset


def contains_srf(node: ir.Expr | None) -> bool:
    if node is None:
        return False
    return is_srf(node) or any(contains_srf(c) for c in node.children())


def set_rows(node: ir.FuncExpr, ctx: EvalContext) -> Callable[[Row], list[Any]]:
    """The compiled call: for an input row, the list of values the set holds (a strict call
    with a NULL argument returns no rows)."""
    call = compile_expr(node, ctx)

    def rows(row: Row) -> list[Any]:
        found = call(row)
        return [] if found is None else list(found)
    return rows


@dataclass(slots=True)
class ProjectSet:
    """The set-returning calls of a select list, by level (see the module docstring)."""

    levels: list[list[Callable[[Row], list[Any]]]]

    def expand(self, rows: list[Row]) -> list[Row]:
        for level in self.levels:
            rows = [out for row in rows for out in _lockstep(row, level)]
        return rows


def _lockstep(row: Row, calls: list[Callable[[Row], list[Any]]]) -> list[Row]:
    sets = [call(row) for call in calls]
    length = max((len(s) for s in sets), default=0)
    return [row + tuple(s[i] if i < len(s) else None for s in sets) for i in range(length)]


def plan_project_set(exprs: list[ir.Expr], width: int, ctx: EvalContext
                     ) -> tuple[ProjectSet, list[ir.Expr]]:
    """(the ProjectSet, ``exprs`` reading its columns) for rows of ``width`` columns."""
    found: dict[int, tuple[ir.FuncExpr, int]] = {}
    for expr in exprs:
        _levels(expr, found)
    ordered = sorted(found.values(), key=lambda f: f[1])  # stable: discovery order per level
    index = {id(node): width + i for i, (node, _) in enumerate(ordered)}
    levels: list[list[Callable[[Row], list[Any]]]] = []
    for node, level in ordered:
        if len(levels) < level:
            levels.append([])
        call = dataclasses.replace(node, args=tuple(_rewrite(a, index) for a in node.args))
        levels[-1].append(_wrapped(call, ctx))
    return ProjectSet(levels), [_rewrite(e, index) for e in exprs]


def _levels(node: ir.Expr, found: dict[int, tuple[ir.FuncExpr, int]]) -> int:
    """The highest level of the set-returning calls in ``node`` (0: none), recorded."""
    below = max((_levels(c, found) for c in node.children()), default=0)
    if is_srf(node):
        assert isinstance(node, ir.FuncExpr)
        found.setdefault(id(node), (node, below + 1))
        return below + 1
    return below


def _rewrite(node: ir.Expr, index: dict[int, int]) -> ir.Expr:
    """``node`` with each planned set-returning call replaced by the column holding it."""
    if id(node) in index:
        return ir.Var(index[id(node)], node.type, node.typmod, "", node.location)
    if not dataclasses.is_dataclass(node):
        return node
    changes: dict[str, Any] = {}
    for f in dataclasses.fields(node):
        value = getattr(node, f.name)
        if isinstance(value, ir.Expr):
            new: Any = _rewrite(value, index)
        elif isinstance(value, tuple) and any(isinstance(v, ir.Expr) for v in value):
            new = tuple(_rewrite(v, index) if isinstance(v, ir.Expr) else v for v in value)
        else:
            continue
        if new is not value:
            changes[f.name] = new
    return dataclasses.replace(node, **changes) if changes else node


def _wrapped(node: ir.FuncExpr, ctx: EvalContext) -> Callable[[Row], list[Any]]:
    rows = set_rows(node, ctx)
    if not node.func.outputs:
        return rows
    types = tuple(t for _, t in node.func.outputs)
    return lambda row: [Record(tuple(v), types) for v in rows(row)]


def format_record(value: Record, settings: Any) -> str:
    """record_out(): ``(a,b)``, NULL as nothing, a field quoted when empty or holding a quote,
    backslash, parenthesis, comma or white space (quotes and backslashes doubled)."""
    from fdwsh.exec.values import format_output

    parts = []
    for v, oid in zip(value.values, value.types):
        if v is None:
            parts.append("")
            continue
        text = format_output(oid, v, settings)
        if text == "" or any(ch in '"\\(),' or ch in " \t\n\r\v\f" for ch in text):
            text = '"' + text.replace("\\", "\\\\").replace('"', '""') + '"'
        parts.append(text)
    return "(" + ",".join(parts) + ")"
