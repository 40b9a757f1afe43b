"""The local transaction block: BEGIN/COMMIT/ROLLBACK/SAVEPOINT over the catalog.

Outside a block every statement commits on its own (psql's autocommit).  Inside one, catalog
changes wait for COMMIT, and an error puts the block into PostgreSQL's "aborted" state, where
everything but ROLLBACK (or COMMIT, which then rolls back) is refused.  The prompt shows the state
(``%x``: ``*`` in a block, ``!`` in a failed one).
"""

from __future__ import annotations

from enum import Enum

from pglast import ast
from pglast.enums import TransactionStmtKind as K

from fdwsh.catalog.store import CatalogStore
from fdwsh.errors import FdwshError, Notice
from fdwsh.output.result import Result


class TxnState(Enum):
    IDLE = ""
    IN_BLOCK = "*"
    FAILED = "!"


class InFailedTransaction(FdwshError):
    sqlstate = "25P02"

    def __init__(self) -> None:
        super().__init__(
            "current transaction is aborted, commands ignored until end of transaction block")


class NoActiveTransaction(FdwshError):
    sqlstate = "25P01"


class Transaction:
    """The session's transaction block, applied to the catalog store."""

    def __init__(self) -> None:
        self.state = TxnState.IDLE
        self._savepoints: list[str] = []

    def check_allowed(self, stmt: ast.Node) -> None:
        """In a failed block only ROLLBACK/COMMIT/ROLLBACK TO may run."""
        if self.state is not TxnState.FAILED:
            return
        if isinstance(stmt, ast.TransactionStmt) and stmt.kind in (
                K.TRANS_STMT_ROLLBACK, K.TRANS_STMT_COMMIT, K.TRANS_STMT_ROLLBACK_TO,
                K.TRANS_STMT_PREPARE):
            return
        raise InFailedTransaction()

    def failed(self) -> None:
        """An error happened inside a statement: a block becomes aborted."""
        if self.state is TxnState.IN_BLOCK:
            self.state = TxnState.FAILED

    def execute(self, stmt: ast.TransactionStmt, store: CatalogStore,
                notices: list[Notice]) -> Result:
        """Run BEGIN/COMMIT/ROLLBACK/SAVEPOINT/RELEASE/ROLLBACK TO; return the command tag."""
        kind = stmt.kind
        if kind in (K.TRANS_STMT_BEGIN, K.TRANS_STMT_START):
            return self._begin(store, notices, "BEGIN" if kind is K.TRANS_STMT_BEGIN
                               else "START TRANSACTION")
        if kind is K.TRANS_STMT_COMMIT:
            return self._end(store, notices, commit=True)
        if kind is K.TRANS_STMT_ROLLBACK:
            return self._end(store, notices, commit=False)
        if kind in (K.TRANS_STMT_SAVEPOINT, K.TRANS_STMT_RELEASE, K.TRANS_STMT_ROLLBACK_TO):
            return self._savepoint(kind, stmt.savepoint_name or "", store)
        raise FdwshError(f"{kind.name.removeprefix('TRANS_STMT_')} is not supported",
                         sqlstate="0A000")

    def execute_silently(self, sql: str, store: CatalogStore) -> None:
        """Run a transaction statement for the shell itself (``-1``), discarding its tag."""
        from pglast import parse_sql

        self.execute(parse_sql(sql)[0].stmt, store, [])

    def _begin(self, store: CatalogStore, notices: list[Notice], tag: str) -> Result:
        if self.state is not TxnState.IDLE:
            notices.append(Notice("there is already a transaction in progress", "WARNING"))
            return Result.command(tag)
        store.db.execute("BEGIN")
        self.state = TxnState.IN_BLOCK
        return Result.command(tag)

    def _end(self, store: CatalogStore, notices: list[Notice], commit: bool) -> Result:
        if self.state is TxnState.IDLE:
            notices.append(Notice("there is no transaction in progress", "WARNING"))
            return Result.command("COMMIT" if commit else "ROLLBACK")
        ok = commit and self.state is TxnState.IN_BLOCK
        store.db.execute("COMMIT" if ok else "ROLLBACK")
        self.state = TxnState.IDLE
        self._savepoints.clear()
        return Result.command("COMMIT" if ok else "ROLLBACK")

    def _savepoint(self, kind: K, name: str, store: CatalogStore) -> Result:
        verb = {K.TRANS_STMT_SAVEPOINT: "SAVEPOINT", K.TRANS_STMT_RELEASE: "RELEASE",
                K.TRANS_STMT_ROLLBACK_TO: "ROLLBACK TO SAVEPOINT"}[kind]
        if self.state is TxnState.IDLE:
            raise NoActiveTransaction(f"{verb} can only be used in transaction blocks")
        quoted = '"' + name.replace('"', '""') + '"'
        if kind is K.TRANS_STMT_SAVEPOINT:
            store.db.execute(f"SAVEPOINT {quoted}")
            self._savepoints.append(name)
            return Result.command("SAVEPOINT")
        if name not in self._savepoints:
            raise FdwshError(f'savepoint "{name}" does not exist', sqlstate="3B001")
        index = len(self._savepoints) - 1 - self._savepoints[::-1].index(name)
        if kind is K.TRANS_STMT_RELEASE:
            store.db.execute(f"RELEASE SAVEPOINT {quoted}")
            del self._savepoints[index:]
            return Result.command("RELEASE")
        store.db.execute(f"ROLLBACK TO SAVEPOINT {quoted}")
        del self._savepoints[index + 1:]
        self.state = TxnState.IN_BLOCK
        return Result.command("ROLLBACK")
