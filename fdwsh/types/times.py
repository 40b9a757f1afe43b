"""time and time with time zone: time_in/timetz_in and their outputs (PostgreSQL 15).

Python values: ``datetime.time`` (timetz: with a fixed ``datetime.timezone``), or
:class:`~fdwsh.types.dtcore.Time24` for 24:00:00.  Output does not depend on any setting:
``hh:mm:ss[.ffffff]`` plus, for timetz, the numeric offset.
"""

from __future__ import annotations

import datetime as dt
import re

from fdwsh.types import dtlex as L
from fdwsh.types.dates import round_usec
from fdwsh.types.dtcore import (USECS_PER_SEC, PgTimeTz, Time24, time_usec, time_value,
                                timetz_value)
from fdwsh.types.dtformat import seconds_text, zone_text
from fdwsh.types.dtinput import decode_time_only
from fdwsh.types.settings import StyleSettings

TimeValue = dt.time | Time24 | PgTimeTz
_FAST = re.compile(r"(\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?"
                   r"(?:([+-])(\d\d)(?::(\d\d)(?::(\d\d))?)?)?\Z")


def _fast(text: str, tz: bool) -> TimeValue | None:
    m = _FAST.match(text)
    if m is None or (m[5] is not None) != tz:
        return None
    h, mi, s = int(m[1]), int(m[2]), int(m[3])
    if h > 23 or mi > 59 or s > 59:
        return None
    us = int(m[4].ljust(6, "0")) if m[4] else 0
    zone = None
    if tz:
        if int(m[6]) > 15 or int(m[7] or 0) > 59 or int(m[8] or 0) > 59:
            return None
        east = (int(m[6]) * 60 + int(m[7] or 0)) * 60 + int(m[8] or 0)
        zone = dt.timezone(dt.timedelta(seconds=-east if m[5] == "-" else east))
    return dt.time(h, mi, s, us, tzinfo=zone)


def _parse(text: str, typmod: int | None, settings: StyleSettings | None, tz: bool,
           label: str) -> TimeValue:
    fast = _fast(text, tz)
    if fast is not None and (typmod is None or typmod < 0 or typmod >= 6
                             or fast.microsecond == 0):
        return fast
    if fast is not None:
        usec, zone = time_usec(fast), fast.tzinfo
    else:
        assert settings is not None
        try:
            _, tm, tz_west = decode_time_only(L.parse_fields(text), settings, tz)
        except L.DtError as err:
            raise L.report(err, text, label) from None
        usec = ((tm.hour * 60 + tm.min) * 60 + tm.sec) * USECS_PER_SEC + tm.fsec
        if tz:
            return timetz_value(round_usec(usec, typmod), tz_west or 0)
        zone = None
    return time_value(round_usec(usec, typmod), zone)  # type: ignore[arg-type]


def parse_time(text: str, typmod: int | None = None, settings: StyleSettings | None = None
               ) -> TimeValue:
    return _parse(text, typmod, settings, False, "time")


def parse_timetz(text: str, typmod: int | None = None, settings: StyleSettings | None = None
                 ) -> TimeValue:
    return _parse(text, typmod, settings, True, "time with time zone")


def format_time(value: TimeValue, settings: StyleSettings | None = None) -> str:
    if isinstance(value, PgTimeTz):
        h, rest = divmod(value.usec, 3_600_000_000)
        m, rest = divmod(rest, 60_000_000)
        return f"{h:02d}:{m:02d}:{seconds_text(*divmod(rest, 1_000_000))}{zone_text(value.west)}"
    if isinstance(value, Time24):
        text = "24:00:00"
    else:
        text = (f"{value.hour:02d}:{value.minute:02d}:"
                f"{seconds_text(value.second, value.microsecond)}")
    zone = value.tzinfo
    if zone is None:
        return text
    off = zone.utcoffset(None)
    return text + zone_text(-int(off.total_seconds()) if off is not None else 0)


format_timetz = format_time
