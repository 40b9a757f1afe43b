"""Aggregate calls and GROUPING() → IR (parse_agg.c / ParseFuncOrColumn of PostgreSQL 15).

fdwsh's generated pg_proc data holds no aggregates, so PostgreSQL 15's signatures of the
aggregates fdwsh evaluates are listed here (checked against ``pg_aggregate JOIN pg_proc``); a
call resolves against them with the ordinary function rules (``sum('1')`` is not unique,
``sum(text)`` does not exist).  An aggregate call becomes an :class:`Aggref` carrying its
arguments, DISTINCT, ORDER BY and FILTER; ``GROUPING(a, b)`` becomes a :class:`GroupingFunc`.
Where a call may stand is checked as check_agglevels_and_constraints() does (``aggregate
functions are not allowed in WHERE``); the GROUP BY clause and the ungrouped-column check are
in :mod:`fdwsh.sql.typecheck_group`, evaluation in :mod:`fdwsh.exec.aggregate`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from typing import Any

from pglast import ast
from pglast.enums import SortByDir, SortByNulls

from fdwsh.pgtypes import format_type
from fdwsh.sql import ir
from fdwsh.sql import oids as T
from fdwsh.sql.coerce import IMPLICIT, coerce_to_boolean, coerce_type
from fdwsh.sql.pgproc import Function, _oid
from fdwsh.sql.polymorphic import enforce_generic_type_consistency
from fdwsh.sql.pstate import ParseState, error
from fdwsh.sql.resolve import func_get_detail, func_signature, resolved_or_error
from fdwsh.sql.typecheck import handles, transform_expr
from fdwsh.sql.typecheck_ops import make_fn_arguments

#: Every aggregate name of PostgreSQL 15's pg_aggregate (fdwsh evaluates those of _SIGNATURES).
POSTGRES_AGGREGATES = frozenset(
    "array_agg avg bit_and bit_or bit_xor bool_and bool_or corr count covar_pop covar_samp "
    "cume_dist dense_rank every json_agg json_object_agg jsonb_agg jsonb_object_agg max min "
    "mode percent_rank percentile_cont percentile_disc range_agg range_intersect_agg rank "
    "regr_avgx regr_avgy regr_count regr_intercept regr_r2 regr_slope regr_sxx regr_sxy "
    "regr_syy stddev stddev_pop stddev_samp string_agg sum var_pop var_samp variance xmlagg"
    .split())

_INTS, _NUMS = ("int8", "int4", "int2"), ("int8", "int4", "int2", "float4", "float8", "numeric")
_ORDERED = ("anyarray", "int8", "int4", "int2", "oid", "float4", "float8", "date", "time",
            "timetz", "money", "timestamp", "timestamptz", "interval", "text", "numeric",
            "bpchar", "tid", "anyenum", "inet", "pg_lsn", "xid8")
_STATISTICS = ("stddev", "stddev_pop", "stddev_samp", "var_pop", "var_samp", "variance")


def _signature_lines() -> Iterator[tuple[str, str, str]]:
    """(name, argument types, result type) of pg_aggregate's plain aggregates."""
    yield from (("array_agg", "anynonarray", "anyarray"), ("array_agg", "anyarray", "anyarray"))
    for t in _NUMS + ("interval",):
        result = "numeric" if t in _INTS + ("numeric",) else \
            "float8" if t.startswith("float") else t
        yield "avg", t, result
    for name in ("bit_and", "bit_or", "bit_xor"):
        yield from ((name, t, t) for t in ("int2", "int4", "int8", "bit"))
    yield from (("bool_and", "bool", "bool"), ("bool_or", "bool", "bool"),
                ("every", "bool", "bool"), ("count", "any", "int8"), ("count", "", "int8"))
    for name in ("max", "min"):
        yield from ((name, t, t) for t in _ORDERED)
    for name in _STATISTICS:
        yield from ((name, t, "float8" if t.startswith("float") else "numeric") for t in _NUMS)
    yield from (("string_agg", "text,text", "text"), ("string_agg", "bytea,bytea", "bytea"))
    sums = {"int8": "numeric", "int4": "int8", "int2": "int8"}
    for t in _NUMS + ("money", "interval"):
        yield "sum", t, sums.get(t, t)


