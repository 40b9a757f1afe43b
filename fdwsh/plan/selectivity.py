"""Selectivity of the conditions a scan sends, from ANALYZE statistics: PostgreSQL's
selfuncs.c (eqsel, scalarineqsel, nulltestsel) and clausesel.c, simplified.

- ``col = const``: the constant's frequency when it is a most-common value, else the rest of
  the non-NULL rows spread evenly over the other distinct values (var_eq_const);
  ``col <> const`` is the complement among non-NULL rows.
- ``col < const`` (and ``<=``, ``>``, ``>=``, BETWEEN): the most-common values that satisfy it
  plus the histogram's fraction, linearly interpolated inside the bucket the constant falls in
  for numbers, dates and timestamps, half a bucket for other types (scalarineqsel +
  ineq_histogram_selectivity).
- ``col IS [NOT] NULL``: null_frac; ``col IN (…)``: the sum of the equalities (capped at the
  non-NULL fraction); AND multiplies, OR adds minus the overlap, NOT complements.
- Anything else (LIKE, functions, a column without statistics, a constant the column's type
  cannot read) gets PostgreSQL's defaults: 0.005 for equality and LIKE, 1/3 for inequalities,
  0.5 for the rest.

Conditions are the pglast expressions of :attr:`fdwsh.exec.from_foreign.ForeignScan.conditions`
(a column of the scanned table compared with a literal, either way round); statistics values
are text, read through the column's declared type.
"""

from __future__ import annotations

import datetime
import decimal
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from typing import Any

from pglast import ast
from pglast.enums import A_Expr_Kind, BoolExprType, NullTestType

from fdwsh.catalog.stats import ColumnStats, TableStats

DEFAULT_EQ_SEL = 0.005
DEFAULT_INEQ_SEL = 1 / 3
DEFAULT_MATCH_SEL = 0.005
DEFAULT_SEL = 0.5
#: How many distinct values a column without statistics is assumed to have (selfuncs.h).
DEFAULT_NUM_DISTINCT = 200

_COMMUTE = {"<": ">", ">": "<", "<=": ">=", ">=": "<=", "=": "=", "<>": "<>", "!=": "<>"}

#: A column's value reader: stats/literal text → a comparable key (raises ValueError).
Reader = Callable[[str], Any]


def clause_selectivity(node: ast.Node, stats: TableStats, readers: dict[str, Reader]) -> float:
    """The fraction of the table's rows ``node`` keeps (0..1)."""
    if isinstance(node, ast.BoolExpr):
        parts = [clause_selectivity(a, stats, readers) for a in node.args]
        if node.boolop == BoolExprType.AND_EXPR:
            return _product(parts)
        if node.boolop == BoolExprType.OR_EXPR:
            total = 0.0
            for s in parts:
                total = total + s - total * s
            return total
        return 1.0 - parts[0]
    if isinstance(node, ast.NullTest):
        col = _column(node.arg, stats)
        if col is None:
            return DEFAULT_EQ_SEL if node.nulltesttype == NullTestType.IS_NULL else 1 - DEFAULT_EQ_SEL
        return col.null_frac if node.nulltesttype == NullTestType.IS_NULL else 1 - col.null_frac
    if isinstance(node, ast.A_Expr):
        return _expr_selectivity(node, stats, readers)
    return DEFAULT_SEL


def _expr_selectivity(node: ast.A_Expr, stats: TableStats, readers: dict[str, Reader]) -> float:
    kind = node.kind
    if kind in (A_Expr_Kind.AEXPR_LIKE, A_Expr_Kind.AEXPR_ILIKE, A_Expr_Kind.AEXPR_SIMILAR):
        return DEFAULT_MATCH_SEL
    name = _column_name(node.lexpr)
    col = stats.columns.get(name) if name is not None else None
    read = readers.get(name) if name is not None else None
    if kind == A_Expr_Kind.AEXPR_IN and isinstance(node.rexpr, (list, tuple)):
        texts = [_literal(e) for e in node.rexpr]
        eqs = [eq_selectivity(col, stats.reltuples, read, t) for t in texts]
        if node.name[0].sval == "=":
            return min(sum(eqs), 1.0 - (col.null_frac if col else 0.0))
        return _product(1.0 - s for s in eqs)
    if kind in (A_Expr_Kind.AEXPR_BETWEEN, A_Expr_Kind.AEXPR_NOT_BETWEEN) and \
            isinstance(node.rexpr, (list, tuple)) and len(node.rexpr) == 2:
        low, high = (_literal(e) for e in node.rexpr)
        if col is None:  # PostgreSQL's range default: both inequalities at their default
            inside, nulls = DEFAULT_INEQ_SEL * DEFAULT_INEQ_SEL, 0.0
        else:
            nulls = col.null_frac
            inside = max(0.0, ineq_selectivity(col, read, ">=", low)
                         + ineq_selectivity(col, read, "<=", high) - 1.0 + nulls)
        return inside if kind == A_Expr_Kind.AEXPR_BETWEEN else max(0.0, 1.0 - inside - nulls)
    if kind != A_Expr_Kind.AEXPR_OP or len(node.name) != 1:
        return DEFAULT_SEL
    return _comparison(node, stats, readers)


