"""The local session settings (GUCs): SET / SET LOCAL / RESET / SHOW as PostgreSQL 15 runs them.

Contract:

- :class:`Gucs` holds fdwsh's settings with PostgreSQL's names, validation, messages and
  display forms; initial values come from the libpq environment as a server would apply them
  (``PGOPTIONS -c``, then ``PGTZ``, ``PGDATESTYLE``, ``PGCLIENTENCODING``, ``PGAPPNAME``), and
  become the RESET values.  It exposes the attributes of
  :class:`fdwsh.types.settings.TypeSettings`, so it can be passed to every type function.
- :func:`execute_set` / :func:`execute_show` run pglast ``VariableSetStmt`` /
  ``VariableShowStmt`` and return a :class:`~fdwsh.output.result.Result`.
- Transactions: :meth:`Gucs.begin`, :meth:`Gucs.commit`, :meth:`Gucs.rollback`, and
  :meth:`Gucs.snapshot` / :meth:`Gucs.restore` for savepoints.  SET LOCAL (and the
  ``transaction_*`` settings) last until the end of the block; a rolled-back block undoes SET.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from pglast import ast
from pglast.enums import VariableSetKind as K

from fdwsh.errors import FdwshError, FeatureNotSupported, Notice
from fdwsh.output.result import Column, Result
from fdwsh.quoting import quote_ident
from fdwsh.types import gucparse as P
from fdwsh.types.gucdefs import DEFS, GucDef, check_value, pgoptions
from fdwsh.types.interval import format_interval
from fdwsh.types.intervalparse import parse_interval
from fdwsh.types.settings import TypeSettings
from fdwsh.types.styles import check_timezone, split_identifiers
from fdwsh.types.tz import Zone, system_zone_name

class Gucs:
    """The settings of one fdwsh session (see the module docstring)."""

    def __init__(self, environ: dict[str, str] | None = None, use_env: bool = True) -> None:
        self._values: dict[str, str] = {k: d.boot for k, d in DEFS.items()}
        self._names: dict[str, str] = {}  # placeholder (custom) settings: lower → as first set
        self._session: dict[str, str] | None = None  # values a COMMIT keeps, inside a block
        self._start: tuple[dict[str, str], dict[str, str]] | None = None
        self._zone: Zone | None = None
        self._types: TypeSettings | None = None
        env = dict(os.environ if environ is None else environ)
        self._values["timezone"] = system_zone_name(env)
        #: problems with environment-supplied values (a server would refuse the connection)
        self.startup_errors: list[FdwshError] = []
        if use_env:
            self._apply_environment(env)
        self._reset = dict(self._values)

    # -- environment ----------------------------------------------------------------------------

    def _apply_environment(self, env: dict[str, str]) -> None:
        pairs = pgoptions(env.get("PGOPTIONS", ""))
        for var, name in (("PGTZ", "timezone"), ("PGDATESTYLE", "datestyle"),
                          ("PGCLIENTENCODING", "client_encoding"),
                          ("PGAPPNAME", "application_name")):
            if env.get(var):
                pairs.append((name, env[var]))
        for name, value in pairs:
            try:
                self.set(name, value)
            except FdwshError as err:
                self.startup_errors.append(err)

    # -- values ---------------------------------------------------------------------------------

    def lookup(self, name: str) -> tuple[str, GucDef | None]:
        """(storage key, definition or None for a placeholder); unknown names raise."""
        key = name.lower()
        if key in DEFS:
            return key, DEFS[key]
        if key in self._names:
            return key, None
        raise FdwshError(f'unrecognized configuration parameter "{name}"', sqlstate="42704")

    def show(self, name: str) -> str:
        """SHOW name: the setting as PostgreSQL displays it."""
        key, d = self.lookup(name)
        if d is not None and d.per_txn and self._session is None:
            return self._values["default_" + key]  # each implicit transaction starts afresh
        return self._values[key]

    def display_name(self, name: str) -> str:
        key, d = self.lookup(name)
        return d.name if d is not None else self._names[key]

    def set(self, name: str, value: str, *, local: bool = False) -> None:
        """SET [LOCAL] name = value (value already flattened to one string)."""
        key, d = self._key_for_set(name)
        shown = self._validate(name, d, value) if d is not None else value
        self._store(key, shown, local or (d is not None and d.per_txn))

    def reset(self, name: str, *, local: bool = False) -> None:
        key, d = self._key_for_set(name)
        self._store(key, self._reset.get(key, ""), local or (d is not None and d.per_txn))

    def reset_all(self) -> None:
        for key, d in DEFS.items():
            if not d.internal:
                self._store(key, self._reset[key], d.per_txn)
        for key in self._names:
            self._store(key, self._reset.get(key, ""), False)

    def _key_for_set(self, name: str) -> tuple[str, GucDef | None]:
        key = name.lower()
        if key not in DEFS and key not in self._names:
            if "." not in name.strip(".") or name.startswith(".") or name.endswith("."):
                raise FdwshError(f'unrecognized configuration parameter "{name}"',
                                 sqlstate="42704")
            self._names[key] = name
            self._values.setdefault(key, "")
        d = DEFS.get(key)
        if d is not None and d.internal:
            raise FdwshError(f'parameter "{name}" cannot be changed', sqlstate="55P02")
        return key, d

    def _store(self, key: str, shown: str, local: bool) -> None:
        if self._session is not None and not local:
            self._session[key] = shown
        if self._session is not None or not local:
            self._values[key] = shown
        self._zone = self._types = None

    def _validate(self, name: str, d: GucDef, value: str) -> str:
        return check_value(name, d, value, self)

    # -- transactions ---------------------------------------------------------------------------

    def begin(self) -> None:
        """A transaction block starts: remember the values a ROLLBACK goes back to; the
        transaction_* settings start from their default_transaction_* values."""
        for key, d in DEFS.items():
            if d.per_txn:
                self._values[key] = self._values["default_" + key]
        self._start = (dict(self._values), dict(self._names))
        self._session = dict(self._values)

    def commit(self) -> None:
        """End of block: plain SETs stay, SET LOCAL and transaction_* values end."""
        if self._session is not None:
            self._values = self._session
        self._session = self._start = None
        self._zone = self._types = None

    def rollback(self) -> None:
        """A rolled-back block undoes every SET made in it."""
        if self._start is not None:
            self._values = dict(self._start[0])
            for key in self._names:  # placeholders stay defined, with their reset value
                self._values.setdefault(key, self._reset.get(key, ""))
        self._session = None
        self.commit()

    def snapshot(self) -> Any:
        """An opaque state for SAVEPOINT; :meth:`restore` brings it back (ROLLBACK TO)."""
        return (dict(self._values), dict(self._names),
                None if self._session is None else dict(self._session))

    def restore(self, snap: Any) -> None:
        values, _names, session = snap
        self._values = dict(values)
        for key in self._names:
            self._values.setdefault(key, self._reset.get(key, ""))
        self._session = None if session is None else dict(session)
        self._zone = self._types = None

    # -- typed views (the TypeSettings attributes) ----------------------------------------------

    @property
    def type_settings(self) -> TypeSettings:
        """A frozen, hashable copy of the styles (cheap to read; rebuilt after a change)."""
        if self._types is None:
            v = self._values
            style, order = (p.strip() for p in v["datestyle"].split(","))
            if self._zone is None:
                self._zone = check_timezone(v["timezone"], TypeSettings())
            self._types = TypeSettings(style, order, v["intervalstyle"], self._zone,
                                       int(v["extra_float_digits"]), v["bytea_output"])
        return self._types

    @property
    def date_style(self) -> str:
        return self.type_settings.date_style

    @property
    def date_order(self) -> str:
        return self.type_settings.date_order

    @property
    def interval_style(self) -> str:
        return self.type_settings.interval_style

    @property
    def timezone(self) -> Zone:
        return self.type_settings.timezone

    @property
    def extra_float_digits(self) -> int:
        return self.type_settings.extra_float_digits

    @property
    def bytea_output(self) -> str:
        return self.type_settings.bytea_output

    @property
    def search_path(self) -> list[str]:
        """The schemas of search_path in order (``$user`` still unexpanded)."""
        return split_identifiers(self._values["search_path"]) or []

    @property
    def statement_timeout_ms(self) -> int:
        return P.parse_int(self._values["statement_timeout"], "ms")

    @property
    def application_name(self) -> str:
        return self._values["application_name"]

    @property
    def client_encoding(self) -> str:
        return self._values["client_encoding"]

    def all_settings(self) -> list[tuple[str, str, str]]:
        """SHOW ALL: (name, setting, description), ordered as PostgreSQL orders them."""
        rows = [(d.name, self.show(k), d.desc) for k, d in DEFS.items()]
        return sorted(rows, key=lambda r: r[0].lower())




# -- statements ----------------------------------------------------------------------------------

InTransaction = bool | Callable[[], bool]


def _interval_arg(text: str, cast: ast.TypeCast, gucs: Gucs) -> str:
    """SET TIME ZONE INTERVAL '...' [HOUR TO MINUTE]: normalised through interval in/out."""
    mods = [m.val.ival for m in cast.typeName.typmods or ()]  # type: ignore[union-attr]
    typmod = -1
    if mods:
        fields = mods[0]
        precision = mods[1] if len(mods) > 1 else 0xFFFF
        typmod = -1 if fields == 0x7FFF and precision == 0xFFFF else (fields << 16) | precision
    value = parse_interval(text, typmod, gucs)
    return f"INTERVAL '{format_interval(value, gucs)}'"


def flatten_args(name: str, args: tuple[ast.Node, ...], gucs: Gucs) -> str:
    """flatten_set_variable_args(): the SET arguments as the one string the setting reads."""
    d = DEFS.get(name.lower())
    is_list = d is not None and d.kind == "list"
    if not is_list and len(args) != 1:
        raise FdwshError(f"SET {name} takes only one argument", sqlstate="22023")
    parts: list[str] = []
    for arg in args:
        cast = arg if isinstance(arg, ast.TypeCast) else None
        const = cast.arg if cast is not None else arg
        val = const.val  # type: ignore[union-attr]
        if isinstance(val, ast.Integer):
            parts.append(str(val.ival))
        elif isinstance(val, ast.Float):
            parts.append(val.fval)
        elif cast is not None:
            parts.append(_interval_arg(val.sval, cast, gucs))
        elif d is not None and d.quote:
            parts.append(quote_ident(val.sval))
        else:
            parts.append(val.sval)
    return ", ".join(parts)


def _warn(notices: list[Notice] | None, message: str) -> None:
    if notices is not None:
        notices.append(Notice(message, severity="WARNING"))


def _set_multi(stmt: ast.VariableSetStmt, gucs: Gucs, in_block: bool,
               notices: list[Notice] | None) -> Result:
    """SET TRANSACTION ... / SET SESSION CHARACTERISTICS AS TRANSACTION ..."""
    if stmt.name == "TRANSACTION":
        prefix = ""
        if not in_block:
            _warn(notices, "SET TRANSACTION can only be used in transaction blocks")
    elif stmt.name == "SESSION CHARACTERISTICS":
        prefix = "default_"
    else:
        raise FeatureNotSupported(f"SET {stmt.name} is not supported by fdwsh")
    for item in stmt.args or ():
        val = item.arg.val  # type: ignore[union-attr]
        text = str(val.ival) if isinstance(val, ast.Integer) else val.sval
        gucs.set(prefix + item.defname, text)
    return Result.command("SET")


def execute_set(stmt: ast.VariableSetStmt, gucs: Gucs, in_transaction: InTransaction = False,
                notices: list[Notice] | None = None) -> Result:
    """SET / SET LOCAL / SET ... TO DEFAULT / RESET / RESET ALL / SET TIME ZONE.

    ``in_transaction`` (a flag or a callable) tells whether a transaction block is open;
    warnings (``SET LOCAL can only be used in transaction blocks``) go to ``notices``."""
    in_block = in_transaction() if callable(in_transaction) else in_transaction
    kind = stmt.kind
    if kind is K.VAR_SET_MULTI:
        return _set_multi(stmt, gucs, in_block, notices)
    if kind is K.VAR_RESET_ALL:
        gucs.reset_all()
        return Result.command("RESET")
    if stmt.is_local and not in_block:
        _warn(notices, "SET LOCAL can only be used in transaction blocks")
    name = stmt.name or ""
    if kind in (K.VAR_SET_DEFAULT, K.VAR_RESET):
        gucs.reset(name, local=bool(stmt.is_local))
        return Result.command("RESET" if kind is K.VAR_RESET else "SET")
    if kind is K.VAR_SET_CURRENT:
        gucs.set(name, gucs.show(name), local=bool(stmt.is_local))
        return Result.command("SET")
    value = flatten_args(name, tuple(stmt.args or ()), gucs)
    gucs.set(name, value, local=bool(stmt.is_local))
    return Result.command("SET")


def execute_show(stmt: ast.VariableShowStmt, gucs: Gucs) -> Result:
    """SHOW name (one column headed by the setting's canonical name) or SHOW ALL."""
    name = stmt.name or ""
    if name.lower() == "all":
        columns = [Column("name"), Column("setting"), Column("description")]
        return Result(columns, gucs.all_settings(), status="SHOW")
    value = gucs.show(name)
    return Result([Column(gucs.display_name(name))], [(value,)], status="SHOW")


__all__ = ["DEFS", "GucDef", "Gucs", "execute_set", "execute_show", "flatten_args"]
