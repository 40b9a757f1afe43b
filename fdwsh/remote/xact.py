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
- ROLLBACK aborts every remote transaction; a connection lost inside the block is left closed
  and refuses further use until then (``connection to server "s" was lost``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from fdwsh.errors import FdwshError, Notice
from fdwsh.remote import twophase
from fdwsh.txn import BeginOptions, Participant

if TYPE_CHECKING:
    from fdwsh.remote.connection import CacheEntry, ConnectionCache
    from fdwsh.remote.link import RemoteConnection


class RemoteTransactions(Participant):
    """The block's remote transactions (see the module docstring)."""

    def __init__(self, cache: Callable[[], ConnectionCache | None],
                 isolation: Callable[[], str], two_phase: Callable[[], bool]) -> None:
        self._cache = cache
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
        if conn.xact_depth == 0:
            conn.begin(self._remote_isolation())
        while conn.xact_depth < self.level:
            conn.savepoint(f"s{conn.xact_depth + 1}")

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
                entry.conn.release_savepoint(f"s{self.level + 1}", self.level)

    def rollback_to(self, name: str, depth: int) -> None:
        """Undo down to the savepoint, which stays (re-created lazily on each connection)."""
        self.level = depth + 1
        below = self.level - 1
        for entry in self._open():
            if entry.conn.xact_depth > below and not entry.conn.closed:
                entry.conn.rollback_to_savepoint(f"s{self.level}", below)

    def refuse_prepare(self) -> None:
        if self._open():
            raise FdwshError("cannot PREPARE a transaction that has operated on postgres_fdw "
                             "foreign tables", sqlstate="0A000")

    def pre_commit(self) -> None:
        self.level = 0
        entries = self._open()
        written = [e for e in entries if e.conn.modified]
        if len(written) > 1 and self._wants_two_phase(written):
            self._in_doubt = twophase.prepare(written, self._store())
        for entry in entries:
            if entry.conn.xact_depth:
                entry.conn.commit()

    def post_commit(self, notices: list[Notice]) -> None:
        in_doubt, self._in_doubt = self._in_doubt, None
        if in_doubt is not None:
            twophase.finish(in_doubt, self._store(), notices)

    def rollback(self) -> None:
        """Abort every remote transaction (never raises: a server that cannot be told rolls
        back by itself when the connection ends)."""
        self.level = 0
        in_doubt, self._in_doubt = self._in_doubt, None
        if in_doubt is not None:
            twophase.abandon(in_doubt)
        for entry in self._open():
            try:
                entry.conn.rollback()
            except FdwshError:
                entry.conn.close()

    # -- statements outside a block ----------------------------------------------------------

    def end_statement(self, ok: bool) -> list[Notice]:
        """End a statement's implicit remote transactions, atomically when it wrote on several
        servers with two-phase commit enabled; returns the warnings of a second phase."""
        cache = self._cache()
        if cache is None:
            return []
        notices: list[Notice] = []
        written = [e for e in cache.in_transaction() if e.conn.implicit and e.conn.modified]
        if not (ok and self.level == 0 and len(written) > 1 and self._wants_two_phase(written)):
            cache.end_of_statement(ok)
            return notices
        try:
            in_doubt = twophase.prepare(written, self._store())
        except BaseException:
            cache.end_of_statement(ok=False)
            raise
        try:  # decided: the read-only ones commit, and phase two runs whatever they do
            cache.end_of_statement(ok)
        finally:
            twophase.finish(in_doubt, self._store(), notices)
        return notices

    # -- two-phase commit --------------------------------------------------------------------

    def _store(self) -> Any:
        cache = self._cache()
        assert cache is not None
        return cache.store

    def _wants_two_phase(self, written: list[CacheEntry]) -> bool:
        """The TWO_PHASE_COMMIT variable, or a written server's ``two_phase_commit`` option."""
        return self._two_phase() or any(
            twophase.server_wants_two_phase(self._store(), e.server_id) for e in written)
