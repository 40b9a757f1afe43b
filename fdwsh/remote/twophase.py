"""Atomic commit across servers: two-phase commit of the remote transactions that wrote data
(an fdwsh extension; postgres_fdw commits server after server, so a failure between two commits
leaves one server's change without the other's).

Protocol, for the written connections of one transaction:

1. Up front, every server must accept prepared transactions (``max_prepared_transactions > 0``),
   else the COMMIT fails with a HINT before anything is prepared, and everything rolls back.
2. Phase one: ``PREPARE TRANSACTION 'fdwsh_<origin>_<pid>_<random>_<server>_<mapping>'`` on
   each (``origin``: this host and catalog file; ``pid``: this process).  A failure rolls back
   everything (``ROLLBACK PREPARED`` for those already prepared).
3. The in-doubt set is written to the catalog's ``prepared_xact`` table, committed with the
   catalog's own commit (the block's SQLite transaction, or one of its own): that commit is the
   decision.
4. Phase two: ``COMMIT PREPARED`` on each, and each done server's row is deleted.  A server that
   cannot be reached keeps its row and the commit warns; the next fdwsh session that opens the
   catalog, or ``\\resolve``, commits what is left (fdwsh.remote.twophase_resolve).  A
   prepared transaction of this origin that the catalog does not record was never decided (the
   process died in phase one, or a server could not be told to roll back): once its process is
   gone, ``\\resolve`` rolls it back.

The test hook ``FDWSH_TWOPHASE_FAULT`` ends the process (exit status 70) as a crash would:
``exit-after-prepare`` between steps 3 and 4 (the in-doubt state), ``exit-in-phase-one`` after
the first PREPARE (an undecided prepared transaction).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from fdwsh.catalog import objects
from fdwsh.catalog.options import parse_boolean_option
from fdwsh.catalog.store import load_options
from fdwsh.errors import FdwshError, Notice

if TYPE_CHECKING:
    from fdwsh.catalog.store import CatalogStore
    from fdwsh.remote.connection import CacheEntry

FAULT_VARIABLE = "FDWSH_TWOPHASE_FAULT"
UNDEFINED_OBJECT = "42704"  # COMMIT PREPARED of a gid the server no longer has


@dataclass(slots=True)
class InDoubt:
    """The prepared transactions of one commit: (gid, cache entry) pairs."""

    prepared: list[tuple[str, CacheEntry]] = field(default_factory=list)


def gid_prefix(store: CatalogStore) -> str:
    """``fdwsh_<origin>_``: what every gid of this host and catalog file starts with."""
    import hashlib  # hashlib, socket and secrets only serve two-phase commits (~5 ms to load)
    import socket

    where = f"{socket.gethostname()}:{os.path.realpath(store.path)}"
    return f"fdwsh_{hashlib.sha1(where.encode()).hexdigest()[:8]}_"


def server_wants_two_phase(store: CatalogStore, server_id: int) -> bool:
    """The server's ``two_phase_commit`` option (off when absent)."""
    row = objects.get_server_by_id(store.db, server_id)
    value = dict(load_options(row["options"])).get("two_phase_commit", "off") if row else "off"
    return parse_boolean_option("two_phase_commit", value)


def prepare(written: list[CacheEntry], store: CatalogStore) -> InDoubt:
    """Steps 1–3 of the module docstring; on failure the prepared ones are rolled back."""
    for entry in written:
        _check_supported(entry)
    import secrets

    base = f"{gid_prefix(store)}{os.getpid()}_{secrets.token_hex(4)}"
    in_doubt = InDoubt()
    try:
        for entry in written:
            gid = f"{base}_{entry.server_id}_{entry.mapping_id}"
            entry.conn.prepare(gid)
            in_doubt.prepared.append((gid, entry))
            _fault("exit-in-phase-one")
        _record(store, in_doubt)
    except BaseException:
        abandon(in_doubt)
        raise
    return in_doubt


def _fault(point: str) -> None:
    """The test hook (module docstring): end the process here when asked to."""
    if os.environ.get(FAULT_VARIABLE) == point:
        os._exit(70)


def _check_supported(entry: CacheEntry) -> None:
    rows = list(entry.conn.stream("SELECT pg_catalog.current_setting('max_prepared_transactions')"))
    if rows[0][0] == "0":
        raise FdwshError(
            f'prepared transactions are disabled on server "{entry.conn.server_name}"',
            sqlstate="55000",
            detail="Two-phase commit of a transaction that wrote on several servers prepares "
                   "it on each of them.",
            hint="Set max_prepared_transactions to a nonzero value on that server, or commit "
                 "without two-phase commit (server option two_phase_commit 'off', "
                 "\\set TWO_PHASE_COMMIT off).")


def _record(store: CatalogStore, in_doubt: InDoubt) -> None:
    """Write the in-doubt set (inside the block's SQLite transaction, or committed now)."""
    store.newest_for_write()
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    rows = [(gid, e.server_id, e.mapping_id, "commit", now) for gid, e in in_doubt.prepared]
    with store.transaction() as db:
        db.executemany("INSERT INTO prepared_xact (gid, server_id, mapping_id, state, created_at)"
                       " VALUES (?, ?, ?, ?, ?)", rows)


def abandon(in_doubt: InDoubt) -> None:
    """ROLLBACK PREPARED what was prepared (phase one failed or the commit fell through).

    Never raises: a server that cannot be told keeps its prepared transaction, which the
    catalog does not record: ``\\dtwophase`` lists it and ``\\resolve`` rolls it back.
    """
    for gid, entry in in_doubt.prepared:
        try:
            entry.conn.finish_prepared(gid, commit=False)
        except FdwshError:
            pass
    in_doubt.prepared.clear()


def finish(in_doubt: InDoubt, store: CatalogStore, notices: list[Notice]) -> None:
    """Step 4: COMMIT PREPARED each; a server that fails keeps its row, with a warning."""
    _fault("exit-after-prepare")
    for gid, entry in in_doubt.prepared:
        try:
            entry.conn.finish_prepared(gid)
        except FdwshError as err:
            if err.sqlstate != UNDEFINED_OBJECT:
                notices.append(in_doubt_warning(gid, entry.conn.server_name, err.message))
                continue
        forget(store, gid, entry.server_id)


def in_doubt_warning(gid: str, server: str, why: str) -> Notice:
    return Notice(f'prepared transaction "{gid}" on server "{server}" is not committed yet: '
                  f"{why.splitlines()[0]}", "WARNING",
                  hint="It is committed by \\resolve, or when fdwsh next opens this catalog.")


def forget(store: CatalogStore, gid: str, server_id: int) -> None:
    with store.transaction() as db:
        db.execute("DELETE FROM prepared_xact WHERE gid = ? AND server_id = ?", (gid, server_id))
