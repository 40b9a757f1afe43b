r"""``\ping`` (check servers and user mappings) and ``\dconn`` (the open remote connections).

Contract:

- ``\ping [PATTERN]`` opens a NEW connection to each foreign server whose name matches (all
  without a pattern) under the effective user mapping (the local user's, else PUBLIC's), exactly
  as a query would connect, runs one round trip and closes it.  One row per server: the mapping's
  user, ``ok`` or ``failed``, the remote version, the connect time and the round-trip time, and
  for a failure the error as psql would print it (``ERROR:  could not connect to server "s"`` /
  ``DETAIL:  ...``) inside the table.  Passwords never show: the error text is libpq's, which
  names no password.  When any check failed the command fails (``fdwsh -c '\ping'`` exits 1),
  after printing the whole table.
- ``\dconn`` lists the session's cached connections as postgres_fdw_get_connections() sees
  them (server, valid), with the mapping's user, the remote backend's PID and the remote
  transaction state.  It never connects.
"""

from __future__ import annotations

import time
from typing import Any

from fdwsh.catalog import objects
from fdwsh.errors import FdwshError
from fdwsh.meta.patterns import name_filter
from fdwsh.meta.registry import MetaCall, MetaStatus, meta_command
from fdwsh.output.result import Column, Result

GROUP = "Connection"
PING_COLUMNS = [Column("Server", "name"), Column("User name", "name"), Column("Status"),
                Column("Version"), Column("Connect"), Column("Round trip"), Column("Error")]
CONN_COLUMNS = [Column("Server", "name"), Column("User name", "name"), Column("Valid", "bool"),
                Column("Backend PID", "integer"), Column("Transaction"), Column("Version")]
TRANSACTION_STATES = {"IDLE": "idle", "ACTIVE": "active", "INTRANS": "in transaction",
                      "INERROR": "in failed transaction", "UNKNOWN": "broken"}


def _milliseconds(seconds: float) -> str:
    return f"{seconds * 1000:.3f} ms"


def error_text(err: FdwshError) -> str:
    """The error as psql prints it (message and DETAIL/HINT lines; tabs as spaces)."""
    from fdwsh.output.errors import format_error

    return format_error(err).rstrip("\n").replace("\t", " ")


def _mapping_user(db: Any, server: Any, user: str) -> str | None:
    """Whose mapping a query would use: the user's own, else PUBLIC's (None: neither)."""
    for name in (user, "public"):
        if objects.get_user_mapping(db, server["id"], name) is not None:
            return name
    return None


def check_server(store: Any, server: Any, user: str) -> list[str | None]:
    """Connect to one server exactly as a query would (a connection cache of its own, so the
    session's connections are not touched), time it, close; the row ``\\ping`` shows."""
    from fdwsh.remote.connection import ConnectionCache

    mapping_user = _mapping_user(store.db, server, user)
    cache = ConnectionCache(store, user)
    try:
        started = time.perf_counter()
        conn = cache.get(server["id"])
        connected = time.perf_counter()
        conn.execute("SELECT 1")
        done = time.perf_counter()
        version = conn.parameter("server_version")
        cache.end_of_statement(True)
    except FdwshError as err:
        return [server["name"], mapping_user, "failed", None, None, None, error_text(err)]
    finally:
        cache.close_all()
    return [server["name"], mapping_user, "ok", version, _milliseconds(connected - started),
            _milliseconds(done - connected), None]


@meta_command("ping", syntax="\\ping [PATTERN]",
              help="connect to foreign servers with their user mappings and report", group=GROUP)
def cmd_ping(call: MetaCall) -> Result | MetaStatus:
    r"""``\ping``: check every matching server (see the module docstring)."""
    flt = name_filter(call.args.next())
    store = call.session.store
    servers = [s for s in store.db.execute("SELECT * FROM server ORDER BY name")
               if flt.name_matches(s["name"])]
    rows = [check_server(store, s, call.session.user) for s in servers]
    result = Result(columns=PING_COLUMNS, rows=rows, title="Check of foreign servers")
    if any(row[2] != "ok" for row in rows):
        call.session.print_result(result)
        return MetaStatus.ERROR
    return result


def _connection_row(cache: Any, entry: Any) -> list[str | None]:
    db = cache.store.db
    mapping = db.execute("SELECT user_name FROM user_mapping WHERE id = ?",
                         (entry.mapping_id,)).fetchone()
    conn = entry.conn
    return [cache.server_name(entry), None if mapping is None else mapping[0],
            "f" if entry.invalidated else "t", str(conn.wire.backend_pid),
            TRANSACTION_STATES.get(conn.transaction_status.name, conn.transaction_status.name),
            conn.parameter("server_version")]


@meta_command("dconn", syntax="\\dconn",
              help="list open remote connections (postgres_fdw_get_connections)", group=GROUP)
def cmd_list_connections(call: MetaCall) -> Result:
    r"""``\dconn``: the cached connections, by server name."""
    cache = call.session.remote()
    rows = [_connection_row(cache, e) for e in cache.entries()]
    rows.sort(key=lambda r: (r[0] is None, r[0] or "", r[1] or ""))
    return Result(columns=CONN_COLUMNS, rows=rows, title="Remote connections")
