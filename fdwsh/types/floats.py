"""real and double precision: float4in/float8in and float4out/float8out of PostgreSQL 15.

Python value: ``float`` (a real holds a value exactly representable in binary32).  Input
follows glibc ``strtod``/``strtof`` (decimal, hex floats, inf/infinity/nan in any case) plus
PostgreSQL's range checks: overflow, and underflow to zero, are errors; denormals are fine.
Output: with ``extra_float_digits`` > 0 the shortest text that reads back to the same value
(Ryu, fixed notation for decimal exponents -4 .. 14 (real: .. 5)), else ``%.{15+efd}g``
(real: ``%.{6+efd}g``); ``NaN``, ``Infinity``, ``-Infinity``.
"""

from __future__ import annotations

import math
import re
import struct

from fdwsh.types.common import C_SPACE, OUT_OF_RANGE, error, invalid_syntax
from fdwsh.types.settings import StyleSettings

_NUMBER = re.compile(
    r"[+-]?(?:0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)(?:[pP][+-]?[0-9]+)?"
    r"|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
    r"|(?i:inf(?:inity)?|nan(?:\([0-9a-zA-Z_]*\))?))")
_F4 = struct.Struct("f")


def _to_float(token: str) -> float:
    body = token.lstrip("+-")
    if body[:2] in ("0x", "0X"):
        value = float.fromhex(body)
        return -value if token.startswith("-") else value
    low = body.lower()
    if low.startswith("nan"):
        return math.nan
    if low.startswith("inf"):
        return -math.inf if token.startswith("-") else math.inf
    return float(token)


def _nonzero_mantissa(token: str) -> bool:
    body = token.lstrip("+-")
    if body[:2] in ("0x", "0X"):
        body = re.split(r"[pP]", body[2:], maxsplit=1)[0]
    else:
        body = re.split(r"[eE]", body, maxsplit=1)[0]
    return any(c not in "0." for c in body)


def _parse(text: str, label: str, single: bool) -> float:
    s = text.lstrip(C_SPACE)
    m = _NUMBER.match(s)
    if not s or m is None:
        raise invalid_syntax(label, text)
    token = m.group()
    value = _to_float(token)
    if single and math.isfinite(value):
        try:
            value = _F4.unpack(_F4.pack(value))[0]
        except OverflowError:
            value = math.inf
    explicit = token.lstrip("+-")[:1].lower() in ("i", "n")
    if (math.isinf(value) and not explicit) or (value == 0.0 and _nonzero_mantissa(token)):
        raise error(f'"{token}" is out of range for type {label}', OUT_OF_RANGE)
    if s[m.end():].strip(C_SPACE):
        raise invalid_syntax(label, text)
    return value


def parse_float8(text: str, typmod: int | None = None, settings: StyleSettings | None = None
                 ) -> float:
    return _parse(text, "double precision", False)


def parse_float4(text: str, typmod: int | None = None, settings: StyleSettings | None = None
                 ) -> float:
    return _parse(text, "real", True)


def _digits(text: str) -> tuple[str, int]:
    """(significant digits, decimal exponent of the first) of a positive float's text."""
    if "e" in text:
        mant, exp = text.split("e")
        e = int(exp)
    else:
        mant, e = text, None
    whole, _, frac = mant.partition(".")
    digits = (whole + frac).lstrip("0")
    if e is None:
        e = len(whole) - 1 if whole.strip("0") else -(len(frac) - len(frac.lstrip("0")) + 1)
    else:
        e += len(whole) - 1 if whole.strip("0") else 0
    return (digits.rstrip("0") or "0"), e


def _shortest4(x: float) -> str:
    for p in range(9):
        s = f"{x:.{p}e}"
        if _F4.unpack(_F4.pack(float(s)))[0] == x:
            return s
    return f"{x:.8e}"


def _ryu_text(x: float, fixed_limit: int, single: bool) -> str:
    """The shortest round-trip text as PostgreSQL's Ryu output prints it."""
    if x == 0.0:
        return "-0" if math.copysign(1.0, x) < 0 else "0"
    sign = "-" if x < 0 else ""
    digits, e = _digits(_shortest4(-x if sign else x) if single else repr(abs(x)))
    if -4 <= e < fixed_limit:
        if e < 0:
            return f"{sign}0.{'0' * (-e - 1)}{digits}"
        whole = digits[:e + 1].ljust(e + 1, "0")
        frac = digits[e + 1:]
        return f"{sign}{whole}.{frac}" if frac else sign + whole
    mant = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    return f"{sign}{mant}e{'-' if e < 0 else '+'}{abs(e):02d}"


def _special(x: float) -> str | None:
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return None


def format_float8(value: float, settings: StyleSettings) -> str:
    special = _special(value)
    if special is not None:
        return special
    efd = settings.extra_float_digits
    if efd > 0:
        return _ryu_text(value, 15, False)
    return f"{value:.{max(1, 15 + efd)}g}"


def format_float4(value: float, settings: StyleSettings) -> str:
    special = _special(value)
    if special is not None:
        return special
    efd = settings.extra_float_digits
    if efd > 0:
        return _ryu_text(value, 6, True)
    return f"{value:.{max(1, 6 + efd)}g}"
