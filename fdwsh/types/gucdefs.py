"""The settings fdwsh's session knows, as data (name, kind, default, description, limits), and
how a value is checked and shown for each kind (PostgreSQL 15's guc.c rules and messages).

Contract: :data:`DEFS` maps the lower-cased name to its :class:`GucDef`; :func:`check_value`
returns the display form of a value or raises PostgreSQL's error; :func:`pgoptions` reads the
``-c name=value`` switches of PGOPTIONS.  Used by ``fdwsh.sql.guc``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from fdwsh.errors import FdwshError
from fdwsh.types import gucparse as P
from fdwsh.types.styles import CheckFailed, check_datestyle, check_timezone, split_identifiers
from fdwsh.types.settings import StyleSettings


class SettingsView(StyleSettings, Protocol):
    """What the check hooks need from the session: the styles and SHOW."""

    def show(self, name: str) -> str: ...


ISOLATIONS = ("serializable", "repeatable read", "read committed", "read uncommitted")


@dataclass(frozen=True, slots=True)
class GucDef:
    """One setting: kind is string, list, int, bool or enum; context user or internal."""

    name: str
    kind: str
    boot: str
    desc: str
    values: tuple[str, ...] = ()
    hidden: tuple[str, ...] = ()
    low: int = 0
    high: int = P.INT_MAX
    unit: str | None = None
    internal: bool = False
    quote: bool = False
    per_txn: bool = False


def _defs() -> dict[str, GucDef]:
    D = GucDef
    timeout = dict(kind="int", boot="0", unit="ms")
    items = [
        D("application_name", "string", "fdwsh",
          "Sets the application name to be reported in statistics and logs."),
        D("array_nulls", "bool", "on", "Enable input of NULL elements in arrays."),
        D("bytea_output", "enum", "hex", "Sets the output format for bytea.",
          ("escape", "hex")),
        D("check_function_bodies", "bool", "on",
          "Check routine bodies during CREATE FUNCTION and CREATE PROCEDURE."),
        D("client_encoding", "string", "UTF8", "Sets the client's character set encoding."),
        D("client_min_messages", "enum", "notice",
          "Sets the message levels that are sent to the client.",
          ("debug5", "debug4", "debug3", "debug2", "debug1", "log", "notice", "warning",
           "error"), ("info",)),
        D("DateStyle", "list", "ISO, MDY", "Sets the display format for date and time values."),
        D("default_table_access_method", "string", "heap",
          "Sets the default table access method for new tables."),
        D("default_tablespace", "string", "",
          "Sets the default tablespace to create tables and indexes in."),
        D("default_transaction_deferrable", "bool", "off",
          "Sets the default deferrable status of new transactions."),
        D("default_transaction_isolation", "enum", "read committed",
          "Sets the transaction isolation level of each new transaction.", ISOLATIONS),
        D("default_transaction_read_only", "bool", "off",
          "Sets the default read-only status of new transactions."),
        D("extra_float_digits", "int", "1",
          "Sets the number of digits displayed for floating-point values.", low=-15, high=3),
        D("idle_in_transaction_session_timeout", **timeout,  # type: ignore[arg-type]
          desc="Sets the maximum allowed idle time between queries, when in a transaction."),
        D("integer_datetimes", "bool", "on", "Shows whether datetimes are integer based.",
          internal=True),
        D("IntervalStyle", "enum", "postgres", "Sets the display format for interval values.",
          ("postgres", "postgres_verbose", "sql_standard", "iso_8601")),
        D("lock_timeout", **timeout,  # type: ignore[arg-type]
          desc="Sets the maximum allowed duration of any wait for a lock."),
        D("max_identifier_length", "int", "63", "Shows the maximum identifier length.",
          internal=True),
        D("row_security", "bool", "on", "Enable row security."),
        D("search_path", "list", '"$user", public',
          "Sets the schema search order for names that are not schema-qualified.", quote=True),
        D("server_encoding", "string", "UTF8",
          "Shows the server (database) character set encoding.", internal=True),
        D("standard_conforming_strings", "bool", "on",
          "Causes '...' strings to treat backslashes literally."),
        D("statement_timeout", **timeout,  # type: ignore[arg-type]
          desc="Sets the maximum allowed duration of any statement."),
        D("TimeZone", "string", "UTC",
          "Sets the time zone for displaying and interpreting time stamps."),
        D("timezone_abbreviations", "string", "Default",
          "Selects a file of time zone abbreviations."),
        D("transaction_deferrable", "bool", "off",
          "Whether to defer a read-only serializable transaction until it can be executed with "
          "no possible serialization failures.", per_txn=True),
        D("transaction_isolation", "enum", "read committed",
          "Sets the current transaction's isolation level.", ISOLATIONS, per_txn=True),
        D("transaction_read_only", "bool", "off",
          "Sets the current transaction's read-only status.", per_txn=True),
        D("xmloption", "enum", "content",
          "Sets whether XML data in implicit parsing and serialization operations is to be "
          "considered as documents or content fragments.", ("content", "document")),
    ]
    return {d.name.lower(): d for d in items}


DEFS = _defs()


def _check(name: str, d: GucDef, value: str, gucs: SettingsView) -> str:
    if d.kind == "int":
        n = P.parse_int(value, d.unit)
        if not d.low <= n <= d.high:
            raise P.SettingError("range", value=n)
        return P.show_int(n, d.unit)
    if d.kind == "bool":
        return "on" if P.parse_bool(value) else "off"
    if d.kind == "enum":
        return P.parse_enum(value, d.values, d.hidden)
    return _CHECKS.get(d.name, lambda v, g: v)(value, gucs)


def _check_encoding(value: str, gucs: SettingsView) -> str:
    name = P.encoding_name(value)
    if name is None:
        raise CheckFailed()
    return name


def _check_search_path(value: str, gucs: SettingsView) -> str:
    if split_identifiers(value) is None:
        raise CheckFailed("List syntax is invalid.")
    return value


def _check_abbrevs(value: str, gucs: SettingsView) -> str:
    if value != "Default":
        raise CheckFailed()
    return value


def _check_access_method(value: str, gucs: SettingsView) -> str:
    if value != "heap":
        raise CheckFailed(f'Table access method "{value}" does not exist.')
    return value


_CHECKS: dict[str, Callable[[str, SettingsView], str]] = {
    "DateStyle": lambda v, g: check_datestyle(v, g.show("datestyle")),
    "TimeZone": lambda v, g: check_timezone(v, g).name,
    "client_encoding": _check_encoding,
    "search_path": _check_search_path,
    "application_name": lambda v, g: P.clean_ascii(v),
    "timezone_abbreviations": _check_abbrevs,
    "default_table_access_method": _check_access_method,
}


def _setting_error(name: str, d: GucDef, value: str, err: P.SettingError) -> FdwshError:
    if err.kind == "bool":
        return FdwshError(f'parameter "{name}" requires a Boolean value', sqlstate="22023")
    if err.kind == "range":
        unit = f" {d.unit}" if d.unit else ""
        return FdwshError(f'{err.value}{unit} is outside the valid range for parameter "{name}" '
                          f"({d.low} .. {d.high})", sqlstate="22023")
    return FdwshError(f'invalid value for parameter "{name}": "{value}"', sqlstate="22023",
                      hint=err.hint)


def pgoptions(options: str) -> list[tuple[str, str]]:
    """pg_split_opts() + the -c / --name=value switches of PGOPTIONS."""
    words, cur, escaped, has = [], [], False, False
    for ch in options:
        if escaped:
            cur.append(ch)
            escaped = False
        elif ch == "\\":
            escaped, has = True, True
        elif ch in " \t\n\r\v\f":
            if cur or has:
                words.append("".join(cur))
            cur, has = [], False
        else:
            cur.append(ch)
            has = True
    if cur or has:
        words.append("".join(cur))
    pairs: list[tuple[str, str]] = []
    i = 0
    while i < len(words):
        word = words[i]
        arg = None
        if word == "-c" and i + 1 < len(words):
            arg, i = words[i + 1], i + 1
        elif word.startswith("-c"):
            arg = word[2:]
        elif word.startswith("--"):
            arg = word[2:]
        if arg is not None and "=" in arg:
            name, value = arg.split("=", 1)
            pairs.append((name.replace("-", "_"), value))
        i += 1
    return pairs




def check_value(name: str, d: GucDef, value: str, gucs: SettingsView) -> str:
    """The display form of ``value`` for setting ``d`` (SET as typed ``name``), or the error
    PostgreSQL raises: check hooks name the setting canonically, the others as typed."""
    try:
        return _check(name, d, value, gucs)
    except CheckFailed as failed:
        message = failed.message or f'invalid value for parameter "{d.name}": "{value}"'
        raise FdwshError(message, sqlstate="22023", detail=failed.detail) from None
    except P.SettingError as err:
        raise _setting_error(name, d, value, err) from None
