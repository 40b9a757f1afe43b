"""Remote text → the text psql shows for the declared local type under the session settings.

Contract: :func:`converter` (remote type, declared type, declared typmod, settings) returns a
function ``str -> str`` to apply to every non-NULL value of a column; :func:`convert` is the
one-value form.  The remote sends values in postgres_fdw's pinned styles (DateStyle ISO,
TimeZone UTC, IntervalStyle postgres, extra_float_digits 3).  Like postgres_fdw, the value goes
through the declared type's input function (in the local session), so a value that does not fit
raises PostgreSQL's error; when that provably changes nothing — same type (or a widening that
prints the same), no typmod to apply, a style-independent output — the text is returned as is,
without parsing.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import TypeVar

from fdwsh.types.dates import timestamptz_converter
from fdwsh.types.registry import type_io
from fdwsh.types.settings import StyleSettings, TypeSettings

T = TypeVar("T")

#: (remote, declared) pairs where the declared input of the remote output is the identity.
SAME_TEXT = frozenset({
    ("int2", "int4"), ("int2", "int8"), ("int4", "int8"), ("int2", "numeric"),
    ("int4", "numeric"), ("int8", "numeric"), ("varchar", "text"), ("bpchar", "text"),
    ("name", "text"), ("text", "varchar"), ("bpchar", "varchar"), ("name", "varchar"),
    ("text", "bpchar"), ("varchar", "bpchar"), ("jsonb", "json"), ("text", "json"),
})
#: Typmods that never change a value (time/timestamp precision 6).
_NOOP_TYPMOD = {"time": 6, "timetz": 6, "timestamp": 6, "timestamptz": 6}


def _identity(text: str) -> str:
    return text


def _typmod_noop(name: str, typmod: int | None) -> bool:
    return typmod is None or typmod < 0 or _NOOP_TYPMOD.get(name) == typmod


@lru_cache(maxsize=1024)
def _converter(remote_type: str, declared_type: str, typmod: int | None,
               settings: TypeSettings) -> Callable[[str], str]:
    dio, rio = type_io(declared_type), type_io(remote_type)
    scalar_d = dio.element or dio
    scalar_r = rio.element or rio
    same_shape = (dio.element is None) == (rio.element is None)
    same = same_shape and (scalar_d.name == scalar_r.name
                           or (scalar_r.name, scalar_d.name) in SAME_TEXT)
    if same and _typmod_noop(scalar_d.name, typmod) and dio.remote_exact(settings):
        return _identity
    if dio.name == rio.name == "timestamptz" and _typmod_noop("timestamptz", typmod):
        return timestamptz_converter(settings)
    parse, fmt = dio.parse, dio.format

    def convert_one(text: str) -> str:
        return fmt(parse(text, typmod, settings), settings)

    return convert_one


def converter(remote_type: str, declared_type: str, declared_typmod: int | None,
              settings: StyleSettings) -> Callable[[str], str]:
    """The function that turns one remote value's text into what psql shows locally."""
    return _converter(remote_type, declared_type, declared_typmod, TypeSettings.of(settings))


def convert(text: str, remote_type: str, declared_type: str, declared_typmod: int | None,
            settings: StyleSettings) -> str:
    """One value: :func:`converter` applied to ``text``."""
    return converter(remote_type, declared_type, declared_typmod, settings)(text)


def is_identity(convert_fn: Callable[[str], str]) -> bool:
    """Whether a converter returns its input unchanged (the caller may skip it)."""
    return convert_fn is _identity


def naming_column(read: Callable[[str], T], column: str, table: str) -> Callable[[str], T]:
    """``read`` whose errors say which value failed, as postgres_fdw's
    conversion_error_callback: ``CONTEXT:  column "c" of foreign table "t"`` (``table`` is the
    name the query knows the table by)."""
    from fdwsh.errors import FdwshError

    context = f'column "{column}" of foreign table "{table}"'

    def checked(text: str) -> T:
        try:
            return read(text)
        except FdwshError as err:
            err.context = context
            raise

    return checked
