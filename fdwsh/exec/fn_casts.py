"""Cast functions of pg_cast (by implementation key) and the length-coercion functions that
apply a typmod (``numeric(p,s)``, ``varchar(n)``, ``character(n)``).

Float → integer rounds half to even (rint) and numeric → integer half away from zero, as
PostgreSQL does; float → numeric keeps 15 (real: 6) significant digits; every narrowing checks
the target's range with PostgreSQL's message.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from fdwsh.exec import pgerrors as E
from fdwsh.exec.fn_numeric import int_checker, normalize, round_half_up, to_float4
from fdwsh.exec.functions import factory, register
from fdwsh.types.numeric import apply_typmod

register("i2toi4", "int48", "int28")(lambda v: v)
register("i4toi2", "int82")(int_checker(16))
register("int84")(int_checker(32))


def _float_to_int(bits: int) -> Any:
    check = int_checker(bits)

    def convert(v: float) -> int:
        if math.isnan(v) or math.isinf(v):
            raise E.out_of_range(bits)
        return check(int(round(v)))  # Python round() is half-to-even, like rint()
    return convert


register("dtoi2", "ftoi2")(_float_to_int(16))
register("dtoi4", "ftoi4")(_float_to_int(32))
register("dtoi8", "ftoi8")(_float_to_int(64))
register("i2tod", "i4tod", "i8tod", "ftod")(float)
register("i2tof", "i4tof", "i8tof")(lambda v: to_float4(float(v)))
register("dtof")(lambda v: to_float4(v, math.isinf(v), v == 0.0))


def _numeric_to_int(bits: int) -> Any:
    check = int_checker(bits)

    def convert(v: Decimal) -> int:
        if v.is_nan():
            raise E.invalid("cannot convert NaN to " + {16: "smallint", 32: "integer",
                                                        64: "bigint"}[bits], "0A000")
        if v.is_infinite():
            raise E.invalid("cannot convert infinity to " + {16: "smallint", 32: "integer",
                                                             64: "bigint"}[bits], "0A000")
        return check(int(round_half_up(v, 0)))
    return convert


register("numeric_int2")(_numeric_to_int(16))
register("numeric_int4")(_numeric_to_int(32))
register("numeric_int8")(_numeric_to_int(64))
register("int2_numeric", "int4_numeric", "int8_numeric")(lambda v: Decimal(v))


def _float_to_numeric(digits: int) -> Any:
    def convert(v: float) -> Decimal:
        if math.isnan(v):
            return Decimal("NaN")
        if math.isinf(v):
            return Decimal("Infinity") if v > 0 else Decimal("-Infinity")
        text = f"{v:.{digits}g}"
        return normalize(Decimal(text))
    return convert


register("float8_numeric")(_float_to_numeric(15))
register("float4_numeric")(_float_to_numeric(6))


def _numeric_to_float(v: Decimal) -> float:
    if v.is_nan():
        return math.nan
    if v.is_infinite():
        return math.inf if v > 0 else -math.inf
    result = float(v) if not v.is_zero() else 0.0
    if math.isinf(result):
        raise E.invalid(f'"{v}" is out of range for type double precision', "22003")
    return result


register("numeric_float8")(_numeric_to_float)
register("numeric_float4")(lambda v: to_float4(_numeric_to_float(v)))


@factory("numeric")
def _numeric_typmod(node: Any, ctx: Any) -> Any:
    return lambda v, typmod: apply_typmod(v, typmod) if not v.is_nan() else v


register("bool_int4")(lambda v: 1 if v else 0)
register("int4_bool")(lambda v: v != 0)
register("booltext")(lambda v: "true" if v else "false")
register("rtrim1")(lambda v: v.rstrip(" "))
register("name_text", "text_name")(lambda v: v)
register("char_text")(lambda v: v)


def _varchar(v: str, typmod: int, explicit: bool) -> str:
    """varchar(n): explicit casts truncate; otherwise only trailing blanks may go."""
    limit = typmod - 4
    if typmod < 4 or len(v) <= limit:
        return v
    if not explicit and v[limit:].strip(" "):
        raise E.invalid(f"value too long for type character varying({limit})", "22001")
    return v[:limit]


def _bpchar(v: str, typmod: int, explicit: bool) -> str:
    """character(n): pad with blanks to n; longer values as varchar(n)."""
    limit = typmod - 4
    if typmod < 4:
        return v
    if len(v) <= limit:
        return v.ljust(limit)
    if not explicit and v[limit:].strip(" "):
        raise E.invalid(f"value too long for type character({limit})", "22001")
    return v[:limit]


register("varchar")(_varchar)
register("bpchar")(_bpchar)
