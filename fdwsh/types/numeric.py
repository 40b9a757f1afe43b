"""numeric: numeric_in()/numeric_out() of PostgreSQL 15, typmod rounding and its errors.

Python value: ``decimal.Decimal`` whose exponent is minus the display scale (``1.50`` keeps two
digits), or Decimal NaN / Infinity / -Infinity.  Input: blanks, NaN/Infinity/inf spellings,
or a signed decimal with optional exponent; a typmod (p,s) rounds half away from zero to s
digits and rejects values needing more than p-s integer digits (``numeric field overflow``).
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Context, Decimal

from fdwsh.types.common import C_SPACE, OUT_OF_RANGE, error, invalid_syntax
from fdwsh.types.settings import StyleSettings

VARHDRSZ = 4
DSCALE_MAX = 0x3FFF
MAX_INT_DIGITS = 4 * 0x8000  # NUMERIC_WEIGHT_MAX base-10000 digits
_NUM = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)")
_EXP = re.compile(r"[eE]([+-]?[0-9]+)")
_SPECIALS = (("nan", Decimal("NaN")), ("infinity", Decimal("Infinity")),
             ("+infinity", Decimal("Infinity")), ("-infinity", Decimal("-Infinity")),
             ("inf", Decimal("Infinity")), ("+inf", Decimal("Infinity")),
             ("-inf", Decimal("-Infinity")))
_BIG = Context(prec=1_000_000, Emax=10**9, Emin=-10**9)
NAN = Decimal("NaN")


#: A plain decimal without blanks or exponent, short enough to be within numeric's range.
_PLAIN = re.compile(r"-?[0-9]+(?:\.[0-9]+)?\Z")


def _syntax(text: str) -> Exception:
    return invalid_syntax("numeric", text)


def _overflow() -> Exception:
    return error("value overflows numeric format", OUT_OF_RANGE)


def _special(s: str) -> tuple[Decimal, str] | None:
    low = s[:9].lower()
    for word, value in _SPECIALS:
        if low.startswith(word):
            return value, s[len(word):]
    return None


def _scan(text: str, s: str) -> tuple[Decimal, str]:
    """set_var_from_str(): the number at the start of ``s`` and what follows it."""
    m = _NUM.match(s)
    if m is None:
        raise _syntax(text)
    body, rest = m.group(), s[m.end():]
    exponent = 0
    if rest[:1] in ("e", "E"):
        em = _EXP.match(rest)
        if em is None:
            raise _syntax(text)
        exponent = int(em.group(1))
        if abs(exponent) >= 0x7FFFFFFF // 2:
            raise _overflow()
        rest = rest[em.end():]
    return Decimal(f"{body}e{exponent}" if exponent else body), rest


def _int_digits(value: Decimal) -> int:
    """How many digits the value has before the decimal point (0 for |v| < 1)."""
    if value.is_zero():
        return 0
    return max(0, value.adjusted() + 1)


def _field_overflow(precision: int, scale: int, maxdigits: int) -> Exception:
    bound = f"10^{maxdigits}" if maxdigits else "1"
    return error("numeric field overflow", OUT_OF_RANGE,
                 detail=f"A field with precision {precision}, scale {scale} "
                        f"must round to an absolute value less than {bound}.")


def apply_typmod(value: Decimal, typmod: int) -> Decimal:
    """apply_typmod(): round to the typmod's scale, check its precision."""
    if typmod < VARHDRSZ:
        return value
    packed = typmod - VARHDRSZ
    precision = (packed >> 16) & 0xFFFF
    scale = ((packed & 0x7FF) ^ 1024) - 1024
    if value.is_infinite():
        raise error("numeric field overflow", OUT_OF_RANGE,
                    detail=f"A field with precision {precision}, scale {scale} "
                           "cannot hold an infinite value.")
    if value.is_nan():
        return value
    maxdigits = precision - scale
    if not value.is_zero() and value.adjusted() + 1 > maxdigits:
        raise _field_overflow(precision, scale, maxdigits)
    rounded = value.quantize(Decimal(1).scaleb(-scale), rounding=ROUND_HALF_UP, context=_BIG)
    if not rounded.is_zero() and rounded.adjusted() + 1 > maxdigits:
        raise _field_overflow(precision, scale, maxdigits)
    if scale < 0:
        rounded = rounded.quantize(Decimal(1), context=_BIG)
    return rounded


def parse_numeric(text: str, typmod: int | None = None, settings: StyleSettings | None = None
                  ) -> Decimal:
    if len(text) < 1000 and _PLAIN.match(text):  # what servers send: in range, fast path
        value = Decimal(text)
        return apply_typmod(value, typmod) if typmod is not None and typmod >= VARHDRSZ \
            else value
    s = text.lstrip(C_SPACE)
    special = _special(s)
    value, rest = special if special is not None else _scan(text, s)
    if rest.strip(C_SPACE):
        raise _syntax(text)
    value = check_range(value)
    if typmod is not None and typmod >= VARHDRSZ:
        value = apply_typmod(value, typmod)
    return value


def check_range(value: Decimal) -> Decimal:
    """make_result()'s limits: 131072 integer digits, 16383 fraction digits."""
    if not value.is_finite():
        return value
    exp = value.as_tuple().exponent
    if -exp > DSCALE_MAX or _int_digits(value) > MAX_INT_DIGITS:  # type: ignore[operator]
        raise _overflow()
    if exp > 0:  # type: ignore[operator]
        value = value.quantize(Decimal(1), context=_BIG)
    return value


def format_numeric(value: Decimal, settings: StyleSettings | None = None) -> str:
    if not value.is_finite():
        if value.is_nan():
            return "NaN"
        return "-Infinity" if value.is_signed() else "Infinity"
    if value.is_zero() and value.is_signed():
        value = value.copy_abs()
    return format(value, "f")
