"""Type modifiers of PostgreSQL 15's built-in types: the typmodin functions, in Python.

Contract: :func:`typmod_in` turns the integer modifiers written after a type name into the
``atttypmod`` value PostgreSQL stores (``varchar(10)`` → 14), raising PostgreSQL's error for a
bad one and reporting its warnings (precision reduced) through ``warn``; :func:`pg_strtoint32`
is int4 input, which PostgreSQL applies to each modifier first.  A leaf module, used by
``pgtypes``.
"""

from __future__ import annotations

from collections.abc import Callable

from fdwsh.errors import FdwshError

#: ``warn(message, position)``: emit ``WARNING:  message`` (position 1-based, or None).
WarnFn = Callable[[str, "int | None"], None]

VARHDRSZ = 4
MAX_ATTR_SIZE = 10 * 1024 * 1024
MAX_TIME_PRECISION = 6
MAX_INTERVAL_PRECISION = 6
INTERVAL_FULL_RANGE = 0x7FFF
INTERVAL_FULL_PRECISION = 0xFFFF
_YEAR, _MONTH, _DAY, _HOUR, _MINUTE, _SECOND = (1 << 2, 1 << 1, 1 << 3, 1 << 10, 1 << 11,
                                                1 << 12)
#: intervaltypmodout(): the field ranges the grammar can produce, as PostgreSQL prints them.
INTERVAL_FIELDS = {
    _YEAR: " year", _MONTH: " month", _DAY: " day", _HOUR: " hour", _MINUTE: " minute",
    _SECOND: " second", _YEAR | _MONTH: " year to month", _DAY | _HOUR: " day to hour",
    _DAY | _HOUR | _MINUTE: " day to minute", _DAY | _HOUR | _MINUTE | _SECOND: " day to second",
    _HOUR | _MINUTE: " hour to minute", _HOUR | _MINUTE | _SECOND: " hour to second",
    _MINUTE | _SECOND: " minute to second", INTERVAL_FULL_RANGE: "",
}


def pg_strtoint32(text: str, position: int | None = None) -> int:
    """PostgreSQL 15's int4 input: blanks around an optionally signed run of decimal digits."""
    body = text.strip(" \t\n\r\v\f")
    digits = body[1:] if body[:1] in "+-" else body
    if not digits or not digits.isascii() or not digits.isdigit():
        raise FdwshError(f'invalid input syntax for type integer: "{text}"', sqlstate="22P02",
                         position=position)
    value = int(body)
    if not -2**31 <= value < 2**31:
        raise FdwshError(f'value "{text}" is out of range for type integer', sqlstate="22003",
                         position=position)
    return value


def _bad(message: str, pos: int | None) -> FdwshError:
    return FdwshError(message, sqlstate="22023", position=pos)


def _char_typmod(kind: str, mods: list[int], pos: int | None) -> int:
    label = "char" if kind == "bpchar" else kind
    if len(mods) != 1:
        raise _bad("invalid type modifier", pos)
    if mods[0] < 1:
        raise _bad(f"length for type {label} must be at least 1", pos)
    limit = MAX_ATTR_SIZE if kind in ("bpchar", "varchar") else MAX_ATTR_SIZE * 8
    if mods[0] > limit:
        raise _bad(f"length for type {label} cannot exceed {limit}", pos)
    return mods[0] + VARHDRSZ if kind in ("bpchar", "varchar") else mods[0]


def _numeric_typmod(mods: list[int], pos: int | None) -> int:
    if len(mods) not in (1, 2):
        raise _bad("invalid NUMERIC type modifier", pos)
    if not 1 <= mods[0] <= 1000:
        raise _bad(f"NUMERIC precision {mods[0]} must be between 1 and 1000", pos)
    scale = mods[1] if len(mods) == 2 else 0
    if not -1000 <= scale <= 1000:
        raise _bad(f"NUMERIC scale {scale} must be between -1000 and 1000", pos)
    return ((mods[0] << 16) | (scale & 0x7FF)) + VARHDRSZ


def _time_typmod(kind: str, mods: list[int], pos: int | None, warn: WarnFn | None) -> int:
    if len(mods) != 1:
        raise _bad("invalid type modifier", pos)
    label = "TIMESTAMP" if kind.startswith("timestamp") else "TIME"
    tz = " WITH TIME ZONE" if kind.endswith("tz") else ""
    if mods[0] < 0:
        raise _bad(f"{label}({mods[0]}){tz} precision must not be negative", pos)
    if mods[0] > MAX_TIME_PRECISION:
        if warn is not None:
            warn(f"{label}({mods[0]}){tz} precision reduced to maximum allowed, "
                 f"{MAX_TIME_PRECISION}", pos)
        return MAX_TIME_PRECISION
    return mods[0]


def _interval_typmod(mods: list[int], pos: int | None, warn: WarnFn | None) -> int:
    if not mods or len(mods) > 2 or mods[0] not in INTERVAL_FIELDS:
        raise _bad("invalid INTERVAL type modifier", pos)
    fields = mods[0]
    if len(mods) == 1:
        return -1 if fields == INTERVAL_FULL_RANGE else (fields << 16) | INTERVAL_FULL_PRECISION
    precision = mods[1]
    if precision < 0:
        raise _bad(f"INTERVAL({precision}) precision must not be negative", pos)
    if precision > MAX_INTERVAL_PRECISION:
        if warn is not None:
            warn(f"INTERVAL({precision}) precision reduced to maximum allowed, "
                 f"{MAX_INTERVAL_PRECISION}", pos)
        precision = MAX_INTERVAL_PRECISION
    return (fields << 16) | precision


def typmod_in(kind: str, mods: list[int], pos: int | None, warn: WarnFn | None) -> int:
    """The typmodin functions of PostgreSQL 15 (varchar.c, numeric.c, date.c, timestamp.c...)."""
    if kind in ("bpchar", "varchar", "bit", "varbit"):
        return _char_typmod(kind, mods, pos)
    if kind == "numeric":
        return _numeric_typmod(mods, pos)
    if kind == "interval":
        return _interval_typmod(mods, pos, warn)
    return _time_typmod(kind, mods, pos, warn)
