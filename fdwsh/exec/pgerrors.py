"""The run-time errors of PostgreSQL's operators and functions, by their exact messages."""

from __future__ import annotations

from fdwsh.errors import FdwshError

NUMERIC_VALUE_OUT_OF_RANGE = "22003"
DIVISION_BY_ZERO = "22012"
INVALID_ARGUMENT_FOR_POWER = "2201F"
INVALID_PARAMETER_VALUE = "22023"
INVALID_TEXT = "22P02"

_RANGE_LABEL = {16: "smallint", 32: "integer", 64: "bigint"}


def out_of_range(bits: int) -> FdwshError:
    """``integer out of range`` (``smallint``/``bigint`` for the other widths)."""
    return FdwshError(f"{_RANGE_LABEL[bits]} out of range", sqlstate=NUMERIC_VALUE_OUT_OF_RANGE)


def division_by_zero() -> FdwshError:
    return FdwshError("division by zero", sqlstate=DIVISION_BY_ZERO)


def float_overflow() -> FdwshError:
    return FdwshError("value out of range: overflow", sqlstate=NUMERIC_VALUE_OUT_OF_RANGE)


def float_underflow() -> FdwshError:
    return FdwshError("value out of range: underflow", sqlstate=NUMERIC_VALUE_OUT_OF_RANGE)


def invalid(message: str, sqlstate: str = INVALID_PARAMETER_VALUE, *, hint: str | None = None,
            detail: str | None = None) -> FdwshError:
    return FdwshError(message, sqlstate=sqlstate, hint=hint, detail=detail)
