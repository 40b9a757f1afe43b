"""Mathematical functions (float.c, numeric.c, int.c of PG 15) with PostgreSQL's result scales
and error messages.

numeric results get the scale PostgreSQL picks: round/trunc to the requested scale (padding),
ceil/floor/sign scale 0, sqrt/ln/log/exp/power at least 16 significant digits (the
``rscale`` rules of numeric.c), rounded half away from zero.
"""

from __future__ import annotations

import math
import random as pyrandom
from decimal import ROUND_DOWN, ROUND_HALF_UP, Context, Decimal
from typing import Any

from fdwsh.exec import pgerrors as E
from fdwsh.exec.fn_numeric import (NAN, NINF, NUMERIC_CTX, PINF, check_float8, dscale,
                                   int_checker, nbase_weight, normalize, round_half_up)
from fdwsh.exec.functions import factory, register

POWER_ERR = E.INVALID_ARGUMENT_FOR_POWER
_MAX_SCALE = 1000


def _clamp(rscale: int) -> int:
    return min(max(rscale, 0), _MAX_SCALE)


def _work(rscale: int, value: Decimal) -> Context:
    return Context(prec=rscale + max(value.adjusted(), 0) + 30, Emax=10**9, Emin=-10**9)


# ---- rounding --------------------------------------------------------------------------------


def _numeric_round(v: Decimal, scale: int = 0, mode: str = ROUND_HALF_UP) -> Decimal:
    if not v.is_finite():
        return v
    scale = max(min(scale, 2000), -2000)
    result = v.quantize(Decimal(1).scaleb(-scale), rounding=mode, context=NUMERIC_CTX)
    if scale < 0:
        result = result.quantize(Decimal(1), context=NUMERIC_CTX)
    return normalize(result)


register("numeric_round", "round(numeric)")(_numeric_round)
register("numeric_trunc", "trunc(numeric)")(
    lambda v, s=0: _numeric_round(v, s, ROUND_DOWN))
register("numeric_ceil")(lambda v: v if not v.is_finite() else normalize(
    v.to_integral_value(rounding="ROUND_CEILING", context=NUMERIC_CTX)))
register("numeric_floor")(lambda v: v if not v.is_finite() else normalize(
    v.to_integral_value(rounding="ROUND_FLOOR", context=NUMERIC_CTX)))
register("numeric_sign")(lambda v: v if v.is_nan() else Decimal(
    0 if v.is_zero() else (-1 if v.is_signed() else 1)))
register("numeric_scale")(lambda v: dscale(v) if v.is_finite() else None)


def _c_rounding(fn: Any) -> Any:
    """C's rint/trunc/ceil/floor: a zero result keeps the argument's sign (-0)."""
    def rounded(v: float) -> float:
        if not math.isfinite(v):
            return v
        return math.copysign(float(fn(v)), v)
    return rounded


register("dround")(_c_rounding(round))
register("dtrunc")(_c_rounding(math.trunc))
register("dceil")(_c_rounding(math.ceil))
register("dfloor")(_c_rounding(math.floor))
register("dsign")(lambda v: v if math.isnan(v) else (0.0 if v == 0 else math.copysign(1.0, v)))


@register("numeric_min_scale")
def _min_scale(v: Decimal) -> int | None:
    if not v.is_finite():
        return None
    return dscale(v.normalize(NUMERIC_CTX)) if not v.is_zero() else 0


@register("numeric_trim_scale")
def _trim_scale(v: Decimal) -> Decimal:
    if not v.is_finite() or v.is_zero():
        return v if not v.is_finite() else Decimal(0)
    return normalize(v.normalize(NUMERIC_CTX))


# ---- roots, logarithms, exponentials -----------------------------------------------------------


@register("dsqrt")
def _dsqrt(v: float) -> float:
    if v < 0:
        raise E.invalid("cannot take square root of a negative number", POWER_ERR)
    return math.sqrt(v)


register("dcbrt")(math.cbrt)  # C's cbrt(), as PostgreSQL calls it


@register("numeric_sqrt")
def _numeric_sqrt(v: Decimal) -> Decimal:
    if v.is_nan() or v == PINF:
        return v
    if v.is_signed() and not v.is_zero():
        raise E.invalid("cannot take square root of a negative number", POWER_ERR)
    weight, _ = nbase_weight(v)
    sweight = int((weight + 1) * 4 / 2) - 1
    rscale = _clamp(max(16 - sweight, dscale(v)))
    return normalize(round_half_up(v.sqrt(_work(rscale, v)), rscale))


def estimate_ln_dweight(v: Decimal) -> int:
    """estimate_ln_dweight(): the decimal weight of ln(v), roughly."""
    if v.is_signed() or v.is_zero():
        return 0
    if Decimal("0.9") <= v <= Decimal("1.1"):
        x = v - 1
        return 0 if x.is_zero() else x.adjusted()
    weight, first = nbase_weight(v)
    digits, dweight = first, weight * 4
    rest = abs(v).scaleb(-4 * (weight - 1), NUMERIC_CTX)
    second = int(rest) % 10000
    if rest != int(rest) or second:
        digits, dweight = digits * 10000 + second, dweight - 4
    ln_var = math.log(digits) + dweight * 2.302585092994046
    return int(math.log10(abs(ln_var))) if ln_var else 0


