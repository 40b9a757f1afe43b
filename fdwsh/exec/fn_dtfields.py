"""EXTRACT / date_part, date_trunc, age and the make_* constructors (timestamp.c, date.c).

Fields come from PostgreSQL's broken-down time (years BC counted as PostgreSQL counts them,
ISO weeks, julian days); ``extract`` returns numeric with PostgreSQL 15's scales (second: 6,
milliseconds: 3, epoch: 6), ``date_part`` double precision.  timestamptz fields are taken in
the session's TimeZone.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fdwsh.exec import pgerrors as E
from fdwsh.exec.fn_clock import (days_of, is_infinite, local_to_utc, make_date, make_ts,
                                 usec_of, utc_to_local)
from fdwsh.exec.fn_numeric import numeric_add, numeric_div
from fdwsh.exec.functions import factory, register
from fdwsh.types.dtcore import (DAY_TAB, POSTGRES_EPOCH_JDATE, USECS_PER_DAY, InfiniteTime,
                                date2j, isleap, j2date, j2day)
from fdwsh.types.interval import Interval

UNIX_EPOCH_USEC = -946684800 * 1_000_000
_UNITS = {
    "microsecond": "us", "microseconds": "us", "us": "us", "usec": "us", "usecs": "us",
    "millisecond": "ms", "milliseconds": "ms", "ms": "ms", "msec": "ms", "msecs": "ms",
    "second": "second", "seconds": "second", "s": "second", "sec": "second", "secs": "second",
    "minute": "minute", "minutes": "minute", "m": "minute", "min": "minute", "mins": "minute",
    "hour": "hour", "hours": "hour", "h": "hour", "hr": "hour", "hrs": "hour",
    "day": "day", "days": "day", "d": "day", "week": "week", "weeks": "week", "w": "week",
    "month": "month", "months": "month", "mon": "month", "mons": "month",
    "quarter": "quarter", "qtr": "quarter", "year": "year", "years": "year", "y": "year",
    "yr": "year", "yrs": "year", "decade": "decade", "decades": "decade", "dec": "decade",
    "decs": "decade", "century": "century", "centuries": "century", "c": "century",
    "cent": "century", "millennium": "millennium", "millennia": "millennium",
    "mil": "millennium", "mils": "millennium", "epoch": "epoch", "julian": "julian",
    "j": "julian", "dow": "dow", "doy": "doy", "isodow": "isodow", "isoyear": "isoyear",
    "timezone": "timezone", "timezone_h": "timezone_h", "timezone_m": "timezone_m",
}
_TYPE_LABELS = {"ts": "timestamp without time zone", "tstz": "timestamp with time zone",
                "date": "date", "interval": "interval"}


def _unit(text: str, kind: str) -> str:
    low = text.lower()
    unit = _UNITS.get(low)
    if unit is None:
        raise E.invalid(f'unit "{low}" not recognized for type {_TYPE_LABELS[kind]}')
    return unit


def _unsupported(unit: str, text: str, kind: str) -> Exception:
    return E.invalid(f'unit "{text.lower()}" not supported for type {_TYPE_LABELS[kind]}',
                     "0A000")


def isoweek(y: int, m: int, d: int) -> int:
    """date2isoweek()."""
    dayn = date2j(y, m, d)
    day4 = date2j(y, 1, 4)
    day0 = j2day(day4 - 1)
    if dayn < day4 - day0:
        day4 = date2j(y - 1, 1, 4)
        day0 = j2day(day4 - 1)
    week = (dayn - (day4 - day0)) // 7 + 1
    if week >= 52:
        day4 = date2j(y + 1, 1, 4)
        day0 = j2day(day4 - 1)
        if dayn >= day4 - day0:
            week = (dayn - (day4 - day0)) // 7 + 1
    return week


def isoyear(y: int, m: int, d: int) -> int:
    week = isoweek(y, m, d)
    if week >= 52 and m == 1:
        return y - 1
    if week == 1 and m == 12:
        return y + 1
    return y


def _cdiv(a: int, b: int) -> int:
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


def _year_field(unit: str, y: int) -> int:
    if unit == "year":
        return y if y > 0 else y - 1
    if unit == "decade":
        return _cdiv(y, 10) if y >= 0 else -_cdiv(8 - (y - 1), 10)
    if unit == "century":
        return _cdiv(y + 99, 100) if y > 0 else -_cdiv(99 - (y - 1), 100)
    return _cdiv(y + 999, 1000) if y > 0 else -_cdiv(999 - (y - 1), 1000)


def _fixed(value: int, scale: int) -> Decimal:
    """int64_div_fast_to_numeric(): value / 10^scale with ``scale`` digits."""
    return Decimal(value).scaleb(-scale)


def timestamp_fields(unit: str, usec: int) -> Decimal | None:
    """A field of a (local) timestamp as numeric; None for a unit that is not a date field."""
    day, tod = divmod(usec, USECS_PER_DAY)
    y, m, d = j2date(day + POSTGRES_EPOCH_JDATE)
    sec_us = tod % 60_000_000
    simple = {"minute": tod // 60_000_000 % 60, "hour": tod // 3_600_000_000, "day": d,
              "month": m, "quarter": (m - 1) // 3 + 1, "week": isoweek(y, m, d),
              "dow": j2day(day + POSTGRES_EPOCH_JDATE),
              "doy": date2j(y, m, d) - date2j(y, 1, 1) + 1, "isoyear": isoyear(y, m, d)}
    if unit in simple:
        return Decimal(simple[unit])
    if unit == "isodow":
        return Decimal(j2day(day + POSTGRES_EPOCH_JDATE) or 7)
    if unit in ("year", "decade", "century", "millennium"):
        return Decimal(_year_field(unit, y))
    if unit == "us":
        return Decimal(sec_us)
    if unit == "ms":
        return _fixed(sec_us, 3)
    if unit == "second":
        return _fixed(sec_us, 6)
    if unit == "julian":
        return numeric_add(Decimal(day + POSTGRES_EPOCH_JDATE),
                           numeric_div(Decimal(tod), Decimal(USECS_PER_DAY)))
    return None


def _infinite_field(unit: str, v: InfiniteTime) -> Decimal | None:
    """Fields of ±infinity: the monotonic ones are ±Infinity, the others NULL."""
    if unit in ("epoch", "julian", "year", "decade", "century", "millennium", "isoyear"):
        return Decimal("Infinity") if v.sign > 0 else Decimal("-Infinity")
    return None


def extract_timestamp(text: str, v: Any, kind: str, ctx: Any) -> Decimal | None:
    unit = _unit(text, kind)
    if isinstance(v, InfiniteTime):
        return _infinite_field(unit, v)
    usec = usec_of(v)
    if unit == "epoch":
        return _fixed(usec - UNIX_EPOCH_USEC, 6)
    if kind == "tstz":
        offset = ctx.settings.timezone.at_utc(usec)[0]
        if unit.startswith("timezone"):
            return Decimal({"timezone": offset, "timezone_h": _cdiv(offset, 3600),
                            "timezone_m": _cdiv(offset, 60) % 60 if offset >= 0 else
                            -(_cdiv(-offset, 60) % 60)}[unit])
        usec = utc_to_local(usec, ctx)
    found = timestamp_fields(unit, usec)
    if found is None:
        raise _unsupported(unit, text, kind)
    return found


def extract_date(text: str, v: Any) -> Decimal | None:
    unit = _unit(text, "date")
    if isinstance(v, InfiniteTime):
        return _infinite_field(unit, v)
    days = days_of(v)
    if unit == "epoch":
        return Decimal((days * USECS_PER_DAY - UNIX_EPOCH_USEC) // 1_000_000)
    if unit == "julian":
        return Decimal(days + POSTGRES_EPOCH_JDATE)
    if unit in ("us", "ms", "second", "minute", "hour") or unit.startswith("timezone"):
        raise _unsupported(unit, text, "date")
    return timestamp_fields(unit, days * USECS_PER_DAY)


def extract_interval(text: str, iv: Interval) -> Decimal:
    unit = _unit(text, "interval")
    years, months = _cdiv(iv.months, 12), iv.months - _cdiv(iv.months, 12) * 12
    usec = iv.microseconds
    sec_us = usec - _cdiv(usec, 60_000_000) * 60_000_000
    values = {"us": Decimal(sec_us), "ms": _fixed(sec_us, 3), "second": _fixed(sec_us, 6),
              "minute": Decimal(_cdiv(usec, 60_000_000) - _cdiv(usec, 3_600_000_000) * 60),
              "hour": Decimal(_cdiv(usec, 3_600_000_000)), "day": Decimal(iv.days),
              "month": Decimal(months), "quarter": Decimal(_cdiv(months, 3) + 1),
              "year": Decimal(years), "decade": Decimal(_cdiv(years, 10)),
              "century": Decimal(_cdiv(years, 100)), "millennium": Decimal(_cdiv(years, 1000))}
    if unit in values:
        return values[unit]
    if unit == "epoch":
        secs = (1461 * years + 120 * months + 4 * iv.days) * (86400 // 4)
        return _fixed(secs * 1_000_000 + usec, 6)
    raise _unsupported(unit, text, "interval")


@factory("extract_timestamp", "extract_timestamptz", "timestamp_part", "timestamptz_part")
def _extract_ts(node: Any, ctx: Any) -> Any:
    impl = node.func.impl
    kind = "tstz" if "timestamptz" in impl else "ts"
    as_float = impl.endswith("_part")

    def extract(text: str, v: Any) -> Any:
        found = extract_timestamp(text, v, kind, ctx)
        if as_float and found is not None and found.is_finite() and \
                _UNITS.get(text.lower()) in _FRACTIONAL:
            return _float_field(_UNITS[text.lower()], v, kind, ctx)
        return _result(found, as_float)
    return extract


_FRACTIONAL = frozenset({"epoch", "second", "ms", "julian"})


def _float_field(unit: str, v: Any, kind: str, ctx: Any) -> float:
    """date_part()'s double arithmetic for the fractional fields (as timestamp_part())."""
    usec = usec_of(v)
    if unit == "epoch":
        return (usec - UNIX_EPOCH_USEC) / 1000000.0
    if kind == "tstz":
        usec = utc_to_local(usec, ctx)
    day, tod = divmod(usec, USECS_PER_DAY)
    sec, us = divmod(tod % 60_000_000, 1_000_000)
    if unit == "second":
        return sec + us / 1000000.0
    if unit == "ms":
        return sec * 1000.0 + us / 1000.0
    whole = tod // 1_000_000
    return (day + POSTGRES_EPOCH_JDATE) + (whole + us / 1000000.0) / 86400.0


