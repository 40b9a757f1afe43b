"""interval_in(): DecodeInterval and DecodeISO8601Interval of PostgreSQL 15.

Contract: :func:`parse_interval` (text, typmod, settings) → :class:`Interval` or PostgreSQL's
error.  Fields are read right to left so units label the numbers before them; a bare number
takes its unit from the typmod's range (seconds by default); IntervalStyle sql_standard makes a
leading minus apply to every field when no other field carries a sign.
"""

from __future__ import annotations

import re

from fdwsh.types import dtlex as L
from fdwsh.types.dtdecode import Tm, decode_time
from fdwsh.types.dtlex import DtError
from fdwsh.types.interval import FULL_RANGE, Interval, adjust_for_typmod, check_months
from fdwsh.types.intervaliso import I32 as _I32
from fdwsh.types.intervaliso import I64 as _I64
from fdwsh.types.intervaliso import USEC, Acc, decode_iso8601, i64
from fdwsh.types.settings import StyleSettings

_YEAR, _MONTH, _DAY, _HOUR, _MINUTE, _SECOND = 1 << 2, 1 << 1, 1 << 3, 1 << 10, 1 << 11, 1 << 12
_RANGE_UNIT = {
    _YEAR: L.D_YEAR, _MONTH: L.D_MONTH, _YEAR | _MONTH: L.D_MONTH, _DAY: L.D_DAY,
    _HOUR: L.D_HOUR, _DAY | _HOUR: L.D_HOUR, _MINUTE: L.D_MINUTE,
    _HOUR | _MINUTE: L.D_MINUTE, _DAY | _HOUR | _MINUTE: L.D_MINUTE,
}


def _time_usec(text: str, rng: int) -> int:
    tm = Tm()
    decode_time(text, rng, tm, interval=True)
    return i64(((tm.hour * 60 + tm.min) * 60 + tm.sec) * 1_000_000 + tm.fsec)


def _apply(acc: Acc, unit: int, val: int, fval: float) -> int:
    """Add ``val + fval`` of ``unit`` to the parts; returns the field's mask."""
    if unit == L.D_MICROSEC:
        acc.add_usec(val, fval, 1)
        return L.M(L.MICROSECOND)
    if unit == L.D_MILLISEC:
        acc.add_usec(val, fval, 1000)
        return L.M(L.MILLISECOND)
    if unit == L.D_SECOND:
        acc.add_usec(val, fval, USEC["s"])
        return L.M(L.SECOND) if fval == 0 else L.ALL_SECS_M
    if unit == L.D_MINUTE:
        acc.add_usec(val, fval, USEC["m"])
        return L.M(L.MINUTE)
    if unit == L.D_HOUR:
        acc.add_usec(val, fval, USEC["h"])
        return L.M(L.HOUR)
    if unit == L.D_DAY:
        acc.add_days(val, 1)
        acc.fract_usec(fval, USEC["d"])
        return L.M(L.DAY)
    if unit == L.D_WEEK:
        acc.add_days(val, 7)
        acc.fract_days(fval, 7)
        return L.M(L.WEEK)
    if unit == L.D_MONTH:
        acc.add_months(val)
        acc.fract_days(fval, 30)
        return L.M(L.MONTH)
    scale = {L.D_YEAR: 1, L.D_DECADE: 10, L.D_CENTURY: 100, L.D_MILLENNIUM: 1000}.get(unit)
    if scale is None:
        raise DtError(L.BAD_FORMAT)
    acc.add_years(val, scale)
    acc.fract_years(fval, scale)
    return L.M({1: L.YEAR, 10: L.DECADE, 100: L.CENTURY, 1000: L.MILLENNIUM}[scale])


def _number(field: str, force_negative: bool) -> tuple[int, float, bool]:
    """(integer part, fraction, is year-month) of a numeric interval field."""
    val, rest = _strtoi64(field)
    fval = 0.0
    if rest.startswith("-"):
        val2, tail = L.strtoint(rest[1:])
        if not 0 <= val2 < 12:
            raise DtError(L.FIELD_OVERFLOW)
        if tail:
            raise DtError(L.BAD_FORMAT)
        if field.startswith("-"):
            val2 = -val2
        val = i64(i64(val * 12) + val2)
        year_month = True
    else:
        year_month = False
        if rest.startswith("."):
            try:
                fval = 0.0 if rest == "." else float(rest)
            except ValueError:
                raise DtError(L.BAD_FORMAT) from None
            if field.startswith("-"):
                fval = -fval
        elif rest:
            raise DtError(L.BAD_FORMAT)
    if force_negative:
        val, fval = -abs(val) if val > 0 else val, -fval if fval > 0 else fval
    return val, fval, year_month


