"""PostgreSQL values in Python: input and output functions with PostgreSQL 15's semantics.

Contract (the package's public face):

- ``type_io(type_name) -> TypeIO`` with ``parse(text, typmod, settings)`` (the type's input
  function: PostgreSQL's errors, typmods as atttypmod) and ``format(value, settings)`` (what
  psql shows under the session's DateStyle, IntervalStyle, TimeZone, extra_float_digits and
  bytea_output).
- ``converter(remote_type, declared_type, typmod, settings)`` (and ``fdwsh.types.convert.
  convert(...)``, not exported here: the name is its submodule's): remote text (postgres_fdw's
  pinned styles) → local display text, unchanged when nothing would change.
- ``settings`` is any object with :class:`TypeSettings`' attributes (``Gucs`` has them).

Python values: int, Decimal, float, bool, str, bytes, uuid.UUID, datetime.date / datetime /
time (see :mod:`dtcore` for BC dates, infinities and 24:00), :class:`Interval`, json as str,
:class:`Jsonb`, arrays as nested lists (:class:`BoundedArray` for odd lower bounds).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

#: Each public name → the submodule defining it.  They are imported on first access (PEP 562):
#: importing any ``fdwsh.types.X`` runs this file first, and the SET machinery or a DDL
#: statement needs two small modules, not every type's input and output functions (~10 ms).
_EXPORTS = {
    "BoundedArray": "arrays", "converter": "convert",
    "INFINITY": "dtcore", "NEG_INFINITY": "dtcore", "TIME_24": "dtcore", "PgDate": "dtcore",
    "PgTimestamp": "dtcore", "Time24": "dtcore", "Interval": "interval", "Jsonb": "json",
    "TypeIO": "registry", "canonical_name": "registry", "resolve": "registry",
    "type_io": "registry", "REMOTE": "settings", "StyleSettings": "settings",
    "TypeSettings": "settings", "Zone": "tz", "find_zone": "tz", "offset_zone": "tz",
}
__all__ = [
    "BoundedArray", "INFINITY", "Interval", "Jsonb", "NEG_INFINITY", "PgDate", "PgTimestamp",
    "REMOTE", "StyleSettings", "TIME_24", "Time24", "TypeIO", "TypeSettings", "Zone",
    "canonical_name", "converter", "find_zone", "offset_zone", "resolve", "type_io",
]

if TYPE_CHECKING:
    from fdwsh.types.arrays import BoundedArray
    from fdwsh.types.convert import converter
    from fdwsh.types.dtcore import INFINITY, NEG_INFINITY, TIME_24, PgDate, PgTimestamp, Time24
    from fdwsh.types.interval import Interval
    from fdwsh.types.json import Jsonb
    from fdwsh.types.registry import TypeIO, canonical_name, resolve, type_io
    from fdwsh.types.settings import REMOTE, StyleSettings, TypeSettings
    from fdwsh.types.tz import Zone, find_zone, offset_zone


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
    globals()[name] = value
    return value
