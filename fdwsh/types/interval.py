"""interval: interval_in / interval_out of PostgreSQL 15 and the typmod's truncation.

Python value: :class:`Interval` (months, days, microseconds), PostgreSQL's own three fields.
Output follows IntervalStyle (postgres, postgres_verbose, sql_standard, iso_8601); input
accepts what DecodeInterval / DecodeISO8601Interval accept (see :mod:`intervalparse`).
"""

from __future__ import annotations

from dataclasses import dataclass

from fdwsh.types.common import OUT_OF_RANGE, cdiv, error
from fdwsh.types.dtcore import USECS_PER_DAY, USECS_PER_HOUR, USECS_PER_MINUTE, USECS_PER_SEC
from fdwsh.types.dtformat import seconds_text
from fdwsh.types.settings import StyleSettings

FULL_RANGE = 0x7FFF
FULL_PRECISION = 0xFFFF
_YEAR, _MONTH, _DAY, _HOUR, _MINUTE, _SECOND = 1 << 2, 1 << 1, 1 << 3, 1 << 10, 1 << 11, 1 << 12
_SCALES = (1_000_000, 100_000, 10_000, 1_000, 100, 10, 1)


@dataclass(frozen=True, slots=True)
class Interval:
    """PostgreSQL's interval: months, days and microseconds, kept apart as PostgreSQL does."""

    months: int = 0
    days: int = 0
    microseconds: int = 0

    def cmp_key(self) -> int:
        """interval_cmp_value(): the key PostgreSQL orders and compares intervals by
        (a month counts 30 days, a day 24 hours), so '1 mon' equals '30 days'."""
        return (self.months * 30 + self.days) * USECS_PER_DAY + self.microseconds


def adjust_for_typmod(iv: Interval, typmod: int | None) -> Interval:
    """AdjustIntervalForTypmod(): drop the fields the range excludes, round the seconds."""
    if typmod is None or typmod < 0:
        return iv
    rng, precision = (typmod >> 16) & 0x7FFF, typmod & 0xFFFF
    months, days, usec = iv.months, iv.days, iv.microseconds
    if rng == _YEAR:
        months, days, usec = cdiv(months, 12) * 12, 0, 0
    elif rng in (_MONTH, _YEAR | _MONTH):
        days, usec = 0, 0
    elif rng == _DAY:
        usec = 0
    elif rng in (_HOUR, _DAY | _HOUR):
        usec = cdiv(usec, USECS_PER_HOUR) * USECS_PER_HOUR
    elif rng in (_MINUTE, _DAY | _HOUR | _MINUTE, _HOUR | _MINUTE):
        usec = cdiv(usec, USECS_PER_MINUTE) * USECS_PER_MINUTE
    if precision != FULL_PRECISION and 0 <= precision <= 6:
        scale, half = _SCALES[precision], _SCALES[precision] // 2
        usec = usec + half if usec >= 0 else usec - half
        usec -= usec - cdiv(usec, scale) * scale
        if not -(1 << 63) <= usec < 1 << 63:
            raise error("interval out of range", "22008")
    return Interval(months, days, usec)


def _split(iv: Interval) -> tuple[int, int, int, int, int, int, int]:
    """interval2itm(): years, months, days, hours, minutes, seconds, microseconds."""
    year, mon = cdiv(iv.months, 12), iv.months - cdiv(iv.months, 12) * 12
    t = iv.microseconds
    hour = cdiv(t, USECS_PER_HOUR)
    t -= hour * USECS_PER_HOUR
    mins = cdiv(t, USECS_PER_MINUTE)
    t -= mins * USECS_PER_MINUTE
    sec = cdiv(t, USECS_PER_SEC)
    return year, mon, iv.days, hour, mins, sec, t - sec * USECS_PER_SEC


