"""date, timestamp and timestamptz: date_in/timestamp_in/timestamptz_in and their outputs.

Contract: ``parse_*(text, typmod, settings)`` returns the Python value described in
:mod:`fdwsh.types.dtcore` or raises PostgreSQL's error; ``format_*(value, settings)`` prints
it under DateStyle (and TimeZone for timestamptz).  The ISO text a remote server sends takes a
regex fast path; everything else goes through the ported ParseDateTime/DecodeDateTime.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

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
    if len(text) == 10 and text[4] == "-" and text[7] == "-" and _ISO_DATE.match(text):
        try:
            return dt.date.fromisoformat(text)
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


_SHAPE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,6})?"
                    r"(?:[+-][0-9]{2}(?::[0-9]{2}(?::[0-9]{2})?)?|[+-][0-9]{4})?\Z")
_TZ_LIMIT = dt.timedelta(hours=16)


def _fast_ts(text: str, tz: bool) -> dt.datetime | None:
    """``YYYY-MM-DD hh:mm:ss[.ffffff][+hh[:mm[:ss]]]`` (what a remote sends) without the
    general parser; None sends anything else (or anything odd) the long way."""
    if _SHAPE.match(text) is None:
        return None
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if not tz:
        return value.replace(tzinfo=None)
    off = value.utcoffset()
    if off is None or abs(off) >= _TZ_LIMIT:
        return None
    return value


def _fast_tstz(text: str) -> dt.datetime | None:
    value = _fast_ts(text, True)
    if value is None:
        return None
    try:
        return value.astimezone(_UTC)
    except OverflowError:
        return None


def _parse_ts(text: str, typmod: int | None, settings: StyleSettings | None, tz: bool,
              label: str) -> TimestampValue:
    fast = _fast_tstz(text) if tz else _fast_ts(text, False)
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
            text = value.isoformat(" ")
            return text[:26].rstrip("0") if len(text) > 19 else text
        fields = _fields(value)
    else:
        fields = usec_fields(value.usec)
    return encode_datetime(fields, settings.date_style, settings.date_order)


def _local(value: dt.datetime | PgTimestamp, settings: StyleSettings
           ) -> tuple[tuple[int, int, int, int, int, int, int], int, str]:
    """(local fields, offset east, abbreviation) of a timestamptz in the session zone."""
    zone = settings.timezone
    if isinstance(value, dt.datetime) and zone.python_safe:
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


def _iso_local(value: dt.datetime, settings: StyleSettings) -> str | None:
    """The ISO text of an in-range timestamptz, the quick way (None: take the long way)."""
    zone = settings.timezone
    if not zone.python_safe:
        return None
    try:
        local = value.astimezone(zone.tzinfo)
    except (OverflowError, ValueError):
        return None
    return _iso_text(local)


_ISO_ZONE: dict[str, str] = {"": ""}


def _iso_text(local: dt.datetime) -> str | None:
    """isoformat() reshaped into PostgreSQL's ISO output (fraction without trailing zeros,
    ``+02`` rather than ``+02:00``)."""
    if local.year < 1:
        return None
    text = local.isoformat(" ")
    if len(text) > 19 and text[19] == ".":
        frac, tail = text[19:26].rstrip("0"), text[26:]
    else:
        frac, tail = "", text[19:]
    ztext = _ISO_ZONE.get(tail)
    if ztext is None:
        ztext = _ISO_ZONE.setdefault(tail, zone_text(-_tail_seconds(tail)))
    return text[:19] + frac + ztext


def _tail_seconds(tail: str) -> int:
    sign = -1 if tail[0] == "-" else 1
    parts = [int(p) for p in tail[1:].split(":")] + [0, 0]
    return sign * (parts[0] * 3600 + parts[1] * 60 + parts[2])


def format_timestamptz(value: TimestampValue, settings: StyleSettings) -> str:
    if isinstance(value, InfiniteTime):
        return str(value)
    if settings.date_style == "ISO" and isinstance(value, dt.datetime):
        text = _iso_local(value, settings)
        if text is not None:
            return text
    fields, off, abbr = _local(value, settings)
    if settings.date_style == "ISO" and fields[0] > 0:
        y, m, d, h, mi, s, us = fields
        return (f"{y:04d}-{m:02d}-{d:02d} {h:02d}:{mi:02d}:{seconds_text(s, us)}"
                f"{zone_text(-off)}")
    return encode_datetime(fields, settings.date_style, settings.date_order, -off, abbr)


def timestamptz_converter(settings: StyleSettings) -> Callable[[str], str]:
    """Remote timestamptz text → local display, straight from the remote's ISO text to the
    session zone, reusing the offset while instants stay within one period of the zone (the
    general parse/format pair handles everything else)."""
    zone = settings.timezone
    tz = zone.tzinfo
    style, order = settings.date_style, settings.date_order
    if not zone.python_safe:
        return lambda text: format_timestamptz(parse_timestamptz(text, None, settings), settings)
    cache: list[Any] = [1.0, 0.0, None, "", ""]  # start, end, offset, abbreviation, ISO zone

    def local_parts(aware: dt.datetime) -> tuple[dt.datetime, dt.timedelta, str, str] | None:
        ts = aware.timestamp()
        if not cache[0] <= ts < cache[1]:
            try:
                local = aware.astimezone(tz)
            except (OverflowError, ValueError):
                return None
            off = local.utcoffset()
            if off is None:
                return None
            span = zone.period(ts) or (ts, ts)
            cache[:] = [span[0], span[1], off, local.tzname() or "",
                        zone_text(-int(off.total_seconds()))]
            return local.replace(tzinfo=None), off, cache[3], cache[4]
        try:
            local = aware.replace(tzinfo=None) - aware.utcoffset() + cache[2]  # type: ignore
        except OverflowError:
            return None
        return local, cache[2], cache[3], cache[4]

    def convert(text: str) -> str:
        aware = _fast_ts(text, True)
        parts = local_parts(aware) if aware is not None else None
        if parts is not None and parts[0].year > 0:
            local, off, abbr, ztext = parts
            if style == "ISO":
                iso = local.isoformat(" ")
                return (iso[:26].rstrip("0") if len(iso) > 19 else iso) + ztext
            west = -int(off.total_seconds())
            return encode_datetime(_fields(local), style, order, west, abbr)
        return format_timestamptz(parse_timestamptz(text, None, settings), settings)

    return convert
