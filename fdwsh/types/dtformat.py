"""EncodeDateOnly / EncodeTimeOnly / EncodeDateTime / EncodeTimezone of PostgreSQL 15.

Contract: pure functions from broken-down fields to the text PostgreSQL prints for a DateStyle
(``ISO``, ``SQL``, ``Postgres``, ``German``) and date order (``MDY``, ``DMY``, ``YMD``).  Years
<= 0 are BC (year 0 = 1 BC) and print with a `` BC`` suffix.
"""

from __future__ import annotations

from fdwsh.types.dtcore import DAYS, MONTHS, date2j, j2day

MAXTZLEN = 10


def seconds_text(sec: int, fsec: int, fill: bool = True) -> str:
    """AppendSeconds(): seconds, and the fraction without trailing zeros when non-zero."""
    whole = f"{abs(sec):02d}" if fill else str(abs(sec))
    if fsec == 0:
        return whole
    return f"{whole}.{abs(fsec):06d}".rstrip("0")


def zone_text(tz_west: int) -> str:
    """EncodeTimezone(): +hh, +hh:mm or +hh:mm:ss (the sign flipped to ISO's)."""
    sec = abs(tz_west)
    hours, rem = divmod(sec, 3600)
    mins, secs = divmod(rem, 60)
    sign = "+" if tz_west <= 0 else "-"
    if secs:
        return f"{sign}{hours:02d}:{mins:02d}:{secs:02d}"
    if mins:
        return f"{sign}{hours:02d}:{mins:02d}"
    return f"{sign}{hours:02d}"


def _year(y: int) -> str:
    return f"{y if y > 0 else -(y - 1):04d}"


def encode_date(y: int, m: int, d: int, style: str, order: str) -> str:
    if style == "ISO":
        text = f"{_year(y)}-{m:02d}-{d:02d}"
    elif style == "SQL":
        md = f"{d:02d}/{m:02d}" if order == "DMY" else f"{m:02d}/{d:02d}"
        text = f"{md}/{_year(y)}"
    elif style == "German":
        text = f"{d:02d}.{m:02d}.{_year(y)}"
    else:
        md = f"{d:02d}-{m:02d}" if order == "DMY" else f"{m:02d}-{d:02d}"
        text = f"{md}-{_year(y)}"
    return text + " BC" if y <= 0 else text


def encode_time(h: int, mi: int, s: int, fsec: int, tz_west: int | None = None) -> str:
    text = f"{h:02d}:{mi:02d}:{seconds_text(s, fsec)}"
    return text if tz_west is None else text + zone_text(tz_west)


def encode_datetime(fields: tuple[int, int, int, int, int, int, int], style: str, order: str,
                    tz_west: int | None = None, tzn: str | None = None) -> str:
    """EncodeDateTime(); ``tz_west`` None prints no zone (timestamp without time zone)."""
    y, m, d, h, mi, s, us = fields
    clock = f"{h:02d}:{mi:02d}:{seconds_text(s, us)}"
    if style == "ISO":
        text = f"{_year(y)}-{m:02d}-{d:02d} {clock}"
        if tz_west is not None:
            text += zone_text(tz_west)
    elif style in ("SQL", "German"):
        if style == "German":
            date = f"{d:02d}.{m:02d}.{_year(y)}"
        else:
            md = f"{d:02d}/{m:02d}" if order == "DMY" else f"{m:02d}/{d:02d}"
            date = f"{md}/{_year(y)}"
        text = f"{date} {clock}"
        if tz_west is not None:
            text += f" {tzn[:MAXTZLEN]}" if tzn is not None else zone_text(tz_west)
    else:
        wday = DAYS[j2day(date2j(y, m, d))][:3]
        mon = MONTHS[m - 1]
        md = f"{d:02d} {mon}" if order == "DMY" else f"{mon} {d:02d}"
        text = f"{wday} {md} {clock} {_year(y)}"
        if tz_west is not None:
            text += f" {tzn[:MAXTZLEN]}" if tzn is not None else " " + zone_text(tz_west)
    return text + " BC" if y <= 0 else text
