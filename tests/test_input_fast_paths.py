"""The input functions' fast paths for the plain text servers send (digits; a plain decimal)
give exactly what the general PostgreSQL-syntax path gives (reached here through a leading
blank, which the fast path does not take), errors included; and numeric sums accumulate
exactly, checking numeric's range once at the end as NumericSumAccum does."""

from __future__ import annotations

from decimal import Decimal

import pytest

from fdwsh.errors import FdwshError
from fdwsh.exec.aggregate import _sum
from fdwsh.pgtypes import parse_type
from fdwsh.sql import oids as T
from fdwsh.types.integers import parse_int2, parse_int4, parse_int8
from fdwsh.types.numeric import parse_numeric


def outcome(parse, text: str, *args):  # type: ignore[no-untyped-def]
    """The value (and its text) or the error, whose message quotes the input unpadded."""
    try:
        value = parse(text, *args)
    except FdwshError as err:
        return ("error", str(err).replace(f'"{text}"', f'"{text.strip()}"'))
    return ("value", value, str(value))


@pytest.mark.parametrize("parse", [parse_int2, parse_int4, parse_int8])
@pytest.mark.parametrize("text", ["0", "7", "007", "32767", "32768", "2147483647",
                                  "2147483648", "9223372036854775807", "9223372036854775808",
                                  "99999999999999999999999", "-5"])
def test_integer_digits_parse_as_in_postgresql(parse, text: str) -> None:  # type: ignore
    assert outcome(parse, text) == outcome(parse, " " + text)


@pytest.mark.parametrize("declared", ["numeric", "numeric(10,2)", "numeric(5,0)",
                                      "numeric(3,1)", "numeric(4,-2)"])
@pytest.mark.parametrize("text", ["0", "-0", "0.00", "12.5", "12.345", "-99.95", "007.10",
                                  "99999.995", "123456789012345678901234567890.123456789",
                                  "1" * 999])
def test_plain_decimals_parse_as_in_postgresql(declared: str, text: str) -> None:
    typmod = parse_type(declared).typmod
    assert outcome(parse_numeric, text, typmod) == outcome(parse_numeric, " " + text, typmod)


def test_numeric_sum_is_exact_and_keeps_the_largest_scale() -> None:
    agg = _sum(T.NUMERIC, None)
    state = agg.init()
    for value in ("0.1", "0.20", "-0.3", "1e3", "NaN"):
        state = agg.step(state, Decimal(value))
    assert str(agg.final(state)) == "NaN"
    state = agg.init()
    for value in ("0.1", "0.20", "-0.30"):
        state = agg.step(state, Decimal(value))
    assert str(agg.final(state)) == "0.00"
    assert agg.final(agg.combine(agg.step(None, Decimal("1.5")), None)) == Decimal("1.5")
