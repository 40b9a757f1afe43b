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

import datetime
import re
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

    def general(text: str) -> str:
        return fmt(parse(text, typmod, session), REMOTE)

    if io.name == "numeric":
        return _numeric_fast(general, typmod)
    if io.name == "date":
        return _date_fast(general)
    return general


_PLAIN_NUMERIC = re.compile(r"(-?)([1-9][0-9]*|0)(?:\.([0-9]+))?")
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")


def _numeric_fast(general: Convert, typmod: int | None) -> Convert:
    """numeric_in for a plain decimal that fits the typmod without rounding: the text padded
    to the scale (what numeric_out prints); anything else takes the general path."""
    if typmod is None:
        precision, scale = None, None
    else:
        precision, scale = ((typmod - 4) >> 16) & 0xFFFF, (typmod - 4) & 0xFFFF

    def convert(text: str) -> str:
        match = _PLAIN_NUMERIC.fullmatch(text)
        if match is None:
            return general(text)
        sign, whole, frac = match.groups()
        frac = frac or ""
        if precision is None or scale is None:
            return general(text) if sign and whole == "0" and not frac.strip("0") else text
        digits = 0 if whole == "0" else len(whole)
        if len(frac) > scale or digits > precision - scale or (sign and whole == "0"):
            return general(text)
        return text + ("." if not frac and scale else "") + "0" * (scale - len(frac))

    return convert


def _date_fast(general: Convert) -> Convert:
    """date_in for ``YYYY-MM-DD`` (year 1000-9999): valid dates print as written."""

    def convert(text: str) -> str:
        match = _ISO_DATE.fullmatch(text)
        if match is None or match.group(1) < "1000":
            return general(text)
        try:
            datetime.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            return general(text)  # its error is PostgreSQL's
        return text

    return convert
