"""postgres_fdw's connection-management functions over a :class:`ConnectionCache`, returning
Python values (the planner exposes them as the SQL functions of the same names).

- :func:`get_connections` is ``postgres_fdw_get_connections()``: ``(server_name, valid)`` per open
  connection; ``valid`` is false once the server or user mapping changed while the connection's
  remote transaction was open; the name is None when the server was dropped meanwhile.
- :func:`disconnect` is ``postgres_fdw_disconnect(server_name)``: closes that server's idle
  connections; true when it closed at least one.  An unknown server raises PostgreSQL's
  ``server "x" does not exist``.
- :func:`disconnect_all` is ``postgres_fdw_disconnect_all()``.

A connection whose remote transaction is open is kept, with postgres_fdw's WARNING ``cannot close
connection for server "x" because it is still in use`` passed to ``warn``.
"""

from __future__ import annotations

from collections.abc import Callable

from fdwsh.catalog import objects
from fdwsh.remote import errors as rerr
from fdwsh.remote.connection import CacheEntry, ConnectionCache

WarnFn = Callable[[str], None]


def get_connections(cache: ConnectionCache) -> list[tuple[str | None, bool]]:
    """postgres_fdw_get_connections(): (server name, valid) for each open connection."""
    return [(cache.server_name(e), not e.invalidated) for e in cache.entries()]


def disconnect(cache: ConnectionCache, server_name: str, warn: WarnFn | None = None) -> bool:
    """postgres_fdw_disconnect(server_name)."""
    server = objects.get_server(cache.store.db, server_name)
    if server is None:
        raise rerr.server_not_found(server_name)
    entries = [e for e in cache.entries() if e.server_id == server["id"]]
    return _disconnect(cache, entries, warn)


def disconnect_all(cache: ConnectionCache, warn: WarnFn | None = None) -> bool:
    """postgres_fdw_disconnect_all()."""
    return _disconnect(cache, cache.entries(), warn)


def _disconnect(cache: ConnectionCache, entries: list[CacheEntry], warn: WarnFn | None) -> bool:
    closed = False
    for entry in entries:
        if cache.disconnect_entry(entry):
            closed = True
        elif warn is not None:
            name = cache.server_name(entry)
            warn(f'cannot close connection for server "{name}" because it is still in use')
    return closed
