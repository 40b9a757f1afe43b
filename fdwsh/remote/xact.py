"""The remote transactions of a transaction block: postgres_fdw's xact and subxact callbacks as a
participant of the local block (:mod:`fdwsh.txn`).

Contract (PostgreSQL 15's postgres_fdw, connection.c, unless said otherwise):

- Outside a block every statement's remote work runs in implicit per-statement transactions that
  the connection cache ends (:meth:`RemoteTransactions.end_statement`).
- Inside a block a connection is *touched* when the cache hands it out (GetConnection →
  begin_remote_xact): its remote transaction is opened then, at REPEATABLE READ, or SERIALIZABLE
  when the block's ``transaction_isolation`` is serializable, and savepoints ``s2`` … ``sN`` are
  created up to the block's current depth, so a connection first used at savepoint depth n gets
  exactly the savepoints it needs.  RELEASE and ROLLBACK TO reach only the connections that went
  that deep (``RELEASE SAVEPOINT sN`` / ``ROLLBACK TO SAVEPOINT sN; RELEASE SAVEPOINT sN``).
- COMMIT commits every remote transaction before the catalog commits (pre-commit: a failure
  fails the COMMIT and rolls everything back).  When more than one server was written and
  two-phase commit is enabled, :mod:`fdwsh.remote.twophase` prepares them instead, records
  the in-doubt set in the catalog's own commit and finishes after it (post-commit).
- An error inside the block aborts the current (sub)transaction at once, as PostgreSQL aborts
  a failed block before its ROLLBACK (AbortTransaction / AbortSubTransaction run postgres_fdw's
  abort cleanup): ABORT TRANSACTION, or ``ROLLBACK TO SAVEPOINT sN; RELEASE SAVEPOINT sN`` on
  the connections that went that deep.  ROLLBACK then ends what is left.  A connection lost
  inside the block is left closed and refuses further use until then (``connection to server
  "s" cannot be used due to abort cleanup failure``).  Rolling back
  (or back to a savepoint) a transaction whose connection a statement found lost warns ``no
  connection to the server``; one lost while its state was being changed (BEGIN, SAVEPOINT,
  COMMIT …: postgres_fdw's changing_xact_state) is dropped silently.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from fdwsh.errors import FdwshError, Notice
from fdwsh.txn import BeginOptions, Participant

if TYPE_CHECKING:
    from fdwsh.remote import twophase
    from fdwsh.remote.connection import CacheEntry, ConnectionCache
    from fdwsh.remote.link import RemoteConnection


def _twophase() -> Any:
    """fdwsh.remote.twophase, loaded only when a commit may need it (start-up stays light)."""
    from fdwsh.remote import twophase

    return twophase


class RemoteTransactions(Participant):
    """The block's remote transactions (see the module docstring)."""

    def __init__(self, cache: Callable[[], ConnectionCache | None],
                 isolation: Callable[[], str], two_phase: Callable[[], bool],
                 notice: Callable[[Notice], None]) -> None:
        self._cache = cache
        self._notice = notice
        #: Connections lost while their transaction state was changing (ids).
        self._unsalvageable: set[int] = set()
        self._isolation = isolation
        #: The TWO_PHASE_COMMIT variable (servers may also ask for it with an option).
        self._two_phase = two_phase
        #: 0: no block; 1: in a block; n: n-1 savepoints open.
        self.level = 0
        self._in_doubt: twophase.InDoubt | None = None

    # -- touching ----------------------------------------------------------------------------

    def touch(self, conn: RemoteConnection) -> None:
        """Bring a connection handed out inside the block to the block's depth (outside one:
        give its implicit transactions the statement's isolation rule)."""
        if self.level == 0:
            conn.implicit_isolation = self._remote_isolation()
            return
        with self._changing(conn):
            if conn.xact_depth == 0:
                conn.begin(self._remote_isolation())
            while conn.xact_depth < self.level:
                conn.savepoint(f"s{conn.xact_depth + 1}")

    @contextmanager
    def _changing(self, *conns: RemoteConnection) -> Iterator[None]:
        """Around a change of remote transaction state: a connection lost meanwhile is beyond
        saving (ROLLBACK drops it without a word)."""
        try:
            yield
        except BaseException:
            self._unsalvageable.update(id(c) for c in conns if c.closed)
            raise

    def _lost(self, conn: RemoteConnection) -> bool:
        """A closed connection to roll back: warn once, as postgres_fdw's failed cleanup does."""
        if not conn.closed:
            return False
        if id(conn) not in self._unsalvageable:
            self._notice(Notice("no connection to the server", "WARNING"))
            self._unsalvageable.add(id(conn))
        return True

    def _remote_isolation(self) -> str:
        level = self._isolation()
        return "serializable" if level == "serializable" else "repeatable read"

    def _open(self) -> list[CacheEntry]:
        cache = self._cache()
        return [] if cache is None else cache.in_transaction()

    # -- the block's events ------------------------------------------------------------------

    def begin(self, options: BeginOptions) -> None:
        self.level = 1

    def savepoint(self, name: str) -> None:
        self.level += 1

    def release(self, name: str, depth: int) -> None:
        self.level = depth + 1
        for entry in self._open():
            if entry.conn.xact_depth > self.level and not entry.conn.closed:
                with self._changing(entry.conn):
                    entry.conn.release_savepoint(f"s{self.level + 1}", self.level)

    def rollback_to(self, name: str, depth: int) -> None:
        """Undo down to the savepoint, which stays (re-created lazily on each connection)."""
        self.level = depth + 1
        self._abort_below(depth)

    def abort_current(self) -> None:
        """A statement failed in the block: abort the (sub)transaction it ran in, now."""
        if self.level == 1:
            self._abort_all()
        elif self.level > 1:
            self._abort_below(self.level - 1)

    def _abort_below(self, below: int) -> None:
        """Undo savepoint level ``below + 1`` on every connection that went that deep."""
        for entry in self._open():
            conn = entry.conn
            if conn.xact_depth > below and not self._lost(conn):
                try:
                    with self._changing(conn):
                        conn.rollback_to_savepoint(f"s{below + 1}", below)
                except FdwshError as err:  # a failed abort cleanup: the connection is done for
                    self._notice(Notice(err.message, "WARNING"))
                    self._unsalvageable.add(id(conn))
                    conn.give_up()

    def refuse_prepare(self) -> None:
        if self._open():
            raise FdwshError("cannot PREPARE a transaction that has operated on postgres_fdw "
                             "foreign tables", sqlstate="0A000")

    def pre_commit(self) -> None:
        self.level = 0
        entries = self._open()
        written = [e for e in entries if e.conn.modified]
        with self._changing(*(e.conn for e in entries)):
            if len(written) > 1 and self._wants_two_phase(written):
                self._in_doubt = _twophase().prepare(written, self._store())
            for entry in entries:
                if entry.conn.xact_depth:
                    entry.conn.commit()

    def post_commit(self, notices: list[Notice]) -> None:
        in_doubt, self._in_doubt = self._in_doubt, None
        if in_doubt is not None:
            _twophase().finish(in_doubt, self._store(), notices)

    def rollback(self) -> None:
        """Abort every remote transaction (never raises: a server that cannot be told rolls
        back by itself when the connection ends)."""
        self.level = 0
        in_doubt, self._in_doubt = self._in_doubt, None
        if in_doubt is not None:
            _twophase().abandon(in_doubt)
        self._abort_all()
        self._unsalvageable.clear()

    def _abort_all(self) -> None:
        for entry in self._open():
            conn = entry.conn
            if self._lost(conn):
                conn.rollback()  # the server rolled back: only the bookkeeping is left
                continue
            try:
                conn.rollback()
            except FdwshError as err:  # pgfdw_abort_cleanup's failed ABORT: a WARNING
                self._notice(Notice(err.message, "WARNING"))
                conn.close()

    # -- statements outside a block ----------------------------------------------------------

    def end_statement(self, ok: bool) -> list[Notice]:
        """End a statement's implicit remote transactions, atomically when it wrote on several
        servers with two-phase commit enabled; returns the warnings of a second phase.  A
        failed statement's implicit transaction whose connection was lost warns ``no
        connection to the server`` first, as postgres_fdw's abort cleanup does."""
        cache = self._cache()
        if cache is None:
            return []
        notices: list[Notice] = []
        written = [e for e in cache.in_transaction() if e.conn.implicit and e.conn.modified]
        if not (ok and self.level == 0 and len(written) > 1 and self._wants_two_phase(written)):
            for conn in cache.end_of_statement(ok):  # the abort cleanup finds it lost, as in
                self._lost(conn)  # a block
            return notices
        try:
            in_doubt = _twophase().prepare(written, self._store())
        except BaseException:
            cache.end_of_statement(ok=False)
            raise
        try:  # decided: the read-only ones commit, and phase two runs whatever they do
            cache.end_of_statement(ok)
        finally:
            _twophase().finish(in_doubt, self._store(), notices)
        return notices

    # -- two-phase commit --------------------------------------------------------------------

    def _store(self) -> Any:
        cache = self._cache()
        assert cache is not None
        return cache.store

    def _wants_two_phase(self, written: list[CacheEntry]) -> bool:
        """The TWO_PHASE_COMMIT variable, or a written server's ``two_phase_commit`` option."""
        return self._two_phase() or any(
            _twophase().server_wants_two_phase(self._store(), e.server_id) for e in written)
