"""The check hooks of the style settings: DateStyle and TimeZone values as PostgreSQL 15 reads,
validates and prints them (check_datestyle, check_timezone, pg_tzset_offset).

Contract: :func:`check_datestyle` (value, current display) → the normalised display
(``German, DMY``) or an FdwshError with PostgreSQL's DETAIL; :func:`check_timezone` (value) →
the :class:`Zone`, whose ``name`` is what SHOW TimeZone prints; :func:`split_identifiers` is
SplitIdentifierString() (for list-valued settings).
"""

from __future__ import annotations

import math
import re

from fdwsh.errors import FdwshError
from fdwsh.types.intervalparse import parse_interval
from fdwsh.types.settings import StyleSettings
from fdwsh.types.tz import Zone, find_zone, offset_zone

_SPACE = " \t\n\r\v\f"
_STRTOD = re.compile(r"[ \t\n\r\v\f]*[+-]?(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
                     r"|(?i:inf(?:inity)?|nan))")


class CheckFailed(Exception):
    """A check hook said no: GUC_check_errdetail() / GUC_check_errmsg() texts."""

    def __init__(self, detail: str | None = None, message: str | None = None) -> None:
        super().__init__(detail or message or "")
        self.detail = detail
        self.message = message


def split_identifiers(raw: str, sep: str = ",") -> list[str] | None:
    """SplitIdentifierString(): the items of a list (unquoted ones down-cased), or None when
    the list syntax is invalid."""
    items: list[str] = []
    s = raw.lstrip(_SPACE)
    if not s:
        return items
    while True:
        if s.startswith('"'):
            end, out = 1, []
            while True:
                q = s.find('"', end)
                if q < 0:
                    return None
                out.append(s[end:q])
                if s[q + 1:q + 2] == '"':
                    out.append('"')
                    end = q + 2
                    continue
                break
            item, s = "".join(out), s[q + 1:]
        else:
            m = re.match(r"[^" + re.escape(sep) + _SPACE + "]*", s)
            item, s = m.group().lower(), s[m.end():]  # type: ignore[union-attr]
            if not item:
                return None
        s = s.lstrip(_SPACE)
        items.append(item[:63])
        if not s:
            return items
        if not s.startswith(sep):
            return None
        s = s[1:].lstrip(_SPACE)


def check_datestyle(value: str, current: str, default: str = "ISO, MDY") -> str:
    """check_datestyle(): the display form ``<style>, <order>`` of a DateStyle value."""
    tokens = split_identifiers(value)
    if tokens is None:
        raise CheckFailed("List syntax is invalid.")
    style, order = (p.strip() for p in current.split(","))
    have_style = have_order = False
    ok = True
    for tok in tokens:
        low = tok.lower()
        new_style = new_order = None
        if low == "iso":
            new_style = "ISO"
        elif low == "sql":
            new_style = "SQL"
        elif low.startswith("postgres"):
            new_style = "Postgres"
        elif low == "german":
            new_style = "German"
            if not have_order:
                order = "DMY"
        elif low == "ymd":
            new_order = "YMD"
        elif low == "dmy" or low.startswith("euro"):
            new_order = "DMY"
        elif low in ("mdy", "us") or low.startswith("noneuro"):
            new_order = "MDY"
        elif low == "default":
            d_style, d_order = (p.strip() for p in default.split(","))
            style = style if have_style else d_style
            order = order if have_order else d_order
            continue
        else:
            raise CheckFailed(f'Unrecognized key word: "{tok}".')
        if new_style is not None:
            ok = ok and not (have_style and style != new_style)
            style, have_style = new_style, True
        if new_order is not None:
            ok = ok and not (have_order and order != new_order)
            order, have_order = new_order, True
    if not ok:
        raise CheckFailed('Conflicting "datestyle" specifications.')
    return f"{style}, {order}"


def _interval_zone(value: str, settings: StyleSettings) -> Zone | None:
    body = value[8:].lstrip(_SPACE)
    if not body.startswith("'"):
        raise CheckFailed()
    body = body[1:]
    end = body.find("'")
    if end < 0 or end != len(body) - 1:
        raise CheckFailed()
    iv = parse_interval(body[:end], None, settings)
    if iv.months:
        raise CheckFailed("Cannot specify months in time zone interval.")
    if iv.days:
        raise CheckFailed("Cannot specify days in time zone interval.")
    seconds = abs(iv.microseconds) // 1_000_000
    return offset_zone(-seconds if iv.microseconds >= 0 else seconds)


def check_timezone(value: str, settings: StyleSettings) -> Zone:
    """check_timezone(): INTERVAL '...', a number of hours, or a zone name / POSIX string."""
    if value[:8].lower() == "interval":
        zone = _interval_zone(value, settings)
    else:
        m = _STRTOD.match(value)
        if m is not None and m.end() == len(value):
            hours = float(m.group())
            if math.isnan(hours) or math.isinf(hours) or abs(hours) > 1e9:
                zone = None
            else:
                zone = offset_zone(int(-hours * 3600))
        else:
            zone = find_zone(value)
            if zone is None:
                raise CheckFailed()
            if zone.leap_seconds:
                raise CheckFailed("PostgreSQL does not support leap seconds.",
                                  f'time zone "{value}" appears to use leap seconds')
    if zone is None:
        raise CheckFailed("UTC timezone offset is out of range.")
    return zone


def guc_error(name: str, value: str, failed: CheckFailed) -> FdwshError:
    """The ERROR a failed check hook produces for ``SET name = value``."""
    message = failed.message or f'invalid value for parameter "{name}": "{value}"'
    return FdwshError(message, sqlstate="22023", detail=failed.detail)
