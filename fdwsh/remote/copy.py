"""The COPY protocol on a RemoteConnection: ``COPY … FROM STDIN`` fed from chunks of bytes, and
``COPY … TO STDOUT`` read as chunks.

Contract:

- Both run inside the connection's remote transaction, opened first when none is
  (:meth:`RemoteConnection.open_transaction`; a COPY cannot share the pipeline that opens the
  implicit one), so the statement's end commits or rolls it back like any other command.
- :func:`copy_in` sends each chunk as it comes (libpq's send buffer flushed after each, so
  memory stays at one chunk).  When producing the chunks fails — a value that does not fit its
  column, Ctrl-C — the COPY is ended with an error (the server aborts it: nothing of it is
  kept), its results are read, and the exception goes on; after Ctrl-C the server's own
  error for it is raised (``COPY from stdin failed: canceled by user``), as psql reports it.  A lost connection raises
  postgres_fdw's error for it (SQLSTATE 08006) and the connection stays closed.
- :func:`copy_out` hands the server's COPY data to a sink as it comes; when the sink fails
  (or Ctrl-C) the command is cancelled and the rest of its data dropped.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

import psycopg

from fdwsh.errors import FdwshError
from fdwsh.remote import errors as rerr
from fdwsh.remote.libpq import wait_socket
from fdwsh.remote.wire import BAD, DRAIN_TIMEOUT, ST, command_tag

if TYPE_CHECKING:
    from fdwsh.remote.link import RemoteConnection


def _start(conn: RemoteConnection, sql: str, expected: ST) -> None:
    """Send the COPY command and wait for the server to enter the COPY state."""
    pg = conn.wire
    pg.send_query(sql.encode())
    conn.flush()
    result = conn.next_result()
    if result is not None and result.status == expected:
        return
    while conn.next_result() is not None:  # the failed command's final result
        pass
    if result is not None and result.status == ST.FATAL_ERROR:
        raise conn.result_error(result, sql)
    raise conn.lost(None, sql)


def _put(conn: RemoteConnection, data: bytes) -> None:
    pg = conn.wire
    while pg.put_copy_data(data) == 0:  # nonblocking: the send buffer is full
        conn.flush()
    conn.flush()


def _abort(conn: RemoteConnection, reason: bytes, sql: str) -> FdwshError | None:
    """End a COPY FROM STDIN with an error; the server's answer to it (None: none came)."""
    if conn.closed:
        return None
    pg = conn.wire
    error = None
    try:
        while pg.put_copy_end(reason) == 0:
            conn.flush()
        conn.flush()
        deadline = time.monotonic() + DRAIN_TIMEOUT
        while (result := conn.next_result(deadline)) is not None:
            if result.status == ST.FATAL_ERROR and error is None:
                error = conn.result_error(result, sql)
    except (psycopg.Error, TimeoutError, KeyboardInterrupt):
        conn.lost(None, None)  # gives the connection up; the cache replaces it
    return error


def copy_in(conn: RemoteConnection, sql: str, chunks: Iterable[bytes]) -> str:
    """Run ``sql`` (``COPY … FROM STDIN``) with ``chunks`` as its data; the command tag."""
    conn.open_transaction()
    with conn.guard(sql):
        _start(conn, sql, ST.COPY_IN)
    try:  # not inside guard(): its drain knows nothing of the COPY state
        for chunk in chunks:
            _put(conn, chunk)
    except BaseException as exc:
        if isinstance(exc, psycopg.OperationalError) or conn.wire.status == BAD:
            raise conn.lost(None, sql) from None
        if isinstance(exc, KeyboardInterrupt):  # psql ends the COPY "canceled by user"
            raise _abort(conn, b"canceled by user", sql) or rerr.query_canceled(exc) from None
        _abort(conn, b"COPY aborted by fdwsh", sql)
        raise
    with conn.guard(sql):
        pg = conn.wire
        while pg.put_copy_end(None) == 0:
            conn.flush()
        return command_tag(conn.collect(sql))


def copy_out(conn: RemoteConnection, sql: str, sink: Callable[[bytes], object]) -> str:
    """Run ``sql`` (``COPY … TO STDOUT``), handing its data to ``sink`` as the server sends
    it; the command tag."""
    conn.open_transaction()
    with conn.guard(sql):
        _start(conn, sql, ST.COPY_OUT)
    try:  # not inside guard(): its drain knows nothing of the COPY state
        for chunk in _copy_data(conn, None):
            sink(chunk)
    except BaseException as exc:
        if isinstance(exc, psycopg.OperationalError) or conn.wire.status == BAD:
            raise conn.lost(None, sql) from None
        _stop_copy_out(conn)
        if isinstance(exc, KeyboardInterrupt):
            raise rerr.query_canceled(exc) from None
        raise
    with conn.guard(sql):
        return command_tag(conn.collect(sql))


def _copy_data(conn: RemoteConnection, deadline: float | None) -> Iterator[bytes]:
    """The COPY data the server sends, until it is complete."""
    pg = conn.wire
    while True:
        size, data = pg.get_copy_data(1)
        if size > 0:
            yield bytes(data)
        elif size == 0:
            if not wait_socket(pg.socket, False, deadline):
                raise TimeoutError("remote server did not answer")
            pg.consume_input()
        else:  # -1: complete (-2: failed; the final result tells why)
            return


def _stop_copy_out(conn: RemoteConnection) -> None:
    """A COPY TO read only in part: cancel it and drop the rest (or give the connection up)."""
    if conn.closed:
        return
    try:
        conn.cancel()
        deadline = time.monotonic() + DRAIN_TIMEOUT
        for _ in _copy_data(conn, deadline):
            pass
        while conn.next_result(deadline) is not None:
            pass
    except (psycopg.Error, TimeoutError, KeyboardInterrupt):
        conn.lost(None, None)
