"""boolean and uuid: PostgreSQL's input spellings and output.

Python values: ``bool`` and ``uuid.UUID``.  boolin() accepts any unambiguous prefix of
true/false/yes/no, on/off (at least two letters), 1/0, case-insensitively, between blanks.
"""

from __future__ import annotations

import uuid

from fdwsh.types.common import C_SPACE, invalid_syntax
from fdwsh.types.settings import StyleSettings

_WORDS = (("true", True, 1), ("false", False, 1), ("yes", True, 1), ("no", False, 1),
          ("on", True, 2), ("off", False, 2))


def parse_bool(text: str, typmod: int | None = None, settings: StyleSettings | None = None
               ) -> bool:
    word = text.strip(C_SPACE).lower()
    if word == "1":
        return True
    if word == "0":
        return False
    for full, value, minimum in _WORDS:
        if len(word) >= minimum and full.startswith(word):
            return value
    raise invalid_syntax("boolean", text)


def format_bool(value: bool, settings: StyleSettings | None = None) -> str:
    return "t" if value else "f"


_HEX = frozenset("0123456789abcdefABCDEF")


def parse_uuid(text: str, typmod: int | None = None, settings: StyleSettings | None = None
               ) -> uuid.UUID:
    """string_to_uuid(): 32 hex digits, a hyphen allowed after any group of four, optional
    braces; nothing else (not even blanks)."""
    s, i = text, 0
    braces = s.startswith("{")
    if braces:
        i = 1
    digits: list[str] = []
    for byte in range(16):
        pair = s[i:i + 2]
        if len(pair) < 2 or pair[0] not in _HEX or pair[1] not in _HEX:
            raise invalid_syntax("uuid", text)
        digits.append(pair)
        i += 2
        if s[i:i + 1] == "-" and byte % 2 == 1 and byte < 15:
            i += 1
    if braces:
        if s[i:i + 1] != "}":
            raise invalid_syntax("uuid", text)
        i += 1
    if i != len(s):
        raise invalid_syntax("uuid", text)
    return uuid.UUID("".join(digits))


def format_uuid(value: uuid.UUID, settings: StyleSettings | None = None) -> str:
    return str(value)
