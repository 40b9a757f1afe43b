"""Small helpers shared by the type modules: PostgreSQL's error shapes and C arithmetic.

PostgreSQL's input functions report errors with a handful of fixed message shapes and
SQLSTATEs; building them here keeps every type module's messages byte-identical.
"""

from __future__ import annotations

from fdwsh.errors import FdwshError

#: C isspace() in the C locale (what PostgreSQL's input functions skip).
C_SPACE = " \t\n\r\v\f"

INVALID_TEXT = "22P02"
OUT_OF_RANGE = "22003"
DATETIME_FORMAT = "22007"
DATETIME_OVERFLOW = "22008"
RIGHT_TRUNCATION = "22001"
INVALID_PARAMETER = "22023"


def invalid_syntax(type_label: str, text: str, sqlstate: str = INVALID_TEXT) -> FdwshError:
    """``invalid input syntax for type integer: "abc"`` (22P02 unless told)."""
    return FdwshError(f'invalid input syntax for type {type_label}: "{text}"',
                      sqlstate=sqlstate)


def error(message: str, sqlstate: str, detail: str | None = None,
          hint: str | None = None, context: str | None = None) -> FdwshError:
    return FdwshError(message, sqlstate=sqlstate, detail=detail, hint=hint, context=context)


def cdiv(a: int, b: int) -> int:
    """C integer division (truncates toward zero), as PostgreSQL's int64 arithmetic does."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


def cmod(a: int, b: int) -> int:
    """C remainder (takes the sign of the dividend)."""
    return a - cdiv(a, b) * b


def typmod_or_none(typmod: int | None) -> int:
    """Typmods arrive as None or -1 for "no modifier"; normalise to -1."""
    return -1 if typmod is None else typmod
