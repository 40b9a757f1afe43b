"""The query eager aggregation runs: partial aggregates below the join, their combination above.

:func:`rewrite` turns ::

    SELECT c.tier, count(*), sum(o.amount), avg(o.amount)
    FROM orders o JOIN customers c ON c.id = o.customer_id GROUP BY c.tier

into ::

    SELECT c.tier, CAST(coalesce(sum(o.pcount_1), 0) AS bigint) AS count, sum(o.psum_2) AS sum,
           sum(o.psum_3) / sum(o.pcount_3) AS avg
    FROM (SELECT o.customer_id, count(*) AS pcount_1, sum(o.amount) AS psum_2,
                 sum(o.amount) AS psum_3, count(o.amount) AS pcount_3
          FROM orders o GROUP BY o.customer_id) o
    JOIN customers c ON c.id = o.customer_id GROUP BY c.tier

The sub-select reads one server's table and runs there whole (fdwsh.exec.remote_fragment), so
one row per join key crosses the wire instead of one per order.  Each combination computes
what PostgreSQL's aggregate would over the joined rows (a partial row joins wherever each of
its rows would have):

- ``count`` sums the partial counts (``coalesce`` for no rows at all, cast back to bigint);
- ``sum`` of bigint or numeric sums the partial sums; ``sum`` of smallint/integer (bigint)
  sums bigint partials (numeric) and casts back; a numeric sum's scale is the largest input
  scale either way;
- ``avg`` divides the summed partial sums by the summed partial counts, both numeric: exactly
  PostgreSQL's final step (numeric_avg / int8_avg call numeric_div(sum, count)); a group of
  NULLs gives NULL / 0, which is NULL;
- ``min`` / ``max`` take the least / greatest partial.

The new tree shares every node it does not change with the parsed one (no node is modified),
so literals keep their source positions (fdwsh.sql.const_locations pairs them by node).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pglast import ast
from pglast.enums import A_Expr_Kind, BoolExprType


@dataclass(frozen=True, slots=True)
class Partial:
    """One aggregate call of the query and how it is split (``kind``: its name)."""

    call: ast.FuncCall
    kind: str
    #: Whether a sum's partials are bigint sums of smallint/integer (cast back to bigint).
    int_sum: bool = False


def _col(alias: str, name: str) -> ast.ColumnRef:
    return ast.ColumnRef(fields=(ast.String(sval=alias), ast.String(sval=name)), location=-1)


def _call(name: str, args: tuple[ast.Node, ...] = (), star: bool = False,
          agg_filter: ast.Node | None = None, location: int = -1) -> ast.FuncCall:
    return ast.FuncCall(funcname=(ast.String(sval=name),), args=args or None, agg_star=star,
                        agg_distinct=False, agg_within_group=False, func_variadic=False,
                        agg_filter=agg_filter, funcformat=0, location=location)


def _bigint(node: ast.Node) -> ast.TypeCast:
    type_name = ast.TypeName(names=(ast.String(sval="pg_catalog"), ast.String(sval="int8")),
                             setof=False, pct_type=False, typemod=-1, location=-1)
    return ast.TypeCast(arg=node, typeName=type_name, location=-1)


class _Columns:
    """The partial columns: one per distinct call (``avg(x)`` and ``sum(x)`` share a sum),
    named unlike any column of the level's tables."""

    def __init__(self, taken: set[str]) -> None:
        self.taken = taken
        self.targets: list[ast.ResTarget] = []
        self.by_call: dict[str, str] = {}

    def __call__(self, stem: str, call: ast.FuncCall) -> str:
        from pglast.stream import RawStream

        written = RawStream()(call)
        if written not in self.by_call:
            name = f"{stem}_{len(self.targets) + 1}"
            while name in self.taken:
                name += "_"
            self.taken.add(name)
            self.by_call[written] = name
            self.targets.append(ast.ResTarget(name=name, val=call, location=-1))
        return self.by_call[written]


