"""Calendar arithmetic of PostgreSQL's date/time code and the Python values of date/time types.

Python values (the executor's currency):

- date: ``datetime.date``; outside years 1-9999 a :class:`PgDate`; ``INFINITY``/``NEG_INFINITY``.
- timestamp: naive ``datetime.datetime``; else :class:`PgTimestamp`; or the infinities.
- timestamptz: ``datetime.datetime`` in UTC (tzinfo=timezone.utc); else :class:`PgTimestamp`
  with ``tz=True``; or the infinities.
- time: ``datetime.time``; 24:00:00 is :data:`TIME_24`.  timetz: ``datetime.time`` with a
  ``datetime.timezone`` tzinfo (or a :class:`Time24` carrying one).

Internally the code works on PostgreSQL's own numbers: days and microseconds since
2000-01-01 (DateADT, Timestamp), so every range check and rounding is PostgreSQL's.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

USECS_PER_SEC = 1_000_000
USECS_PER_MINUTE = 60 * USECS_PER_SEC
USECS_PER_HOUR = 60 * USECS_PER_MINUTE
USECS_PER_DAY = 24 * USECS_PER_HOUR
POSTGRES_EPOCH_JDATE = 2451545
UNIX_EPOCH_JDATE = 2440588
JULIAN_MINYEAR, JULIAN_MINMONTH = -4713, 11
JULIAN_MAXYEAR, JULIAN_MAXMONTH = 5874898, 6
DATE_END_JULIAN = 2147483494
TIMESTAMP_END_JULIAN = 109203528
MIN_TIMESTAMP = -211813488000000000
END_TIMESTAMP = 9223371331200000000
DATE_MIN = -POSTGRES_EPOCH_JDATE
DATE_END = DATE_END_JULIAN - POSTGRES_EPOCH_JDATE
MAX_TZDISP_HOUR = 15
TZDISP_LIMIT = (MAX_TZDISP_HOUR + 1) * 3600
DAY_TAB = ((31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31),
           (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31))
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
DAYS = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")

EPOCH = dt.datetime(2000, 1, 1)
EPOCH_UTC = EPOCH.replace(tzinfo=dt.timezone.utc)
ORDINAL_2000 = dt.date(2000, 1, 1).toordinal()
_ONE_USEC = dt.timedelta(microseconds=1)
_PY_MIN_DAYS = 1 - ORDINAL_2000
_PY_MAX_DAYS = dt.date(9999, 12, 31).toordinal() - ORDINAL_2000


def isleap(y: int) -> bool:
    return y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)


def _wrap32(x: int) -> int:
    return ((x + 0x80000000) & 0xFFFFFFFF) - 0x80000000


def _cdiv(a: int, b: int) -> int:
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


def date2j(y: int, m: int, d: int) -> int:
    """Julian day number of a (proleptic Gregorian) date; year 0 is 1 BC.

    Computed in C's 32-bit int arithmetic (wrapping), as PostgreSQL does, so that even absurd
    years give PostgreSQL's (absurd) answers."""
    if m > 2:
        m += 1
        y += 4800
    else:
        m += 13
        y += 4799
    if -5_000_000 < y < 5_000_000 and -1000 < d < 1000:
        century = y // 100
        return y * 365 - 32167 + y // 4 - century + century // 4 + 7834 * m // 256 + d
    y, w = _wrap32(y), _wrap32
    century = _cdiv(y, 100)
    julian = w(w(y * 365) - 32167)
    julian = w(julian + w(_cdiv(y, 4) - century + _cdiv(century, 4)))
    return w(julian + _cdiv(7834 * m, 256) + d)


def j2date(jd: int) -> tuple[int, int, int]:
    """The date of a Julian day (C unsigned arithmetic outside the usual range)."""
    julian = (jd + 32044) & 0xFFFFFFFF if not 0 <= jd + 32044 < 2**31 else jd + 32044
    quad = julian // 146097
    extra = ((julian - quad * 146097) * 4 + 3) & 0xFFFFFFFF
    julian = (julian + 60 + quad * 3 + extra // 146097) & 0xFFFFFFFF
    quad = julian // 1461
    julian -= quad * 1461
    y = julian * 4 // 1461
    julian = ((julian + 305) % 365 if y != 0 else (julian + 306) % 366) + 123
    y = _wrap32(y + quad * 4)
    quad = julian * 2141 // 65536
    return _wrap32(y - 4800), (quad + 10) % 12 + 1, julian - 7834 * quad // 256


def j2day(jd: int) -> int:
    """Day of week, 0 = Sunday."""
    return (jd + 1) % 7


def is_valid_julian(y: int, m: int, d: int) -> bool:
    return ((y > JULIAN_MINYEAR or (y == JULIAN_MINYEAR and m >= JULIAN_MINMONTH))
            and (y < JULIAN_MAXYEAR or (y == JULIAN_MAXYEAR and m < JULIAN_MAXMONTH)))


@functools.total_ordering
class InfiniteTime:
    """``infinity`` / ``-infinity`` of date, timestamp and timestamptz."""

    __slots__ = ("sign",)

    def __init__(self, sign: int) -> None:
        self.sign = sign

    def __repr__(self) -> str:
        return "INFINITY" if self.sign > 0 else "NEG_INFINITY"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, InfiniteTime) and other.sign == self.sign

    def __hash__(self) -> int:
        return hash(("inf", self.sign))

    def __lt__(self, other: object) -> bool:
        if isinstance(other, InfiniteTime):
            return self.sign < other.sign
        return self.sign < 0

    def __str__(self) -> str:
        return "infinity" if self.sign > 0 else "-infinity"


