"""Interval input helpers: the pg_itm_in accumulator with PostgreSQL's overflow limits, and
DecodeISO8601Interval (``P1Y2M3DT4H5M6S`` and the alternative ``P0001-02-03T04:05:06``).

Contract: :class:`Acc` adds parts the way AdjustYears/AdjustMonths/AdjustDays/
AdjustMicroseconds do (raising FIELD_OVERFLOW past int32/int64); :func:`decode_iso8601`
returns the parts of an ISO 8601 duration or raises a :class:`~fdwsh.types.dtlex.DtError`.
"""

from __future__ import annotations

import re

from fdwsh.types import dtlex as L
from fdwsh.types.common import cdiv, cmod
from fdwsh.types.dtlex import DtError

USEC = {"s": 1_000_000, "m": 60_000_000, "h": 3_600_000_000, "d": 86_400_000_000}
I64 = 1 << 63
I32 = 1 << 31
_ISO_NUM = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


class Acc:
    """pg_itm_in: the parts accumulated so far, with PostgreSQL's overflow limits."""

    def __init__(self) -> None:
        self.usec = 0
        self.mday = 0
        self.mon = 0
        self.year = 0

    def add_usec(self, val: int, fval: float, scale: int) -> None:
        self.usec = i64(self.usec + val * scale)
        self.fract_usec(fval, scale)

    def fract_usec(self, frac: float, scale: int) -> None:
        if frac == 0:
            return
        frac *= scale
        usec = int(frac)
        frac -= usec
        if frac > 0.5:
            usec += 1
        elif frac < -0.5:
            usec -= 1
        self.usec = i64(self.usec + usec)

    def add_days(self, val: int, scale: int) -> None:
        i32(val)
        self.mday = i32(self.mday + i32(val * scale))

    def fract_days(self, frac: float, scale: int) -> None:
        if frac == 0:
            return
        frac *= scale
        extra = int(frac)
        self.mday = i32(self.mday + extra)
        self.fract_usec(frac - extra, 86_400_000_000)

    def add_months(self, val: int) -> None:
        self.mon = i32(self.mon + i32(val))

    def add_years(self, val: int, scale: int) -> None:
        i32(val)
        self.year = i32(self.year + i32(val * scale))

    def fract_years(self, frac: float, scale: int) -> None:
        self.mon = i32(self.mon + round(frac * scale * 12))


def i64(v: int) -> int:
    if not -I64 <= v < I64:
        raise DtError(L.FIELD_OVERFLOW)
    return v


def i32(v: int) -> int:
    if not -I32 <= v < I32:
        raise DtError(L.FIELD_OVERFLOW)
    return v


def _iso_number(s: str, pos: int) -> tuple[int, float, int]:
    if pos >= len(s) or not (s[pos].isdigit() or s[pos] in "-."):
        raise DtError(L.BAD_FORMAT)
    m = _ISO_NUM.match(s, pos)
    if m is None:
        raise DtError(L.BAD_FORMAT)
    val = float(m.group())
    if val != val or not -1e15 <= val <= 1e15:
        raise DtError(L.FIELD_OVERFLOW)
    ipart = int(val)
    return ipart, val - ipart, m.end()


def _int_width(s: str, pos: int) -> int:
    if s[pos:pos + 1] == "-":
        pos += 1
    end = pos
    while end < len(s) and s[end].isdigit():
        end += 1
    return end - pos


def decode_iso8601(s: str) -> Acc:
    """DecodeISO8601Interval(): P1Y2M3DT4H5M6S and the alternative P0001-02-03T04:05:06."""
    acc = Acc()
    if len(s) < 2 or s[0] != "P":
        raise DtError(L.BAD_FORMAT)
    pos, datepart, havefield = 1, True, False
    while pos < len(s):
        if s[pos] == "T":
            datepart, havefield, pos = False, False, pos + 1
            continue
        start = pos
        val, fval, pos = _iso_number(s, pos)
        unit = s[pos] if pos < len(s) else ""
        pos += 1
        step = _iso_date_unit if datepart else _iso_time_unit
        state, pos = step(s, unit, start, val, fval, havefield, acc, pos)
        if state == "done":
            return acc
        if state == "time":
            datepart, havefield = False, False
            continue
        havefield = True
    return acc