def _result(found: Decimal | None, as_float: bool) -> Any:
    if found is None or not as_float:
        return found
    return float(found)


def _interval_part(text: str, iv: Interval) -> float:
    """date_part(text, interval): double arithmetic for epoch and seconds."""
    unit = _UNITS.get(text.lower())
    found = extract_interval(text, iv)
    sec_us = iv.microseconds - _cdiv(iv.microseconds, 60_000_000) * 60_000_000
    if unit == "epoch":
        return (iv.microseconds / 1000000.0 + 365.25 * 86400 * _cdiv(iv.months, 12)
                + 30.0 * 86400 * (iv.months - _cdiv(iv.months, 12) * 12)
                + 86400.0 * iv.days)
    if unit == "second":
        return _cdiv(sec_us, 1_000_000) + (sec_us - _cdiv(sec_us, 1_000_000) * 1_000_000) \
            / 1000000.0
    if unit == "ms":
        whole = _cdiv(sec_us, 1_000_000)
        return whole * 1000.0 + (sec_us - whole * 1_000_000) / 1000.0
    return float(found)


register("extract_date")(extract_date)
register("date_part(text,date)")(lambda text, v: _result(extract_timestamp(
    text, v if is_infinite(v) else make_ts(days_of(v) * USECS_PER_DAY, False), "ts", None),
    True))
