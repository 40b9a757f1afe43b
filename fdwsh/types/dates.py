"""date, timestamp and timestamptz: date_in/timestamp_in/timestamptz_in and their outputs.

Contract: ``parse_*(text, typmod, settings)`` returns the Python value described in
:mod:`fdwsh.types.dtcore` or raises PostgreSQL's error; ``format_*(value, settings)`` prints
it under DateStyle (and TimeZone for timestamptz).  The ISO text a remote server sends takes a
regex fast path; everything else goes through the ported ParseDateTime/DecodeDateTime.
"""

from __future__ import annotations

import datetime as dt
import re

from fdwsh.errors import FdwshError
from fdwsh.types import dtlex as L
from fdwsh.types.dtcore import (DATE_END, DATE_MIN, END_TIMESTAMP, INFINITY, MIN_TIMESTAMP,
                                NEG_INFINITY, POSTGRES_EPOCH_JDATE, UNIX_EPOCH_JDATE,
                                USECS_PER_DAY, USECS_PER_SEC, InfiniteTime, PgDate,
                                PgTimestamp, date2j, date_value, is_valid_julian, j2date,
                                ts_usec, ts_value, usec_fields)
from fdwsh.types.dtdecode import Tm
from fdwsh.types.dtformat import encode_date, encode_datetime, seconds_text, zone_text
from fdwsh.types.dtinput import decode_datetime
from fdwsh.types.settings import StyleSettings

DateValue = dt.date | PgDate | InfiniteTime
TimestampValue = dt.datetime | PgTimestamp | InfiniteTime

_ISO_DATE = re.compile(r"(\d{4})-(\d\d)-(\d\d)\Z")
_ISO_TS = re.compile(r"(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?"
                     r"(?:([+-])(\d\d)(?::(\d\d)(?::(\d\d))?)?)?\Z")
_SCALES = (1_000_000, 100_000, 10_000, 1_000, 100, 10, 1)
_UTC = dt.timezone.utc
_UNIX_EPOCH_USEC = (UNIX_EPOCH_JDATE - POSTGRES_EPOCH_JDATE) * USECS_PER_DAY


def _decode(text: str, label: str, settings: StyleSettings, want_tz: bool
            ) -> tuple[int, Tm, int | None]:
    try:
        return decode_datetime(L.parse_fields(text), settings, want_tz)
    except L.DtError as err:
        raise L.report(err, text, label) from None


def _special(dtype: int, text: str, label: str) -> InfiniteTime | None:
    if dtype == L.D_LATE:
        return INFINITY
    if dtype == L.D_EARLY:
        return NEG_INFINITY
    if dtype != L.D_EPOCH:
        raise L.report(L.DtError(L.BAD_FORMAT), text, label)
    return None


def parse_date(text: str, typmod: int | None = None, settings: StyleSettings | None = None
               ) -> DateValue:
    m = _ISO_DATE.match(text)
    if m:
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            pass
    assert settings is not None
    dtype, tm, _ = _decode(text, "date", settings, False)
    if dtype != L.D_DATE:
        special = _special(dtype, text, "date")
        if special is not None:
            return special
        tm = Tm(1970, 1, 1)
    if not is_valid_julian(tm.year, tm.mon, tm.mday):
        raise FdwshError(f'date out of range: "{text}"', sqlstate="22008")
    days = date2j(tm.year, tm.mon, tm.mday) - POSTGRES_EPOCH_JDATE
    if not DATE_MIN <= days < DATE_END:
        raise FdwshError(f'date out of range: "{text}"', sqlstate="22008")
    return date_value(days)


