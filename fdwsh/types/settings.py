"""The session settings that change how values are read and printed (a value-level view of GUCs).

Contract: every parse/format function in :mod:`fdwsh.types` takes a *settings* object with the
attributes of :class:`TypeSettings` (``date_style``, ``date_order``, ``interval_style``,
``timezone``, ``extra_float_digits``, ``bytea_output``).  :class:`TypeSettings` is the frozen,
hashable form; ``fdwsh.sql.guc.Gucs`` exposes the same attributes for the live session.
:data:`REMOTE` is what a remote server pinned like postgres_fdw's session prints with.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from fdwsh.types.tz import Zone

DATE_STYLES = ("ISO", "SQL", "Postgres", "German")
DATE_ORDERS = ("MDY", "DMY", "YMD")
INTERVAL_STYLES = ("postgres", "postgres_verbose", "sql_standard", "iso_8601")


class StyleSettings(Protocol):
    """What the type functions read from a session (structural: Gucs and TypeSettings fit)."""

    date_style: str
    date_order: str
    interval_style: str
    timezone: Zone
    extra_float_digits: int
    bytea_output: str


def _utc() -> Zone:
    from fdwsh.types.tz import UTC_ZONE

    return UTC_ZONE


@dataclass(frozen=True, slots=True)
class TypeSettings:
    """An immutable set of output/input styles (PostgreSQL's defaults, TimeZone UTC)."""

    date_style: str = "ISO"
    date_order: str = "MDY"
    interval_style: str = "postgres"
    timezone: Zone = field(default_factory=_utc)
    extra_float_digits: int = 1
    bytea_output: str = "hex"

    @classmethod
    def of(cls, settings: StyleSettings) -> TypeSettings:
        """A frozen copy of any settings object (e.g. to use as a cache key)."""
        if isinstance(settings, TypeSettings):
            return settings
        return cls(settings.date_style, settings.date_order, settings.interval_style,
                   settings.timezone, settings.extra_float_digits, settings.bytea_output)


#: The styles a postgres_fdw-pinned remote session prints values in.
REMOTE = TypeSettings(extra_float_digits=3)