def _check_log_arg(v: Decimal) -> None:
    if v.is_zero():
        raise E.invalid("cannot take logarithm of zero", "2201E")
    if v.is_signed():
        raise E.invalid("cannot take logarithm of a negative number", "2201E")


@register("numeric_ln")
def _numeric_ln(v: Decimal) -> Decimal:
    if v.is_nan() or v == PINF:
        return v
    _check_log_arg(v)
    rscale = _clamp(max(16 - estimate_ln_dweight(v), dscale(v)))
    return normalize(round_half_up(v.ln(_work(rscale, v)), rscale))


@register("numeric_log")
def _numeric_log(base: Decimal, num: Decimal) -> Decimal:
    if base.is_nan() or num.is_nan():
        return NAN
    _check_log_arg(base)
    _check_log_arg(num)
    if base == 1:
        raise E.division_by_zero()
    result_dweight = estimate_ln_dweight(num) - estimate_ln_dweight(base)
    rscale = _clamp(max(16 - result_dweight, dscale(base), dscale(num)))
    ctx = _work(rscale + 20, num)
    return normalize(round_half_up(num.ln(ctx) / base.ln(ctx), rscale))


register("log10(numeric)", "log(numeric)")(lambda v: _numeric_log(Decimal(10), v))


@register("numeric_exp")
def _numeric_exp(v: Decimal) -> Decimal:
    if v.is_nan() or v == PINF:
        return v
    if v == NINF:
        return Decimal(0)
    val = max(min(float(v) * 0.434294481903252, 2000), -2000)
    rscale = _clamp(max(16 - int(val), dscale(v)))
    if val > 131072:
        raise E.invalid("value overflows numeric format", "22003")
    return normalize(round_half_up(v.exp(_work(rscale + int(max(val, 0)), v)), rscale))


@register("dexp")
def _dexp(v: float) -> float:
    try:
        result = math.exp(v)
    except OverflowError:
        raise E.float_overflow() from None
    if result == 0.0 and math.isfinite(v):
        raise E.float_underflow()
    return result


def _dlog(fn: Any) -> Any:
    def log(v: float) -> float:
        if v == 0.0:
            raise E.invalid("cannot take logarithm of zero", "2201E")
        if v < 0:
            raise E.invalid("cannot take logarithm of a negative number", "2201E")
        return fn(v)
    return log


register("dlog1")(_dlog(math.log))
register("dlog10")(_dlog(math.log10))


@register("dpow")
def _dpow(a: float, b: float) -> float:
    if a == 0.0 and b < 0:
        raise E.invalid("zero raised to a negative power is undefined", POWER_ERR)
    if a < 0 and math.isfinite(b) and b != math.floor(b):
        raise E.invalid("a negative number raised to a non-integer power yields a complex "
                        "result", POWER_ERR)
    try:
        result = math.pow(a, b)
    except OverflowError:
        raise E.float_overflow() from None
    return check_float8(result, math.isinf(a) or math.isinf(b),
                        a == 0.0 or not math.isfinite(b) or not math.isfinite(a))


@register("numeric_power")
def _numeric_power(base: Decimal, exp: Decimal) -> Decimal:
    if base.is_nan() or exp.is_nan():
        return Decimal(1) if (base == 1 or (exp.is_zero() and not exp.is_nan())) else NAN
    if not (base.is_finite() and exp.is_finite()):
        return _special_power(base, exp)
    if base.is_zero() and exp.is_signed():
        raise E.invalid("zero raised to a negative power is undefined", POWER_ERR)
    integral = exp == exp.to_integral_value()
    if base.is_signed() and not integral:
        raise E.invalid("a negative number raised to a non-integer power yields a complex "
                        "result", POWER_ERR)
    if integral and abs(exp) < 2**31:
        return _power_int(base, int(exp))
    if base.is_zero():
        return Decimal(0).quantize(Decimal(1).scaleb(-16))
    val = float(exp) * math.log(float(base)) * 0.434294481903252
    if val > 131072:
        raise E.invalid("value overflows numeric format", "22003")
    rscale = _clamp(max(16 - int(val), dscale(base), dscale(exp)))
    ctx = _work(rscale + int(max(val, 0)) + 10, base)
    return normalize(round_half_up(ctx.power(base, exp), rscale))


def _power_int(base: Decimal, n: int) -> Decimal:
    rscale = _clamp(max(16, dscale(base)))
    if n == 0:
        return Decimal(1).quantize(Decimal(1).scaleb(-rscale))
    if abs(n) * max(base.adjusted(), 1) > 600000:
        raise E.invalid("value overflows numeric format", "22003")
    exact = NUMERIC_CTX.power(base, abs(n))
    if n < 0:
        ctx = Context(prec=rscale + 60 + abs(exact.adjusted()), Emax=10**9, Emin=-10**9)
        exact = ctx.divide(Decimal(1), exact)
    return normalize(round_half_up(exact, rscale))