def _iso_date_unit(s: str, unit: str, start: int, val: int, fval: float, havefield: bool,
                   acc: Acc, pos: int) -> tuple[str, int]:
    """One date-part designator → ("next" | "done" | "time", position to go on from)."""
    if unit == "Y":
        acc.add_years(val, 1)
        acc.fract_years(fval, 1)
    elif unit == "M":
        acc.add_months(val)
        acc.fract_days(fval, 30)
    elif unit == "W":
        acc.add_days(val, 7)
        acc.fract_days(fval, 7)
    elif unit == "D":
        acc.add_days(val, 1)
        acc.fract_usec(fval, USEC["d"])
    elif unit in ("T", "") and _int_width(s, start) == 8 and not havefield:
        acc.add_years(cdiv(val, 10000), 1)
        acc.add_months(cmod(cdiv(val, 100), 100))
        acc.add_days(cmod(val, 100), 1)
        acc.fract_usec(fval, USEC["d"])
        return ("done" if unit == "" else "time"), pos
    elif unit in ("T", "", "-"):
        return _iso_alt_date(s, unit, val, fval, havefield, acc, pos)
    else:
        raise DtError(L.BAD_FORMAT)
    return "next", pos


def _iso_alt_date(s: str, unit: str, val: int, fval: float, havefield: bool, acc: Acc,
                  pos: int) -> tuple[str, int]:
    if havefield:
        raise DtError(L.BAD_FORMAT)
    acc.add_years(val, 1)
    acc.fract_years(fval, 1)
    if unit == "":
        return "done", pos
    if unit == "T":
        return "time", pos
    val, fval, pos = _iso_number(s, pos)
    acc.add_months(val)
    acc.fract_days(fval, 30)
    if pos >= len(s):
        return "done", pos
    if s[pos] == "T":
        return "time", pos + 1
    if s[pos] != "-":
        raise DtError(L.BAD_FORMAT)
    val, fval, pos = _iso_number(s, pos + 1)
    acc.add_days(val, 1)
    acc.fract_usec(fval, USEC["d"])
    if pos >= len(s):
        return "done", pos
    if s[pos] == "T":
        return "time", pos + 1
    raise DtError(L.BAD_FORMAT)


def _iso_time_unit(s: str, unit: str, start: int, val: int, fval: float, havefield: bool,
                   acc: Acc, pos: int) -> tuple[str, int]:
    if unit in ("H", "M", "S"):
        acc.add_usec(val, fval, USEC[unit.lower()])
        return "next", pos
    if unit not in ("", ":"):
        raise DtError(L.BAD_FORMAT)
    if unit == "" and _int_width(s, start) == 6 and not havefield:
        acc.add_usec(cdiv(val, 10000), 0, USEC["h"])
        acc.add_usec(cmod(cdiv(val, 100), 100), 0, USEC["m"])
        acc.add_usec(cmod(val, 100), 0, USEC["s"])
        acc.fract_usec(fval, 1)
        return "done", pos
    if havefield:
        raise DtError(L.BAD_FORMAT)
    acc.add_usec(val, fval, USEC["h"])
    if unit == "":
        return "done", pos
    val, fval, pos = _iso_number(s, pos)
    acc.add_usec(val, fval, USEC["m"])
    if pos >= len(s):
        return "done", pos
    if s[pos] != ":":
        raise DtError(L.BAD_FORMAT)
    val, fval, pos = _iso_number(s, pos + 1)
    acc.add_usec(val, fval, USEC["s"])
    if pos >= len(s):
        return "done", pos
    raise DtError(L.BAD_FORMAT)
