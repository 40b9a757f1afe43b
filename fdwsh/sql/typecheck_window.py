"""Window function calls and window definitions (parse_func.c's window branch of
ParseFuncOrColumn, parse_agg.c transformWindowFuncCall, parse_clause.c
transformWindowDefinitions / transformFrameOffset of PostgreSQL 15).

A call with OVER becomes a :class:`WindowFunc` naming its window by ``winref``: an index into
the query level's window definitions, PostgreSQL's ``p_windowdefs`` — the WINDOW clause's
items first, then each OVER clause in the order met.  The definitions themselves are only
transformed once the select list and ORDER BY have been (:mod:`fdwsh.sql.typecheck_window_defs`),
as PostgreSQL does, which is where ``window "w" is already defined`` and the copy rules of
``OVER (w ORDER BY ...)`` are checked.  True window functions (row_number ... nth_value) are
PostgreSQL 15's pg_proc entries of kind ``w``; every aggregate fdwsh evaluates may be used as a
window aggregate (:mod:`fdwsh.exec.window` evaluates both).

Each SELECT level opens a :func:`window_scope`; a call finds the scope of its own level (its
depth is the number of enclosing levels), so a VALUES list or a set operation's ORDER BY —
levels without one — cannot register calls into an enclosing SELECT's windows.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from pglast import ast
from pglast import enums as E

from fdwsh.sql import ir
from fdwsh.sql.pgproc import Function, _oid
from fdwsh.sql.polymorphic import enforce_generic_type_consistency
from fdwsh.sql.pstate import ParseState, error
from fdwsh.sql.resolve import func_get_detail, resolved_or_error
from fdwsh.sql.typecheck import transform_expr
from fdwsh.sql.typecheck_agg import (AggOrder, _check_supported, _resolve, clause,
                                     find_nodes, is_aggregate)
from fdwsh.sql.typecheck_ops import make_fn_arguments

WINDOWING_ERROR = "42P20"

#: pg_proc's window functions (prokind 'w'): name, argument types, result type.
_SIGNATURES = (
    ("row_number", "", "int8"), ("rank", "", "int8"), ("dense_rank", "", "int8"),
    ("percent_rank", "", "float8"), ("cume_dist", "", "float8"), ("ntile", "int4", "int4"),
    ("lag", "anyelement", "anyelement"), ("lag", "anyelement,int4", "anyelement"),
    ("lag", "anycompatible,int4,anycompatible", "anycompatible"),
    ("lead", "anyelement", "anyelement"), ("lead", "anyelement,int4", "anyelement"),
    ("lead", "anycompatible,int4,anycompatible", "anycompatible"),
    ("first_value", "anyelement", "anyelement"), ("last_value", "anyelement", "anyelement"),
    ("nth_value", "anyelement,int4", "anyelement"))
#: Names that are also hypothetical-set aggregates (rank(x) WITHIN GROUP (ORDER BY ...)).
_ALSO_AGGREGATES = frozenset({"rank", "dense_rank", "percent_rank", "cume_dist"})

FRAME_DEFAULTS = (E.FRAMEOPTION_RANGE | E.FRAMEOPTION_START_UNBOUNDED_PRECEDING
                  | E.FRAMEOPTION_END_CURRENT_ROW)
START_OFFSET = E.FRAMEOPTION_START_OFFSET_PRECEDING | E.FRAMEOPTION_START_OFFSET_FOLLOWING
END_OFFSET = E.FRAMEOPTION_END_OFFSET_PRECEDING | E.FRAMEOPTION_END_OFFSET_FOLLOWING

@cache
def window_functions() -> dict[str, list[Function]]:
    out: dict[str, list[Function]] = {}
    for name, args, result in _SIGNATURES:
        types = tuple(_oid(a) for a in args.split(",")) if args else ()
        out.setdefault(name, []).append(Function(name, types, _oid(result), f"win:{name}",
                                                 "i", False))
    return out


# ---------------------------------------------------------------------------------------------
# IR


@dataclass(frozen=True, slots=True)
class WindowFunc(ir.Expr):
    """A window function call (PostgreSQL's WindowFunc): ``agg`` is set for an aggregate used
    as a window function, with ``argtypes`` its declared argument types."""

    func: Function
    args: tuple[ir.Expr, ...]
    type: int
    winref: int
    agg: Function | None = None
    argtypes: tuple[int, ...] = ()
    star: bool = False
    filter: ir.Expr | None = None
    typmod: int = -1
    location: int = -1

    def children(self) -> tuple[ir.Expr, ...]:
        tail = (self.filter,) if self.filter is not None else ()
        return (*self.args, *tail)


@dataclass(frozen=True, slots=True)
class WindowClause:
    """A transformed window definition (PostgreSQL's WindowClause).  ``range_type`` is the
    ORDER BY column's type when RANGE has offsets (their in_range comparison's type)."""

    name: str | None
    partition: tuple[ir.Expr, ...]
    order: tuple[AggOrder, ...]
    options: int
    start: ir.Expr | None = None
    end: ir.Expr | None = None
    range_type: int = 0


def _uncompilable(node: Any, ctx: Any) -> Any:
    """A safety net: a window function reached an evaluator that does not window."""
    raise error("window functions are not supported here locally", "0A000", node.location)


def _register_compiler() -> None:
    from fdwsh.exec.eval import compiles
    compiles(WindowFunc)(_uncompilable)


_register_compiler()


# ---------------------------------------------------------------------------------------------
# the level's window definitions


@dataclass(slots=True)
class WindowScope:
    """One SELECT level's raw window definitions (p_windowdefs); ``named`` of them come from
    its WINDOW clause.  ``defining`` is set while a definition's expressions are
    transformed (window functions are not allowed there)."""

    depth: int
    defs: list[ast.WindowDef] = field(default_factory=list)
    named: int = 0
    calls: int = 0
    defining: bool = False


_SCOPES: dict[int, list[WindowScope]] = {}


@contextmanager
def window_scope(ps: ParseState, window_clause: Any) -> Iterator[WindowScope]:
    """The window scope of the SELECT level being analysed (its WINDOW clause's items)."""
    scope = WindowScope(len(ps.outer_columns), list(window_clause or ()))
    scope.named = len(scope.defs)
    stack = _SCOPES.setdefault(id(ps), [])
    stack.append(scope)
    try:
        yield scope
    finally:
        stack.remove(scope)
        if not stack:
            del _SCOPES[id(ps)]


def _current_scope(ps: ParseState) -> WindowScope | None:
    stack = _SCOPES.get(id(ps))
    if stack and stack[-1].depth == len(ps.outer_columns):
        return stack[-1]
    return None


# ---------------------------------------------------------------------------------------------
# calls


def is_window_call(schema: str | None, name: str, node: ast.FuncCall) -> bool:
    """Whether transform_func_call hands ``node`` to :func:`transform_window_call`: it has
    OVER, or it names a true window function (which then requires OVER)."""
    if node.over is not None:
        return True
    if schema not in (None, "pg_catalog") or name not in window_functions():
        return False
    return name not in _ALSO_AGGREGATES or not (node.args or node.agg_within_group)


def transform_window_call(ps: ParseState, node: ast.FuncCall, schema: str | None, name: str,
                          written: str) -> ir.Expr:
    """ParseFuncOrColumn() for a call with OVER (or a window function's name)."""
    builtin = schema in (None, "pg_catalog")
    if builtin and name in window_functions() and \
            not (name in _ALSO_AGGREGATES and node.args):
        return _window_function(ps, node, name, written)
    if is_aggregate(schema, name):
        return _window_aggregate(ps, node, name, written)
    plain = copy.copy(node)
    plain.over = None
    transform_expr(ps, plain)  # the function's own resolution errors come first
    raise error(f"OVER specified, but {written} is not a window function nor an aggregate "
                "function", "42809", node.location)


def _window_function(ps: ParseState, node: ast.FuncCall, name: str, written: str) -> ir.Expr:
    loc = node.location
    srf_before = ps.last_srf
    args = [transform_expr(ps, a) for a in node.args or ()]
    agg_filter = _filter(ps, node)
    types = [a.type for a in args]
    kind, cand = func_get_detail(name, types, False, not node.func_variadic,
                                 window_functions()[name])
    cand = resolved_or_error(kind, cand, written, types, loc)
    if node.over is None:
        raise error(f"window function {written} requires an OVER clause", "42809", loc)
    if node.agg_within_group:
        raise error(f"window function {written} cannot have WITHIN GROUP", "42809", loc)
    fn = cand.target
    assert isinstance(fn, Function)
    declared, rettype = enforce_generic_type_consistency(types, list(cand.args), fn.result)
    coerced = make_fn_arguments(ps, args, declared)
    _check_call(ps, node, written, False, agg_filter, srf_before)
    winref = _window_reference(ps, node, coerced)
    return WindowFunc(fn, coerced, rettype, winref, None, tuple(declared), bool(node.agg_star),
                      None, -1, loc)


def _window_aggregate(ps: ParseState, node: ast.FuncCall, name: str, written: str) -> ir.Expr:
    """An aggregate called with OVER: resolved as transform_aggregate() resolves it, but its
    arguments may hold aggregates of the level (``sum(count(*)) OVER ()``)."""
    loc = node.location
    srf_before = ps.last_srf
    if any(isinstance(a, ast.NamedArgExpr) for a in node.args or ()):
        raise error("named arguments to aggregates are not supported locally", "0A000", loc)
    args = [transform_expr(ps, a) for a in node.args or ()]
    agg_filter = _filter(ps, node)
    types = [a.type for a in args]
    fn, cand_args = _resolve(name, written, types, node)
    if node.agg_within_group:
        raise error(f"{written} is not an ordered-set aggregate, so it cannot have WITHIN "
                    "GROUP", "42809", loc)
    declared, rettype = enforce_generic_type_consistency(types, cand_args, fn.result)
    coerced = make_fn_arguments(ps, args, declared)
    _check_call(ps, node, written, True, agg_filter, srf_before, bool(args))
    _check_supported(fn, declared, written, types, loc)
    winref = _window_reference(ps, node, coerced)
    return WindowFunc(fn, coerced, rettype, winref, fn, tuple(declared), bool(node.agg_star),
                      agg_filter, -1, loc)


def _filter(ps: ParseState, node: ast.FuncCall) -> ir.Expr | None:
    if node.agg_filter is None:
        return None
    from fdwsh.sql.coerce import coerce_to_boolean
    with clause(ps, "FILTER"):
        return coerce_to_boolean(ps, transform_expr(ps, node.agg_filter), "FILTER")


def _check_call(ps: ParseState, node: ast.FuncCall, written: str, is_agg: bool,
                agg_filter: ir.Expr | None, srf_before: Any, has_args: bool = True) -> None:
    """ParseFuncOrColumn()'s checks of a window call, in its order."""
    loc = node.location
    if node.agg_distinct:
        raise error("DISTINCT is not implemented for window functions", "0A000", loc)
    if is_agg and not has_args and not node.agg_star:
        raise error(f"{written}(*) must be used to call a parameterless aggregate function",
                    "42809", loc)
    if node.agg_order:
        raise error("aggregate ORDER BY is not implemented for window functions", "0A000", loc)
    if not is_agg and agg_filter is not None:
        raise error("FILTER is not implemented for non-aggregate window functions", "0A000",
                    loc)
    if ps.last_srf is not srf_before:
        raise error("window function calls cannot contain set-returning function calls",
                    "0A000", ir.expr_location(ps.last_srf),
                    hint="You might be able to move the set-returning function into a LATERAL "
                         "FROM item.")


#: ParseExprKindName() of the clauses where window functions are refused.
_CLAUSE_NAMES = {"FROM function": "functions in FROM", "JOIN/ON": "JOIN conditions",
                 "JOIN": "JOIN conditions", "ON": "JOIN conditions",
                 "JOIN ON": "JOIN conditions"}
_ALLOWED = frozenset({"SELECT", "ORDER BY"})


def _window_reference(ps: ParseState, node: ast.FuncCall, args: tuple[ir.Expr, ...]) -> int:
    """transformWindowFuncCall(): nesting and placement checks, then the call's window."""
    for found in find_nodes_in(args, WindowFunc):
        raise error("window function calls cannot be nested", WINDOWING_ERROR, found.location)
    scope = _current_scope(ps)
    kind = ps.expr_kind
    loc = node.location
    if (scope is not None and scope.defining) or kind.startswith("window "):
        raise error("window functions are not allowed in window definitions", WINDOWING_ERROR,
                    loc)
    if kind not in _ALLOWED:
        raise error(f"window functions are not allowed in {_CLAUSE_NAMES.get(kind, kind)}",
                    WINDOWING_ERROR, loc)
    if scope is None:
        raise error("window functions are not supported here locally", "0A000", loc)
    over = node.over
    scope.calls += 1
    if over.name:
        for i, wdef in enumerate(scope.defs[:scope.named]):
            if wdef.name == over.name:
                return i
        raise error(f'window "{over.name}" does not exist', "42704", over.location)
    scope.defs.append(over)
    return len(scope.defs) - 1


def find_nodes_in(exprs: Any, kind: type) -> Iterator[ir.Expr]:
    for expr in exprs:
        yield from find_nodes(expr, (kind,))