@cache
def aggregate_functions() -> dict[str, list[Function]]:
    """The aggregates by name as pg_proc entries; ``impl`` is ``agg:name(args)``."""
    out: dict[str, list[Function]] = {}
    for name, args, result in _signature_lines():
        types = tuple(_oid(a) for a in args.split(",")) if args else ()
        strict = not (name == "array_agg" or name == "string_agg")
        out.setdefault(name, []).append(
            Function(name, types, _oid(result), f"agg:{name}({args})", "i", strict))
    return out


# ---------------------------------------------------------------------------------------------
# IR nodes


@dataclass(frozen=True, slots=True)
class AggOrder:
    """One ORDER BY item inside an aggregate call."""

    expr: ir.Expr
    descending: bool
    nulls_first: bool


@dataclass(frozen=True, slots=True)
class Aggref(ir.Expr):
    """An aggregate call of the current query level (PostgreSQL's Aggref)."""

    func: Function
    args: tuple[ir.Expr, ...]
    type: int
    typmod: int = -1
    star: bool = False
    distinct: bool = False
    order: tuple[AggOrder, ...] = ()
    filter: ir.Expr | None = None
    location: int = -1

    def children(self) -> tuple[ir.Expr, ...]:
        tail = (self.filter,) if self.filter is not None else ()
        return (*self.args, *(o.expr for o in self.order), *tail)


@dataclass(frozen=True, slots=True)
class GroupingFunc(ir.Expr):
    """``GROUPING(a, b)``: a bit per argument, set when it is not grouped in the row's set."""

    args: tuple[ir.Expr, ...]
    type: int = T.INT4
    typmod: int = -1
    location: int = -1

    def children(self) -> tuple[ir.Expr, ...]:
        return self.args


def _uncompilable(node: Any, ctx: Any) -> Any:
    """A safety net: an aggregate reached an evaluator that does not aggregate."""
    raise error("aggregate functions are not supported here locally", "0A000",
                ir.expr_location(node))


def _register_compilers() -> None:
    from fdwsh.exec.eval import compiles
    compiles(Aggref)(_uncompilable)
    compiles(GroupingFunc)(_uncompilable)


_register_compilers()


def find_nodes(node: ir.Expr | None, kinds: tuple[type, ...]) -> Iterator[ir.Expr]:
    """The nodes of ``kinds`` in ``node``, outermost first, not looking inside them."""
    if node is None:
        return
    if isinstance(node, kinds):
        yield node
        return
    for child in node.children():
        yield from find_nodes(child, kinds)


def first_aggregate(exprs: Any) -> ir.Expr | None:
    """The first aggregate or GROUPING call in ``exprs`` (locate_agg_of_level())."""
    for expr in exprs:
        for found in find_nodes(expr, (Aggref, GroupingFunc)):
            return found
    return None


# ---------------------------------------------------------------------------------------------
# placement

#: check_agglevels_and_constraints(): where aggregates may stand, else the clause named.
_ALLOWED = frozenset({"SELECT", "HAVING", "ORDER BY"})
_CLAUSE = {"FROM function": "functions in FROM", "JOIN/ON": "JOIN conditions",
           "JOIN": "JOIN conditions", "ON": "JOIN conditions", "JOIN ON": "JOIN conditions"}


def check_placement(ps: ParseState, what: str, location: int) -> None:
    """``aggregate functions`` / ``grouping operations`` are not allowed in this clause."""
    kind = ps.expr_kind
    if kind not in _ALLOWED:
        raise error(f"{what} are not allowed in {_CLAUSE.get(kind, kind)}", "42803", location)


@contextmanager
def clause(ps: ParseState, kind: str) -> Iterator[None]:
    saved, ps.expr_kind = ps.expr_kind, kind
    try:
        yield
    finally:
        ps.expr_kind = saved


# ---------------------------------------------------------------------------------------------
# aggregate calls


def is_aggregate(schema: str | None, name: str) -> bool:
    return schema in (None, "pg_catalog") and name in POSTGRES_AGGREGATES