def _special_power(base: Decimal, exp: Decimal) -> Decimal:
    if base.is_infinite() and exp.is_zero():
        return Decimal(1)
    if exp.is_infinite():
        mag = abs(base)
        if mag == 1:
            return Decimal(1)
        if (mag > 1) == (exp > 0):
            return PINF
        return Decimal(0)
    if exp > 0:
        odd = exp == exp.to_integral_value() and int(exp) % 2 == 1
        return NINF if base.is_signed() and odd else PINF
    return Decimal(0)


# ---- integers ----------------------------------------------------------------------------------


def _gcd(bits: int) -> Any:
    check = int_checker(bits)
    return lambda a, b: check(math.gcd(a, b))


def _lcm(bits: int) -> Any:
    check = int_checker(bits)
    return lambda a, b: check(0 if a == 0 or b == 0 else abs(a * b) // math.gcd(a, b))


register("int4gcd")(_gcd(32))
register("int8gcd")(_gcd(64))
register("int4lcm")(_lcm(32))
register("int8lcm")(_lcm(64))


@register("numeric_fac")
def _factorial(n: int) -> Decimal:
    if n < 0:
        raise E.invalid("factorial of a negative number is undefined", "22003")
    if n > 32177:
        raise E.invalid("value overflows numeric format", "22003")
    return Decimal(math.factorial(n))


# ---- trigonometry, constants, random ----------------------------------------------------------

register("dpi")(lambda: math.pi)
register("degrees")(math.degrees)
register("radians")(math.radians)
for _key, _fn in (("dsin", math.sin), ("dcos", math.cos), ("dtan", math.tan),
                  ("dasin", math.asin), ("dacos", math.acos), ("datan", math.atan)):
    register(_key)(lambda v, fn=_fn: math.nan if math.isnan(v) else _trig(fn, v))
register("datan2")(math.atan2)


def _trig(fn: Any, v: float) -> float:
    try:
        return fn(v)
    except ValueError:
        raise E.invalid("input is out of range", "22003") from None


@factory("drandom")
def _random(node: Any, ctx: Any) -> Any:
    rng = ctx.state.setdefault("random", pyrandom.Random())
    return rng.random


@factory("setseed")
def _setseed(node: Any, ctx: Any) -> Any:
    def setseed(seed: float) -> None:
        if not -1.0 <= seed <= 1.0 or math.isnan(seed):
            raise E.invalid(f"setseed parameter {seed:g} is out of allowed range [-1,1]")
        ctx.state.setdefault("random", pyrandom.Random()).seed(seed)
    return setseed


def _width_bucket(operand: Any, low: Any, high: Any, count: int, exact: bool) -> int:
    """width_bucket(): which of ``count`` equal buckets between the bounds holds operand."""
    if count <= 0:
        raise E.invalid("count must be greater than zero", "2201G")
    if low == high:
        raise E.invalid("lower bound cannot equal upper bound", "2201G")
    if any(isinstance(x, float) and math.isnan(x) or isinstance(x, Decimal) and x.is_nan()
           for x in (operand, low, high)):
        raise E.invalid("operand, lower bound, and upper bound cannot be NaN", "2201G")
    ascending = low < high
    if (operand < low) if ascending else (operand > low):
        return 0
    if (operand >= high) if ascending else (operand <= high):
        return count + 1
    if exact:
        return int((operand - low) * count // (high - low)) + 1
    return int(count * ((operand - low) / (high - low))) + 1


register("width_bucket_float8")(lambda o, lo, hi, n: _width_bucket(o, lo, hi, n, False))
register("width_bucket_numeric")(lambda o, lo, hi, n: _width_bucket(o, lo, hi, n, True))


def _numeric_gcd(a: Decimal, b: Decimal) -> Decimal:
    if not (a.is_finite() and b.is_finite()):
        return NAN
    scale = max(dscale(a), dscale(b))
    ia, ib = int(a.scaleb(scale)), int(b.scaleb(scale))
    return Decimal(math.gcd(ia, ib)).scaleb(-scale)


register("numeric_gcd")(_numeric_gcd)


@register("numeric_lcm")
def _numeric_lcm(a: Decimal, b: Decimal) -> Decimal:
    if not (a.is_finite() and b.is_finite()):
        return NAN
    if a.is_zero() or b.is_zero():
        return Decimal(0).quantize(Decimal(1).scaleb(-max(dscale(a), dscale(b))))
    g = _numeric_gcd(a, b)
    return normalize(abs(NUMERIC_CTX.divide(NUMERIC_CTX.multiply(a, b), g)).quantize(
        Decimal(1).scaleb(-max(dscale(a), dscale(b))), context=NUMERIC_CTX))
