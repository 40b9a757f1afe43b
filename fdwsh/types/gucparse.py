"""How PostgreSQL 15 reads and prints the values of its settings by kind (guc.c): integers with
time units, booleans, enums, and client encoding names.

Contract: each ``parse_*`` returns the stored value or raises :class:`SettingError` carrying
PostgreSQL's message pieces; :func:`show_int` prints an integer setting as SHOW does (the
largest unit that divides it exactly).
"""

from __future__ import annotations

import math
import re

_SPACE = " \t\n\r\v\f"
INT_MAX = 2**31 - 1
#: time units relative to milliseconds, largest first (time_unit_conversion_table)
TIME_UNITS = (("d", 86_400_000.0), ("h", 3_600_000.0), ("min", 60_000.0), ("s", 1000.0),
              ("ms", 1.0), ("us", 0.001))
TIME_HINT = 'Valid units for this parameter are "us", "ms", "s", "min", "h", and "d".'
_STRTOL = re.compile(r"[ \t\n\r\v\f]*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)")
_STRTOD = re.compile(r"[ \t\n\r\v\f]*[+-]?(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
                     r"|0[xX][0-9a-fA-F]+|(?i:inf(?:inity)?|nan))")


class SettingError(Exception):
    """A value the setting does not accept: ``kind`` picks PostgreSQL's message."""

    def __init__(self, kind: str, hint: str | None = None, value: int | None = None) -> None:
        super().__init__(kind)
        self.kind = kind
        self.hint = hint
        self.value = value


def _strtol(text: str) -> tuple[float, str] | None:
    m = _STRTOL.match(text)
    if m is None:
        return None
    sign, digits = m.groups()
    if digits[:2].lower() == "0x":
        value = int(digits, 16)
    elif digits.startswith("0"):
        value = int(digits, 8) if len(digits) > 1 else 0
    else:
        value = int(digits)
    return float(-value if sign == "-" else value), text[m.end():]


def _number(text: str) -> tuple[float, str]:
    got = _strtol(text)
    if got is None or got[1][:1] in (".", "e", "E") or abs(got[0]) >= 2**63:
        m = _STRTOD.match(text)
        if m is None:
            raise SettingError("syntax")
        token = m.group().strip(_SPACE)
        value = float.fromhex(token) if "x" in token.lower() and "inf" not in token.lower() \
            else float(token)
        if math.isinf(value) and "inf" not in token.lower():
            raise SettingError("syntax")
        return value, text[m.end():]
    return got


def parse_int(text: str, unit: str | None = None) -> int:
    """parse_int(): octal/hex/decimal or a float, an optional unit (time, base ``unit``)."""
    value, rest = _number(text)
    if math.isnan(value):
        raise SettingError("syntax")
    rest = rest.lstrip(_SPACE)
    if rest:
        if unit is None:
            raise SettingError("syntax")
        value = _convert_unit(value, rest, unit)
    value = float(round(value))
    if value > INT_MAX or value < -INT_MAX - 1:
        raise SettingError("syntax", "Value exceeds integer range.")
    return int(value)


def _convert_unit(value: float, rest: str, unit: str) -> float:
    word = rest[:3]
    i = 0
    while i < len(rest) and i < 3 and rest[i] not in _SPACE:
        i += 1
    word = rest[:i]
    if rest[i:].strip(_SPACE):
        raise SettingError("syntax", TIME_HINT)
    base = dict(TIME_UNITS)[unit]
    for k, (name, mult) in enumerate(TIME_UNITS):
        if name == word:
            converted = value * mult / base
            if k + 1 < len(TIME_UNITS):
                smaller = TIME_UNITS[k + 1][1] / base
                converted = round(converted / smaller) * smaller
            return converted
    raise SettingError("syntax", TIME_HINT)