def _strtoi64(s: str) -> tuple[int, str]:
    m = re.match(r"[+-]?[0-9]+", s)
    if m is None:
        return 0, s
    return i64(int(m.group())), s[m.end():]


def decode_interval(fields: list[tuple[str, str]], rng: int, settings: StyleSettings) -> Acc:
    acc = Acc()
    force_negative = (settings.interval_style == "sql_standard" and bool(fields)
                      and fields[0][0].startswith("-")
                      and not any(f[0][:1] in "+-" for f in fields[1:]))
    fmask, unit, is_before = 0, L.IGNORE, False
    for i in range(len(fields) - 1, -1, -1):
        field, kind = fields[i]
        if kind == L.TIME or (kind == L.TZ and ":" in field[1:] and _try_time(field, rng, acc)):
            if kind == L.TIME:
                acc.usec = _time_usec(field, rng)
            if force_negative and acc.usec > 0:
                acc.usec = -acc.usec
            tmask, unit = L.TIME_M, L.D_DAY
        elif kind in (L.TZ, L.DATE, L.NUMBER):
            if unit == L.IGNORE:
                unit = _RANGE_UNIT.get(rng, L.D_SECOND)
            val, fval, year_month = _number(field, force_negative)
            if year_month:
                unit = L.D_MONTH
            tmask = _apply(acc, unit, val, fval)
            if unit == L.D_HOUR:
                unit = L.D_DAY
        else:
            typ, uval = L.decode_units(field)
            if typ == L.IGNORE:
                continue
            if typ == L.UNITS:
                unit, tmask = uval, 0
            elif typ == L.AGO:
                is_before, unit, tmask = True, uval, 0
            else:
                raise DtError(L.BAD_FORMAT)
        if tmask & fmask:
            raise DtError(L.BAD_FORMAT)
        fmask |= tmask
    if fmask == 0:
        raise DtError(L.BAD_FORMAT)
    if is_before:
        acc.usec, acc.mday, acc.mon, acc.year = -acc.usec, -acc.mday, -acc.mon, -acc.year
    return acc


def _try_time(field: str, rng: int, acc: Acc) -> bool:
    """A signed hh:mm[:ss] field: decode it into acc (with its sign) if it is one."""
    try:
        usec = _time_usec(field[1:], rng)
    except DtError:
        return False
    acc.usec = -usec if field[0] == "-" else usec
    return True


_POSTGRES_STYLE = re.compile(
    r"(?:(-?\d{1,9}) years?(?: |\Z))?(?:([+-]?\d{1,9}) mons?(?: |\Z))?"
    r"(?:([+-]?\d{1,10}) days?(?: |\Z))?(?:([+-]?)(\d{1,10}):(\d\d):(\d\d)(?:\.(\d{1,6}))?)?\Z")


def _fast(text: str, settings: StyleSettings) -> Interval | None:
    """IntervalStyle postgres output (what a remote sends) without the general parser."""
    if not text or (text[0] == "-" and settings.interval_style == "sql_standard"):
        return None
    m = _POSTGRES_STYLE.match(text)
    if m is None or text.endswith(" "):
        return None
    years, mons, days, sign, h, mi, sec, frac = m.groups()
    usec = 0
    if h is not None:
        if int(mi) > 59 or int(sec) > 59:
            return None
        usec = ((int(h) * 60 + int(mi)) * 60 + int(sec)) * 1_000_000 + int((frac or "").ljust(6, "0"))
        if sign == "-":
            usec = -usec
    months = int(years or 0) * 12 + int(mons or 0)
    if not (-_I32 <= months < _I32 and -_I32 <= int(days or 0) < _I32 and -_I64 < usec < _I64):
        return None
    return Interval(months, int(days or 0), usec)


def parse_interval(text: str, typmod: int | None = None, settings: StyleSettings | None = None
                   ) -> Interval:
    assert settings is not None
    fast = _fast(text, settings)
    if fast is not None:
        return adjust_for_typmod(fast, typmod)
    rng = (typmod >> 16) & 0x7FFF if typmod is not None and typmod >= 0 else FULL_RANGE
    try:
        try:
            acc = decode_interval(L.parse_fields(text, 256), rng, settings)
        except DtError as err:
            if err.code != L.BAD_FORMAT:
                raise
            acc = decode_iso8601(text)
    except DtError as err:
        code = L.INTERVAL_OVERFLOW if err.code == L.FIELD_OVERFLOW else err.code
        raise L.report(DtError(code), text, "interval") from None
    months = check_months(acc.year * 12 + acc.mon)
    return adjust_for_typmod(Interval(months, acc.mday, acc.usec), typmod)
