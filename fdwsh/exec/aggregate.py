"""The aggregates' state machines: PostgreSQL 15's pg_aggregate rows as Python.

An :class:`Aggregate` is what pg_aggregate describes: ``init()`` makes the state of an empty
group, ``step(state, *args)`` folds one input row in and returns the new state (it may
mutate it), ``final(state)`` gives the result, and ``combine(a, b)`` merges two partial
states (two-phase aggregation: partial states computed apart, merged, then finalised).  A
``strict`` aggregate never sees a row with a NULL argument (the caller skips it), as
PostgreSQL skips them for a strict transition function.  Nothing here knows about groups,
DISTINCT, ORDER BY or FILTER (:mod:`fdwsh.exec.hashagg`), so window functions can drive the
same specs over frames.

The arithmetic is PostgreSQL's: sum(int4) is bigint, sum(int8) and avg of integers numeric
(avg is numeric_div(sum, count), with its display scale: avg(1, 2) = 1.5000000000000000),
float averages and variances use the Youngs-Cramer accumulation of float8_accum() with its
overflow check, numeric variances follow numeric_stddev_internal() digit for digit, min/max
keep the later of two equal values (numeric_larger() ...) but the first for character(n).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from fdwsh.exec import pgerrors as E
from fdwsh.exec.fn_numeric import (NAN, NUMERIC_CTX, div_round, normalize, numeric_add,
                                   numeric_div, round_half_up, select_div_scale)
from fdwsh.sql import oids as T
from fdwsh.sql.pgproc import Function

_INT64 = 1 << 64


@dataclass(frozen=True, slots=True)
class Aggregate:
    """One aggregate's transition machinery (see the module docstring)."""

    name: str
    init: Callable[[], Any]
    step: Callable[..., Any]
    final: Callable[[Any], Any]
    combine: Callable[[Any, Any], Any] | None = None
    strict: bool = True


