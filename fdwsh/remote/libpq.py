"""libpq-level helpers of the remote layer: waiting on the socket, connecting, session setup.

Contract: :func:`connect_pgconn` opens a nonblocking ``psycopg.pq.PGconn`` through PQconnectStart
and PQconnectPoll, waiting in poll() so that Ctrl-C interrupts it, and applying ``connect_timeout``
per host as libpq's blocking connect does (PostgreSQL 15's postgres_fdw uses the blocking
PQconnectdbParams, which Ctrl-C cannot interrupt).  Failures raise postgres_fdw's ``could not
connect to server "NAME"`` with libpq's message, byte for byte (psycopg's own ``connect`` would
resolve host names itself and reword them).  :func:`session_setup_sql` is
configure_remote_session().
"""

from __future__ import annotations

import select
import time

import psycopg
from psycopg import pq

from fdwsh.remote import errors as rerr
from fdwsh.remote.params import password_not_requested

POLL = pq.PollingStatus
BAD = pq.ConnStatus.BAD


def wait_socket(fd: int, write: bool, deadline: float | None) -> bool:
    """Block until ``fd`` is readable (or writable); False when ``deadline`` passes first.

    A signal interrupts the wait, so KeyboardInterrupt reaches the caller at once.
    """
    timeout = None if deadline is None else max(0.0, deadline - time.monotonic())
    if hasattr(select, "poll"):
        poller = select.poll()
        poller.register(fd, select.POLLIN | (select.POLLOUT if write else 0))
        return bool(poller.poll(None if timeout is None else timeout * 1000))
    ready = select.select([fd], [fd] if write else [], [fd], timeout)
    return any(ready)


# -- connecting ------------------------------------------------------------------------------

def _connect_timeout(pgconn: pq.PGconn) -> float | None:
    """libpq's ``connect_timeout`` for this connection (option or PGCONNECT_TIMEOUT), None: none."""
    for opt in pgconn.info:
        if opt.keyword == b"connect_timeout" and opt.val:
            try:
                seconds = int(opt.val)
            except ValueError:
                return None
            return None if seconds <= 0 else float(max(seconds, 2))  # libpq's minimum is 2 s
    return None


def _timeout_message(pgconn: pq.PGconn) -> str:
    """The line libpq adds when connect_timeout expires (emitHostIdentityInfo + reason)."""
    host, port = rerr.text(pgconn.host), rerr.text(pgconn.port)
    try:
        addr = rerr.text(pgconn.hostaddr)
    except psycopg.Error:
        addr = ""
    if host.startswith(("/", "@")):
        where = f'on socket "{host}/.s.PGSQL.{port}"'
    elif addr and addr != host:
        where = f'at "{host}" ({addr}), port {port}'
    else:
        where = f'at "{host}", port {port}'
    return f"connection to server {where} failed: timeout expired\n"


def _poll_connect(pgconn: pq.PGconn, server_name: str) -> None:
    """Drive PQconnectPoll to the end; the clock restarts whenever libpq moves to another host."""
    timeout = _connect_timeout(pgconn)
    target: tuple[bytes | None, bytes | None] | None = None
    deadline: float | None = None
    while True:
        if pgconn.status == BAD:
            raise rerr.could_not_connect(server_name, pgconn.error_message)
        status = pgconn.connect_poll()
        if status == POLL.OK:
            return
        if status == POLL.FAILED:
            raise rerr.could_not_connect(server_name, pgconn.error_message)
        if (pgconn.host, pgconn.port) != target:
            target = (pgconn.host, pgconn.port)
            deadline = None if timeout is None else time.monotonic() + timeout
        if not wait_socket(pgconn.socket, status == POLL.WRITING, deadline):
            message = rerr.text(pgconn.error_message)
            # libpq has written "connection to server at ... failed: " when the attempt began
            message += ("timeout expired\n" if message.endswith("failed: ")
                        else _timeout_message(pgconn))
            raise rerr.could_not_connect(server_name, message)


def connect_pgconn(conninfo: str, server_name: str, *, require_password: bool = False
                   ) -> pq.PGconn:
    """A new nonblocking libpq connection, or postgres_fdw's ``could not connect`` error;
    with ``require_password``, the server must have asked for the password
    (PQconnectionUsedPassword, see fdwsh.remote.params)."""
    pgconn = pq.PGconn.connect_start(conninfo.encode())
    try:
        _poll_connect(pgconn, server_name)
        if require_password and not pgconn.used_password:
            raise password_not_requested()
    except BaseException:
        pgconn.finish()
        raise
    pgconn.nonblocking = 1
    return pgconn


def session_setup_sql(server_version: int) -> str:
    """configure_remote_session(): settings that make deparsed SQL and returned text unambiguous.

    Beyond postgres_fdw's settings, ``standard_conforming_strings`` is pinned on: pglast writes
    every literal as ``'...'`` with only quotes doubled, which a server (or role, or database)
    set to ``off`` would read with backslash escapes, so that a value ending in a backslash
    could end its literal early and the rest of the value would run as SQL.  postgres_fdw
    avoids this by writing ``E'...'`` with doubled backslashes; fdwsh pins the reading instead,
    once per session, for every statement it deparses.
    """
    parts = ["SET search_path = pg_catalog", "SET timezone = 'UTC'", "SET datestyle = ISO"]
    if server_version >= 80200:
        parts.append("SET standard_conforming_strings = on")
    if server_version >= 80400:
        parts.append("SET intervalstyle = postgres")
    parts.append("SET extra_float_digits = " + ("3" if server_version >= 90000 else "2"))
    return "; ".join(parts)