def transform_aggregate(ps: ParseState, node: ast.FuncCall, name: str, written: str
                        ) -> ir.Expr:
    """ParseFuncOrColumn() + transformAggregateCall() for an aggregate's name."""
    loc = node.location
    srf_before = ps.last_srf
    args = [transform_expr(ps, a) for a in node.args or ()]
    if any(isinstance(a, ast.NamedArgExpr) for a in node.args or ()):
        raise error("named arguments to aggregates are not supported locally", "0A000", loc)
    agg_filter = None
    if node.agg_filter is not None:
        with clause(ps, "FILTER"):
            agg_filter = coerce_to_boolean(ps, transform_expr(ps, node.agg_filter), "FILTER")
    types = [a.type for a in args]
    if node.agg_within_group:  # its ORDER BY items count as arguments
        within = [transform_expr(ps, item.node) for item in node.agg_order or ()]
        _resolve(name, written, types + [w.type for w in within], node)
        raise error(f"{written} is not an ordered-set aggregate, so it cannot have WITHIN "
                    "GROUP", "42809", loc)
    fn, cand_args = _resolve(name, written, types, node)
    if not args and not node.agg_star:
        raise error(f"{written}(*) must be used to call a parameterless aggregate function",
                    "42809", loc)
    if ps.last_srf is not srf_before:
        raise error("aggregate function calls cannot contain set-returning function calls",
                    "0A000", ir.expr_location(ps.last_srf),
                    hint="You might be able to move the set-returning function into a LATERAL "
                         "FROM item.")
    declared, rettype = enforce_generic_type_consistency(types, cand_args, fn.result)
    coerced = make_fn_arguments(ps, args, declared)
    order = tuple(_order_item(ps, item) for item in node.agg_order or ())
    if node.agg_distinct:
        _check_distinct(coerced, order)
    nested = first_aggregate([*coerced, *(o.expr for o in order)])
    if nested is not None:
        raise error("aggregate function calls cannot be nested", "42803",
                    nested.location)
    check_placement(ps, "aggregate functions", loc)
    _check_level(coerced, order, loc)
    _check_supported(fn, declared, written, types, loc)
    return Aggref(fn, coerced, rettype, -1, bool(node.agg_star), bool(node.agg_distinct),
                  order, agg_filter, loc)


def _resolve(name: str, written: str, types: list[int], node: ast.FuncCall
             ) -> tuple[Function, list[int]]:
    loc = node.location
    pool = aggregate_functions().get(name)
    if pool is None:  # an aggregate of PostgreSQL's that fdwsh does not evaluate
        raise error(f"function {func_signature(written, types)} is not supported locally",
                    "0A000", loc)
    kind, cand = func_get_detail(name, types, False, not node.func_variadic, pool)
    cand = resolved_or_error(kind, cand, written, types, loc)
    assert isinstance(cand.target, Function)
    return cand.target, list(cand.args)


def _check_level(args: tuple[ir.Expr, ...], order: tuple[AggOrder, ...], loc: int) -> None:
    """An aggregate whose arguments read only enclosing levels' columns belongs to the outer
    level (its agglevelsup > 0), which fdwsh does not evaluate."""
    exprs = [*args, *(o.expr for o in order)]
    outer = any(True for e in exprs for _ in find_nodes(e, (ir.OuterVar,)))
    if outer and not any(True for e in exprs for _ in find_nodes(e, (ir.Var,))):
        raise error("outer-level aggregates are not supported locally", "0A000", loc)


def _check_supported(fn: Function, declared: list[int], written: str, types: list[int],
                     loc: int) -> None:
    from fdwsh.exec.aggregate import is_supported
    if not is_supported(fn, declared):
        raise error(f"function {func_signature(written, types)} is not supported locally",
                    "0A000", loc)


