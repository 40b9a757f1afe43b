"""DecodeDateTime() and DecodeTimeOnly() of PostgreSQL 15: fields → broken-down time.

Contract: :func:`decode_datetime` / :func:`decode_time_only` take the fields of
:func:`fdwsh.types.dtlex.parse_fields` and return ``(dtype, tm, tz)``: dtype is ``D_DATE`` /
``D_TIME`` or a special (``D_EPOCH``, ``D_LATE``, ``D_EARLY``), tm the fields, tz the zone
offset in seconds *west* (PostgreSQL's sign) or None when none was given and ``want_tz`` was
false.  Errors are :class:`~fdwsh.types.dtlex.DtError` codes, reported by the caller.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from fdwsh.errors import FdwshError
from fdwsh.types import dtlex as L
from fdwsh.types.dtcore import (DAY_TAB, POSTGRES_EPOCH_JDATE, USECS_PER_DAY, USECS_PER_SEC,
                                date2j, is_valid_julian, isleap, j2date, usec_fields)
from fdwsh.types.dtlex import DtError
from fdwsh.types.settings import StyleSettings
from fdwsh.types.tz import Zone, find_zone

D_DATE = L.D_DATE
D_TIME = L.D_TIME


@dataclass(slots=True)
class Tm:
    """struct pg_tm plus fsec (microseconds)."""

    year: int = 0
    mon: int = 0
    mday: int = 0
    hour: int = 0
    min: int = 0
    sec: int = 0
    fsec: int = 0
    yday: int = 0
    isdst: int = -1

    def local_usec(self) -> int:
        """The wall-clock time as microseconds since 2000-01-01 (no range checks)."""
        days = date2j(self.year, self.mon, self.mday) - POSTGRES_EPOCH_JDATE
        return days * USECS_PER_DAY + ((self.hour * 60 + self.min) * 60 + self.sec) \
            * USECS_PER_SEC + self.fsec


class State:
    """The loop state of one decode call (PostgreSQL's local variables)."""

    def __init__(self, settings: StyleSettings, want_tz: bool) -> None:
        self.settings = settings
        self.want_tz = want_tz
        self.fmask = 0
        self.ptype = 0
        self.mer = L.HR24
        self.have_text_month = False
        self.isjulian = False
        self.is2digits = False
        self.bc = False
        self.named_tz: Zone | None = None
        self.abbrev: tuple[str, Zone] | None = None
        self.tz = 0


def now_tm(settings: StyleSettings) -> tuple[Tm, int]:
    """GetCurrentTimeUsec(): the current time in the session zone, and its offset (west)."""
    usec = int(time.time() * 1_000_000) - 946_684_800 * USECS_PER_SEC
    zone: Zone = settings.timezone
    off, _ = zone.at_utc(usec)
    y, mo, d, h, mi, s, us = usec_fields(usec + off * USECS_PER_SEC)
    return Tm(y, mo, d, h, mi, s, us), -off


def zone_offset(tm: Tm, zone: Zone) -> int:
    """DetermineTimeZoneOffset(): seconds west; 0 for dates outside the Julian range."""
    if not is_valid_julian(tm.year, tm.mon, tm.mday):
        return 0
    return -zone.local_offset(tm.local_usec())


def parse_fraction(cp: str) -> float:
    """ParseFraction(): '.digits' (or just '.') as a fraction, the whole rest consumed."""
    if cp == ".":
        return 0.0
    try:
        return float(cp)
    except ValueError:
        raise DtError(L.BAD_FORMAT) from None


def parse_fractional_second(cp: str) -> int:
    return round(parse_fraction(cp) * 1_000_000)


def _atoi(s: str) -> int:
    """C atoi(): strtol() (saturating at 64 bits) narrowed to a 32-bit int."""
    value = min(int(s), 2**63 - 1) if s else 0
    return ((value + 2**31) & 0xFFFFFFFF) - 2**31


def decode_number_field(s: str, fmask: int, tm: Tm, st: State) -> tuple[int, int]:
    """DecodeNumberField(): a run-together date or time → (DATE|TIME, tmask)."""
    if "." in s:
        cp = s.index(".")
        frac = s[cp:]
        if frac != ".":
            try:
                tm.fsec = round(float(_leading_float(frac)) * 1_000_000)
            except ValueError:
                raise DtError(L.BAD_FORMAT) from None
        else:
            tm.fsec = 0
        s = s[:cp]
    elif (fmask & L.DATE_M) != L.DATE_M and len(s) >= 6:
        tm.mday, tm.mon, tm.year = _atoi(s[-2:]), _atoi(s[-4:-2]), _atoi(s[:-4])
        if len(s) - 4 == 2:
            st.is2digits = True
        return L.D_DATE, L.DATE_M
    if (fmask & L.TIME_M) != L.TIME_M:
        if len(s) == 6:
            tm.hour, tm.min, tm.sec = _atoi(s[:2]), _atoi(s[2:4]), _atoi(s[4:])
            return L.D_TIME, L.TIME_M
        if len(s) == 4:
            tm.hour, tm.min, tm.sec = _atoi(s[:2]), _atoi(s[2:]), 0
            return L.D_TIME, L.TIME_M
    raise DtError(L.BAD_FORMAT)


def _leading_float(frac: str) -> str:
    """What C strtod() would take from '.ddd...' (DecodeNumberField ignores the rest)."""
    end = 1
    while end < len(frac) and frac[end].isdigit() and frac[end].isascii():
        end += 1
    return frac[:end] if end > 1 else "0"


def decode_number(flen: int, s: str, have_text_month: bool, fmask: int, tm: Tm, st: State
                  ) -> int:
    """DecodeNumber(): one numeric field as a date part, by context; returns tmask."""
    val, rest = L.strtoint(s)
    if rest == s:
        raise DtError(L.BAD_FORMAT)
    if rest.startswith("."):
        if len(s) - len(rest) > 2:
            return decode_number_field(s, fmask | L.DATE_M, tm, st)[1]
        tm.fsec = parse_fractional_second(rest)
    elif rest:
        raise DtError(L.BAD_FORMAT)
    if flen == 3 and (fmask & L.DATE_M) == L.M(L.YEAR) and 1 <= val <= 366:
        tm.yday = val
        return L.M(L.DOY) | L.M(L.MONTH) | L.M(L.DAY)
    order = st.settings.date_order
    have = fmask & L.DATE_M
    if have == 0:
        if flen >= 3 or order == "YMD":
            tmask, tm.year = L.M(L.YEAR), val
        elif order == "DMY":
            tmask, tm.mday = L.M(L.DAY), val
        else:
            tmask, tm.mon = L.M(L.MONTH), val
    elif have == L.M(L.YEAR):
        tmask, tm.mon = L.M(L.MONTH), val
    elif have == L.M(L.MONTH):
        if have_text_month and (flen >= 3 or order == "YMD"):
            tmask, tm.year = L.M(L.YEAR), val
        else:
            tmask, tm.mday = L.M(L.DAY), val
    elif have == L.M(L.YEAR) | L.M(L.MONTH):
        if have_text_month and flen >= 3 and st.is2digits:
            tmask, tm.mday, tm.year = L.M(L.DAY), tm.year, val
            st.is2digits = False
        else:
            tmask, tm.mday = L.M(L.DAY), val
    elif have == L.M(L.DAY):
        tmask, tm.mon = L.M(L.MONTH), val
    elif have == L.M(L.MONTH) | L.M(L.DAY):
        tmask, tm.year = L.M(L.YEAR), val
    elif have == L.DATE_M:
        return decode_number_field(s, fmask, tm, st)[1]
    else:
        raise DtError(L.BAD_FORMAT)
    if tmask == L.M(L.YEAR):
        st.is2digits = flen <= 2
    return tmask


def decode_date(s: str, fmask: int, tm: Tm, st: State) -> int:
    """DecodeDate(): a field with delimiters (2001-02-03, 07-jan-2001, 2001.02.03)."""
    parts: list[str] = []
    i, n = 0, len(s)
    while i < n and len(parts) < 25:
        while i < n and not s[i].isalnum():
            i += 1
        if i >= n:
            raise DtError(L.BAD_FORMAT)
        j = i
        pred = str.isdigit if s[i].isdigit() else str.isalpha
        while j < n and pred(s[j]) and s[j].isascii():
            j += 1
        parts.append(s[i:j])
        i = j + 1 if j < n else j
    tmask = 0
    have_text_month = False
    numeric: list[str] = []
    for part in parts:
        if part[:1].isalpha():
            typ, val = L.decode_special(part)
            if typ == L.IGNORE:  # left for the numeric pass, which refuses it
                numeric.append(part)
                continue
            if typ != L.MONTH:
                raise DtError(L.BAD_FORMAT)
            tm.mon, have_text_month = val, True
            if fmask & L.M(L.MONTH):
                raise DtError(L.BAD_FORMAT)
            fmask |= L.M(L.MONTH)
            tmask |= L.M(L.MONTH)
        else:
            numeric.append(part)
    for part in numeric:
        if not part:
            raise DtError(L.BAD_FORMAT)
        dmask = decode_number(len(part), part, have_text_month, fmask, tm, st)
        if fmask & dmask:
            raise DtError(L.BAD_FORMAT)
        fmask |= dmask
        tmask |= dmask
    if (fmask & ~(L.M(L.DOY) | L.M(L.TZT))) != L.DATE_M:
        raise DtError(L.BAD_FORMAT)
    return tmask


def decode_time(s: str, rng: int, tm: Tm, interval: bool = False) -> int:
    """DecodeTime(): hh:mm[:ss[.fff]] or mm:ss.fff into tm; returns the time mask.

    For intervals (DecodeTimeForInterval) the hours may exceed the int32 range."""
    hour, rest = _strtoi64(s)
    if rest[:1] != ":":
        raise DtError(L.BAD_FORMAT)
    mins, rest = L.strtoint(rest[1:])
    sec, fsec = 0, 0
    if rest == "":
        if rng == (1 << 11 | 1 << 12):  # MINUTE TO SECOND: mm:ss
            if hour > 0x7FFFFFFF:
                raise DtError(L.FIELD_OVERFLOW)
            hour, mins, sec = 0, hour, mins
    elif rest[0] == ".":
        fsec = parse_fractional_second(rest)
        if hour > 0x7FFFFFFF:
            raise DtError(L.FIELD_OVERFLOW)
        hour, mins, sec = 0, hour, mins
    elif rest[0] == ":":
        sec, rest = L.strtoint(rest[1:])
        if rest[:1] == ".":
            fsec = parse_fractional_second(rest)
        elif rest:
            raise DtError(L.BAD_FORMAT)
    else:
        raise DtError(L.BAD_FORMAT)
    if hour < 0 or not 0 <= mins <= 59 or not 0 <= sec <= 60 or not 0 <= fsec <= 1_000_000:
        raise DtError(L.FIELD_OVERFLOW)
    if hour > 0x7FFFFFFF and not interval:
        raise DtError(L.FIELD_OVERFLOW)
    tm.hour, tm.min, tm.sec, tm.fsec = hour, mins, sec, fsec
    return L.TIME_M


def _strtoi64(s: str) -> tuple[int, str]:
    j = 0
    while j < len(s) and "0" <= s[j] <= "9":
        j += 1
    if j == 0:
        return 0, s
    value = int(s[:j])
    if value >= 1 << 63:
        raise DtError(L.FIELD_OVERFLOW)
    return value, s[j:]


def time_overflows(tm: Tm) -> bool:
    if (not 0 <= tm.hour <= 24 or not 0 <= tm.min < 60 or not 0 <= tm.sec <= 60
            or not 0 <= tm.fsec <= USECS_PER_SEC):
        return True
    return ((tm.hour * 60 + tm.min) * 60 + tm.sec) * USECS_PER_SEC + tm.fsec > USECS_PER_DAY


def validate_date(fmask: int, st: State, tm: Tm) -> None:
    """ValidateDate(): year conventions (BC, 2-digit), day of year, month/day ranges."""
    if fmask & L.M(L.YEAR):
        if st.isjulian:
            pass
        elif st.bc:
            if tm.year <= 0:
                raise DtError(L.FIELD_OVERFLOW)
            tm.year = -(tm.year - 1)
        elif st.is2digits:
            if tm.year < 0:
                raise DtError(L.FIELD_OVERFLOW)
            if tm.year < 70:
                tm.year += 2000
            elif tm.year < 100:
                tm.year += 1900
        elif tm.year <= 0:
            raise DtError(L.FIELD_OVERFLOW)
    if fmask & L.M(L.DOY):
        tm.year, tm.mon, tm.mday = j2date(date2j(tm.year, 1, 1) + tm.yday - 1)
    if fmask & L.M(L.MONTH) and not 1 <= tm.mon <= 12:
        raise DtError(L.MD_FIELD_OVERFLOW)
    if fmask & L.M(L.DAY) and not 1 <= tm.mday <= 31:
        raise DtError(L.MD_FIELD_OVERFLOW)
    if (fmask & L.DATE_M) == L.DATE_M and tm.mday > DAY_TAB[isleap(tm.year)][tm.mon - 1]:
        raise DtError(L.FIELD_OVERFLOW)


def apply_meridian(st: State, tm: Tm) -> None:
    if st.mer != L.HR24 and tm.hour > 12:
        raise DtError(L.FIELD_OVERFLOW)
    if st.mer == L.AM and tm.hour == 12:
        tm.hour = 0
    elif st.mer == L.PM and tm.hour != 12:
        tm.hour += 12


def lookup_zone_name(name: str) -> Zone:
    """pg_tzset() on a zone name found in the input; PostgreSQL 15 reports a miss at once."""
    zone = find_zone(name)
    if zone is None:
        raise FdwshError(f'time zone "{name}" not recognized', sqlstate="22023")
    return zone


def abbrev_zone(value: object) -> Zone:
    zone = find_zone(str(value))
    if zone is None:
        raise FdwshError(f'time zone "{value}" not recognized', sqlstate="22023")
    return zone
