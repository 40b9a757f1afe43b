"""PostgreSQL as the oracle for fdwsh.types: the text a server prints for values under given
settings, and the error it raises for a literal, next to what fdwsh computes.

A :class:`Oracle` holds one psycopg connection to the test cluster with every type loaded as
text (so what we compare is exactly what psql would print).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import psycopg
from psycopg.adapt import Loader

from fdwsh.errors import FdwshError
from fdwsh.pgtypes import parse_type
from fdwsh.types import REMOTE, TypeSettings, type_io
from fdwsh.types.styles import check_timezone

DATESTYLES = [f"{s}, {o}" for s in ("ISO", "SQL", "Postgres", "German")
              for o in ("MDY", "DMY", "YMD")]
TIMEZONES = ["UTC", "America/New_York", "Europe/Berlin", "Asia/Kolkata", "Australia/Lord_Howe",
             "America/St_Johns", "2", "-3.5", "EST5EDT", "XYZ3ABC", "Etc/GMT+5",
             "Pacific/Chatham", "Africa/Casablanca", "Asia/Tehran", "UTC+100", "<+120>-120"]
INTERVALSTYLES = ["postgres", "postgres_verbose", "sql_standard", "iso_8601"]


class _Text(Loader):
    def load(self, data: bytes | bytearray | memoryview) -> str:
        return bytes(data).decode()


@dataclass(frozen=True)
class Outcome:
    """A value's text, or an error's fields (what psql would show)."""

    text: str | None = None
    error: tuple[str | None, ...] | None = None


def quote_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def typmod_of(type_name: str) -> int:
    """The atttypmod a type name carries (``numeric(5,2)`` → 327686), as format_type reads."""
    return parse_type(type_name).typmod


def fdw_error(err: FdwshError) -> tuple[str | None, ...]:
    return (err.sqlstate, err.message, err.detail, err.hint, err.context)


def settings_for(datestyle: str = "ISO, MDY", timezone: str = "UTC",
                 intervalstyle: str = "postgres", efd: int = 1, bytea: str = "hex"
                 ) -> TypeSettings:
    """Our TypeSettings for the values a SET would give (TimeZone resolved as SET does)."""
    style, order = (p.strip() for p in datestyle.split(","))
    zone = check_timezone(timezone, REMOTE)
    return TypeSettings(style, order, intervalstyle, zone, efd, bytea)


class Oracle:
    def __init__(self, dsn: str) -> None:
        # no prepared statements: a cached plan would keep a literal read under old settings
        self.conn = psycopg.connect(dsn, autocommit=True, prepare_threshold=None)
        for (oid,) in self.conn.execute("SELECT oid FROM pg_type").fetchall():
            self.conn.adapters.register_loader(oid, _Text)
        self._tables = itertools.count()
        self._sinks: dict[str, str] = {}

    def close(self) -> None:
        self.conn.close()

    def set(self, datestyle: str = "ISO, MDY", timezone: str = "UTC",
            intervalstyle: str = "postgres", efd: int = 1, bytea: str = "hex") -> None:
        self.conn.execute(f"SET DateStyle = '{datestyle}'; SET IntervalStyle = {intervalstyle};"
                          f" SET TimeZone = '{timezone}'; SET extra_float_digits = {efd};"
                          f" SET bytea_output = {bytea}")

    def remote(self) -> None:
        """postgres_fdw's pinned remote session styles."""
        self.set("ISO, MDY", "UTC", "postgres", 3, "hex")

    def _sink(self, type_name: str) -> str:
        if type_name not in self._sinks:
            name = f"ts_{next(self._tables)}"
            self.conn.execute(f"CREATE TEMP TABLE {name} (v {type_name})")
            self._sinks[type_name] = name
        return self._sinks[type_name]

    def cast(self, literal: str, type_name: str) -> Outcome:
        """The literal stored into a column of the type (its input function with the
        column's typmod, as postgres_fdw applies it) → its text or its error."""
        sink = self._sink(type_name)
        try:
            row = self.conn.execute(
                f"INSERT INTO {sink} VALUES ({quote_literal(literal)}) RETURNING v").fetchone()
        except psycopg.Error as exc:
            d = exc.diag
            return Outcome(error=(d.sqlstate, d.message_primary, d.message_detail,
                                  d.message_hint, d.context))
        return Outcome(text=None if row is None else row[0])

    def table(self, type_name: str, literals: Sequence[str]) -> str:
        """A temp table holding the literals (read in the current settings), in order."""
        name = f"tv_{next(self._tables)}"
        self.conn.execute(f"CREATE TEMP TABLE {name} (i int, v {type_name})")
        values = ", ".join(f"({i}, {quote_literal(lit)})" for i, lit in enumerate(literals))
        if values:
            self.conn.execute(f"INSERT INTO {name} VALUES {values}")
        return name

    def column(self, table: str) -> list[str | None]:
        return [r[0] for r in self.conn.execute(f"SELECT v FROM {table} ORDER BY i")]


def ours(literal: str, type_name: str, typmod: int | None, settings: TypeSettings
         ) -> Outcome:
    """What fdwsh's input then output function make of ``literal`` under ``settings``."""
    io = type_io(type_name)
    if typmod is None:
        typmod = typmod_of(type_name)
    try:
        return Outcome(text=io.format(io.parse(literal, typmod, settings), settings))
    except FdwshError as err:
        return Outcome(error=fdw_error(err))


def round_trip_mismatches(oracle: Oracle, type_name: str, literals: Iterable[str],
                          combos: Iterable[dict[str, object]], typmod: int | None = None
                          ) -> list[tuple[object, ...]]:
    """For each settings combination: PostgreSQL's display of each value vs. fdwsh's
    parse(remote text) → format(combination) and convert(); returns the differences."""
    literals = list(literals)
    oracle.remote()
    table = oracle.table(type_name, literals)
    remote_texts = oracle.column(table)
    io = type_io(type_name)
    if typmod is None:
        typmod = typmod_of(type_name)
    bad: list[tuple[object, ...]] = []
    for combo in combos:
        oracle.set(**combo)  # type: ignore[arg-type]
        expected = oracle.column(table)
        settings = settings_for(**combo)  # type: ignore[arg-type]
        from fdwsh.types.convert import convert
        for lit, rt, exp in zip(literals, remote_texts, expected):
            if rt is None:
                continue
            got = io.format(io.parse(rt, typmod, REMOTE), settings)
            conv = convert(rt, type_name, type_name, typmod, settings)
            if got != exp or conv != exp:
                bad.append((combo, lit, rt, exp, got, conv))
    oracle.remote()
    return bad


def input_mismatches(oracle: Oracle, type_name: str, literals: Iterable[str],
                     combo: dict[str, object] | None = None, typmod: int | None = None
                     ) -> list[tuple[str, Outcome, Outcome]]:
    """Literals cast by PostgreSQL vs. parsed and printed by fdwsh, errors included."""
    combo = combo or {}
    oracle.set(**combo)  # type: ignore[arg-type]
    settings = settings_for(**combo)  # type: ignore[arg-type]
    bad = []
    for lit in literals:
        want = oracle.cast(lit, type_name)
        got = ours(lit, type_name, typmod, settings)
        if want != got:
            bad.append((lit, want, got))
    oracle.remote()
    return bad
