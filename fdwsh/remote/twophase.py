"""Atomic commit across servers: two-phase commit of the remote transactions that wrote data
(an fdwsh extension; postgres_fdw commits server after server, so a failure between two commits
leaves one server's change without the other's).

Protocol, for the written connections of one transaction:

1. Up front, every server must accept prepared transactions (``max_prepared_transactions > 0``),
   else the COMMIT fails with a HINT before anything is prepared, and everything rolls back.
2. Phase one: ``PREPARE TRANSACTION 'fdwsh_<id>_<server>_<mapping>'`` on each.  A failure rolls
   back everything (``ROLLBACK PREPARED`` for those already prepared).
3. The in-doubt set is written to the catalog's ``prepared_xact`` table, committed with the
   catalog's own commit (the block's SQLite transaction, or one of its own): that commit is the
   decision.
4. Phase two: ``COMMIT PREPARED`` on each, and each done server's row is deleted.  A server that
   cannot be reached keeps its row and the commit warns; the next fdwsh session that opens the
   catalog, or ``\\resolve``, commits what is left (:func:`resolve`).

The test hook ``FDWSH_TWOPHASE_FAULT=exit-after-prepare`` ends the process (exit status 70)
between steps 3 and 4, as a crash there would: it is how the tests reach the in-doubt state.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from fdwsh.catalog import objects
from fdwsh.catalog.options import parse_boolean_option
from fdwsh.catalog.store import load_options
from fdwsh.errors import FdwshError, Notice

if TYPE_CHECKING:
    from fdwsh.catalog.store import CatalogStore
    from fdwsh.remote.connection import CacheEntry, ConnectionCache

FAULT_VARIABLE = "FDWSH_TWOPHASE_FAULT"
UNDEFINED_OBJECT = "42704"  # COMMIT PREPARED of a gid the server no longer has


@dataclass(slots=True)
class InDoubt:
    """The prepared transactions of one commit: (gid, cache entry) pairs."""

    prepared: list[tuple[str, CacheEntry]] = field(default_factory=list)


def server_wants_two_phase(store: CatalogStore, server_id: int) -> bool:
    """The server's ``two_phase_commit`` option (off when absent)."""
    row = objects.get_server_by_id(store.db, server_id)
    value = dict(load_options(row["options"])).get("two_phase_commit", "off") if row else "off"
    return parse_boolean_option("two_phase_commit", value)


def prepare(written: list[CacheEntry], store: CatalogStore) -> InDoubt:
    """Steps 1–3 of the module docstring; on failure the prepared ones are rolled back."""
    for entry in written:
        _check_supported(entry)
    base = f"fdwsh_{secrets.token_hex(8)}"
    in_doubt = InDoubt()
    try:
        for entry in written:
            gid = f"{base}_{entry.server_id}_{entry.mapping_id}"
            entry.conn.prepare(gid)
            in_doubt.prepared.append((gid, entry))
        _record(store, in_doubt)
    except BaseException:
        abandon(in_doubt)
        raise
    return in_doubt


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
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    rows = [(gid, e.server_id, e.mapping_id, "commit", now) for gid, e in in_doubt.prepared]
    with store.transaction() as db:
        db.executemany("INSERT INTO prepared_xact (gid, server_id, mapping_id, state, created_at)"
                       " VALUES (?, ?, ?, ?, ?)", rows)


def abandon(in_doubt: InDoubt) -> None:
    """ROLLBACK PREPARED what was prepared (phase one failed or the commit fell through).

    Never raises: a server that cannot be told keeps its prepared transaction, which the
    catalog does not record, so :func:`leftovers` lists it as not recorded.
    """
    for gid, entry in in_doubt.prepared:
        try:
            entry.conn.finish_prepared(gid, commit=False)
        except FdwshError:
            pass
    in_doubt.prepared.clear()


def finish(in_doubt: InDoubt, store: CatalogStore, notices: list[Notice]) -> None:
    """Step 4: COMMIT PREPARED each; a server that fails keeps its row, with a warning."""
    if os.environ.get(FAULT_VARIABLE) == "exit-after-prepare":
        os._exit(70)
    for gid, entry in in_doubt.prepared:
        try:
            entry.conn.finish_prepared(gid)
        except FdwshError as err:
            if err.sqlstate != UNDEFINED_OBJECT:
                notices.append(_in_doubt_warning(gid, entry.conn.server_name, err.message))
                continue
        _forget(store, gid, entry.server_id)


def _in_doubt_warning(gid: str, server: str, why: str) -> Notice:
    return Notice(f'prepared transaction "{gid}" on server "{server}" is not committed yet: '
                  f"{why.splitlines()[0]}", "WARNING",
                  hint="It is committed by \\resolve, or when fdwsh next opens this catalog.")


def _forget(store: CatalogStore, gid: str, server_id: int) -> None:
    with store.transaction() as db:
        db.execute("DELETE FROM prepared_xact WHERE gid = ? AND server_id = ?", (gid, server_id))


# -- leftovers of earlier sessions ----------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Leftover:
    """One recorded prepared transaction whose second phase did not finish."""

    gid: str
    server_id: int
    server: str
    created_at: str


def leftovers(store: CatalogStore) -> list[Leftover]:
    """The recorded in-doubt transactions, oldest first."""
    try:
        rows = store.db.execute(
            "SELECT p.gid, p.server_id, COALESCE(s.name, '?') AS server, p.created_at "
            "FROM prepared_xact p LEFT JOIN server s ON s.id = p.server_id "
            "ORDER BY p.created_at, p.gid, p.server_id").fetchall()
    except sqlite3.OperationalError:  # a catalog older than the table (read-only, say)
        return []
    return [Leftover(r["gid"], r["server_id"], r["server"], r["created_at"]) for r in rows]


def resolve(store: CatalogStore, cache: ConnectionCache) -> Iterator[tuple[Leftover, str]]:
    """COMMIT PREPARED every leftover; yields each with what happened (``committed``,
    ``already finished`` or the error's message, the row kept)."""
    for item in leftovers(store):
        try:
            cache.get(item.server_id, touch=False).finish_prepared(item.gid)
            outcome = "committed"
        except FdwshError as err:
            if err.sqlstate != UNDEFINED_OBJECT:
                yield item, err.message
                continue
            outcome = "already finished"
        _forget(store, item.gid, item.server_id)
        yield item, outcome


def in_doubt_resolved(store: CatalogStore, cache: Callable[[], ConnectionCache]
                      ) -> Iterator[Notice]:
    """At a session's start: :func:`resolve` what is left (connecting only then), as notices."""
    if not leftovers(store):
        return
    for item, outcome in resolve(store, cache()):
        if outcome == "committed":
            yield Notice(f'committed prepared transaction "{item.gid}" on server '
                         f'"{item.server}", left in doubt by an earlier session', "NOTICE")
        elif outcome != "already finished":
            yield _in_doubt_warning(item.gid, item.server, outcome)