def _sql_standard(year: int, mon: int, mday: int, hour: int, mins: int, sec: int,
                  fsec: int) -> str:
    parts = (year, mon, mday, hour, mins, sec, fsec)
    neg, pos = any(p < 0 for p in parts), any(p > 0 for p in parts)
    has_ym = year != 0 or mon != 0
    has_dt = any(p != 0 for p in parts[2:])
    standard = not (neg and pos) and not (has_ym and has_dt)
    prefix = ""
    if neg and standard:
        prefix = "-"
        year, mon, mday, hour, mins, sec, fsec = (-p for p in parts)
    if not neg and not pos:
        return "0"
    if not standard:
        ys = "-" if year < 0 or mon < 0 else "+"
        ds = "-" if mday < 0 else "+"
        ts = "-" if hour < 0 or mins < 0 or sec < 0 or fsec < 0 else "+"
        return (f"{ys}{abs(year)}-{abs(mon)} {ds}{abs(mday)} {ts}{abs(hour)}:{abs(mins):02d}:"
                f"{seconds_text(sec, fsec)}")
    if has_ym:
        return f"{prefix}{year}-{mon}"
    if mday != 0:
        return f"{prefix}{mday} {hour}:{mins:02d}:{seconds_text(sec, fsec)}"
    return f"{prefix}{hour}:{mins:02d}:{seconds_text(sec, fsec)}"


def _iso(year: int, mon: int, mday: int, hour: int, mins: int, sec: int, fsec: int) -> str:
    if not any((year, mon, mday, hour, mins, sec, fsec)):
        return "PT0S"
    out = ["P"]
    for value, unit in ((year, "Y"), (mon, "M"), (mday, "D")):
        if value:
            out.append(f"{value}{unit}")
    if hour or mins or sec or fsec:
        out.append("T")
    for value, unit in ((hour, "H"), (mins, "M")):
        if value:
            out.append(f"{value}{unit}")
    if sec or fsec:
        out.append(("-" if sec < 0 or fsec < 0 else "") + seconds_text(sec, fsec, False) + "S")
    return "".join(out)


def _postgres(year: int, mon: int, mday: int, hour: int, mins: int, sec: int, fsec: int) -> str:
    out: list[str] = []
    is_before, is_zero = False, True
    for value, unit in ((year, "year"), (mon, "mon"), (mday, "day")):
        if value == 0:
            continue
        plus = "+" if is_before and value > 0 else ""
        out.append(f"{'' if is_zero else ' '}{plus}{value} {unit}{'s' if value != 1 else ''}")
        is_before, is_zero = value < 0, False
    if is_zero or hour or mins or sec or fsec:
        minus = hour < 0 or mins < 0 or sec < 0 or fsec < 0
        sign = "-" if minus else ("+" if is_before else "")
        out.append(f"{'' if is_zero else ' '}{sign}{abs(hour):02d}:{abs(mins):02d}:"
                   f"{seconds_text(sec, fsec)}")
    return "".join(out)


def _verbose(year: int, mon: int, mday: int, hour: int, mins: int, sec: int, fsec: int) -> str:
    out = ["@"]
    is_before, is_zero = False, True
    for value, unit in ((year, "year"), (mon, "mon"), (mday, "day"), (hour, "hour"),
                        (mins, "min")):
        if value == 0:
            continue
        if is_zero:
            is_before = value < 0
            value = abs(value)
        elif is_before:
            value = -value
        out.append(f" {value} {unit}{'' if value == 1 else 's'}")
        is_zero = False
    if sec or fsec:
        text = " "
        if sec < 0 or (sec == 0 and fsec < 0):
            if is_zero:
                is_before = True
            elif not is_before:
                text += "-"
        elif is_before:
            text += "-"
        plural = "s" if abs(sec) != 1 or fsec != 0 else ""
        out.append(f"{text}{seconds_text(sec, fsec, False)} sec{plural}")
        is_zero = False
    if is_zero:
        out.append(" 0")
    if is_before:
        out.append(" ago")
    return "".join(out)


_STYLES = {"postgres": _postgres, "postgres_verbose": _verbose,
           "sql_standard": _sql_standard, "iso_8601": _iso}


def format_interval(value: Interval, settings: StyleSettings) -> str:
    return _STYLES.get(settings.interval_style, _postgres)(*_split(value))


def check_months(total: int) -> int:
    if not -(1 << 31) <= total < 1 << 31:
        raise error("interval out of range", "22008")
    return total


__all__ = ["Interval", "adjust_for_typmod", "format_interval", "check_months", "OUT_OF_RANGE"]