register("extract_interval")(extract_interval)
register("interval_part")(_interval_part)


# ---- date_trunc ----------------------------------------------------------------------------------


def trunc_local(unit: str, usec: int, text: str, kind: str) -> int:
    """timestamp_trunc()'s field clearing on local microseconds."""
    day, tod = divmod(usec, USECS_PER_DAY)
    y, m, d = j2date(day + POSTGRES_EPOCH_JDATE)
    if unit == "us":
        return usec
    if unit == "ms":
        return usec - usec % 1000
    if unit in ("second", "minute", "hour", "day"):
        step = {"second": 1_000_000, "minute": 60_000_000, "hour": 3_600_000_000,
                "day": USECS_PER_DAY}[unit]
        return usec - (usec % step)
    if unit == "week":
        week = isoweek(y, m, d)
        year = y - 1 if week >= 52 and m == 1 else (y + 1 if week <= 1 and m == 12 else y)
        day4 = date2j(year, 1, 4)
        monday = day4 - j2day(day4 - 1) + (week - 1) * 7
        return (monday - POSTGRES_EPOCH_JDATE) * USECS_PER_DAY
    if unit in ("millennium", "century", "decade"):
        if unit == "millennium":
            y = _cdiv(y + 999, 1000) * 1000 - 999 if y > 0 else -_cdiv(999 - (y - 1), 1000) \
                * 1000 + 1
        elif unit == "century":
            y = _cdiv(y + 99, 100) * 100 - 99 if y > 0 else -_cdiv(99 - (y - 1), 100) * 100 + 1
        else:
            y = _cdiv(y, 10) * 10 if y > 0 else -_cdiv(8 - (y - 1), 10) * 10
        m = 1
    elif unit == "year":
        m = 1
    elif unit == "quarter":
        m = 3 * ((m - 1) // 3) + 1
    elif unit != "month":
        raise _unsupported(unit, text, kind)
    return (date2j(y, m, 1) - POSTGRES_EPOCH_JDATE) * USECS_PER_DAY


@factory("timestamp_trunc", "timestamptz_trunc")
def _date_trunc(node: Any, ctx: Any) -> Any:
    tz = node.func.impl == "timestamptz_trunc"
    kind = "tstz" if tz else "ts"

    def date_trunc(text: str, v: Any) -> Any:
        unit = _unit(text, kind)
        if isinstance(v, InfiniteTime):
            return v
        if not tz:
            return make_ts(trunc_local(unit, usec_of(v), text, kind), False)
        if unit in ("us", "ms", "second", "minute"):
            return make_ts(trunc_local(unit, usec_of(v), text, kind), True)
        local = trunc_local(unit, utc_to_local(usec_of(v), ctx), text, kind)
        return make_ts(local_to_utc(local, ctx), True)
    return date_trunc


# ---- age and constructors ------------------------------------------------------------------------


def age(a: int, b: int) -> Interval:
    """timestamp_age(): symbolic years/months/days between two local timestamps."""
    fa, fb = _broken(a), _broken(b)
    diff = [x - y for x, y in zip(fa, fb)]  # y, m, d, usec-of-day
    sign = -1 if a < b else 1
    if sign < 0:
        diff = [-x for x in diff]
    years, months, days, usec = diff
    while usec < 0:
        usec += USECS_PER_DAY
        days -= 1
    while days < 0:
        if sign < 0:
            y, mo = fa[0], fa[1]
        else:
            y, mo = fb[0], fb[1]
        days += DAY_TAB[isleap(y)][mo - 1]
        months -= 1
    while months < 0:
        months += 12
        years -= 1
    if sign < 0:
        years, months, days, usec = -years, -months, -days, -usec
    return Interval(years * 12 + months, days, usec)


def _broken(usec: int) -> list[int]:
    day, tod = divmod(usec, USECS_PER_DAY)
    y, m, d = j2date(day + POSTGRES_EPOCH_JDATE)
    return [y, m, d, tod]


register("timestamp_age")(lambda a, b: age(usec_of(a), usec_of(b)))


@factory("timestamptz_age")
def _age_tz(node: Any, ctx: Any) -> Any:
    return lambda a, b: age(utc_to_local(usec_of(a), ctx), utc_to_local(usec_of(b), ctx))


@factory("age(timestamp)", "age(timestamptz)")
def _age_now(node: Any, ctx: Any) -> Any:
    from fdwsh.exec.fn_clock import statement_now
    tz = node.func.impl.endswith("tz)")

    def age_from_today(v: Any) -> Interval:
        today = utc_to_local(usec_of(statement_now(ctx)), ctx) // USECS_PER_DAY * USECS_PER_DAY
        other = utc_to_local(usec_of(v), ctx) if tz else usec_of(v)
        return age(today, other)
    return age_from_today


@register("make_date")
def _make_date(y: int, m: int, d: int) -> Any:
    if y == 0 or not 1 <= m <= 12:
        raise E.invalid(f"date field value out of range: {y}-{m:02d}-{d:02d}", "22008")
    yy = y + 1 if y < 0 else y
    if not 1 <= d <= DAY_TAB[isleap(yy)][m - 1]:
        raise E.invalid(f"date field value out of range: {y}-{m:02d}-{d:02d}", "22008")
    return make_date(date2j(yy, m, d) - POSTGRES_EPOCH_JDATE)


def _time_usec(h: int, mi: int, sec: float) -> int:
    if not (0 <= h <= 24 and 0 <= mi <= 59 and 0 <= sec <= 60) or (
            h == 24 and (mi or sec)):
        raise E.invalid(f"time field value out of range: {h}:{mi:02d}:{sec:09.6f}".rstrip("0")
                        .rstrip("."), "22008")
    return ((h * 60 + mi) * 60) * 1_000_000 + round(sec * 1_000_000)


@register("make_timestamp")
def _make_timestamp(y: int, m: int, d: int, h: int, mi: int, sec: float) -> Any:
    day = _make_date(y, m, d)
    return make_ts(days_of(day) * USECS_PER_DAY + _time_usec(h, mi, sec), False)


@factory("make_timestamptz")
def _make_timestamptz(node: Any, ctx: Any) -> Any:
    def build(y: int, m: int, d: int, h: int, mi: int, sec: float) -> Any:
        local = usec_of(_make_timestamp(y, m, d, h, mi, sec))
        return make_ts(local_to_utc(local, ctx), True)
    return build


@register("make_time")
def _make_time(h: int, mi: int, sec: float) -> Any:
    from fdwsh.types.dtcore import time_value
    return time_value(_time_usec(h, mi, sec))


@register("make_interval")
def _make_interval(years: int = 0, months: int = 0, weeks: int = 0, days: int = 0,
                   hours: int = 0, mins: int = 0, secs: float = 0.0) -> Interval:
    from fdwsh.exec.fn_clock import check_interval
    usec = round((hours * 3600 + mins * 60) * 1e6 + secs * 1e6)
    return check_interval(Interval(years * 12 + months, weeks * 7 + days, int(usec)))
