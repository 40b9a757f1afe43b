"""Set-returning functions: generate_series (int4, int8, numeric, timestamp, timestamptz) and
unnest(anyarray), as PostgreSQL 15's int.c, int8.c, numeric.c, timestamp.c and arrayfuncs.c
compute them.

An implementation returns an iterator of the rows' values; the caller (a FROM item or the
select list's ProjectSet, :mod:`fdwsh.exec.srf`) decides how rows combine.  The checks run on
the first call, before any row, as they do in PostgreSQL's SRF_IS_FIRSTCALL() block; the next
value is computed before the current one is returned, so an overflow past the last row fails
as it does there (except for integers, whose next-value overflow just ends the series).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

from fdwsh.exec import pgerrors as E
from fdwsh.exec.fn_clock import ts_plus_interval
from fdwsh.exec.fn_compare import sort_key
from fdwsh.exec.fn_numeric import numeric_add
from fdwsh.exec.functions import factory, register
from fdwsh.sql import oids as T
from fdwsh.types.interval import Interval


def _zero_step() -> Exception:
    return E.invalid("step size cannot equal zero")


@register("generate_series_int4", "generate_series_step_int4", "generate_series_int8",
          "generate_series_step_int8")
def generate_series_int(start: int, stop: int, step: int = 1) -> Iterator[int]:
    """Python integers do not overflow, so range() stops where PostgreSQL's overflow check
    (or the bound) does."""
    if step == 0:
        raise _zero_step()
    return iter(range(start, stop + (1 if step > 0 else -1), step))


@register("generate_series_numeric", "generate_series_step_numeric")
def generate_series_numeric(start: Decimal, stop: Decimal, step: Decimal = Decimal(1)
                            ) -> Iterator[Decimal]:
    for value, what in ((start, "start value"), (stop, "stop value"), (step, "step size")):
        if value.is_nan():
            raise E.invalid(f"{what} cannot be NaN")
        if value.is_infinite():
            raise E.invalid(f"{what} cannot be infinity")
    if step.is_zero():
        raise _zero_step()
    return _numeric_series(start, stop, step)


def _numeric_series(current: Decimal, stop: Decimal, step: Decimal) -> Iterator[Decimal]:
    while current <= stop if step > 0 else current >= stop:
        yield current
        current = numeric_add(current, step)  # add_var(): the larger scale of the two


def _interval_sign(step: Interval) -> int:
    key = step.cmp_key()
    return (key > 0) - (key < 0)


@factory("generate_series_timestamp", "generate_series_timestamptz")
def _generate_series_ts(node: Any, ctx: Any) -> Callable[..., Iterator[Any]]:
    zoned = node.func.impl.endswith("tz")
    key = sort_key(T.TIMESTAMPTZ if zoned else T.TIMESTAMP) or (lambda v: v)

    def series(start: Any, stop: Any, step: Interval) -> Iterator[Any]:
        sign = _interval_sign(step)
        if sign == 0:
            raise _zero_step()
        return _ts_series(start, key(stop), step, sign)

    def _ts_series(current: Any, stop: Any, step: Interval, sign: int) -> Iterator[Any]:
        while key(current) <= stop if sign > 0 else key(current) >= stop:
            following = ts_plus_interval(current, step, zoned, ctx)
            yield current
            current = following
    return series


@register("array_unnest")
def unnest(array: list[Any]) -> Iterator[Any]:
    """Every element in storage order (a multidimensional array is read flat)."""
    for item in array:
        if isinstance(item, list):
            yield from unnest(item)
        else:
            yield item
