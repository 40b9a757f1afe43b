"""A COPY FROM value checked by its declared type and turned into the text the remote reads.

Contract: :func:`input_converter` (declared type as format_type prints it, session settings)
returns ``str -> str``: the declared type's input function applied in the session's settings
(so its errors are PostgreSQL's: ``invalid input syntax for type integer: "x"``, ``numeric
field overflow``, ``value too long for type character varying(3)``), then its output in the
remote session's pinned styles.  Where that is provably the text itself — text, and types
fdwsh has no functions for (the remote checks those) — the value is passed unparsed; integers
go through int() and back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fdwsh.errors import FdwshError
from fdwsh.types.settings import REMOTE, TypeSettings

Convert = Callable[[str], str]
_UNCHANGED = frozenset({"text"})
_INTEGERS = frozenset({"int2", "int4", "int8"})


def _same(text: str) -> str:
    return text


def input_converter(declared: str, settings: Any) -> Convert:
    """The converter for one column of declared type ``declared`` (see the module docstring)."""
    from fdwsh.pgtypes import parse_type
    from fdwsh.types.registry import type_io

    try:
        ref = parse_type(declared)
    except FdwshError:  # a type the catalog does not know (an enum of the remote …)
        return _same
    if ref.type is None:
        return _same
    io = type_io(ref.type.name)
    typmod = ref.typmod if ref.typmod is not None and ref.typmod >= 0 else None
    if not io.known or (io.name in _UNCHANGED and typmod is None):
        return _same
    session = TypeSettings.of(settings) if settings is not None else TypeSettings()
    parse, fmt = io.parse, io.format
    if io.name in _INTEGERS:
        return lambda text: str(parse(text, None, session))
    return lambda text: fmt(parse(text, typmod, session), REMOTE)