def _nullable(fn: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    """A transition whose first input becomes the state (strict transfn, NULL initcond)."""
    return lambda state, x: x if state is None else fn(state, x)


def _merge_nullable(fn: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    """combine() of such states: a state still NULL (no input) gives way to the other."""
    return lambda a, b: b if a is None else a if b is None else fn(a, b)


def _identity(state: Any) -> Any:
    return state


def _simple(name: str, fn: Callable[[Any, Any], Any]) -> Aggregate:
    """State = running value, NULL until the first input (sum, min, bool_and ...)."""
    return Aggregate(name, lambda: None, _nullable(fn), _identity, _merge_nullable(fn))


# ---------------------------------------------------------------------------------------------
# count, sum, bit and bool aggregates


def _wrap64(v: int) -> int:
    """int64 arithmetic of int4_sum()/cash_pl(), which do not check for overflow."""
    v %= _INT64
    return v - _INT64 if v >= _INT64 >> 1 else v


def _count(star: bool) -> Aggregate:
    return Aggregate("count", lambda: 0, (lambda s: s + 1) if star else (lambda s, x: s + 1),
                     _identity, lambda a, b: a + b)


def _sum(argtype: int, ctx: Any) -> Aggregate:
    if argtype in (T.INT2, T.INT4, T.MONEY):
        return _simple("sum", lambda s, x: _wrap64(s + x))
    if argtype == T.INT8:  # exact in Python ints, numeric at the end
        return Aggregate("sum", lambda: None, _nullable(lambda s, x: s + x),
                         lambda s: None if s is None else Decimal(s),
                         _merge_nullable(lambda a, b: a + b))
    if argtype == T.NUMERIC:  # exact, like NumericSumAccum: range checked at the end
        return Aggregate("sum", lambda: None, _nullable(_numeric_sum),
                         lambda s: None if s is None else normalize(s),
                         _merge_nullable(_numeric_sum))
    return _simple("sum", _operator("+", argtype, argtype, ctx))


def _numeric_sum(s: Decimal, x: Decimal) -> Decimal:
    return NUMERIC_CTX.add(s, x) if s.is_finite() and x.is_finite() else numeric_add(s, x)


def _operator(name: str, left: int, right: int, ctx: Any) -> Callable[..., Any]:
    from fdwsh.exec.functions import implementation
    from fdwsh.sql.pgproc import operator
    op = operator(name, left, right)
    assert op is not None
    return implementation(op, None, ctx)


_BITWISE = {"bit_and": lambda a, b: a & b, "bit_or": lambda a, b: a | b,
            "bit_xor": lambda a, b: a ^ b,
            "bool_and": lambda a, b: a and b, "every": lambda a, b: a and b,
            "bool_or": lambda a, b: a or b}


# ---------------------------------------------------------------------------------------------
# min / max


def _extreme(name: str, argtype: int) -> Aggregate:
    """min/max: the state is replaced unless it is strictly better (ties take the newer
    value, as numeric_larger() and the like return their second argument), except for
    character(n), whose bpchar_larger() keeps the first."""
    key = _ordering(argtype) or _identity
    keep_ties = argtype == T.BPCHAR
    if name == "max":
        def better(s: Any, x: Any) -> bool:
            return key(s) > key(x) or (keep_ties and key(s) == key(x))
    else:
        def better(s: Any, x: Any) -> bool:
            return key(s) < key(x) or (keep_ties and key(s) == key(x))
    return _simple(name, lambda s, x: s if better(s, x) else x)


# ---------------------------------------------------------------------------------------------
# avg and the variances


def _numeric_state() -> list[Any]:
    """[N, sum(X), sum(X*X), NaN count, +Inf count, -Inf count] (NumericAggState)."""
    return [0, Decimal(0), Decimal(0), 0, 0, 0]


def _numeric_accum(state: list[Any], x: Any) -> list[Any]:
    if isinstance(x, int):
        x = Decimal(x)
    if x.is_nan():
        state[3] += 1
    elif x.is_infinite():
        state[4 if x > 0 else 5] += 1
    else:
        state[0] += 1
        state[1] = NUMERIC_CTX.add(state[1], x)
        state[2] = NUMERIC_CTX.add(state[2], NUMERIC_CTX.multiply(x, x))
    return state


def _numeric_combine(a: list[Any], b: list[Any]) -> list[Any]:
    return [a[0] + b[0], NUMERIC_CTX.add(a[1], b[1]), NUMERIC_CTX.add(a[2], b[2]),
            a[3] + b[3], a[4] + b[4], a[5] + b[5]]


def _numeric_avg(state: list[Any]) -> Decimal | None:
    """numeric_avg(): NaN if any NaN or both infinities, an infinity, else sum / N."""
    n, total, _, nans, pinf, ninf = state
    if n + nans + pinf + ninf == 0:
        return None
    if nans or (pinf and ninf):
        return NAN
    if pinf or ninf:
        return Decimal("Infinity") if pinf else Decimal("-Infinity")
    return numeric_div(normalize(total), Decimal(n))


def _numeric_variance(sample: bool, root: bool) -> Callable[[list[Any]], Decimal | None]:
    """numeric_stddev_internal(): exact sums, then one rounded division (and square root)."""
    def final(state: list[Any]) -> Decimal | None:
        n, sum_x, sum_x2, nans, pinf, ninf = state
        total = n + nans + pinf + ninf
        if total == 0:
            return None
        if nans or pinf or ninf:
            return NAN
        if sample and total <= 1:
            return None
        numerator = NUMERIC_CTX.subtract(NUMERIC_CTX.multiply(Decimal(n), sum_x2),
                                         NUMERIC_CTX.multiply(sum_x, sum_x))
        if numerator <= 0:
            return Decimal(0)
        denominator = Decimal(n * (n - 1) if sample else n * n)
        rscale = select_div_scale(numerator, denominator)
        quotient = div_round(numerator, denominator, rscale)
        if root:
            work = NUMERIC_CTX.copy()
            work.prec = rscale + max(quotient.adjusted(), 0) + 20
            quotient = round_half_up(quotient.sqrt(work), rscale)
        return normalize(quotient)
    return final


def _float_accum(state: list[float], x: float) -> list[float]:
    """float8_accum(): Youngs-Cramer; finite inputs overflowing fail, infinities give NaN."""
    n, sx, sxx = state
    x = float(x)
    n += 1.0
    new_sx = sx + x
    if state[0] > 0.0:
        tmp = x * n - new_sx
        sxx += tmp * tmp / (n * state[0])
        if math.isinf(new_sx) or math.isinf(sxx):
            if not math.isinf(sx) and not math.isinf(x):
                raise E.float_overflow()
            sxx = math.nan
    elif math.isnan(x) or math.isinf(x):
        sxx = math.nan
    state[0], state[1], state[2] = n, new_sx, sxx
    return state


def _float_combine(a: list[float], b: list[float]) -> list[float]:
    """float8_combine()."""
    n1, sx1, sxx1 = a
    n2, sx2, sxx2 = b
    if n1 == 0.0:
        return list(b)
    if n2 == 0.0:
        return list(a)
    n = n1 + n2
    sx = sx1 + sx2
    tmp = sx1 / n1 - sx2 / n2
    sxx = sxx1 + sxx2 + n1 * n2 * tmp * tmp / n
    if math.isinf(sx) or math.isinf(sxx):
        raise E.float_overflow()
    return [n, sx, sxx]


def _float_final(name: str) -> Callable[[list[float]], float | None]:
    sample = name in ("stddev", "stddev_samp", "var_samp", "variance")
    root = name.startswith("stddev")

    def final(state: list[float]) -> float | None:
        n, sx, sxx = state
        if name == "avg":
            return None if n == 0.0 else sx / n
        if n == 0.0 or (sample and n <= 1.0):
            return None
        value = sxx / (n - 1.0 if sample else n)
        return math.sqrt(value) if root else value
    return final


def _statistic(name: str, argtype: int, ctx: Any) -> Aggregate:
    if argtype in (T.FLOAT4, T.FLOAT8):
        return Aggregate(name, lambda: [0.0, 0.0, 0.0], _float_accum, _float_final(name),
                         _float_combine)
    if name == "avg" and argtype == T.INTERVAL:
        return _interval_avg(ctx)
    if name == "avg":
        return Aggregate(name, _numeric_state, _numeric_accum, _numeric_avg,
                         _numeric_combine)
    sample = name in ("stddev", "stddev_samp", "var_samp", "variance")
    return Aggregate(name, _numeric_state, _numeric_accum,
                     _numeric_variance(sample, name.startswith("stddev")), _numeric_combine)


def _interval_avg(ctx: Any) -> Aggregate:
    """interval_accum()/interval_avg(): interval_pl sums, interval_div by the count."""
    plus = _operator("+", T.INTERVAL, T.INTERVAL, ctx)
    divide = _operator("/", T.INTERVAL, T.FLOAT8, ctx)

    def step(state: list[Any], x: Any) -> list[Any]:
        state[0] = x if state[0] is None else plus(state[0], x)
        state[1] += 1
        return state

    def combine(a: list[Any], b: list[Any]) -> list[Any]:
        if a[0] is None or b[0] is None:
            return [a[0] if b[0] is None else b[0], a[1] + b[1]]
        return [plus(a[0], b[0]), a[1] + b[1]]
    return Aggregate("avg", lambda: [None, 0], step,
                     lambda s: None if s[1] == 0 else divide(s[0], float(s[1])), combine)


# ---------------------------------------------------------------------------------------------
# string_agg, array_agg


def _string_agg(empty: Any) -> Aggregate:
    """string_agg_transfn(): each non-NULL value preceded by its row's delimiter, the first
    delimiter dropped at the end."""
    def step(state: list[Any] | None, value: Any, delim: Any) -> list[Any] | None:
        if value is None:
            return state
        if state is None:
            state = []
        state.append((empty if delim is None else delim, value))
        return state

    def final(state: list[Any] | None) -> Any:
        if state is None:
            return None
        return state[0][1] + empty.join(d + v for d, v in state[1:])
    return Aggregate("string_agg", lambda: None, step, final,
                     lambda a, b: b if a is None else a if b is None else a + b, strict=False)


def _array_agg(of_arrays: bool) -> Aggregate:
    def step(state: list[Any] | None, value: Any) -> list[Any]:
        if of_arrays:
            _check_subarray(state, value)
        state = [] if state is None else state
        state.append(value)
        return state
    return Aggregate("array_agg", lambda: None, step, _identity,
                     lambda a, b: b if a is None else a if b is None else a + b, strict=False)


def _check_subarray(state: list[Any] | None, value: Any) -> None:
    """array_agg_array_transfn()'s checks: no NULL, no empty, same dimensions."""
    from fdwsh.exec.arrays import _shape
    if value is None:
        raise E.invalid("cannot accumulate null arrays", "22004")
    if not state and not value:
        raise E.invalid("cannot accumulate empty arrays")
    if state and _shape(state[0]) != _shape(value):
        raise E.invalid("cannot accumulate arrays of different dimensionality", "2202E")


# ---------------------------------------------------------------------------------------------
# lookup

_UNSUPPORTED_TYPES = frozenset({T.BIT, T.VARBIT})


def build_aggregate(fn: Function, argtypes: list[int], ctx: Any) -> Aggregate:
    """The Aggregate for a resolved call (``argtypes``: the declared types, polymorphic ones
    resolved)."""
    name = fn.name
    first = argtypes[0] if argtypes else 0
    if name == "count":
        return _count(not argtypes)
    if name == "sum":
        return _sum(first, ctx)
    if name in _BITWISE:
        return _simple(name, _BITWISE[name])
    if name in ("min", "max"):
        return _extreme(name, first)
    if name == "string_agg":
        return _string_agg(b"" if first == T.BYTEA else "")
    if name == "array_agg":
        return _array_agg(fn.args == (T.ANYARRAY,))
    return _statistic(name, first, ctx)


def is_supported(fn: Function, argtypes: list[int]) -> bool:
    """Whether fdwsh evaluates this aggregate for these argument types."""
    if any(t in _UNSUPPORTED_TYPES for t in argtypes):
        return False
    if fn.name in ("min", "max"):
        try:
            _ordering(argtypes[0])
        except KeyError:
            return False
    return True


def _ordering(oid: int) -> Callable[[Any], Any] | None:
    """The btree order of min/max's type (money: its int of cents)."""
    from fdwsh.exec.fn_compare import sort_key
    return None if oid == T.MONEY else sort_key(oid)