def round_usec(usec: int, typmod: int | None) -> int:
    """AdjustTimestampForTypmod()/AdjustTimeForTypmod(): round half away from zero."""
    if typmod is None or typmod < 0 or typmod >= 6:
        return usec
    scale = _SCALES[typmod]
    half = scale // 2
    if usec >= 0:
        return (usec + half) // scale * scale
    return -((-usec + half) // scale * scale)


def _tm_usec(tm: Tm, tz_west: int | None, text: str) -> int:
    """tm2timestamp() with its range checks."""
    if not is_valid_julian(tm.year, tm.mon, tm.mday):
        raise FdwshError(f'timestamp out of range: "{text}"', sqlstate="22008")
    usec = tm.local_usec()
    if tz_west is not None:
        usec += tz_west * USECS_PER_SEC
    if not MIN_TIMESTAMP <= usec < END_TIMESTAMP:
        raise FdwshError(f'timestamp out of range: "{text}"', sqlstate="22008")
    return usec


def _fast_ts(text: str, tz: bool) -> dt.datetime | None:
    m = _ISO_TS.match(text)
    if m is None or (tz and m[8] is None):
        return None
    try:
        value = dt.datetime(int(m[1]), int(m[2]), int(m[3]), int(m[4]), int(m[5]), int(m[6]),
                            int(m[7].ljust(6, "0")) if m[7] else 0)
        if not tz:
            return value
        east = (int(m[9]) * 60 + int(m[10] or 0)) * 60 + int(m[11] or 0)
        if int(m[9]) > 15:
            return None
        offset = dt.timedelta(seconds=-east if m[8] == "-" else east)
        return value.replace(tzinfo=_UTC) - offset
    except (ValueError, OverflowError):
        return None


def _parse_ts(text: str, typmod: int | None, settings: StyleSettings | None, tz: bool,
              label: str) -> TimestampValue:
    fast = _fast_ts(text, tz)
    if fast is not None:
        if typmod is None or typmod < 0 or typmod >= 6 or fast.microsecond == 0:
            return fast
        return ts_value(round_usec(ts_usec(fast), typmod), tz)
    assert settings is not None
    dtype, tm, tz_west = _decode(text, label, settings, tz)
    if dtype != L.D_DATE:
        special = _special(dtype, text, label)
        if special is not None:
            return special
        return ts_value(_UNIX_EPOCH_USEC, tz)
    usec = round_usec(_tm_usec(tm, tz_west if tz else None, text), typmod)
    return ts_value(usec, tz)


def parse_timestamp(text: str, typmod: int | None = None,
                    settings: StyleSettings | None = None) -> TimestampValue:
    return _parse_ts(text, typmod, settings, False, "timestamp")


def parse_timestamptz(text: str, typmod: int | None = None,
                      settings: StyleSettings | None = None) -> TimestampValue:
    return _parse_ts(text, typmod, settings, True, "timestamp with time zone")


def format_date(value: DateValue, settings: StyleSettings) -> str:
    if isinstance(value, InfiniteTime):
        return str(value)
    if isinstance(value, dt.date):
        if settings.date_style == "ISO":
            return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
        y, m, d = value.year, value.month, value.day
    else:
        y, m, d = j2date(value.days + POSTGRES_EPOCH_JDATE)
    return encode_date(y, m, d, settings.date_style, settings.date_order)


def _fields(value: dt.datetime) -> tuple[int, int, int, int, int, int, int]:
    return (value.year, value.month, value.day, value.hour, value.minute, value.second,
            value.microsecond)


def format_timestamp(value: TimestampValue, settings: StyleSettings) -> str:
    if isinstance(value, InfiniteTime):
        return str(value)
    if isinstance(value, dt.datetime):
        if settings.date_style == "ISO":
            return (f"{value.year:04d}-{value.month:02d}-{value.day:02d} {value.hour:02d}:"
                    f"{value.minute:02d}:{seconds_text(value.second, value.microsecond)}")
        fields = _fields(value)
    else:
        fields = usec_fields(value.usec)
    return encode_datetime(fields, settings.date_style, settings.date_order)


def _local(value: dt.datetime | PgTimestamp, settings: StyleSettings
           ) -> tuple[tuple[int, int, int, int, int, int, int], int, str]:
    """(local fields, offset east, abbreviation) of a timestamptz in the session zone."""
    zone = settings.timezone
    if isinstance(value, dt.datetime):
        try:
            if zone.single is not None:
                off, abbr = zone.single
                return _fields(value + dt.timedelta(seconds=off)), off, abbr
            local = value.astimezone(zone.tzinfo)
            delta = local.utcoffset()
            return _fields(local), int(delta.total_seconds()) if delta else 0, \
                local.tzname() or ""
        except (OverflowError, ValueError):
            pass
    usec = ts_usec(value)
    off, abbr = zone.at_utc(usec)
    return usec_fields(usec + off * USECS_PER_SEC), off, abbr


def format_timestamptz(value: TimestampValue, settings: StyleSettings) -> str:
    if isinstance(value, InfiniteTime):
        return str(value)
    fields, off, abbr = _local(value, settings)
    if settings.date_style == "ISO" and fields[0] > 0:
        y, m, d, h, mi, s, us = fields
        return (f"{y:04d}-{m:02d}-{d:02d} {h:02d}:{mi:02d}:{seconds_text(s, us)}"
                f"{zone_text(-off)}")
    return encode_datetime(fields, settings.date_style, settings.date_order, -off, abbr)
