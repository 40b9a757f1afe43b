"""Functions in the FROM clause of a local query (transformRangeFunction() and
addRangeTableEntryForFunction() of PostgreSQL 15, run as its FunctionScan runs them).

``FROM generate_series(1, 3) AS t(x)``, ``unnest(ARRAY[...]) WITH ORDINALITY``, ``ROWS FROM
(f(), g())`` (sets side by side, the shorter padded with NULLs), ``unnest(a, b)`` (read as
``ROWS FROM (unnest(a), unnest(b))``) and any plain function (one row).  Columns: a function
with OUT parameters gives one per parameter; any other one column, named by the item's alias
(one function only) or after the function; then ``ordinality`` (bigint); alias column names
replace them in order.  Arguments may name the columns of earlier FROM items (a function item
is implicitly LATERAL): the call then runs once per row of those items, else once.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pglast import ast

from fdwsh.exec.eval import compile_expr
from fdwsh.exec.fold import fold_constants
from fdwsh.exec.srf import is_srf, set_rows
from fdwsh.sql import ir
from fdwsh.sql import oids as T
from fdwsh.sql.pstate import ColumnResolver, error
from fdwsh.sql.typecheck import figure_colname, transform_expr

if TYPE_CHECKING:
    from fdwsh.exec.local_select import Analyzer, OutputColumn

Row = tuple[Any, ...]


@dataclass(slots=True)
class FunctionItem:
    """A FROM function item: its reference name, columns and rows per row of earlier items."""

    alias: str
    columns: list[OutputColumn]
    rows: Callable[[Row], list[Row]]
    #: Whether the arguments read earlier FROM items (else ``rows`` ignores its argument).
    lateral: bool


def function_item(an: Analyzer, item: ast.RangeFunction, prior: ColumnResolver | None
                  ) -> FunctionItem:
    from fdwsh.exec.local_select import OutputColumn

    calls = _calls(item)
    exprs = _transform_calls(an, [node for node, _ in calls], prior)
    for (node, coldefs), expr in zip(calls, exprs):
        _check_coldefs(coldefs or (item.coldeflist if len(calls) == 1 else None), expr)
    names = [figure_colname(node) for node, _ in calls]
    alias = item.alias.aliasname if item.alias is not None else names[0]
    columns: list[OutputColumn] = []
    for name, expr in zip(names, exprs):
        columns.extend(OutputColumn(n, t, m) for n, t, m in _result_columns(
            expr, name, alias if item.alias is not None and len(calls) == 1 else None))
    if item.ordinality:
        columns.append(OutputColumn("ordinality", T.INT8))
    columns = apply_column_aliases(item.alias, columns)
    producers = [_producer(an, e) for e in exprs]
    widths = [len(_result_columns(e, "", None)) for e in exprs]
    lateral = any(_reads_columns(e) for e in exprs)
    return FunctionItem(alias, columns, _zipper(producers, widths, item.ordinality), lateral)


def _calls(item: ast.RangeFunction) -> list[tuple[ast.Node, Any]]:
    """The item's calls; ``unnest(a, b, ...)`` outside ROWS FROM is one unnest per array."""
    calls = [(f[0], f[1]) for f in item.functions]
    if len(calls) == 1 and not item.is_rowsfrom and item.coldeflist is None:
        node = calls[0][0]
        if isinstance(node, ast.FuncCall) and len(node.args or ()) > 1 and \
                [n.sval for n in node.funcname] in (["unnest"], ["pg_catalog", "unnest"]):
            return [(ast.FuncCall(funcname=node.funcname, args=(arg,), location=node.location,
                                  funcformat=node.funcformat), None) for arg in node.args]
    return calls


