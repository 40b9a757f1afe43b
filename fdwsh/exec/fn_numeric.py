"""Arithmetic operators of smallint/integer/bigint, real/double precision and numeric.

Integers: C semantics (division truncates toward zero, ``%`` takes the dividend's sign) with
PostgreSQL's overflow checks on the result type (``integer out of range``).  Floats: IEEE with
PostgreSQL's overflow/underflow errors and ``division by zero``; real results are rounded to
binary32.  numeric: exact ``Decimal`` arithmetic whose exponent is minus the display scale,
with PostgreSQL's result scales (+ - keep the larger scale, * adds them, / uses
select_div_scale()) and its rules for NaN and ±Infinity.
"""

from __future__ import annotations

import math
import struct
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation
from typing import Any

from fdwsh.exec import pgerrors as E
from fdwsh.exec.functions import register
from fdwsh.types.numeric import check_range

_BITS = {"int2": 16, "int4": 32, "int8": 64}
NUMERIC_CTX = Context(prec=1_000_000, Emax=10**9, Emin=-10**9, traps=[])
NAN, PINF, NINF = Decimal("NaN"), Decimal("Infinity"), Decimal("-Infinity")
ZERO = Decimal(0)
_F4 = struct.Struct("f")


def int_checker(bits: int) -> Any:
    low, high = -(1 << (bits - 1)), (1 << (bits - 1)) - 1

    def check(v: int) -> int:
        if v < low or v > high:
            raise E.out_of_range(bits)
        return v
    return check


def _cdiv(a: int, b: int) -> int:
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


def _int_ops() -> None:
    for left in ("int2", "int4", "int8"):
        for right in ("", "2", "4", "8"):
            base = left if not right else f"int{left[-1]}{right}"
            bits = max(_BITS[left], _BITS.get(f"int{right}", 0))
            _register_int(base, int_checker(bits), bits)
    for name in ("int2", "int4", "int8"):
        check = int_checker(_BITS[name])
        register(f"{name}um")(lambda a, check=check: check(-a))
        register(f"{name}up")(lambda a: a)
        register(f"{name}abs")(lambda a, check=check: check(abs(a)))


def _register_int(base: str, check: Any, bits: int) -> None:
    register(f"{base}pl")(lambda a, b: check(a + b))
    register(f"{base}mi")(lambda a, b: check(a - b))
    register(f"{base}mul")(lambda a, b: check(a * b))

    def div(a: int, b: int) -> int:
        if b == 0:
            raise E.division_by_zero()
        return check(_cdiv(a, b))

    def mod(a: int, b: int) -> int:
        if b == 0:
            raise E.division_by_zero()
        return a - _cdiv(a, b) * b if b != -1 else 0

    register(f"{base}div")(div)
    register(f"{base}mod")(mod)


_int_ops()


# ---------------------------------------------------------------------------------------------
# floats


def check_float8(result: float, inf_ok: bool, zero_ok: bool = True) -> float:
    if math.isinf(result) and not inf_ok:
        raise E.float_overflow()
    if result == 0.0 and not zero_ok:
        raise E.float_underflow()
    return result


def to_float4(value: float, inf_ok: bool = False, zero_ok: bool = True) -> float:
    """Round a double to binary32 with float4's overflow/underflow checks."""
    if math.isnan(value) or math.isinf(value):
        return value
    try:
        result: float = _F4.unpack(_F4.pack(value))[0]
    except OverflowError:
        if inf_ok:
            return math.copysign(math.inf, value)
        raise E.float_overflow() from None
    if result == 0.0 and value != 0.0 and not zero_ok:
        raise E.float_underflow()
    return result


def _float_ops(prefix: str, single: bool) -> None:
    fix = (lambda v, inf_ok, zero_ok: to_float4(check_float8(v, True, True), inf_ok, zero_ok)) \
        if single else check_float8

    def pl(a: float, b: float) -> float:
        return fix(a + b, math.isinf(a) or math.isinf(b), True)

    def mi(a: float, b: float) -> float:
        return fix(a - b, math.isinf(a) or math.isinf(b), True)

    def mul(a: float, b: float) -> float:
        return fix(a * b, math.isinf(a) or math.isinf(b), a == 0.0 or b == 0.0)

    def div(a: float, b: float) -> float:
        if b == 0.0 and not math.isnan(a):
            raise E.division_by_zero()
        if math.isnan(b) or math.isnan(a):
            return math.nan
        if math.isinf(b):
            result = math.nan if math.isinf(a) else math.copysign(0.0, a) * math.copysign(1, b)
        else:
            result = a / b
        return fix(result, math.isinf(a), a == 0.0 or math.isinf(b))

    for suffix, fn in (("pl", pl), ("mi", mi), ("mul", mul), ("div", div)):
        register(prefix + suffix)(fn)


_float_ops("float8", False)
_float_ops("float48", False)
_float_ops("float84", False)
_float_ops("float4", True)
register("float4um", "float8um")(lambda a: -a)
register("float4up", "float8up")(lambda a: a)
register("float4abs", "float8abs")(abs)


# ---------------------------------------------------------------------------------------------
# numeric


def dscale(value: Decimal) -> int:
    exp = value.as_tuple().exponent
    return -exp if isinstance(exp, int) and exp < 0 else 0


