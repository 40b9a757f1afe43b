r"""``\drift`` and ``\refresh``: keep foreign tables true to the remote relations they name.

Contract:

- ``\drift [PATTERN]`` / ``\drift SERVER name`` compares every foreign table, or those the
  pattern selects (as ``\det`` selects them: visible ones unless the pattern names a schema),
  or one server's, with the remote catalog (read as IMPORT FOREIGN SCHEMA reads it) and
  lists the differences as a table: Schema, Table, Server, Column, Difference, Local, Remote
  (see :mod:`fdwsh.catalog.drift`).  No rows: every table is true to its remote.
- ``\refresh [PATTERN]`` / ``\refresh SERVER name`` re-declares the tables that differ, from the
  remote catalog, keeping local names, options, defaults and comments, all in ONE catalog
  transaction (inside a transaction block: part of the block's), and lists what it changed.  A
  table whose remote relation is gone is listed and left as it is.
- Remote reads run in the connections' remote transactions, ended as a statement's are.  A
  server that cannot be reached (or fails the catalog query) is a WARNING for ``\drift``,
  whose other servers' tables are still listed, and fails ``\refresh`` with its ERROR,
  changing nothing.  In a failed transaction block both are refused, as any command is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from fdwsh.catalog import objects
from fdwsh.catalog.context import DdlContext
from fdwsh.catalog.model import ForeignTable, load_table
from fdwsh.errors import FdwshError, Notice, UndefinedObject
from fdwsh.meta.describe_cmds import describe_env
from fdwsh.meta.describe_common import select_tables
from fdwsh.meta.patterns import name_filter
from fdwsh.meta.registry import MetaCall, meta_command
from fdwsh.output.result import Column, Result
from fdwsh.txn import InFailedTransaction, TxnState

if TYPE_CHECKING:  # drift and import_defs load pglast's parser and printers: only when run
    from fdwsh.catalog import drift
    from fdwsh.catalog.import_defs import RemoteAttribute

    Remote = dict[tuple[int, str, str], list[RemoteAttribute]]

GROUP = "Foreign Tables"
COLUMNS = [Column("Schema", "name"), Column("Table", "name"), Column("Server", "name"),
           Column("Column", "name"), Column("Difference"), Column("Local"), Column("Remote")]


def selected_tables(call: MetaCall) -> list[ForeignTable]:
    """The tables named by ``PATTERN`` or ``SERVER name`` (all without arguments)."""
    first = call.args.next()
    db = call.session.store.db
    if first is None or first.lower() == "server":
        rows = db.execute("SELECT * FROM foreign_table")
        if first is not None:
            name = call.args.next()
            server = objects.get_server(db, name or "")
            if server is None:
                raise UndefinedObject(f'server "{name}" does not exist')
            rows = db.execute("SELECT * FROM foreign_table WHERE server_id = ?", (server["id"],))
        tables = [load_table(db, row) for row in rows]
        return sorted(tables, key=lambda t: (t.schema, t.name))
    env = describe_env(call)
    flt = name_filter(first, maxparts=3, schema=True, dbname=env.dbname)
    return [load_table(db, objects.get_table_by_id(db, t.id))
            for t in select_tables(call.session.store, flt, env)]


@contextmanager
def remote_statement(call: MetaCall) -> Iterator[Any]:
    """The connection cache for one command's reads, its implicit remote transactions ended
    afterwards (committed, or rolled back on failure) as a statement's are."""
    cache = call.session.remote()
    try:
        yield cache
    except BaseException:
        cache.end_of_statement(ok=False)
        raise
    cache.end_of_statement(ok=True)


def read_remote(cache: Any, tables: list[ForeignTable],
                skip: Callable[[FdwshError], None] | None = None) -> tuple[Remote, set[int]]:
    """The remote catalog rows of every table's relation, one query per server and schema.
    With ``skip``, a server that fails is reported to it and left out (its id returned);
    without, its error is raised."""
    from fdwsh.catalog.import_defs import group_by_relation
    from fdwsh.exec.import_schema import remote_attributes

    wanted: dict[tuple[int, str], set[str]] = {}
    for t in tables:
        wanted.setdefault((t.server_id, t.remote_schema), set()).add(t.remote_name)
    found: Remote = {}
    failed: set[int] = set()
    for (server_id, schema), names in wanted.items():
        if server_id in failed:
            continue
        try:
            attrs = remote_attributes(cache.get(server_id), schema, names=sorted(names),
                                      partitions=True)
        except FdwshError as err:
            if skip is None:
                raise
            skip(err)
            failed.add(server_id)
            continue
        for relname, columns in group_by_relation(attrs).items():
            found[(server_id, schema, relname)] = columns
    return found, failed


def _compared(call: MetaCall, skip: Callable[[FdwshError], None] | None = None
              ) -> list[tuple[ForeignTable, list[RemoteAttribute] | None]]:
    """The selected tables, each with its remote relation's catalog rows (None: gone); the
    tables of servers ``skip`` was told about are left out."""
    if call.session.txn.state is TxnState.FAILED:
        raise InFailedTransaction()
    tables = selected_tables(call)
    with remote_statement(call) as cache:
        remote, failed = read_remote(cache, tables, skip)
    return [(t, remote.get((t.server_id, t.remote_schema, t.remote_name))) for t in tables
            if t.server_id not in failed]


def _warn(call: MetaCall) -> Callable[[FdwshError], None]:
    """Report a server's failure as a WARNING (its tables are then not listed)."""
    return lambda err: call.session.notice(Notice(err.message, "WARNING", err.detail, err.hint))


def _listing(found: list[drift.Difference], title: str) -> Result:
    return Result(columns=COLUMNS, rows=[d.row() for d in found], title=title)


@meta_command("drift", syntax="\\drift [PATTERN]",
              help="compare foreign tables with their remote tables\n"
                   "(\\drift SERVER name: the tables of one server)", group=GROUP)
def cmd_drift(call: MetaCall) -> Result:
    from fdwsh.catalog import drift

    found = [d for t, columns in _compared(call, _warn(call))
             for d in drift.differences(t, columns)]
    return _listing(found, "Drift of foreign tables")


@meta_command("refresh", syntax="\\refresh [PATTERN]",
              help="re-declare foreign tables that differ from their remote tables,\n"
                   "keeping local options (\\refresh SERVER name: one server's)", group=GROUP)
def cmd_refresh(call: MetaCall) -> Result:
    from fdwsh.catalog import drift

    compared = _compared(call)
    session = call.session
    ctx = DdlContext(session.store, session.user, notify=session.notice)
    found: list[drift.Difference] = []
    with session.store.transaction():
        for table, columns in compared:
            changes = drift.differences(table, columns)
            if changes and columns is not None:
                drift.refresh_table(ctx, table, columns)
            found += changes
    return _listing(found, "Refreshed foreign tables")
