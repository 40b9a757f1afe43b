"""The exchange layer under a RemoteConnection: sending, waiting, draining, pipelines, and what a
lost connection or Ctrl-C does to an exchange.

Contract:

- Every exchange runs inside :meth:`Wire.guard`.  Waits happen in poll(), so KeyboardInterrupt
  lands in Python: the running command is cancelled on the server and its results are drained
  (or, when that does not finish within :data:`DRAIN_TIMEOUT`, the connection is closed), then
  ``canceling statement due to user request`` (57014) is raised.  A connection that breaks
  raises postgres_fdw's error for it (SQLSTATE 08006, libpq's message) and is closed for good
  (``broken``).  Remote errors keep their SQLSTATE and get ``CONTEXT:  remote SQL command: ...``.
- :meth:`Wire.cancel` may be called from any thread (libpq 17's encrypted cancel request, else
  PQcancel).
- One query streams at a time per connection (the wire is busy until its last row).  Running
  another command while a :class:`~fdwsh.remote.fetch.RemoteResult` is still streaming first
  reads that result's remaining rows into its own buffer ("settles" it), as postgres_fdw's
  pgfdw_get_result/process_pending_request do for a shared connection.
- :meth:`Wire.pipeline` sends several commands in one round trip (libpq pipeline mode).
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

import psycopg
from psycopg import pq

from fdwsh.errors import FdwshError, Notice
from fdwsh.remote import errors as rerr
from fdwsh.remote.libpq import _connect_timeout, wait_socket

if TYPE_CHECKING:
    from fdwsh.remote.fetch import RemoteResult

ST = pq.ExecStatus
BAD = pq.ConnStatus.BAD
TX = pq.TransactionStatus
POLL = pq.PollingStatus

#: Seconds to wait for a cancelled command's results before giving the connection up.
DRAIN_TIMEOUT = 10.0
CANCEL_RETRY = 0.5

#: A pipeline step: the SQL it stands for (the CONTEXT of its errors) and what sends it.
Step = tuple[str, Callable[[pq.PGconn], None]]
#: The results of one step (a row-returning step may deliver chunks before its final result).
Results = list[pq.PGresult]


def command_tag(results: Sequence[pq.PGresult]) -> str:
    """A command's tag (``SELECT 3``): in chunked-rows mode libpq may put it on the last chunk
    rather than on the final result, so the last one given wins."""
    tags = [rerr.text(r.command_status) for r in results if r.command_status]
    return tags[-1] if tags else ""


def _send_cancel(cancel_conn: pq.PGcancelConn, deadline: float) -> None:
    """PQcancelStart + PQcancelPoll until the server took the request, waiting in poll()."""
    cancel_conn.start()
    while (status := cancel_conn.poll()) != POLL.OK:
        if status == POLL.FAILED:
            raise psycopg.OperationalError(rerr.chomp(cancel_conn.error_message))
        if not wait_socket(cancel_conn.socket, status == POLL.WRITING, deadline):
            raise TimeoutError("cancel request timed out")


class PipelineLost(psycopg.OperationalError):
    """The connection broke in the middle of a pipeline, after the results in ``groups``."""

    def __init__(self, message: str, groups: Sequence[Results]) -> None:
        super().__init__(message)
        self.groups = [g for g in groups if g]

    def completed(self, step: int) -> bool:
        """Step ``step`` (0-based) completed on the server before the connection broke."""
        return len(self.groups) > step and self.groups[step][-1].status == ST.COMMAND_OK


class Wire:
    """One libpq connection and the exchanges on it (see the module docstring)."""

    def __init__(self, pgconn: pq.PGconn) -> None:
        #: Called with each NOTICE/WARNING the remote server sends.  None (the default) drops
        #: them, as postgres_fdw does (libpq would print them on stderr; the backend logs them).
        self.on_notice: Callable[[Notice], None] | None = None
        self._attach(pgconn)
        #: Closed after a failure that left the wire unusable; the cache replaces it.
        self.broken = False
        self._active: RemoteResult | None = None
        self._last_words = b""  # a FATAL error received in pipeline mode (see lost())

    def _attach(self, pgconn: pq.PGconn) -> None:
        """Use ``pgconn`` from now on, its notices routed to :attr:`on_notice`."""
        self._pg = pgconn
        ref = weakref.ref(self)  # the handler must not keep the connection alive

        def handler(result: pq.PGresult) -> None:
            wire = ref()
            if wire is not None and wire.on_notice is not None:
                wire.on_notice(rerr.remote_notice(result))

        pgconn.notice_handler = handler

    @property
    def closed(self) -> bool:
        return self._pg.status == BAD or self.broken

    @property
    def transaction_status(self) -> pq.TransactionStatus:
        return pq.TransactionStatus(self._pg.transaction_status)

    @property
    def busy(self) -> bool:
        """A command is running (or a stream has rows left) on this connection."""
        return self._active is not None or self.transaction_status == TX.ACTIVE

    @property
    def wire(self) -> pq.PGconn:
        """The libpq connection (for :mod:`fdwsh.remote.fetch`)."""
        return self._pg

    def cancel(self, deadline: float | None = None) -> None:
        """Ask the server to cancel the running command (thread-safe).

        Sent whatever libpq's transaction status says: in pipeline mode (how a stream starts)
        libpq reports "idle" between the pipeline's results while the server is still at work,
        and a cancel that finds nothing running is ignored by the server.

        The request is a connection of its own, which a stalled network stalls too (psql +
        postgres_fdw 15 then hang in PQcancel): it gives up with TimeoutError at ``deadline``,
        by default the connection's ``connect_timeout`` (what PQcancelBlocking allows), else
        :data:`DRAIN_TIMEOUT` from now.
        """
        if self._pg.status == BAD:
            return
        if deadline is None:
            deadline = self._cancel_deadline()
        try:
            cancel_conn = self._pg.cancel_conn()
        except (psycopg.NotSupportedError, AttributeError):  # libpq < 17: the old request
            self._pg.get_cancel().cancel()
            return
        try:
            _send_cancel(cancel_conn, deadline)
        finally:
            cancel_conn.finish()

    def _cancel_deadline(self) -> float:
        return time.monotonic() + (_connect_timeout(self._pg) or DRAIN_TIMEOUT)

    def activate(self, result: RemoteResult) -> None:
        """``result`` is now streaming on the wire."""
        self._active = result

    def deactivate(self, result: RemoteResult) -> None:
        if self._active is result:
            self._active = None

    def _settle(self) -> None:
        """Make the wire free: buffer the rows of a stream still running on it."""
        if self._active is not None:
            self._active._detach()
            self._active = None

    @contextmanager
    def guard(self, sql: str | None) -> Iterator[None]:
        """Around one exchange: map a lost connection and Ctrl-C to fdwsh errors."""
        if self.closed:
            raise rerr.remote_error(None, b"no connection to the server\n", sql, lost=True)
        try:
            yield
        except KeyboardInterrupt as interrupt:
            self.interrupted()
            raise rerr.query_canceled(interrupt) from None
        except psycopg.OperationalError:
            raise self.lost(None, sql) from None

    def lost(self, result: pq.PGresult | None, sql: str | None) -> FdwshError:
        """The connection broke: close it for good and return the error to raise.

        Outside pipeline mode libpq's message tells the server's last words (``FATAL:
        terminating connection ...``) before ``server closed the connection unexpectedly``; in
        pipeline mode they came as a result of their own, and are put back in front.
        """
        if result is not None and result.error_field(rerr.DIAG_SEVERITY) == b"FATAL":
            self._last_words, result = self._last_words or result.error_message, None
        message, self._last_words = self._last_words + self._pg.error_message, b""
        err = rerr.remote_error(result, message, sql, lost=True)
        self._give_up()
        return err

    def _give_up(self) -> None:
        self.broken = True
        if self._active is not None:
            self._active._orphan()
            self._active = None
        self._pg.finish()

    def interrupted(self) -> None:
        """After Ctrl-C: cancel on the server and drain, or give the connection up.

        A cancel request that reaches the backend between two messages of a pipeline (while
        it reads the next command) is dropped by the server, so it is repeated every
        :data:`CANCEL_RETRY` seconds until the command ends or :data:`DRAIN_TIMEOUT` passes.
        A cancel request that cannot be sent gives the connection up at once, as postgres_fdw's
        pgfdw_cancel_query does.
        """
        give_up_at = time.monotonic() + DRAIN_TIMEOUT
        try:
            while True:
                self.cancel(min(self._cancel_deadline(), give_up_at))
                try:
                    self.drain(min(time.monotonic() + CANCEL_RETRY, give_up_at))
                    return
                except TimeoutError:
                    if time.monotonic() >= give_up_at:
                        raise
        except (psycopg.Error, TimeoutError, KeyboardInterrupt):
            self._give_up()

    def flush(self) -> None:
        """Send everything libpq has queued (the connection is nonblocking)."""
        while self._pg.flush():
            wait_socket(self._pg.socket, True, None)
            self._pg.consume_input()

    def next_result(self, deadline: float | None = None) -> pq.PGresult | None:
        """The next result of the running command (None: it is complete)."""
        pg = self._pg
        while pg.is_busy():
            if not wait_socket(pg.socket, False, deadline):
                raise TimeoutError("remote server did not answer")
            pg.consume_input()
        return pg.get_result()

    def drain(self, deadline: float | None = None) -> None:
        """Read and drop every remaining result of the running command."""
        if self._pg.pipeline_status:
            while (res := self.next_result(deadline)) is None or res.status != ST.PIPELINE_SYNC:
                if res is None and self._pg.status == BAD:
                    raise psycopg.OperationalError("connection lost in pipeline")
            self._pg.exit_pipeline_mode()
            return
        while self.next_result(deadline) is not None:
            pass

    def collect(self, sql: str) -> list[pq.PGresult]:
        """All results of the running command; the first error is raised after draining."""
        self.flush()
        results: list[pq.PGresult] = []
        error: pq.PGresult | None = None
        while (res := self.next_result()) is not None:
            if res.status == ST.FATAL_ERROR and error is None:
                error = res
            results.append(res)
        if error is not None:
            raise self.result_error(error, sql)
        return results

    def result_error(self, result: pq.PGresult, sql: str | None) -> FdwshError:
        """The error for a failed result; the connection is given up when the wire broke."""
        if self._pg.status == BAD:
            return self.lost(result, sql)
        return rerr.remote_error(result, self._pg.error_message, sql)

    def pipeline(self, steps: Sequence[Step]) -> list[Results]:
        """Send ``steps`` in one round trip (libpq pipeline mode); the results of each step.

        A step that returns rows may come in several results (chunks, then the final one).
        """
        pg = self._pg
        self._last_words = b""
        pg.enter_pipeline_mode()
        for _, send in steps:
            send(pg)
        pg.pipeline_sync()
        self.flush()
        groups: list[Results] = [[]]
        try:
            while (res := self.next_result()) is None or res.status != ST.PIPELINE_SYNC:
                if res is not None:
                    groups[-1].append(res)
                    if res.error_field(rerr.DIAG_SEVERITY) == b"FATAL":
                        self._last_words = res.error_message
                elif pg.status == BAD:  # the sync will never come
                    raise PipelineLost("connection lost in pipeline", groups)
                elif groups[-1]:
                    groups.append([])
        except psycopg.OperationalError as exc:
            raise PipelineLost(str(exc), groups) from None
        pg.exit_pipeline_mode()
        return [g for g in groups if g]