def _comparison(node: ast.A_Expr, stats: TableStats, readers: dict[str, Reader]) -> float:
    """``col op literal`` or ``literal op col``."""
    op = node.name[0].sval
    name, literal = _column_name(node.lexpr), _literal(node.rexpr)
    if name is None:
        name, literal, op = _column_name(node.rexpr), _literal(node.lexpr), _COMMUTE.get(op, op)
    if op not in _COMMUTE or name is None or literal is None:
        return DEFAULT_EQ_SEL if op == "=" else DEFAULT_SEL
    col, read = stats.columns.get(name), readers.get(name)
    if op == "=":
        return eq_selectivity(col, stats.reltuples, read, literal)
    if op in ("<>", "!="):
        nulls = col.null_frac if col else 0.0
        return max(0.0, 1.0 - nulls - eq_selectivity(col, stats.reltuples, read, literal))
    return ineq_selectivity(col, read, op, literal)


def eq_selectivity(col: ColumnStats | None, rows: float, read: Reader | None,
                   literal: str | None) -> float:
    """var_eq_const(): the fraction of rows whose column equals ``literal``."""
    if col is None or literal is None:
        return DEFAULT_EQ_SEL
    value = _read(read, literal)
    if value is None:
        return DEFAULT_EQ_SEL
    for mcv, freq in zip(col.most_common_vals, col.most_common_freqs):
        if _read(read, mcv) == value:
            return freq
    distinct = col.distinct(rows)
    if distinct is None:
        return min(DEFAULT_EQ_SEL, 1.0 - col.null_frac)
    rest = 1.0 - col.null_frac - sum(col.most_common_freqs)
    others = distinct - len(col.most_common_vals)
    if others <= 0:
        return 0.0 if col.most_common_vals else min(1.0, 1.0 / max(distinct, 1.0))
    return max(0.0, min(rest / others, rest))


def ineq_selectivity(col: ColumnStats | None, read: Reader | None, op: str,
                     literal: str | None) -> float:
    """scalarineqsel(): the fraction of rows with ``column op literal`` (op: < <= > >=)."""
    if col is None or read is None or literal is None:
        return DEFAULT_INEQ_SEL
    value = _read(read, literal)
    if value is None:
        return DEFAULT_INEQ_SEL
    test = _TESTS[op]
    mcv_sel = mcv_total = 0.0
    for mcv, freq in zip(col.most_common_vals, col.most_common_freqs):
        key = _read(read, mcv)
        mcv_total += freq
        if key is not None and test(key, value):
            mcv_sel += freq
    rest = max(0.0, 1.0 - col.null_frac - mcv_total)
    bounds = [k for k in (_read(read, b) for b in col.histogram_bounds) if k is not None]
    if len(bounds) >= 2:
        below = histogram_fraction(bounds, value, op in ("<=", ">"))
        hist = below if op in ("<", "<=") else 1.0 - below
        return min(1.0, mcv_sel + hist * rest)
    if mcv_total > 0:
        return min(1.0, mcv_sel + rest * (mcv_sel / mcv_total))
    return DEFAULT_INEQ_SEL


def histogram_fraction(bounds: list[Any], value: Any, inclusive: bool) -> float:
    """The fraction of the histogram's population below ``value`` (at or below when
    ``inclusive``): whole buckets plus the interpolated part of the bucket it falls in."""
    buckets = len(bounds) - 1
    index = (bisect_right if inclusive else bisect_left)(bounds, value)
    if index == 0:
        return 0.0
    if index > buckets:
        return 1.0
    low, high = bounds[index - 1], bounds[index]
    part = _interpolate(low, high, value)
    return (index - 1 + part) / buckets


def _interpolate(low: Any, high: Any, value: Any) -> float:
    """Where ``value`` lies between ``low`` and ``high`` (0..1; 0.5 when not numeric)."""
    lo, hi, v = _as_number(low), _as_number(high), _as_number(value)
    if lo is None or hi is None or v is None or hi <= lo:
        return 0.5
    return min(1.0, max(0.0, (v - lo) / (hi - lo)))


def _as_number(value: Any) -> float | None:
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, (int, float, decimal.Decimal)):
        try:
            return float(value)
        except (OverflowError, ValueError):
            return None
    if isinstance(value, datetime.datetime):
        return value.timestamp() if value.tzinfo else \
            (value - datetime.datetime(2000, 1, 1)).total_seconds()
    if isinstance(value, datetime.date):
        return float(value.toordinal())
    return None


_TESTS: dict[str, Callable[[Any, Any], bool]] = {
    "<": lambda a, b: a < b, "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b, ">=": lambda a, b: a >= b,
}


def _read(read: Reader | None, text: str) -> Any:
    if read is None:
        return text
    try:
        return read(text)
    except Exception:  # the type's input function rejected it (FdwshError, ValueError …)
        return None


def _column(node: ast.Node, stats: TableStats) -> ColumnStats | None:
    name = _column_name(node)
    return stats.columns.get(name) if name is not None else None


def _column_name(node: Any) -> str | None:
    if isinstance(node, ast.ColumnRef) and isinstance(node.fields[-1], ast.String):
        return str(node.fields[-1].sval)
    return None


def _literal(node: Any) -> str | None:
    """A literal's text (``'x'::text`` too); None for NULL or anything else."""
    if isinstance(node, ast.TypeCast):
        node = node.arg
    if not isinstance(node, ast.A_Const) or node.isnull:
        return None
    val = node.val
    for attr in ("ival", "fval", "sval", "bsval"):
        if hasattr(val, attr):
            return str(getattr(val, attr))
    if hasattr(val, "boolval"):
        return "true" if val.boolval else "false"
    return None


def _product(values: Any) -> float:
    result = 1.0
    for v in values:
        result *= v
    return result
