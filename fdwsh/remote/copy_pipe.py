"""COPY from one remote server straight into another: ``COPY (query) TO STDOUT`` on the source,
``COPY table FROM STDIN`` on the target, the bytes passed through unparsed.

Data shipping (:mod:`fdwsh.exec.ship`) moves a join input this way: the text format of the
query's output is exactly what the target's input functions read (both sessions are pinned to
the same DateStyle, IntervalStyle, extra_float_digits: :mod:`fdwsh.remote.link`), so values
round-trip exactly, and fdwsh holds at most one chunk (:data:`CHUNK_BYTES`) of it at a time —
nothing is parsed or kept in Python.

Both commands run in their connection's remote transaction, opened (or brought up to date)
by an empty ``SELECT`` first: a COPY cannot share the pipeline that opens one implicitly.  When anything fails midway — the
source's query, the target's input of a value, a lost connection, Ctrl-C — the target's COPY is
ended with an error first, so its connection leaves the COPY state (its transaction is failed
and rolled back with the statement), the source's query is cancelled, and the error is raised.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import psycopg

from fdwsh.remote import errors as rerr
from fdwsh.remote.libpq import wait_socket
from fdwsh.remote.wire import BAD, DRAIN_TIMEOUT, ST

if TYPE_CHECKING:
    from fdwsh.remote.link import RemoteConnection

#: Bytes gathered from the source before they are sent to the target.
CHUNK_BYTES = 256 * 1024


def copy_between(source: RemoteConnection, copy_out: str, target: RemoteConnection,
                 copy_in: str) -> int:
    """Run ``copy_out`` (``COPY (…) TO STDOUT``) on ``source`` into ``copy_in`` (``COPY t
    FROM STDIN``) on ``target``; the number of rows copied."""
    for conn in (source, target):
        conn.execute("SELECT")  # the transaction is open, the wire free for the COPY
    with target.guard(copy_in):
        _start(target, copy_in, ST.COPY_IN)
    try:  # not inside guard(): its drain knows nothing of the COPY states
        _start(source, copy_out, ST.COPY_OUT)
        _pump(source, target)
        source.collect(copy_out)  # the final result: the source's error, if any
    except BaseException as exc:
        _stop_copy_out(source)
        _abort_copy_in(target)
        if isinstance(exc, KeyboardInterrupt):
            raise rerr.query_canceled() from None
        if isinstance(exc, psycopg.OperationalError):
            lost = source if source.wire.status == BAD else target
            raise lost.lost(None, copy_out if lost is source else copy_in) from None
        raise
    with target.guard(copy_in):
        return _finish_copy_in(target, copy_in)


def _start(conn: RemoteConnection, sql: str, expected: ST) -> None:
    """Send a COPY command and wait for the server to enter the COPY state."""
    pg = conn.wire
    pg.send_query(sql.encode())
    conn.flush()
    result = conn.next_result()
    if result is None or result.status != expected:
        while conn.next_result() is not None:  # the error's final result
            pass
        if result is not None and result.status == ST.FATAL_ERROR:
            raise conn.result_error(result, sql)
        raise rerr.remote_error(result, pg.error_message, sql)


def _pump(source: RemoteConnection, target: RemoteConnection) -> None:
    """Pass the source's COPY data to the target in chunks until the source is done."""
    src = source.wire
    buffer = bytearray()
    while True:
        size, data = src.get_copy_data(1)
        if size > 0:
            buffer += data
            if len(buffer) >= CHUNK_BYTES:
                _put(target, bytes(buffer))
                buffer.clear()
        elif size == 0:  # nothing buffered: wait for the server
            wait_socket(src.socket, False, None)
            src.consume_input()
        else:  # -1: the copy is complete (-2: an error, reported by the final result)
            break
    if buffer:
        _put(target, bytes(buffer))


def _put(target: RemoteConnection, data: bytes) -> None:
    pg = target.wire
    while (sent := pg.put_copy_data(data)) == 0:  # nonblocking: the send buffer is full
        target.flush()
    if sent < 0:
        raise rerr.remote_error(None, pg.error_message, None)
    target.flush()


def _finish_copy_in(target: RemoteConnection, sql: str) -> int:
    pg = target.wire
    while pg.put_copy_end(None) == 0:
        target.flush()
    results = target.collect(sql)
    tag = next((rerr.text(r.command_status) for r in results if r.command_status), "")
    return int(tag.split()[-1]) if tag.startswith("COPY ") else 0


def _stop_copy_out(source: RemoteConnection) -> None:
    """Cancel the source's COPY and read what it still sends (or give the connection up)."""
    if source.closed:
        return
    pg = source.wire
    deadline = time.monotonic() + DRAIN_TIMEOUT
    try:
        source.cancel()
        while (size := pg.get_copy_data(1)[0]) >= 0:
            if size == 0:
                if not wait_socket(pg.socket, False, deadline):
                    raise TimeoutError("remote server did not answer")
                pg.consume_input()
        while source.next_result(deadline) is not None:
            pass
    except (psycopg.Error, TimeoutError, KeyboardInterrupt):
        source._give_up()


def _abort_copy_in(target: RemoteConnection) -> None:
    """End the target's COPY with an error (the server aborts it), and read its results."""
    pg = target.wire
    if target.closed:
        return
    try:
        while pg.put_copy_end(b"data shipping interrupted") == 0:
            target.flush()
        target.flush()
        while target.next_result() is not None:
            pass
    except (psycopg.Error, KeyboardInterrupt):  # the cache replaces a connection given up
        target._give_up()