INFINITY = InfiniteTime(1)
NEG_INFINITY = InfiniteTime(-1)


@functools.total_ordering
@dataclass(frozen=True, slots=True, eq=False)
class PgDate:
    """A date Python's ``date`` cannot hold (BC, or after 9999): days since 2000-01-01."""

    days: int

    def __eq__(self, other: object) -> bool:
        return isinstance(other, (PgDate, dt.date)) and not isinstance(other, dt.datetime) \
            and date_days(other) == self.days

    def __hash__(self) -> int:
        return hash(("date", self.days))

    def __lt__(self, other: object) -> bool:
        if isinstance(other, InfiniteTime):
            return other.sign > 0
        return self.days < date_days(other)  # type: ignore[arg-type]


@functools.total_ordering
@dataclass(frozen=True, slots=True, eq=False)
class PgTimestamp:
    """A timestamp Python's ``datetime`` cannot hold: microseconds since 2000-01-01 (UTC when
    ``tz``)."""

    usec: int
    tz: bool = False

    def __eq__(self, other: object) -> bool:
        return isinstance(other, (PgTimestamp, dt.datetime)) and ts_usec(other) == self.usec

    def __hash__(self) -> int:
        return hash(("ts", self.usec))

    def __lt__(self, other: object) -> bool:
        if isinstance(other, InfiniteTime):
            return other.sign > 0
        return self.usec < ts_usec(other)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class Time24:
    """24:00:00, which PostgreSQL's time and timetz allow and ``datetime.time`` does not."""

    tzinfo: dt.timezone | None = None


TIME_24 = Time24()


@dataclass(frozen=True, slots=True)
class PgTimeTz:
    """A timetz whose zone offset Python cannot hold (a POSIX zone name in the input can give
    up to 167 hours): microseconds since midnight and seconds *west* of UTC."""

    usec: int
    west: int


def date_days(value: dt.date | PgDate) -> int:
    """Days since 2000-01-01 of a date value."""
    if isinstance(value, PgDate):
        return value.days
    return value.toordinal() - ORDINAL_2000


def date_value(days: int) -> dt.date | PgDate:
    if _PY_MIN_DAYS <= days <= _PY_MAX_DAYS:
        return dt.date.fromordinal(days + ORDINAL_2000)
    return PgDate(days)


def ts_usec(value: dt.datetime | PgTimestamp) -> int:
    """Microseconds since 2000-01-01 (UTC for aware values) of a timestamp value."""
    if isinstance(value, PgTimestamp):
        return value.usec
    if value.tzinfo is not None:
        return (value - EPOCH_UTC) // _ONE_USEC
    return (value - EPOCH) // _ONE_USEC


def ts_value(usec: int, tz: bool = False) -> dt.datetime | PgTimestamp:
    days = usec // USECS_PER_DAY
    if _PY_MIN_DAYS <= days <= _PY_MAX_DAYS:
        return (EPOCH_UTC if tz else EPOCH) + dt.timedelta(microseconds=usec)
    return PgTimestamp(usec, tz)


def usec_fields(usec: int) -> tuple[int, int, int, int, int, int, int]:
    """(year, month, day, hour, minute, second, microsecond) of a PostgreSQL timestamp."""
    days, t = divmod(usec, USECS_PER_DAY)
    y, m, d = j2date(days + POSTGRES_EPOCH_JDATE)
    h, t = divmod(t, USECS_PER_HOUR)
    mi, t = divmod(t, USECS_PER_MINUTE)
    s, us = divmod(t, USECS_PER_SEC)
    return y, m, d, h, mi, s, us


def time_usec(value: dt.time | Time24 | PgTimeTz) -> int:
    if isinstance(value, PgTimeTz):
        return value.usec
    if isinstance(value, Time24):
        return USECS_PER_DAY
    return ((value.hour * 60 + value.minute) * 60 + value.second) * USECS_PER_SEC \
        + value.microsecond


def time_value(usec: int, tzinfo: dt.timezone | None = None) -> dt.time | Time24:
    if usec >= USECS_PER_DAY:
        return Time24(tzinfo)
    h, t = divmod(usec, USECS_PER_HOUR)
    m, t = divmod(t, USECS_PER_MINUTE)
    s, us = divmod(t, USECS_PER_SEC)
    return dt.time(h, m, s, us, tzinfo=tzinfo)


def timetz_value(usec: int, west: int) -> dt.time | Time24 | PgTimeTz:
    """The Python value of a timetz (time and zone as PostgreSQL keeps them)."""
    if abs(west) >= 86400:
        return PgTimeTz(usec, west)
    return time_value(usec, dt.timezone(dt.timedelta(seconds=-west)))


def timetz_west(value: dt.time | Time24 | PgTimeTz) -> int:
    """The zone of a timetz value in seconds west of UTC (PostgreSQL's sign)."""
    if isinstance(value, PgTimeTz):
        return value.west
    off = value.tzinfo.utcoffset(None) if value.tzinfo is not None else None
    return -int(off.total_seconds()) if off is not None else 0
