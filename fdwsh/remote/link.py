"""RemoteConnection: one connection to a remote server under one user mapping, kept as
postgres_fdw's connection.c keeps its ConnCacheEntry (pinned session, remote transactions).

Contract:

- :meth:`RemoteConnection.open` connects (see :mod:`fdwsh.remote.libpq`) and pins the remote
  session as configure_remote_session() does — ``search_path = pg_catalog``, ``timezone =
  'UTC'``, ``datestyle = ISO``, ``intervalstyle = postgres``, ``extra_float_digits = 3`` (2
  before 9.0) — in one round trip.
- Transactions mirror postgres_fdw: ``xact_depth`` 0 = none, 1 = a remote transaction, n = n-1
  savepoints.  :meth:`begin` opens one explicitly (REPEATABLE READ, or SERIALIZABLE); a command
  or stream run at depth 0 opens one *implicitly*, in the same round trip as the command, which
  :meth:`end_statement` commits (or rolls back).  At depth 0 a connection found dead when its
  BEGIN is sent is reopened once, silently, as postgres_fdw 14+ does (only when the server never
  completed that BEGIN: a connection lost while the statement ran is not retried); a connection
  lost anywhere else raises (SQLSTATE 08006) and stays closed (``broken``): its cache opens a
  new one.
- A stream stopped early (:meth:`RemoteResult.close`) is cancelled on the server, which fails the
  remote transaction.  An implicit one held only this statement's reads, so the next command
  replaces it.  In an explicit one every stream runs inside ``SAVEPOINT fdwsh_scan`` (sent in the
  stream's first round trip); the next exchange on the connection releases it, or rolls back to
  it when the stream was cancelled, so stopping a scan early never fails the block's transaction.
- Exchanges, Ctrl-C, cancel and lost connections: see :mod:`fdwsh.remote.wire`.

Why ``psycopg.pq`` (psycopg's libpq wrapper) rather than ``psycopg.Connection``: postgres_fdw
shows libpq's own connection failures, which psycopg's connect rewords; streaming needs the row
description before the first row (also for an empty result); and one wait loop handles Ctrl-C.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from psycopg import pq

from fdwsh.quoting import quote_ident, quote_literal
from fdwsh.remote import errors as rerr
from fdwsh.remote.libpq import connect_pgconn, session_setup_sql
from fdwsh.remote.wire import ST, TX, BAD, PipelineLost, Results, Step, Wire, command_tag

if TYPE_CHECKING:
    from fdwsh.remote.fetch import RemoteResult

BEGIN_SQL = "START TRANSACTION ISOLATION LEVEL {}"
SCAN_GUARD = "SAVEPOINT fdwsh_scan"
RELEASE_GUARD = "RELEASE SAVEPOINT fdwsh_scan"
UNDO_GUARD = "ROLLBACK TO SAVEPOINT fdwsh_scan"
ISOLATION_LEVELS = {"repeatable read": "REPEATABLE READ", "serializable": "SERIALIZABLE"}


def _simple_step(sql: str) -> Step:
    """A pipeline step for a parameterless command."""
    return (sql, lambda pg: pg.send_query_params(sql.encode(), None))


def _flushed_step(sql: str) -> Step:
    """A parameterless step whose result the server sends at once (a Flush after it), not
    with the pipeline's last: so a connection lost later shows that the step completed."""
    def send(pg: pq.PGconn) -> None:
        pg.send_query_params(sql.encode(), None)
        pg.send_flush_request()
    return (sql, send)


class _DeadOnBegin(Exception):
    """The implicit transaction's BEGIN found the connection dead (reconnect and retry)."""


