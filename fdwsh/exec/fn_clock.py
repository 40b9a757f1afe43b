"""Date/time values as PostgreSQL's numbers, the SQL clock, ordering, casts and arithmetic.

Values are those of :mod:`fdwsh.types` (``date``/``datetime``/``time``, PgDate/PgTimestamp
beyond Python's range, INFINITY/NEG_INFINITY, :class:`Interval`); the arithmetic works on
PostgreSQL's integers (days and microseconds since 2000-01-01) so that every range check,
month-end clamp and time-zone step is PostgreSQL's (timestamp.c, date.c).  timestamptz
arithmetic with months/days happens in the session's TimeZone, as in PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from fdwsh.errors import FeatureNotSupported
from fdwsh.exec import pgerrors as E
from fdwsh.sql import oids as T
from fdwsh.sql.pgproc import Operator
from fdwsh.types.dtcore import (DAY_TAB, POSTGRES_EPOCH_JDATE, USECS_PER_DAY, InfiniteTime,
                                date2j, date_days, date_value, isleap, j2date, time_usec,
                                time_value, ts_usec, ts_value)
from fdwsh.types.interval import Interval

MIN_TS_USEC, END_TS_USEC = -211813488000000000, 9223371331200000000
DATE_MIN, DATE_END = -POSTGRES_EPOCH_JDATE, 2147483494 - POSTGRES_EPOCH_JDATE


def is_infinite(v: Any) -> bool:
    return isinstance(v, InfiniteTime)


def days_of(v: Any) -> int:
    return date_days(v)


def usec_of(v: Any) -> int:
    return ts_usec(v)


def make_date(days: int) -> Any:
    if not DATE_MIN <= days < DATE_END:
        raise E.invalid("date out of range", "22008")
    return date_value(days)


def make_ts(usec: int, tz: bool) -> Any:
    if not MIN_TS_USEC <= usec < END_TS_USEC:
        raise E.invalid("timestamp out of range", "22008")
    return ts_value(usec, tz)


def zone(ctx: Any) -> Any:
    return ctx.settings.timezone


def utc_to_local(usec: int, ctx: Any) -> int:
    """A timestamptz instant as local wall-clock microseconds in the session TimeZone."""
    return usec + zone(ctx).at_utc(usec)[0] * 1_000_000


def local_to_utc(local: int, ctx: Any) -> int:
    """DetermineTimeZoneOffset(): local wall-clock microseconds → the UTC instant."""
    return local - zone(ctx).local_offset(local) * 1_000_000


# ---- the clock ---------------------------------------------------------------------------------


def statement_now(ctx: Any) -> dt.datetime:
    """The statement's timestamp (UTC, microseconds), fixed on first use."""
    now = ctx.state.get("now")
    if now is None:
        now = ctx.state["now"] = dt.datetime.now(dt.timezone.utc)
    return now


