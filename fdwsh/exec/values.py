"""Text input and output of values by type OID, over :mod:`fdwsh.types`.

The evaluator and the type checker deal in type OIDs; :mod:`fdwsh.types` owns every type's
input and output functions (by type name).  This module is the one bridge: ``parse_input``
is the type's input function (what a cast from ``unknown``/text does), ``format_output`` its
output function under the session's styles.  Types without functions in fdwsh.types pass
their text through unchanged (their values are that text).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from fdwsh.errors import FeatureNotSupported
from fdwsh.pgtypes import format_type, type_by_oid

Parse = Callable[[str, int, Any], Any]
Format = Callable[[Any, Any], str]


def default_settings() -> Any:
    """PostgreSQL's default styles (for callers without a session)."""
    from fdwsh.types.settings import TypeSettings

    return TypeSettings()


@cache
def _io(oid: int) -> tuple[Parse, Format]:
    t = type_by_oid(oid)
    if t is None:
        raise FeatureNotSupported(f"type with OID {oid} is not supported")
    if t.name == "regtype":  # values are type OIDs (pg_typeof), shown as format_type()
        return _parse_regtype, lambda v, settings: format_type(v)
    from fdwsh.types import type_io

    io = type_io(t.name)
    return io.parse, io.format


def _parse_regtype(text: str, typmod: int, settings: Any) -> int:
    from fdwsh.pgtypes import parse_type

    return parse_type(text).type.oid


def parse_input(oid: int, text: str, typmod: int, settings: Any) -> Any:
    """The type's input function applied to ``text`` (errors are PostgreSQL's)."""
    return _io(oid)[0](text, typmod, settings)


def input_function(oid: int, typmod: int, settings: Any) -> Callable[[str], Any]:
    """:func:`parse_input` for one column, its type's function looked up once (the reader of
    a column of remote rows, called once per value)."""
    parse = _io(oid)[0]
    return lambda text: parse(text, typmod, settings)


def format_output(oid: int, value: Any, settings: Any) -> str:
    """The type's output function: the text psql would show for ``value``."""
    return _io(oid)[1](value, settings)
