r"""bytea: byteain()/byteaout() of PostgreSQL 15.

Python value: ``bytes``.  Input is the hex format (``\x`` then hex digit pairs, blanks allowed
between pairs) or the traditional escape format (``\\`` and ``\ooo``).  Output follows
``bytea_output``: ``hex`` (``\x0102``) or ``escape`` (printable ASCII as is, ``\\`` for a
backslash, ``\ooo`` for the rest).
"""

from __future__ import annotations

from fdwsh.types.common import INVALID_PARAMETER, INVALID_TEXT, error
from fdwsh.types.settings import StyleSettings

_HEXVAL = {c: int(c, 16) for c in "0123456789abcdefABCDEF"}
_BLANKS = frozenset(" \n\t\r")


def _hex_decode(digits: str) -> bytes:
    if "\x0b" not in digits and "\x0c" not in digits:  # fromhex() skips those, PG does not
        try:
            return bytes.fromhex(digits)
        except ValueError:
            pass
    out = bytearray()
    i, n = 0, len(digits)
    while i < n:
        c = digits[i]
        i += 1
        if c in _BLANKS:
            continue
        if c not in _HEXVAL:
            raise error(f'invalid hexadecimal digit: "{c}"', INVALID_PARAMETER)
        if i >= n:
            raise error("invalid hexadecimal data: odd number of digits", INVALID_PARAMETER)
        d = digits[i]
        i += 1
        if d not in _HEXVAL:
            raise error(f'invalid hexadecimal digit: "{d}"', INVALID_PARAMETER)
        out.append(_HEXVAL[c] << 4 | _HEXVAL[d])
    return bytes(out)


def _escape_decode(text: str) -> bytes:
    raw = text.encode()
    if b"\\" not in raw:
        return raw
    out = bytearray()
    i, n = 0, len(raw)
    while i < n:
        b = raw[i]
        if b != 0x5C:
            out.append(b)
            i += 1
        elif raw[i + 1:i + 2] == b"\\":
            out.append(0x5C)
            i += 2
        elif (i + 3 < n and 0x30 <= raw[i + 1] <= 0x33 and 0x30 <= raw[i + 2] <= 0x37
              and 0x30 <= raw[i + 3] <= 0x37):
            out.append(int(raw[i + 1:i + 4], 8))
            i += 4
        else:
            raise error("invalid input syntax for type bytea", INVALID_TEXT)
    return bytes(out)


def parse_bytea(text: str, typmod: int | None = None, settings: StyleSettings | None = None
                ) -> bytes:
    if text.startswith("\\x"):
        return _hex_decode(text[2:])
    return _escape_decode(text)


def _escape_byte(b: int) -> str:
    if b == 0x5C:
        return "\\\\"
    if b < 0x20 or b > 0x7E:
        return f"\\{b:03o}"
    return chr(b)


_ESCAPED = [_escape_byte(b) for b in range(256)]


def format_bytea(value: bytes, settings: StyleSettings) -> str:
    if settings.bytea_output == "escape":
        return "".join([_ESCAPED[b] for b in value])
    return "\\x" + value.hex()