def _round_usec(usec: int, typmod: int) -> int:
    if typmod < 0 or typmod >= 6:
        return usec
    scale = 10 ** (6 - typmod)
    return (usec + scale // 2) // scale * scale if usec >= 0 else -((-usec + scale // 2)
                                                                  // scale * scale)


def clock_value(name: str, typmod: int, ctx: Any) -> Callable[[], Any]:
    """CURRENT_DATE, CURRENT_TIME(p), CURRENT_TIMESTAMP(p), LOCALTIME(p), LOCALTIMESTAMP(p)."""
    def utc() -> int:
        return _round_usec(usec_of(statement_now(ctx)), typmod)

    def local() -> int:
        return utc_to_local(utc(), ctx)

    if name == "current_timestamp":
        return lambda: ts_value(utc(), True)
    if name == "localtimestamp":
        return lambda: ts_value(local(), False)
    if name == "current_date":
        return lambda: date_value(local() // USECS_PER_DAY)
    if name == "localtime":
        return lambda: time_value(local() % USECS_PER_DAY)
    if name == "current_time":
        def current_time() -> Any:
            offset = zone(ctx).at_utc(utc())[0]
            return time_value(local() % USECS_PER_DAY, dt.timezone(dt.timedelta(seconds=offset)))
        return current_time
    raise FeatureNotSupported(f"{name.upper()} is not supported locally")


# ---- ordering ------------------------------------------------------------------------------------


def _inf_key(v: Any, finite: Callable[[Any], int]) -> tuple[int, int]:
    if isinstance(v, InfiniteTime):
        return (v.sign, 0)
    return (0, finite(v))


def _time_key(v: Any) -> int:
    return time_usec(v)


def _timetz_key(v: Any) -> tuple[int, int]:
    off = v.tzinfo.utcoffset(None).total_seconds() if v.tzinfo is not None else 0
    return (time_usec(v) - int(off) * 1_000_000, -int(off))


def sort_key(oid: int) -> Callable[[Any], Any] | None:
    if oid == T.DATE:
        return lambda v: _inf_key(v, days_of)
    if oid in (T.TIMESTAMP, T.TIMESTAMPTZ):
        return lambda v: _inf_key(v, usec_of)
    if oid == T.TIME:
        return _time_key
    if oid == T.TIMETZ:
        return _timetz_key
    if oid == T.INTERVAL:
        return lambda v: v.cmp_key()
    raise KeyError(oid)


def cross_comparison(op: Operator, cmp: Callable[[Any, Any], bool], ctx: Any
                     ) -> Callable[[Any, Any], bool] | None:
    """date vs timestamp(tz), timestamp vs timestamptz: both sides as timestamps (a date or
    timestamp meets a timestamptz at midnight / its wall-clock time in the session zone)."""
    kinds = {T.DATE, T.TIMESTAMP, T.TIMESTAMPTZ}
    if op.left not in kinds or op.right not in kinds:
        return None

    def as_ts(oid: int, v: Any, target_tz: bool) -> tuple[int, int]:
        if isinstance(v, InfiniteTime):
            return (v.sign, 0)
        if oid == T.DATE:
            usec = days_of(v) * USECS_PER_DAY
            if target_tz:
                usec = local_to_utc(usec, ctx)
            return (0, usec)
        usec = usec_of(v)
        if oid == T.TIMESTAMP and target_tz:
            usec = local_to_utc(usec, ctx)
        return (0, usec)

    tz = T.TIMESTAMPTZ in (op.left, op.right)
    left, right = op.left, op.right

    def compare(a: Any, b: Any) -> bool:
        return cmp(as_ts(left, a, tz), as_ts(right, b, tz))
    return compare


# ---- timestamps and intervals ------------------------------------------------------------------


def add_months_days(local: int, months: int, days: int) -> int:
    """timestamp_pl_interval()'s calendar part on local microseconds."""
    day, tod = divmod(local, USECS_PER_DAY)
    if months:
        y, m, d = j2date(day + POSTGRES_EPOCH_JDATE)
        total = y * 12 + (m - 1) + months
        y, m = divmod(total, 12)
        m += 1
        last = DAY_TAB[isleap(y)][m - 1]
        day = date2j(y, m, min(d, last)) - POSTGRES_EPOCH_JDATE
    return (day + days) * USECS_PER_DAY + tod


def ts_plus_interval(v: Any, iv: Interval, tz: bool, ctx: Any, sign: int = 1) -> Any:
    if isinstance(v, InfiniteTime):
        return v
    months, days, usec = sign * iv.months, sign * iv.days, sign * iv.microseconds
    value = usec_of(v)
    if months or days:
        if tz:
            local = add_months_days(utc_to_local(value, ctx), months, days)
            value = local_to_utc(local, ctx)
        else:
            value = add_months_days(value, months, days)
    return make_ts(value + usec, tz)


def justify_hours(iv: Interval) -> Interval:
    days, usec = divmod(abs(iv.microseconds), USECS_PER_DAY)
    if iv.microseconds < 0:
        days, usec = -days, -usec
    days += iv.days
    if days > 0 and usec < 0:
        usec += USECS_PER_DAY
        days -= 1
    elif days < 0 and usec > 0:
        usec -= USECS_PER_DAY
        days += 1
    return Interval(iv.months, days, usec)


def justify_days(iv: Interval) -> Interval:
    months = iv.days // 30 if iv.days >= 0 else -((-iv.days) // 30)
    days = iv.days - months * 30
    months += iv.months
    if months > 0 and days < 0:
        days += 30
        months -= 1
    elif months < 0 and days > 0:
        days -= 30
        months += 1
    return Interval(months, days, iv.microseconds)


def ts_minus_ts(a: Any, b: Any) -> Interval:
    if isinstance(a, InfiniteTime) or isinstance(b, InfiniteTime):
        raise E.invalid("cannot subtract infinite timestamps", "22008")
    return justify_hours(Interval(0, 0, usec_of(a) - usec_of(b)))


def check_interval(iv: Interval) -> Interval:
    if not -2**31 <= iv.months < 2**31 or not -2**31 <= iv.days < 2**31 or \
            not -2**63 <= iv.microseconds < 2**63:
        raise E.invalid("interval out of range", "22008")
    return iv


