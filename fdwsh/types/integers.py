"""smallint, integer, bigint and oid: PostgreSQL 15's integer input functions and output.

Python value: ``int``.  Input follows ``pg_strtoint16/32/64`` of PostgreSQL 15: optional blanks,
an optional sign, decimal digits only (no underscores, no hex: those came in 16), blanks.  An
overflowing digit run is reported as out of range before any trailing junk is looked at.
"""

from __future__ import annotations

from collections.abc import Callable

from fdwsh.types.common import C_SPACE, OUT_OF_RANGE, error, invalid_syntax
from fdwsh.types.settings import StyleSettings

_DIGITS = frozenset("0123456789")


def _scan(text: str) -> tuple[int | None, str]:
    """(signed value of the leading digit run or None, what follows it)."""
    s = text.lstrip(C_SPACE)
    sign = 1
    if s[:1] in ("+", "-"):
        sign = -1 if s[0] == "-" else 1
        s = s[1:]
    n = 0
    while n < len(s) and s[n] in _DIGITS:
        n += 1
    if n == 0:
        return None, s
    return sign * int(s[:n]), s[n:]


def make_int_parser(bits: int, label: str) -> Callable[[str, int | None, StyleSettings], int]:
    """The input function of a signed ``bits``-bit integer type named ``label`` in messages."""
    low, high = -(1 << (bits - 1)), (1 << (bits - 1)) - 1

    def parse(text: str, typmod: int | None = None, settings: StyleSettings | None = None
              ) -> int:
        if text.isdigit() and text.isascii():  # plain digits (what servers send): fast path
            value = int(text)
            if value <= high:
                return value
        value, rest = _scan(text)
        if value is None:
            raise invalid_syntax(label, text)
        if not low <= value <= high:
            raise error(f'value "{text}" is out of range for type {label}', OUT_OF_RANGE)
        if rest.strip(C_SPACE):
            raise invalid_syntax(label, text)
        return value

    return parse


parse_int2 = make_int_parser(16, "smallint")
parse_int4 = make_int_parser(32, "integer")
parse_int8 = make_int_parser(64, "bigint")


def parse_oid(text: str, typmod: int | None = None, settings: StyleSettings | None = None
              ) -> int:
    """oidin(): strtoul() semantics; -2147483648..-1 wrap around to the upper half.

    strtoul() itself only overflows past 64 bits; the 32-bit range is checked after the
    trailing-junk check."""
    value, rest = _scan(text)
    if value is None:
        raise invalid_syntax("oid", text)
    if abs(value) >= 1 << 64:
        raise error(f'value "{text}" is out of range for type oid', OUT_OF_RANGE)
    if rest.strip(C_SPACE):
        raise invalid_syntax("oid", text)
    if not (0 <= value < 1 << 32 or -(1 << 31) <= value < 0):
        raise error(f'value "{text}" is out of range for type oid', OUT_OF_RANGE)
    return value % (1 << 32)


def format_int(value: int, settings: StyleSettings | None = None) -> str:
    return str(value)