class RemoteConnection(Wire):
    """A connection to one server under one user mapping (see the module docstring)."""

    def __init__(self, server_name: str, conninfo: str, pgconn: pq.PGconn) -> None:
        super().__init__(pgconn)
        self.server_name = server_name
        self.conninfo = conninfo
        self.xact_depth = 0
        #: The open transaction was started by a command, not by :meth:`begin`.
        self.implicit = False
        #: An unfinished stream was cancelled in the implicit transaction, which is now failed
        #: for no fault of the statement: the next command may start a fresh one.
        self._abandoned = False
        #: The open remote transaction changed data (set by whatever writes: DML, COPY,
        #: TRUNCATE); a commit of several such transactions needs two-phase commit to be atomic.
        self.modified = False
        #: The level of the implicit transactions: REPEATABLE READ, or SERIALIZABLE when the
        #: local one is (set by the transaction layer before each statement's first use).
        self.implicit_isolation = "repeatable read"
        #: ``SAVEPOINT fdwsh_scan`` is open around the last stream (see the module docstring);
        #: ``_guarding``: the pipeline being sent starts a stream.
        self._scan_guard = False
        self._guarding = False
        self._type_names: dict[tuple[int, int], str] = {}
        #: The mapping says ``password_required 'true'`` (checked again on a reconnect).
        self.require_password = False

    @classmethod
    def open(cls, server_name: str, conninfo: str, *, require_password: bool = False
             ) -> RemoteConnection:
        """Connect and pin the session settings (``require_password``: see connect_pgconn)."""
        conn = cls(server_name, conninfo, connect_pgconn(conninfo, server_name,
                                                         require_password=require_password))
        conn.require_password = require_password
        try:
            conn._configure()
        except BaseException:
            conn.close()
            raise
        return conn

    def _configure(self) -> None:
        self._command(session_setup_sql(self.server_version))

    def _reopen(self) -> None:
        """Replace a dead wire by a new one (only at depth 0, nothing to lose)."""
        self._pg.finish()
        self._attach(connect_pgconn(self.conninfo, self.server_name,
                                    require_password=self.require_password))
        self.broken, self._abandoned, self._active = False, False, None
        self.xact_depth, self.implicit, self._scan_guard = 0, False, False
        self._configure()

    # -- state -------------------------------------------------------------------------------

    @property
    def server_version(self) -> int:
        return int(self._pg.server_version)

    def parameter(self, name: str) -> str | None:
        """A parameter the server reports (``server_version``, ``TimeZone``, …)."""
        value = self._pg.parameter_status(name.encode())
        return None if value is None else rerr.text(value)

    def give_up(self) -> None:
        """Close the connection, keeping its transaction's bookkeeping: the block that used it
        must roll back before the cache replaces it."""
        self._give_up()

    def close(self) -> None:
        """Close the connection (idempotent); an open remote transaction is abandoned."""
        if self._active is not None:
            self._active._orphan()
            self._active = None
        self._pg.finish()
        self.xact_depth, self.implicit, self._scan_guard = 0, False, False

    # -- transactions (postgres_fdw's begin_remote_xact and its subtransaction callbacks) -----

    def begin(self, isolation: str = "repeatable read") -> None:
        """Open the remote transaction explicitly; it stays open until commit() or rollback()."""
        if self.xact_depth == 0:
            self._start_transaction(isolation)
        self.implicit = False

    def commit(self) -> None:
        """COMMIT TRANSACTION (a failed remote transaction gets ABORT TRANSACTION instead)."""
        if self.xact_depth == 0:
            return
        self._settle()
        healthy = self._scan_guard or self.transaction_status != TX.INERROR  # guard undoes it
        self._end_transaction("COMMIT TRANSACTION" if healthy else "ABORT TRANSACTION")

    def prepare(self, gid: str) -> None:
        """PREPARE TRANSACTION gid: phase one of a two-phase commit (the transaction is then
        the server's, no longer this connection's)."""
        self._end_transaction(f"PREPARE TRANSACTION {quote_literal(gid)}")

    def finish_prepared(self, gid: str, commit: bool = True) -> None:
        """COMMIT PREPARED / ROLLBACK PREPARED gid (outside any transaction of ours)."""
        verb = "COMMIT" if commit else "ROLLBACK"
        self._with_reconnect(lambda: self._command(f"{verb} PREPARED {quote_literal(gid)}"))

    def rollback(self) -> None:
        """ABORT TRANSACTION, cancelling whatever still runs (pgfdw_abort_cleanup).

        On a closed connection there is nothing left to roll back: the server did it.
        """
        if self._active is not None:
            self._active.close()
        self._scan_guard = False  # aborted with the rest
        if self.xact_depth and not self.closed:
            self._end_transaction("ABORT TRANSACTION")
        self.xact_depth, self.implicit, self._abandoned = 0, False, False
        self.modified, self._scan_guard = False, False

    def savepoint(self, name: str) -> None:
        """SAVEPOINT name (opens the transaction first when none is open)."""
        if self.xact_depth == 0:
            self._start_transaction("repeatable read")
        self._command(f"SAVEPOINT {quote_ident(name)}")
        self.xact_depth += 1

    def release_savepoint(self, name: str, depth: int | None = None) -> None:
        """RELEASE SAVEPOINT name; ``depth``: the depth left (savepoints inside go too)."""
        self._command(f"RELEASE SAVEPOINT {quote_ident(name)}")
        self.xact_depth = max(1, self.xact_depth - 1 if depth is None else depth)

    def rollback_to_savepoint(self, name: str, depth: int | None = None) -> None:
        """ROLLBACK TO + RELEASE, as postgres_fdw ends an aborted subtransaction."""
        if self._active is not None:
            self._active.close()
        ident = quote_ident(name)
        self._scan_guard = False  # the innermost savepoint: undone with this one
        self._command(f"ROLLBACK TO SAVEPOINT {ident}; RELEASE SAVEPOINT {ident}")
        self.xact_depth = max(1, self.xact_depth - 1 if depth is None else depth)
        self._abandoned = False

    def end_statement(self, ok: bool = True) -> None:
        """End an implicit transaction: commit when the statement succeeded, else roll back."""
        if self._active is not None:
            self._active.close()
        if self.closed or not (self.xact_depth and self.implicit):
            return
        if ok:
            self.commit()
        else:
            self.rollback()

    def _start_transaction(self, isolation: str) -> None:
        sql = BEGIN_SQL.format(ISOLATION_LEVELS[isolation.lower()])
        try:
            self._with_reconnect(lambda: self._command(sql))
        finally:  # even when interrupted: a transaction the server opened is ours to end
            if not self.closed and self.transaction_status in (TX.INTRANS, TX.INERROR):
                self.xact_depth, self.implicit = 1, False

    def _end_transaction(self, sql: str) -> None:
        try:
            self._command(sql)
        finally:
            self.xact_depth, self.implicit, self._abandoned = 0, False, False
            self.modified, self._scan_guard = False, False

    def _guard_end(self) -> list[str]:
        """What ends the last stream's ``SAVEPOINT fdwsh_scan``: RELEASE, or ROLLBACK TO first
        when cancelling the stream failed the transaction (nothing when no guard is open)."""
        if not self._scan_guard:
            return []
        self._scan_guard = False
        if self.transaction_status == TX.INERROR:
            return [UNDO_GUARD, RELEASE_GUARD]
        return [RELEASE_GUARD]

    def _end_scan_guard(self) -> None:
        """End the scan guard on its own (before COMMIT, PREPARE, SAVEPOINT …)."""
        self._settle()
        if commands := self._guard_end():
            self._send("; ".join(commands), commands[-1])

    def _with_reconnect(self, action: Callable[[], None]) -> None:
        """Run a transaction's first exchange; a connection found dead then is reopened once."""
        try:
            action()
        except rerr.RemoteConnectionLost:
            if self.xact_depth:
                raise
            self._reopen()
            action()

    # -- commands ----------------------------------------------------------------------------

    def execute(self, sql: str, params: Sequence[object] = ()) -> str:
        """Run one statement for its effect and return its command tag (``INSERT 0 3``).

        Runs inside the current transaction, opening the implicit one (in the same round trip)
        at depth 0.  Rows it returns are read and dropped (use :meth:`stream` for rows).
        """
        from fdwsh.remote.fetch import dump_params

        values, types, formats = dump_params(params)
        step: Step = (sql, lambda pg: pg.send_query_params(sql.encode(), values, types, formats))
        (results,) = self.transaction_pipeline([step])
        return command_tag(results)

    def stream(self, sql: str, params: Sequence[object] = (), *,
               fetch_size: int | None = None) -> RemoteResult:
        """Run a query and stream its rows as text (see :mod:`fdwsh.remote.fetch`)."""
        from fdwsh.remote.fetch import start_stream

        self._guarding = True
        try:
            return start_stream(self, sql, params, fetch_size)
        finally:
            self._guarding = False

    def _command(self, sql: str) -> None:
        """Run a command string (simple protocol: several statements allowed), no rows wanted,
        behind the end of an open scan guard in the same round trip (errors name ``sql``
        alone, as postgres_fdw's name the command it sent)."""
        self._settle()
        self._send("; ".join([*self._guard_end(), sql]), sql)

    def _send(self, command: str, sql: str) -> None:
        with self.guard(sql):
            self._pg.send_query(command.encode())
            self.collect(sql)

    # -- COPY (see fdwsh.remote.copy) --------------------------------------------------------

    def open_transaction(self) -> None:
        """Open the implicit remote transaction now when none is open: a COPY cannot share the
        pipeline that opens it with a statement's first command."""
        self._end_scan_guard()
        if self.xact_depth and self._abandoned and self.transaction_status == TX.INERROR:
            self._end_transaction("ABORT TRANSACTION")
        self._abandoned = False
        if self.xact_depth == 0:
            self._start_transaction(self.implicit_isolation)
            self.implicit = True

    # -- the wire ----------------------------------------------------------------------------

    def note_abandoned(self) -> None:
        """A stream was stopped early: if that failed the implicit transaction, the next command
        may replace it (it held nothing but this statement's reads)."""
        if self.implicit and self.transaction_status == TX.INERROR:
            self._abandoned = True

    def transaction_pipeline(self, steps: Sequence[Step]) -> list[Results]:
        """Run ``steps`` in one round trip inside the remote transaction.

        At depth 0 the implicit transaction's BEGIN goes first in the same round trip; when that
        BEGIN finds the connection dead, the connection is reopened and the steps are sent once
        more (postgres_fdw 14+).  The first failing step's error is raised after the round trip.
        """
        self._settle()
        if self.xact_depth and self._abandoned and self.transaction_status == TX.INERROR:
            self._end_transaction("ABORT TRANSACTION")
        self._abandoned = False
        if self.xact_depth:
            return self._pipeline_in_transaction(steps)
        try:
            return self._begin_pipeline(steps)
        except _DeadOnBegin:
            self._reopen()
            return self._begin_pipeline(steps)

    def _pipeline_in_transaction(self, steps: Sequence[Step]) -> list[Results]:
        """The steps inside the open transaction, after the last scan guard's end and, for a
        stream in an explicit transaction, behind a new guard."""
        guard = self._guarding and not self.implicit
        extra = [_simple_step(sql) for sql in self._guard_end() + [SCAN_GUARD] * guard]
        with self.guard(steps[0][0]):
            groups = self.pipeline([*extra, *steps])
        self._scan_guard = guard  # open even when a step failed (ROLLBACK [TO] ends it then)
        self._raise_first_error([*extra, *steps], groups)
        return groups[len(extra):]

    def _begin_pipeline(self, steps: Sequence[Step]) -> list[Results]:
        begin = _flushed_step(BEGIN_SQL.format(ISOLATION_LEVELS[self.implicit_isolation]))
        try:
            with self.guard(steps[0][0]):
                try:
                    groups = self.pipeline([begin, *steps])
                except PipelineLost as lost:
                    if not lost.completed(0):
                        raise _DeadOnBegin() from None
                    # lost while the server ran the steps: no retry, the statement may have
                    # done something; the transaction it ran in is lost with the connection
                    self.xact_depth, self.implicit = 1, True
                    raise
        finally:  # interrupted after the BEGIN ran: that transaction is ours to end
            if not self.closed and self.transaction_status in (TX.INTRANS, TX.INERROR):
                self.xact_depth, self.implicit = 1, True
        if not groups or groups[0][-1].status != ST.COMMAND_OK:
            if self._pg.status == BAD:
                raise _DeadOnBegin()
            self._raise_first_error([begin, *steps], groups)
        self.xact_depth, self.implicit = 1, True
        self._raise_first_error(steps, groups[1:])
        return groups[1:]

    def _raise_first_error(self, steps: Sequence[Step], groups: Sequence[Results]) -> None:
        for (sql, _), group in zip(steps, groups):
            for res in group:
                if res.status == ST.FATAL_ERROR:
                    raise self.result_error(res, sql)
        if self._pg.status == BAD or len(groups) < len(steps):
            raise self.lost(None, steps[0][0])

    # -- type names --------------------------------------------------------------------------

    def knows_types(self, types: Sequence[tuple[int, int]]) -> bool:
        return all(t in self._type_names for t in types)

    def type_names(self, types: Sequence[tuple[int, int]]) -> list[str]:
        """format_type(oid, typmod) of each pair, asked of the server once per connection.

        Runs through the simple protocol (which drops the unnamed prepared statement; callers
        re-prepare).  OIDs and typmods are integers, so the SQL is built from them directly.
        """
        missing = sorted({t for t in types if t not in self._type_names})
        if missing:
            sql = "SELECT " + ", ".join(f"pg_catalog.format_type({int(o)}, {int(m)})"
                                        for o, m in missing)
            self._settle()
            with self.guard(sql):
                self._pg.send_query(sql.encode())
                results = self.collect(sql)
            row = results[0]
            for i, pair in enumerate(missing):
                self._type_names[pair] = rerr.text(row.get_value(0, i))
        return [self._type_names[t] for t in types]