def _order_item(ps: ParseState, item: ast.SortBy) -> AggOrder:
    """An ORDER BY item of the call (SQL99 rules: an integer is a constant, not a position)."""
    if item.sortby_dir == SortByDir.SORTBY_USING:
        raise error("ORDER BY ... USING is not supported locally", "0A000", item.location)
    expr = transform_expr(ps, item.node)
    if expr.type == T.UNKNOWN:
        expr = coerce_type(ps, expr, T.TEXT, -1, IMPLICIT, ir.IMPLICIT_CAST, -1)
    _ordering_key(expr)
    desc = item.sortby_dir == SortByDir.SORTBY_DESC
    nulls = item.sortby_nulls
    nulls_first = desc if nulls == SortByNulls.SORTBY_NULLS_DEFAULT else \
        nulls == SortByNulls.SORTBY_NULLS_FIRST
    return AggOrder(expr, desc, nulls_first)


def _ordering_key(expr: ir.Expr) -> None:
    from fdwsh.exec.fn_compare import sort_key
    try:
        sort_key(expr.type)
    except KeyError:
        raise error(f"could not identify an ordering operator for type "
                    f"{format_type(expr.type)}", "42883", ir.expr_location(expr),
                    hint="Use an explicit ordering operator or modify the query.") from None


def _check_distinct(args: tuple[ir.Expr, ...], order: tuple[AggOrder, ...]) -> None:
    """DISTINCT compares the arguments, so ORDER BY may only name them (an argument's implicit
    cast aside, as findTargetlistEntrySQL99 ignores it)."""
    stripped = [strip_locations(a) for a in args] + \
        [strip_locations(strip_implicit_coercions(a)) for a in args]
    for item in order:
        if strip_locations(item.expr) not in stripped:
            raise error("in an aggregate with DISTINCT, ORDER BY expressions must appear in "
                        "argument list", "42P10", ir.expr_location(item.expr))
    for arg in args:
        if arg.type != T.UNKNOWN:
            _ordering_key(arg)


def strip_implicit_coercions(expr: ir.Expr) -> ir.Expr:
    """strip_implicit_coercions(): the expression under its implicit casts."""
    while True:
        if isinstance(expr, (ir.RelabelType, ir.CoerceViaIO)) and \
                expr.format == ir.IMPLICIT_CAST:
            expr = expr.arg
        elif isinstance(expr, ir.FuncExpr) and expr.format == ir.IMPLICIT_CAST and expr.args:
            expr = expr.args[0]
        else:
            return expr


def strip_locations(node: Any) -> Any:
    """The node with every location cleared: PostgreSQL's equal() ignores locations."""
    if not dataclasses.is_dataclass(node) or isinstance(node, type):
        if isinstance(node, tuple):
            return tuple(strip_locations(v) for v in node)
        return node
    if isinstance(node, ir.SubLink):  # compared by identity, as before
        return node
    changes: dict[str, Any] = {}
    for f in dataclasses.fields(node):
        value = getattr(node, f.name)
        if f.name == "location":
            new: Any = -1
        elif isinstance(value, (ir.Expr, AggOrder, tuple)):
            new = strip_locations(value)
        else:
            continue
        if new is not value and new != value:
            changes[f.name] = new
    return dataclasses.replace(node, **changes) if changes else node


def reject_aggregate_syntax(node: ast.FuncCall, written: str) -> None:
    """A plain function called with an aggregate's decorations (ParseFuncOrColumn())."""
    if node.agg_star:
        raise error(f"{written}(*) specified, but {written} is not an aggregate function",
                    "42809", node.location)
    for present, what in ((node.agg_distinct, "DISTINCT"),
                          (node.agg_within_group, "WITHIN GROUP"),
                          (node.agg_order, "ORDER BY"), (node.agg_filter is not None, "FILTER")):
        if present:
            raise error(f"{what} specified, but {written} is not an aggregate function",
                        "42809", node.location)


# ---------------------------------------------------------------------------------------------
# GROUPING()


@handles(ast.GroupingFunc)
def transform_grouping_func(ps: ParseState, node: ast.GroupingFunc) -> ir.Expr:
    """transformGroupingFunc(): the arguments are checked against GROUP BY later."""
    args = tuple(transform_expr(ps, a) for a in node.args)
    if len(args) > 31:
        raise error("GROUPING must have fewer than 32 arguments", "54023", node.location)
    check_placement(ps, "grouping operations", node.location)
    return GroupingFunc(args, T.INT4, -1, node.location)
