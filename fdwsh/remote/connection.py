"""ConnectionCache: the remote connections of one fdwsh session (postgres_fdw's ConnectionHash).

Contract:

- A connection is keyed by (server id, effective user-mapping id), like postgres_fdw's cache keyed
  by user-mapping OID: one connection per mapping, so every scan of a statement on that server
  shares one remote transaction (one snapshot).  The effective mapping is the local user's, else
  PUBLIC's, else PostgreSQL 15's ``user mapping not found for "USER"``.
- :meth:`ConnectionCache.get` opens lazily and reuses.  A connection whose server or mapping
  changed in the catalog since it was opened is closed and reopened when idle, or (while its
  remote transaction is open) marked invalid and closed when that transaction ends, as
  postgres_fdw's pgfdw_inval_callback does; a broken one is replaced.
- :meth:`end_of_statement` ends the implicit remote transactions of a statement (commit when it
  succeeded, roll back otherwise) and closes connections of servers with ``keep_connections
  'off'``, invalidated ones and broken ones.  :meth:`close_all` at exit.
- Inside a transaction block, :attr:`ConnectionCache.on_use` (fdwsh.remote.xact) opens the
  remote transaction of each connection handed out.  A connection lost inside its explicit
  remote transaction stays in the cache, closed, until that transaction is rolled back; asking
  for it meanwhile raises postgres_fdw's ``connection to server "s" cannot be used due to abort
  cleanup failure``, so that work lost with it is never silently replaced by a fresh one.

How the session is meant to call it::

    try:
        ... run the statement (cache.get(server).stream(sql, fetch_size=n) ...) ...
    except KeyboardInterrupt:
        cache.end_of_statement(ok=False)   # cancels running remote queries, rolls back
        report(errors.query_canceled())    # ERROR:  canceling statement due to user request
    except FdwshError as err:
        cache.end_of_statement(ok=False)
        report(err)
    else:
        cache.end_of_statement(ok=True)

A KeyboardInterrupt that arrives while a remote result is being read is turned into that same
FdwshError (57014) by the remote layer itself, after cancelling the query on the server.
:meth:`cancel_all` may be called from another thread (or a signal handler) to cancel whatever
runs.  This module imports psycopg only when a connection is opened (``fdwsh -c '\\des'`` never
does).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fdwsh.catalog import objects
from fdwsh.catalog.options import parse_boolean_option
from fdwsh.catalog.store import CatalogStore, load_options
from fdwsh.errors import FdwshError
from fdwsh.remote import errors as rerr
from fdwsh.remote.params import DEFAULT_APPLICATION_NAME, build_conninfo, password_required

if TYPE_CHECKING:
    from fdwsh.remote.link import RemoteConnection

Key = tuple[int, int]


@dataclass(slots=True)
class CacheEntry:
    """One cached connection (postgres_fdw's ConnCacheEntry)."""

    server_id: int
    mapping_id: int
    conn: RemoteConnection
    #: What the connection was opened from (server row + mapping options); a change invalidates.
    fingerprint: tuple[object, ...]
    keep_connections: bool
    invalidated: bool = False


def _fingerprint(server: sqlite3.Row, mapping: sqlite3.Row) -> tuple[object, ...]:
    return (server["name"], server["options"], mapping["id"], mapping["options"])


def _lost_in_transaction(conn: RemoteConnection) -> bool:
    """A closed connection whose explicit remote transaction (a block's) is not ended yet."""
    return conn.xact_depth > 0 and not conn.implicit


class ConnectionCache:
    """The session's remote connections (see the module docstring)."""

    def __init__(self, store: CatalogStore, user: str, *,
                 application_name: str = DEFAULT_APPLICATION_NAME) -> None:
        self.store = store
        self.user = user
        self.application_name = application_name
        self._entries: dict[Key, CacheEntry] = {}
        #: Called with every connection handed out (the block's remote transactions).
        self.on_use: Callable[[RemoteConnection], None] | None = None

    # -- lookups -----------------------------------------------------------------------------

    def _server(self, server: str | int) -> sqlite3.Row:
        db = self.store.db
        if isinstance(server, int):
            row = objects.get_server_by_id(db, server)
            if row is None:  # GetForeignServer(oid)
                raise FdwshError(f"cache lookup failed for foreign server {server}")
            return row
        row = objects.get_server(db, server)
        if row is None:
            raise rerr.server_not_found(server)
        return row

    def _mapping(self, server_id: int) -> sqlite3.Row:
        """The local user's mapping, else PUBLIC's (GetUserMapping)."""
        db = self.store.db
        row = (objects.get_user_mapping(db, server_id, self.user)
               or objects.get_user_mapping(db, server_id, "public"))
        if row is None:
            raise rerr.user_mapping_not_found(self.user)
        return row

    def _current_fingerprint(self, entry: CacheEntry) -> tuple[object, ...] | None:
        """The entry's server + mapping as the catalog has them now (None: one was dropped)."""
        db = self.store.db
        server = objects.get_server_by_id(db, entry.server_id)
        mapping = db.execute("SELECT * FROM user_mapping WHERE id = ?",
                             (entry.mapping_id,)).fetchone()
        if server is None or mapping is None:
            return None
        return _fingerprint(server, mapping)

    # -- the cache ---------------------------------------------------------------------------

    def get(self, server: str | int, *, touch: bool = True) -> RemoteConnection:
        """The connection for ``server`` (name or id) under the effective user mapping, inside
        the block's remote transaction unless ``touch`` is false."""
        srv = self._server(server)
        mapping = self._mapping(srv["id"])
        key = (srv["id"], mapping["id"])
        entry = self._entries.get(key)
        if entry is not None:
            self._revalidate(entry)
            entry = self._entries.get(key)
        if entry is None:
            entry = self._open(srv, mapping)
            self._entries[key] = entry
        if touch and self.on_use is not None:
            self.on_use(entry.conn)
        return entry.conn

    def conninfo(self, server: str) -> str:
        """The connection string for ``server`` under the effective mapping (for ``\\c``)."""
        srv = self._server(server)
        mapping = self._mapping(srv["id"])
        return build_conninfo(load_options(srv["options"]), load_options(mapping["options"]),
                              application_name=self.application_name)

    def password_required(self, server: str) -> bool:
        """Whether the effective mapping for ``server`` says ``password_required 'true'``."""
        mapping = self._mapping(self._server(server)["id"])
        return password_required(load_options(mapping["options"]))

    def _open(self, server: sqlite3.Row, mapping: sqlite3.Row) -> CacheEntry:
        from fdwsh.remote.link import RemoteConnection

        server_options = load_options(server["options"])
        mapping_options = load_options(mapping["options"])
        conninfo = build_conninfo(server_options, mapping_options,
                                  application_name=self.application_name)
        keep = dict(server_options).get("keep_connections", "on")
        conn = RemoteConnection.open(server["name"], conninfo,
                                     require_password=password_required(mapping_options))
        return CacheEntry(server["id"], mapping["id"], conn, _fingerprint(server, mapping),
                          parse_boolean_option("keep_connections", keep))

    def _revalidate(self, entry: CacheEntry) -> None:
        """Drop a broken connection; reopen (idle) or mark invalid (in use) a stale one."""
        if entry.conn.closed and _lost_in_transaction(entry.conn):
            raise FdwshError(f'connection to server "{entry.conn.server_name}" cannot be used '
                             "due to abort cleanup failure", sqlstate="08000")
        if entry.conn.closed:
            self._drop(entry)
        elif entry.invalidated or self._current_fingerprint(entry) != entry.fingerprint:
            if entry.conn.xact_depth == 0:
                self._drop(entry)
            else:
                entry.invalidated = True

    def _drop(self, entry: CacheEntry) -> None:
        entry.conn.close()
        self._entries.pop((entry.server_id, entry.mapping_id), None)

    def entries(self) -> list[CacheEntry]:
        """The open connections, oldest first (invalid ones marked, see :meth:`is_valid`)."""
        for entry in list(self._entries.values()):
            if entry.conn.closed and not _lost_in_transaction(entry.conn):
                self._drop(entry)
            elif self._current_fingerprint(entry) != entry.fingerprint:
                entry.invalidated = True
        return list(self._entries.values())

    def in_transaction(self) -> list[CacheEntry]:
        """The entries whose remote transaction is open (lost ones included), oldest first."""
        return [e for e in self._entries.values() if e.conn.xact_depth > 0]

    def server_name(self, entry: CacheEntry) -> str | None:
        """The entry's server name as the catalog has it now (None: the server was dropped)."""
        row = objects.get_server_by_id(self.store.db, entry.server_id)
        return None if row is None else row["name"]

    def disconnect_entry(self, entry: CacheEntry) -> bool:
        """Close one connection unless its remote transaction is open (then False)."""
        if entry.conn.xact_depth > 0:
            return False
        self._drop(entry)
        return True

    # -- statement and session ends ----------------------------------------------------------

    def end_of_statement(self, ok: bool = True) -> list[RemoteConnection]:
        """End the statement's implicit remote transactions and close what must not stay open;
        returns the connections whose implicit transaction was found lost (for the abort
        cleanup's warning).

        Every connection is ended even when one fails; the first failure is raised afterwards.
        """
        first: FdwshError | None = None
        lost: list[RemoteConnection] = []
        for entry in list(self._entries.values()):
            conn = entry.conn
            implicit = conn.xact_depth > 0 and conn.implicit
            try:
                conn.end_statement(ok)
            except FdwshError as err:
                first = first or err
            if implicit and conn.closed:
                lost.append(conn)
            stale = entry.invalidated or self._current_fingerprint(entry) != entry.fingerprint
            if conn.closed and _lost_in_transaction(conn):
                continue  # kept until the block rolls it back (module docstring)
            if conn.closed or (conn.xact_depth == 0 and (stale or not entry.keep_connections)):
                self._drop(entry)
        if first is not None:
            raise first
        return lost

    def cancel_all(self) -> None:
        """Ask every server to cancel what runs on our connections (safe from another thread)."""
        for entry in list(self._entries.values()):
            try:
                entry.conn.cancel()
            except Exception:  # a failed cancel request changes nothing: the query runs on
                pass

    def close_all(self) -> None:
        """Close every connection (at exit; open remote transactions are rolled back remotely)."""
        for entry in list(self._entries.values()):
            self._drop(entry)
