"""The registry of type I/O: one :class:`TypeIO` per built-in type name.

Contract: :func:`type_io` accepts a type as format_type() prints it (``character varying``,
``timestamp with time zone``, ``integer[]``), as pg_type names it (``varchar``, ``_int4``) or
as SQL spells it (``int``, ``timestamptz``); a typmod suffix (``(10)``) is ignored — typmods
travel separately, encoded as PostgreSQL's atttypmod.  Types fdwsh has no functions for get a
pass-through TypeIO (text in, the same text out), which is exact for every type whose output
does not depend on a setting.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from fdwsh.types import binary, dates, floats, integers, interval, intervalparse, json, misc
from fdwsh.types import money, numeric, text, times
from fdwsh.types.arrays import format_array, parse_array
from fdwsh.types.settings import StyleSettings

Parse = Callable[[str, "int | None", StyleSettings], Any]
Format = Callable[[Any, StyleSettings], str]


def _always(settings: StyleSettings) -> bool:
    return True


@dataclass(frozen=True, slots=True)
class TypeIO:
    """A type's input and output functions.

    ``remote_exact(settings)`` is true when the type prints the same under ``settings`` as
    under the remote's pinned styles (ISO, UTC, postgres, extra_float_digits 3), so text from
    a remote server can be shown unchanged."""

    name: str
    parse: Parse
    format: Format
    remote_exact: Callable[[StyleSettings], bool] = _always
    element: TypeIO | None = field(default=None, compare=False)
    known: bool = True


def _passthrough(name: str) -> TypeIO:
    return TypeIO(name, lambda t, m=None, s=None: t, lambda v, s=None: v, known=False)


def _iso(s: StyleSettings) -> bool:
    return s.date_style == "ISO"


_SCALARS: dict[str, TypeIO] = {io.name: io for io in (
    TypeIO("int2", integers.parse_int2, integers.format_int),
    TypeIO("int4", integers.parse_int4, integers.format_int),
    TypeIO("int8", integers.parse_int8, integers.format_int),
    TypeIO("oid", integers.parse_oid, integers.format_int),
    TypeIO("numeric", numeric.parse_numeric, numeric.format_numeric),
    TypeIO("float4", floats.parse_float4, floats.format_float4,
           lambda s: s.extra_float_digits > 0),
    TypeIO("float8", floats.parse_float8, floats.format_float8,
           lambda s: s.extra_float_digits > 0),
    TypeIO("bool", misc.parse_bool, misc.format_bool),
    TypeIO("money", money.parse_money, money.format_money),
    TypeIO("uuid", misc.parse_uuid, misc.format_uuid),
    TypeIO("text", text.parse_text, text.format_text),
    TypeIO("varchar", text.parse_varchar, text.format_text),
    TypeIO("bpchar", text.parse_bpchar, text.format_text),
    TypeIO("name", text.parse_name, text.format_text),
    TypeIO("char", text.parse_char, text.format_char),
    TypeIO("bytea", binary.parse_bytea, binary.format_bytea,
           lambda s: s.bytea_output == "hex"),
    TypeIO("date", dates.parse_date, dates.format_date, _iso),
    TypeIO("timestamp", dates.parse_timestamp, dates.format_timestamp, _iso),
    TypeIO("timestamptz", dates.parse_timestamptz, dates.format_timestamptz,
           lambda s: s.date_style == "ISO" and s.timezone.is_utc),
    TypeIO("time", times.parse_time, times.format_time),
    TypeIO("timetz", times.parse_timetz, times.format_timetz),
    TypeIO("interval", intervalparse.parse_interval, interval.format_interval,
           lambda s: s.interval_style == "postgres"),
    TypeIO("json", json.parse_json_text, json.format_json),
    TypeIO("jsonb", json.parse_jsonb, json.format_jsonb),
)}

#: Spellings other than pg_type's names (format_type output and SQL aliases).
ALIASES = {
    "smallint": "int2", "integer": "int4", "int": "int4", "bigint": "int8",
    "decimal": "numeric", "real": "float4", "double precision": "float8", "float": "float8",
    "boolean": "bool", "character varying": "varchar", "character": "bpchar",
    "char": "bpchar", '"char"': "char", "timestamp without time zone": "timestamp",
    "timestamp with time zone": "timestamptz", "time without time zone": "time",
    "time with time zone": "timetz",
}
_TYPMOD = re.compile(r"\s*\([^)]*\)")


def canonical_name(type_name: str) -> tuple[str, bool]:
    """(pg_type name of the scalar, is an array) for any spelling of a built-in type."""
    name = _TYPMOD.sub("", type_name.strip()).strip()
    if name.startswith("pg_catalog."):
        name = name[len("pg_catalog."):]
    is_array = name.endswith("[]")
    if is_array:
        name = name[:-2].rstrip()
    low = name if name == '"char"' else name.lower().strip('"')
    if low.startswith("interval ") or low.startswith("interval("):
        low = "interval"  # field qualifiers: interval day to second
    if low.startswith("_") and low[1:] in _SCALARS:
        return low[1:], True
    return ALIASES.get(low, low), is_array


def _array_io(elem: TypeIO) -> TypeIO:
    def parse(t: str, typmod: int | None = None, s: StyleSettings | None = None) -> Any:
        return parse_array(t, elem.parse, typmod, s)  # type: ignore[arg-type]

    def fmt(v: Any, s: StyleSettings) -> str:
        return format_array(v, elem.format, s)

    return TypeIO("_" + elem.name, parse, fmt, elem.remote_exact, elem, elem.known)


@lru_cache(maxsize=512)
def type_io(type_name: str) -> TypeIO:
    """The I/O functions of a type (see the module docstring for the accepted spellings)."""
    name, is_array = canonical_name(type_name)
    scalar = _SCALARS.get(name) or _passthrough(name)
    return _array_io(scalar) if is_array else scalar


def resolve(type_text: str) -> tuple[TypeIO, int]:
    """A type written with its modifier (``numeric(10,2)``, ``varchar(5)[]``, as in SQL or as
    format_type() prints it) → (its TypeIO, its atttypmod, -1 for none).  Unknown types raise
    PostgreSQL's ``type "x" does not exist``."""
    from fdwsh.pgtypes import parse_type

    ref = parse_type(type_text)
    return type_io(ref.type.name), ref.typmod