def normalize(value: Decimal) -> Decimal:
    """Keep numeric's shape: a finite value has exponent <= 0 and fits numeric's range."""
    if value.is_finite():
        exp = value.as_tuple().exponent
        if isinstance(exp, int) and exp > 0:
            value = value.quantize(Decimal(1), context=NUMERIC_CTX)
        if value.is_zero() and value.is_signed():  # numeric has no negative zero
            value = value.copy_abs()
        return check_range(value)
    return value


def _sign(d: Decimal) -> int:
    return 0 if d.is_zero() else (-1 if d.is_signed() else 1)


def numeric_add(a: Decimal, b: Decimal) -> Decimal:
    if not (a.is_finite() and b.is_finite()):
        return _special_add(a, b)
    return normalize(NUMERIC_CTX.add(a, b))


def _special_add(a: Decimal, b: Decimal) -> Decimal:
    if a.is_nan() or b.is_nan():
        return NAN
    result = NUMERIC_CTX.add(a, b)
    return NAN if result.is_nan() else result


def numeric_sub(a: Decimal, b: Decimal) -> Decimal:
    return numeric_add(a, -b if not b.is_nan() else b)


def numeric_mul(a: Decimal, b: Decimal) -> Decimal:
    if not (a.is_finite() and b.is_finite()):
        if a.is_nan() or b.is_nan():
            return NAN
        if (a.is_finite() and a.is_zero()) or (b.is_finite() and b.is_zero()):
            return NAN
        return PINF if _sign(a) * _sign(b) > 0 else NINF
    return normalize(NUMERIC_CTX.multiply(a, b))


def nbase_weight(value: Decimal) -> tuple[int, int]:
    """(weight, first digit) of the value's normalized base-10000 representation."""
    if value.is_zero():
        return 0, 0
    weight = value.adjusted() // 4
    first = int(abs(value).scaleb(-4 * weight, NUMERIC_CTX))
    return weight, first


def select_div_scale(a: Decimal, b: Decimal) -> int:
    """select_div_scale(): at least 16 significant digits, no less than either input's scale."""
    w1, f1 = nbase_weight(a)
    w2, f2 = nbase_weight(b)
    qweight = w1 - w2
    if f1 <= f2:
        qweight -= 1
    rscale = 16 - qweight * 4
    return min(max(rscale, dscale(a), dscale(b), 0), 1000)


def div_round(a: Decimal, b: Decimal, rscale: int, rounding: bool = True) -> Decimal:
    """The exact quotient rounded half away from zero (or truncated) at ``rscale`` digits."""
    ta, tb = a.as_tuple(), b.as_tuple()
    na = int("".join(map(str, ta.digits)) or "0")
    nb = int("".join(map(str, tb.digits)) or "0")
    k = int(ta.exponent) - int(tb.exponent) + rscale
    num, den = (na * 10 ** k, nb) if k >= 0 else (na, nb * 10 ** -k)
    q, r = divmod(num, den)
    if rounding and 2 * r >= den:
        q += 1
    negative = (ta.sign != tb.sign) and q != 0
    return Decimal((1 if negative else 0, tuple(int(c) for c in str(q)), -rscale))


def numeric_div(a: Decimal, b: Decimal) -> Decimal:
    if not (a.is_finite() and b.is_finite()):
        return _special_div(a, b)
    if b.is_zero():
        raise E.division_by_zero()
    return normalize(div_round(a, b, select_div_scale(a, b)))


def _special_div(a: Decimal, b: Decimal) -> Decimal:
    if a.is_nan() or b.is_nan():
        return NAN
    if a.is_infinite():
        if b.is_infinite():
            return NAN
        if b.is_zero():
            raise E.division_by_zero()
        return PINF if _sign(a) * _sign(b) > 0 else NINF
    return ZERO


def numeric_mod(a: Decimal, b: Decimal) -> Decimal:
    if not (a.is_finite() and b.is_finite()):
        if a.is_nan() or b.is_nan() or a.is_infinite():
            return NAN
        return a
    if b.is_zero():
        raise E.division_by_zero()
    return normalize(NUMERIC_CTX.remainder(a, b))


def numeric_div_trunc(a: Decimal, b: Decimal) -> Decimal:
    """div(): the quotient truncated toward zero, scale 0."""
    if not (a.is_finite() and b.is_finite()):
        return _special_div(a, b)
    if b.is_zero():
        raise E.division_by_zero()
    return normalize(div_round(a, b, 0, rounding=False))


register("numeric_add")(numeric_add)
register("numeric_sub")(numeric_sub)
register("numeric_mul")(numeric_mul)
register("numeric_div")(numeric_div)
register("numeric_mod")(numeric_mod)
register("numeric_div_trunc")(numeric_div_trunc)
register("numeric_uminus")(lambda a: a if a.is_nan() else (ZERO.quantize(a) if a.is_zero()
                                                           else -a))
register("numeric_uplus")(lambda a: a)
register("numeric_abs")(lambda a: a.copy_abs())


def round_half_up(value: Decimal, scale: int) -> Decimal:
    try:
        return value.quantize(Decimal(1).scaleb(-scale), rounding=ROUND_HALF_UP,
                              context=NUMERIC_CTX)
    except InvalidOperation:  # pragma: no cover - context has no traps
        return value
