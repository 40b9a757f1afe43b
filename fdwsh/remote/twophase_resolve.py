"""Finishing two-phase commits left between their phases (see fdwsh.remote.twophase).

- *Recorded* transactions (the catalog's ``prepared_xact``) were decided: they are committed,
  by the next session that opens the catalog (:func:`in_doubt_resolved`, which connects only
  when something is recorded) or by ``\\resolve``.  A recorded gid the server no longer has was
  finished already; its row goes.
- *Unrecorded* ones — a prepared transaction of this host and catalog (``fdwsh_<origin>_``)
  that the catalog does not know — were never decided: the process died in phase one, or a
  server could not be told to roll back.  Once their process (the gid names it) is gone,
  ``\\resolve`` rolls them back; while it runs they may be a commit in flight and are left
  alone.  Finding them means asking every server, so only ``\\dtwophase`` and ``\\resolve`` do.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fdwsh.errors import FdwshError, Notice
from fdwsh.remote.twophase import UNDEFINED_OBJECT, forget, gid_prefix, in_doubt_warning

if TYPE_CHECKING:
    from fdwsh.catalog.store import CatalogStore
    from fdwsh.remote.connection import ConnectionCache

COMMIT, ROLL_BACK, RUNNING = "commit", "roll back", "in progress"


@dataclass(frozen=True, slots=True)
class Leftover:
    """One prepared transaction of ours: what should happen to it (``action``)."""

    gid: str
    server_id: int
    server: str
    prepared_at: str
    action: str = COMMIT


def recorded(store: CatalogStore) -> list[Leftover]:
    """The in-doubt set the catalog records, oldest first."""
    try:
        rows = store.db.execute(
            "SELECT p.gid, p.server_id, COALESCE(s.name, '?') AS server, p.created_at "
            "FROM prepared_xact p LEFT JOIN server s ON s.id = p.server_id "
            "ORDER BY p.created_at, p.server_id, p.gid").fetchall()
    except sqlite3.OperationalError:  # a catalog older than the table (read-only, say)
        return []
    return [Leftover(r["gid"], r["server_id"], r["server"], r["created_at"]) for r in rows]


def leftovers(store: CatalogStore, cache: ConnectionCache, notices: list[Notice]
              ) -> list[Leftover]:
    """The recorded ones, then the unrecorded ones every reachable server holds (a server that
    cannot be asked gives a WARNING)."""
    known = recorded(store)
    names = {(item.gid, item.server_id) for item in known}
    found = []
    for row in store.db.execute("SELECT id, name FROM server ORDER BY name").fetchall():
        try:
            held = _held(cache, row["id"], gid_prefix(store))
        except FdwshError as err:
            notices.append(Notice(f'could not list the prepared transactions of server '
                                  f'"{row["name"]}": {err.message.splitlines()[0]}', "WARNING"))
            continue
        found += [Leftover(gid, row["id"], row["name"], at, _action(gid))
                  for gid, at in held if (gid, row["id"]) not in names]
    return known + found


def _held(cache: ConnectionCache, server_id: int, prefix: str) -> list[tuple[str, str]]:
    """(gid, prepared at) of the server's prepared transactions of this origin."""
    conn = cache.get(server_id, touch=False)
    pattern = prefix.replace("_", "\\_") + "%"
    rows = list(conn.stream(
        "SELECT gid, pg_catalog.to_char(prepared AT TIME ZONE 'UTC', "
        "'YYYY-MM-DD\"T\"HH24:MI:SS+00:00') FROM pg_catalog.pg_prepared_xacts "
        "WHERE database = pg_catalog.current_database() AND gid LIKE $1 ORDER BY prepared",
        [pattern]))
    cache.end_of_statement()
    return [(str(gid), str(at)) for gid, at in rows if _server_of(str(gid)) == server_id]


def _server_of(gid: str) -> int | None:
    """The server id a gid names (``…_<server>_<mapping>``)."""
    parts = gid.split("_")
    return int(parts[-2]) if len(parts) >= 6 and parts[-2].isdigit() else None


def _action(gid: str) -> str:
    """Roll an unrecorded transaction back once the process that prepared it is gone."""
    pid = int(gid.split("_")[2])
    if pid == os.getpid():
        return ROLL_BACK
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return ROLL_BACK
    except PermissionError:
        pass
    return RUNNING


def resolve(store: CatalogStore, cache: ConnectionCache, items: list[Leftover]
            ) -> Iterator[tuple[Leftover, str]]:
    """COMMIT PREPARED (recorded) or ROLLBACK PREPARED (abandoned) each item; yields each with
    what happened (``committed``, ``rolled back``, ``already finished``, ``left alone``, or the
    error's message, the record kept)."""
    for item in items:
        if item.action == RUNNING:
            yield item, "left alone"
            continue
        try:
            cache.get(item.server_id, touch=False).finish_prepared(item.gid,
                                                                   item.action == COMMIT)
            outcome = "committed" if item.action == COMMIT else "rolled back"
        except FdwshError as err:
            if err.sqlstate != UNDEFINED_OBJECT:
                yield item, err.message
                continue
            outcome = "already finished"
        forget(store, item.gid, item.server_id)
        yield item, outcome


def in_doubt_resolved(store: CatalogStore, cache: Callable[[], ConnectionCache]
                      ) -> Iterator[Notice]:
    """At a session's start: commit what the catalog records (connecting only then)."""
    items = recorded(store)
    if not items:
        return
    for item, outcome in resolve(store, cache(), items):
        if outcome == "committed":
            yield Notice(f'committed prepared transaction "{item.gid}" on server '
                         f'"{item.server}", left in doubt by an earlier session', "NOTICE")
        elif outcome != "already finished":
            yield in_doubt_warning(item.gid, item.server, outcome)
