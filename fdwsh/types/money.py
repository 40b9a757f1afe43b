"""money: cash_in/cash_out of PostgreSQL 15 in the C locale (``$``, ``,`` groups, 2 decimals).

The value is an int of cents, as PostgreSQL keeps an int64.  Input accepts what cash_in does in
that locale: blanks, ``-`` or parentheses for negatives, an optional ``$``, digits with ``,``
group separators and a ``.`` fraction, rounded half away from zero to two digits.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from fdwsh.types.common import error, invalid_syntax
from fdwsh.types.settings import StyleSettings

_MONEY = re.compile(r"\s*(\()?\s*(-)?\s*\$?\s*(-)?\s*([0-9][0-9,]*)?(?:\.([0-9]*))?\s*(\))?\s*")
INT64_MIN, INT64_MAX = -(2 ** 63), 2 ** 63 - 1


def parse_money(text: str, typmod: int | None = None, settings: StyleSettings | None = None
                ) -> int:
    """cash_in(): the value in cents."""
    m = _MONEY.fullmatch(text)
    if not m:  # cash_in is lenient: "" is 0, "(1" is -1, "1)" is 1
        raise invalid_syntax("money", text)
    digits = (m.group(4) or "0").replace(",", "")
    try:
        value = Decimal(f"{digits}.{m.group(5) or '0'}")
    except InvalidOperation:
        raise invalid_syntax("money", text) from None
    cents = int((value * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    if m.group(1) or m.group(2) or m.group(3):
        cents = -cents
    if not INT64_MIN <= cents <= INT64_MAX:
        raise error(f'value "{text}" is out of range for type money', "22003")
    return cents


def format_money(cents: int, settings: StyleSettings | None = None) -> str:
    """cash_out(): ``$1,234.56``, ``-$0.50``."""
    whole, frac = divmod(abs(cents), 100)
    return f"{'-' if cents < 0 else ''}${whole:,}.{frac:02d}"