def show_int(value: int, unit: str | None) -> str:
    """_ShowOption() for an integer: positive values with a unit in the largest exact unit."""
    if unit is None or value <= 0:
        return str(value)
    base = dict(TIME_UNITS)[unit]
    for name, mult in TIME_UNITS:
        factor = mult / base
        if factor <= 1.0 or value % int(factor) == 0:
            return f"{round(value / factor)}{name}"
    return str(value)


_BOOL_WORDS = (("true", True, 1), ("false", False, 1), ("yes", True, 1), ("no", False, 1),
               ("on", True, 2), ("off", False, 2))


def parse_bool(text: str) -> bool:
    """parse_bool(): prefixes of true/false/yes/no/on/off, 1, 0 (no blanks)."""
    word = text.lower()
    if word in ("1", "0"):
        return word == "1"
    for full, value, minimum in _BOOL_WORDS:
        if len(word) >= minimum and full.startswith(word) and word:
            return value
    raise SettingError("bool")


def parse_enum(text: str, values: tuple[str, ...], hidden: tuple[str, ...] = ()) -> str:
    low = text.lower()
    for v in values + hidden:
        if v.lower() == low:
            return v
    raise SettingError("syntax", "Available values: " + ", ".join(values) + ".")


ENCODINGS = ("SQL_ASCII EUC_JP EUC_CN EUC_KR EUC_TW EUC_JIS_2004 UTF8 MULE_INTERNAL LATIN1 "
             "LATIN2 LATIN3 LATIN4 LATIN5 LATIN6 LATIN7 LATIN8 LATIN9 LATIN10 WIN1256 WIN1258 "
             "WIN866 WIN874 KOI8R WIN1251 WIN1252 ISO_8859_5 ISO_8859_6 ISO_8859_7 ISO_8859_8 "
             "WIN1250 WIN1253 WIN1254 WIN1255 WIN1257 KOI8U SJIS BIG5 GBK UHC GB18030 JOHAB "
             "SHIFT_JIS_2004").split()
_ENC_ALIASES = {
    "abc": "WIN1258", "alt": "WIN866", "cp932": "SJIS", "cp936": "GBK", "cp949": "UHC",
    "iso88591": "LATIN1", "iso88592": "LATIN2", "iso88593": "LATIN3", "iso88594": "LATIN4",
    "iso88599": "LATIN5", "iso885910": "LATIN6", "iso885913": "LATIN7",
    "iso885914": "LATIN8", "iso885915": "LATIN9", "iso885916": "LATIN10",
    "iso88595": "ISO_8859_5", "iso88596": "ISO_8859_6", "iso88597": "ISO_8859_7",
    "iso88598": "ISO_8859_8", "koi8": "KOI8R", "mskanji": "SJIS", "shiftjis": "SJIS",
    "tcvn": "WIN1258", "tcvn5712": "WIN1258", "unicode": "UTF8", "vscii": "WIN1258",
    "win": "WIN1251", "win932": "SJIS", "win936": "GBK", "win949": "UHC", "win950": "BIG5",
}


def encoding_name(text: str) -> str | None:
    """pg_char_to_encoding() + pg_encoding_to_char(): the canonical name, or None."""
    clean = re.sub(r"[^0-9a-zA-Z]", "", text).lower()
    for enc in ENCODINGS:
        if enc.replace("_", "").lower() == clean:
            return enc
    if clean.startswith("windows"):
        clean = "win" + clean[7:]
    if clean.startswith("cp") and clean[2:] in ("1250", "1251", "1252", "1253", "1254", "1255",
                                                "1256", "1257", "1258", "866", "874"):
        clean = "win" + clean[2:]
    for enc in ENCODINGS:
        if enc.lower() == clean:
            return enc
    return _ENC_ALIASES.get(clean)


def clean_ascii(text: str) -> str:
    """pg_clean_ascii(): each byte outside printable ASCII becomes '?'."""
    return "".join(c if " " <= c <= "~" else "?" * len(c.encode()) for c in text)
