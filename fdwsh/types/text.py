"""text, character varying(n), character(n), name and "char": input with the typmod's rules.

Python value: ``str`` (char(n) keeps its blank padding, as PostgreSQL stores it).  varchar(n)
and char(n) reject values longer than n characters unless the excess is all blanks, which is
clipped (varchar_input/bpchar_input); ``name`` is clipped to 63 bytes on a character boundary.
Typmods are PostgreSQL's atttypmod (n + 4).
"""

from __future__ import annotations

from fdwsh.types.common import RIGHT_TRUNCATION, error
from fdwsh.types.settings import StyleSettings

VARHDRSZ = 4
NAMEDATALEN = 64


def parse_text(text: str, typmod: int | None = None, settings: StyleSettings | None = None
               ) -> str:
    return text


def _clip(text: str, maxlen: int, label: str) -> str:
    if text[maxlen:].strip(" "):
        raise error(f"value too long for type {label}({maxlen})", RIGHT_TRUNCATION)
    return text[:maxlen]


def parse_varchar(text: str, typmod: int | None = None, settings: StyleSettings | None = None
                  ) -> str:
    if typmod is None or typmod < VARHDRSZ:
        return text
    maxlen = typmod - VARHDRSZ
    return text if len(text) <= maxlen else _clip(text, maxlen, "character varying")


def parse_bpchar(text: str, typmod: int | None = None, settings: StyleSettings | None = None
                 ) -> str:
    if typmod is None or typmod < VARHDRSZ:
        return text
    maxlen = typmod - VARHDRSZ
    if len(text) > maxlen:
        return _clip(text, maxlen, "character")
    return text + " " * (maxlen - len(text))


def parse_name(text: str, typmod: int | None = None, settings: StyleSettings | None = None
               ) -> str:
    """namein(): at most NAMEDATALEN-1 bytes, never splitting a character."""
    if len(text) < NAMEDATALEN // 4 or len(text.encode()) < NAMEDATALEN:
        return text
    out, size = [], 0
    for ch in text:
        size += len(ch.encode())
        if size > NAMEDATALEN - 1:
            break
        out.append(ch)
    return "".join(out)


def parse_char(text: str, typmod: int | None = None, settings: StyleSettings | None = None
               ) -> str:
    r"""charin(): the first byte of the input, or a ``\ooo`` octal escape (PostgreSQL 15).

    The value is kept as a one-character string whose code point is the byte (0-255)."""
    if len(text) == 4 and text[0] == "\\" and all(c in "01234567" for c in text[1:]):
        code = int(text[1:], 8) & 0xFF
        return chr(code) if code else ""
    raw = text.encode()
    return chr(raw[0]) if raw else ""


def format_char(value: str, settings: StyleSettings | None = None) -> str:
    r"""charout(): bytes with the high bit set print as ``\ooo``."""
    if not value:
        return ""
    code = ord(value[0])
    return f"\\{code:03o}" if code >= 0x80 else value[0]


def format_text(value: str, settings: StyleSettings | None = None) -> str:
    return value