def _split(partial: Partial, alias: str, columns: _Columns) -> ast.Node:
    """The expression combining one aggregate call's partial columns (added to ``columns``)."""
    call = partial.call
    arg = call.args[0] if call.args else None
    at = call.location if call.location is not None else -1  # errors point at the call

    def column(stem: str, fn: str, star: bool = False) -> ast.ColumnRef:
        partial_call = _call(fn, () if star else (arg,), star, call.agg_filter)
        return _col(alias, columns(stem, partial_call))

    if partial.kind == "count":
        ref = column("pcount", "count", star=bool(call.agg_star))
        return _bigint(ast.CoalesceExpr(args=(_call("sum", (ref,), location=at), _zero())))
    if partial.kind == "avg":
        total, count = column("psum", "sum"), column("pcount", "count")
        return ast.A_Expr(kind=A_Expr_Kind.AEXPR_OP, name=(ast.String(sval="/"),),
                          lexpr=_call("sum", (total,), location=at),
                          rexpr=_call("sum", (count,), location=at),
                          location=-1)
    fn = partial.kind  # sum, min, max: the same aggregate over the partials
    combined: ast.Node = _call(fn, (column(f"p{fn}", fn),), location=at)
    return _bigint(combined) if partial.int_sum else combined


def _zero() -> ast.A_Const:
    return ast.A_Const(isnull=False, val=ast.Integer(ival=0))


def replace(node: Any, new: dict[int, ast.Node]) -> Any:
    """``node`` with each node whose id is in ``new`` replaced (copy on write: unchanged
    subtrees are shared, changed paths are fresh copies)."""
    if id(node) in new:
        return new[id(node)]
    if isinstance(node, tuple):
        items = tuple(replace(item, new) for item in node)
        return node if all(a is b for a, b in zip(items, node)) else items
    if not isinstance(node, ast.Node):
        return node
    changed = {}
    for slot in node.__slots__:
        value = getattr(node, slot, None)
        if isinstance(value, (ast.Node, tuple)):
            copy = replace(value, new)
            if copy is not value:
                changed[slot] = copy
    if not changed:
        return node
    fresh = type(node)()
    for slot in node.__slots__:
        setattr(fresh, slot, changed.get(slot, getattr(node, slot, None)))
    return fresh


def and_of(conditions: list[ast.Node]) -> ast.Node | None:
    if not conditions:
        return None
    return conditions[0] if len(conditions) == 1 else \
        ast.BoolExpr(boolop=BoolExprType.AND_EXPR, args=tuple(conditions), location=-1)


def rewrite(stmt: ast.SelectStmt, table: ast.RangeVar, alias: str, keys: list[str],
            partials: list[Partial], moved: list[ast.Node], taken: set[str],
            figure_colname: Callable[[ast.Node], str]
            ) -> tuple[ast.SelectStmt, ast.SelectStmt]:
    """``stmt`` with ``table`` replaced by its partial aggregation grouped by ``keys``
    (``moved``: the conditions on it alone, which go inside) and every aggregate call of
    ``partials`` by its combination (unnamed outputs keep the name the call gave them); and
    the partial query."""
    columns = _Columns(set(taken))
    combined: dict[int, ast.Node] = {id(p.call): _split(p, alias, columns) for p in partials}
    targets = [ast.ResTarget(val=_col(alias, key), location=-1) for key in keys]
    inner = ast.SelectStmt(targetList=(*targets, *columns.targets), fromClause=(table,),
                           whereClause=and_of(moved),
                           groupClause=tuple(_col(alias, key) for key in keys),
                           limitOption=0, op=0)
    sub = ast.RangeSubselect(lateral=False, subquery=inner, alias=ast.Alias(aliasname=alias))
    combined[id(table)] = sub
    for condition in moved:  # gone from WHERE / ON: an always-true stand-in keeps the shape
        combined[id(condition)] = ast.A_Const(isnull=False, val=ast.Boolean(boolval=True))
    out = replace(stmt, combined)
    out.targetList = tuple(_named(old, new, figure_colname)
                           for old, new in zip(stmt.targetList, out.targetList))
    return out, inner


def _named(old: ast.ResTarget, new: ast.ResTarget, figure_colname: Callable[[ast.Node], str]
           ) -> ast.ResTarget:
    """A changed output column keeps the header PostgreSQL gives the original."""
    if new is old or old.name is not None:
        return new
    return ast.ResTarget(name=figure_colname(old.val), val=new.val, location=old.location)
