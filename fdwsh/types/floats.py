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
from fractions import Fraction

from fdwsh.types.common import C_SPACE, OUT_OF_RANGE, error, invalid_syntax
from fdwsh.types.settings import StyleSettings

_NUMBER = re.compile(
    r"[+-]?(?:0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)(?:[pP][+-]?[0-9]+)?"
    r"|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
    r"|(?i:inf(?:inity)?|nan(?:\([0-9a-zA-Z_]*\))?))")
_F4 = struct.Struct("f")
_I4 = struct.Struct("I")


def _to_float(token: str) -> float:
    body = token.lstrip("+-")
    if body[:2] in ("0x", "0X"):
        try:
            value = float.fromhex(body)
        except OverflowError:
            value = math.inf
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
        shown = text if single else token  # float4in quotes the whole input, float8in the number
        raise error(f'"{shown}" is out of range for type {label}', OUT_OF_RANGE)
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


def _to32(x: float) -> float:
    return _F4.unpack(_F4.pack(x))[0]


def _on_boundary(text: str, single: bool) -> bool:
    """Whether ``text`` lies exactly halfway between two floats: PostgreSQL's Ryu never
    accepts such a rounding boundary (1e23 prints as 9.999999999999999e+22)."""
    if single:
        return _on_boundary32(text)
    mant, _, exp = text.partition("e")
    whole, _, frac = mant.partition(".")
    coeff = int(whole + frac) * 10**50
    scale = int(exp or 0) - len(frac) - 50
    # float() rounds exactly: a hair below and above differ only across a midpoint
    return float(f"{coeff - 1}e{scale}") != float(f"{coeff + 1}e{scale}")


def _on_boundary32(text: str) -> bool:
    value = Fraction(text)
    x = _to32(float(text))
    bits = _I4.unpack(_F4.pack(x))[0]
    for step in (-1, 1):
        neighbour = _F4.unpack(_I4.pack(bits + step))[0]
        if math.isfinite(neighbour) and value == (Fraction(x) + Fraction(neighbour)) / 2:
            return True
    return False


def _shortest(x: float, single: bool) -> str:
    """The shortest text that reads back to ``x`` and is no rounding boundary."""
    if not single:
        text = repr(x)
        if not _on_boundary(text, False):
            return text
        start = len(_digits(text)[0])
    else:
        start = 1
    for p in range(start - 1, 17):
        text = f"{x:.{p}e}"
        back = _to32(float(text)) if single else float(text)
        if back == x and not _on_boundary(text, single):
            return text
    return f"{x:.16e}"


def _ryu_text(x: float, fixed_limit: int, single: bool) -> str:
    """The shortest round-trip text as PostgreSQL's Ryu output prints it."""
    if x == 0.0:
        return "-0" if math.copysign(1.0, x) < 0 else "0"
    sign = "-" if x < 0 else ""
    digits, e = _digits(_shortest(abs(x), single))
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
