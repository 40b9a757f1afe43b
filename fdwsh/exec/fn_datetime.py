"""Date/time operators, casts and functions by implementation key (date.c, timestamp.c).

The arithmetic itself lives in :mod:`fdwsh.exec.fn_clock`; this module binds pg_proc keys to
it.  Operators mixing a timestamptz with months or days work in the session's TimeZone.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from fdwsh.exec import pgerrors as E
from fdwsh.exec.fn_clock import (check_interval, days_of, is_infinite, justify_days,
                                 justify_hours, local_to_utc, make_date, make_ts, statement_now,
                                 ts_minus_ts, ts_plus_interval, usec_of, utc_to_local)
from fdwsh.exec.functions import factory, register
from fdwsh.types.dates import round_usec
from fdwsh.types.dtcore import USECS_PER_DAY, InfiniteTime, time_usec, time_value
from fdwsh.types.interval import Interval, adjust_for_typmod


@factory("now", "statement_timestamp", "transaction_timestamp")
def _now(node: Any, ctx: Any) -> Any:
    return lambda: statement_now(ctx)


@factory("clock_timestamp")
def _clock(node: Any, ctx: Any) -> Any:
    return lambda: dt.datetime.now(dt.timezone.utc)


# ---- dates ---------------------------------------------------------------------------------------


def _date_add(d: Any, n: int) -> Any:
    return d if is_infinite(d) else make_date(days_of(d) + n)


register("date_pli")(_date_add)
register("date_mii")(lambda d, n: _date_add(d, -n))
register("integer_pl_date")(lambda n, d: _date_add(d, n))


@register("date_mi")
def _date_mi(a: Any, b: Any) -> int:
    if is_infinite(a) or is_infinite(b):
        raise E.invalid("cannot subtract infinite dates", "22008")
    return days_of(a) - days_of(b)


def _date_ts(d: Any) -> Any:
    if isinstance(d, InfiniteTime):
        return d
    return make_ts(days_of(d) * USECS_PER_DAY, False)


register("date_timestamp")(_date_ts)
register("date_pl_interval")(lambda d, iv: ts_plus_interval(_date_ts(d), iv, False, None))
register("date_mi_interval")(lambda d, iv: ts_plus_interval(_date_ts(d), iv, False, None, -1))


@factory("date_timestamptz")
def _date_tstz(node: Any, ctx: Any) -> Any:
    def convert(d: Any) -> Any:
        if is_infinite(d):
            return d
        return make_ts(local_to_utc(days_of(d) * USECS_PER_DAY, ctx), True)
    return convert


@register("timestamp_date")
def _ts_date(v: Any) -> Any:
    return v if is_infinite(v) else make_date(usec_of(v) // USECS_PER_DAY)


@factory("timestamptz_date")
def _tstz_date(node: Any, ctx: Any) -> Any:
    return lambda v: v if is_infinite(v) else make_date(utc_to_local(usec_of(v), ctx)
                                                        // USECS_PER_DAY)


@factory("timestamp_timestamptz")
def _ts_tstz(node: Any, ctx: Any) -> Any:
    return lambda v: v if is_infinite(v) else make_ts(local_to_utc(usec_of(v), ctx), True)


@factory("timestamptz_timestamp")
def _tstz_ts(node: Any, ctx: Any) -> Any:
    return lambda v: v if is_infinite(v) else make_ts(utc_to_local(usec_of(v), ctx), False)


register("timestamp_time")(lambda v: None if is_infinite(v) else time_value(
    usec_of(v) % USECS_PER_DAY))


@factory("timestamptz_time")
def _tstz_time(node: Any, ctx: Any) -> Any:
    return lambda v: None if is_infinite(v) else time_value(
        utc_to_local(usec_of(v), ctx) % USECS_PER_DAY)


@register("datetime_timestamp")
def _date_plus_time(d: Any, t: Any) -> Any:
    if is_infinite(d):
        return d
    return make_ts(days_of(d) * USECS_PER_DAY + time_usec(t), False)


register("timedate_pl")(lambda t, d: _date_plus_time(d, t))


# ---- typmods -------------------------------------------------------------------------------------


@register("timestamp_scale")
def _ts_scale(v: Any, typmod: int) -> Any:
    return v if is_infinite(v) else make_ts(round_usec(usec_of(v), typmod), False)


@register("timestamptz_scale")
def _tstz_scale(v: Any, typmod: int) -> Any:
    return v if is_infinite(v) else make_ts(round_usec(usec_of(v), typmod), True)


register("time_scale")(lambda v, typmod: time_value(round_usec(time_usec(v), typmod)))
register("interval_scale")(adjust_for_typmod)


# ---- timestamps and intervals --------------------------------------------------------------------


@factory("timestamp_pl_interval", "timestamptz_pl_interval")
def _ts_pl(node: Any, ctx: Any) -> Any:
    tz = node.op.impl.startswith("timestamptz") if hasattr(node, "op") else \
        node.func.impl.startswith("timestamptz")
    return lambda v, iv: ts_plus_interval(v, iv, tz, ctx)


@factory("timestamp_mi_interval", "timestamptz_mi_interval")
def _ts_mi(node: Any, ctx: Any) -> Any:
    tz = node.op.impl.startswith("timestamptz")
    return lambda v, iv: ts_plus_interval(v, iv, tz, ctx, -1)


@factory("interval_pl_timestamp", "interval_pl_timestamptz")
def _iv_pl_ts(node: Any, ctx: Any) -> Any:
    tz = node.op.impl.endswith("tz")
    return lambda iv, v: ts_plus_interval(v, iv, tz, ctx)


register("interval_pl_date")(lambda iv, d: ts_plus_interval(_date_ts(d), iv, False, None))
register("timestamp_mi")(ts_minus_ts)
register("interval_pl")(lambda a, b: check_interval(Interval(
    a.months + b.months, a.days + b.days, a.microseconds + b.microseconds)))
register("interval_mi")(lambda a, b: check_interval(Interval(
    a.months - b.months, a.days - b.days, a.microseconds - b.microseconds)))
register("interval_um")(lambda a: check_interval(Interval(-a.months, -a.days,
                                                          -a.microseconds)))
register("interval_justify_hours")(justify_hours)
register("interval_justify_days")(justify_days)
register("interval_justify_interval")(lambda iv: _justify_interval(iv))


def _cdiv(a: int, b: int) -> int:
    q = abs(a) // b
    return q if a >= 0 else -q


def _justify_interval(iv: Interval) -> Interval:
    """interval_justify_interval(), step by step."""
    months, days, usec = iv.months, iv.days, iv.microseconds
    if (days > 0 and usec > 0) or (days < 0 and usec < 0):
        whole = _cdiv(days, 30)
        days, months = days - whole * 30, months + whole
    whole = _cdiv(usec, USECS_PER_DAY)
    usec, days = usec - whole * USECS_PER_DAY, days + whole
    whole = _cdiv(days, 30)
    days, months = days - whole * 30, months + whole
    if months > 0 and (days < 0 or (days == 0 and usec < 0)):
        days, months = days + 30, months - 1
    elif months < 0 and (days > 0 or (days == 0 and usec > 0)):
        days, months = days - 30, months + 1
    if days > 0 and usec < 0:
        usec, days = usec + USECS_PER_DAY, days - 1
    elif days < 0 and usec > 0:
        usec, days = usec - USECS_PER_DAY, days + 1
    return check_interval(Interval(months, days, usec))


def _tsround(x: float) -> float:
    return round(x * 1e6) / 1e6


@register("interval_mul")
def interval_mul(iv: Interval, factor: float) -> Interval:
    """interval_mul(): fractions cascade down from months to days to microseconds."""
    months = iv.months * factor
    days = iv.days * factor
    if math.isnan(months) or not -2**31 <= months < 2**31 or not -2**31 <= days < 2**31:
        raise E.invalid("interval out of range", "22008")
    rmonths, rdays = int(months), int(days)
    month_rem_days = _tsround((iv.months * factor - rmonths) * 30)
    sec_rem = _tsround((iv.days * factor - rdays + month_rem_days - int(month_rem_days))
                       * 86400)
    if abs(sec_rem) >= 86400:
        rdays += int(sec_rem / 86400)
        sec_rem -= int(sec_rem / 86400) * 86400
    rdays += int(month_rem_days)
    usec = round(iv.microseconds * factor + sec_rem * 1e6)
    return check_interval(Interval(rmonths, rdays, int(usec)))


register("mul_d_interval")(lambda factor, iv: interval_mul(iv, factor))


@register("interval_div")
def _interval_div(iv: Interval, factor: float) -> Interval:
    if factor == 0.0:
        raise E.division_by_zero()
    return interval_mul(iv, 1.0 / factor)


register("time_mi_time")(lambda a, b: Interval(0, 0, time_usec(a) - time_usec(b)))
register("time_pl_interval")(lambda t, iv: time_value(
    (time_usec(t) + iv.microseconds) % USECS_PER_DAY))
register("time_mi_interval")(lambda t, iv: time_value(
    (time_usec(t) - iv.microseconds) % USECS_PER_DAY))
register("interval_pl_time")(lambda iv, t: time_value(
    (time_usec(t) + iv.microseconds) % USECS_PER_DAY))
register("date_finite", "timestamp_finite")(lambda v: not is_infinite(v))
register("interval_finite")(lambda v: True)


@register("float8_timestamptz")
def _to_timestamp(seconds: float) -> Any:
    """to_timestamp(double precision): Unix seconds → timestamptz (microseconds rounded)."""
    if math.isnan(seconds):
        raise E.invalid("timestamp cannot be NaN", "22008")
    if math.isinf(seconds):
        from fdwsh.types.dtcore import INFINITY, NEG_INFINITY
        return INFINITY if seconds > 0 else NEG_INFINITY
    usec = round(seconds * 1_000_000) - 946_684_800 * 1_000_000
    return make_ts(usec, True)


@register("extract_time")
def _extract_time(text: str, t: Any) -> Any:
    from decimal import Decimal

    from fdwsh.exec.fn_dtfields import _unit, timestamp_fields
    unit = _unit(text, "date")
    usec = time_usec(t)
    if unit == "epoch":
        value: Any = Decimal(usec).scaleb(-6)
    elif unit in ("us", "ms", "second", "minute", "hour"):
        value = timestamp_fields(unit, usec)
    else:
        raise E.invalid(f'unit "{text.lower()}" not supported for type time without time zone',
                        "0A000")
    return value


register("time_part")(lambda text, t: float(_extract_time(text, t)))