def _transform_calls(an: Analyzer, nodes: list[ast.Node], prior: ColumnResolver | None
                     ) -> list[ir.Expr]:
    ps = an.ps
    saved = ps.columns, ps.expr_kind
    ps.columns, ps.expr_kind = prior, "FROM function"
    try:
        out = []
        for node in nodes:
            before = ps.last_srf
            expr = transform_expr(ps, node)
            if ps.last_srf is not before and ps.last_srf is not expr:
                raise error("set-returning functions must appear at top level of FROM",
                            "0A000", ir.expr_location(ps.last_srf))
            if expr.type == T.UNKNOWN:  # FROM 'literal'-like items: text, as PostgreSQL
                from fdwsh.sql.coerce import IMPLICIT, coerce_type
                expr = coerce_type(ps, expr, T.TEXT, -1, IMPLICIT, ir.IMPLICIT_CAST, -1)
            out.append(expr)
        return out
    finally:
        ps.columns, ps.expr_kind = saved


def _check_coldefs(coldefs: Any, expr: ir.Expr) -> None:
    """A column definition list is for functions returning an undeclared ``record``."""
    if not coldefs:
        return
    location = getattr(coldefs[0], "location", -1)
    if expr.type == T.RECORD and isinstance(expr, ir.FuncExpr) and expr.func.outputs:
        raise error("a column definition list is redundant for a function with OUT "
                    "parameters", "42601", location)
    if expr.type != T.RECORD:
        raise error('a column definition list is only allowed for functions returning '
                    '"record"', "42601", location)
    raise error("functions returning record without OUT parameters are not supported locally",
                "0A000", location)


def _result_columns(expr: ir.Expr, name: str, alias: str | None) -> list[tuple[str, int, int]]:
    """(name, type, typmod) of the columns one call yields (chooseScalarFunctionAlias())."""
    if isinstance(expr, ir.FuncExpr) and expr.func.outputs:
        return [(n, t, -1) for n, t in expr.func.outputs]
    return [(alias or name, expr.type, expr.typmod)]


def apply_column_aliases(alias: ast.Alias | None, columns: list[OutputColumn]
                         ) -> list[OutputColumn]:
    """The item's columns renamed by ``AS t(a, b)`` (fewer names rename the first ones)."""
    from fdwsh.exec.local_select import OutputColumn

    if alias is None or not alias.colnames:
        return columns
    given = [c.sval for c in alias.colnames]
    if len(given) > len(columns):
        raise error(f'table "{alias.aliasname}" has {len(columns)} columns available but '
                    f"{len(given)} columns specified", "42P10")
    names = given + [c.name for c in columns[len(given):]]
    return [OutputColumn(n, c.type, c.typmod) for n, c in zip(names, columns)]


def _producer(an: Analyzer, expr: ir.Expr) -> Callable[[Row], list[Row]]:
    """The rows one call yields for a row of the earlier items (each a tuple of columns)."""
    folded = fold_constants(expr, an.ctx)
    if is_srf(folded):
        assert isinstance(folded, ir.FuncExpr)
        values = set_rows(folded, an.ctx)
        if folded.func.outputs:
            return lambda row: [tuple(v) for v in values(row)]
        return lambda row: [(v,) for v in values(row)]
    fn = compile_expr(folded, an.ctx)
    return lambda row: [(fn(row),)]


def _zipper(producers: list[Callable[[Row], list[Row]]], widths: list[int], ordinality: bool
            ) -> Callable[[Row], list[Row]]:
    """ROWS FROM: the calls' rows side by side, the shorter padded with NULLs; numbered."""
    if len(producers) == 1 and not ordinality:
        return producers[0]

    def rows(row: Row) -> list[Row]:
        sets = [p(row) for p in producers]
        pads = [(None,) * w for w in widths]
        out = []
        for n, parts in enumerate(itertools.zip_longest(*sets), start=1):
            combined = tuple(v for part, pad in zip(parts, pads)
                             for v in (part if part is not None else pad))
            out.append(combined + (n,) if ordinality else combined)
        return out
    return rows


def _reads_columns(node: ir.Expr) -> bool:
    return isinstance(node, ir.Var) or any(_reads_columns(c) for c in node.children())
