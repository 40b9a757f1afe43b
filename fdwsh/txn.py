"""The local transaction block: BEGIN/COMMIT/ROLLBACK/SAVEPOINT over everything transactional.

Outside a block every statement commits on its own (psql's autocommit).  Inside one, changes wait
for COMMIT, and an error puts the block into PostgreSQL's "aborted" state, where everything but
ROLLBACK (or COMMIT, which then rolls back) is refused.  The prompt shows the state (``%x``:
``*`` in a block, ``!`` in a failed one).

What the block covers is a list of :class:`Participant` s — the catalog (SQLite), the session
settings (SET is undone by ROLLBACK), and, later, remote transactions — each told the same
begin/commit/rollback/savepoint events, so a new kind of state joins by adding a participant.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import TYPE_CHECKING, Any, Protocol


from fdwsh.errors import FdwshError, Notice
from fdwsh.output.result import Result

if TYPE_CHECKING:  # pglast is not loaded for sessions that only run backslash commands
    from pglast import ast


class TxnState(Enum):
    IDLE = ""
    IN_BLOCK = "*"
    FAILED = "!"


class Participant(Protocol):
    """Something whose changes a transaction block commits or rolls back."""

    def begin(self) -> None: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...
    def savepoint(self, name: str) -> None: ...
    def release(self, name: str) -> None: ...
    def rollback_to(self, name: str) -> None: ...


class CatalogParticipant:
    """The SQLite catalog: one SQLite transaction per block, SQLite savepoints inside it."""

    def __init__(self, store: Callable[[], Any]) -> None:
        self._store = store

    def _exec(self, sql: str) -> None:
        self._store().db.execute(sql)

    def begin(self) -> None:
        self._exec("BEGIN")

    def commit(self) -> None:
        self._exec("COMMIT")

    def rollback(self) -> None:
        self._exec("ROLLBACK")

    def savepoint(self, name: str) -> None:
        self._exec(f"SAVEPOINT {_quote(name)}")

    def release(self, name: str) -> None:
        self._exec(f"RELEASE SAVEPOINT {_quote(name)}")

    def rollback_to(self, name: str) -> None:
        self._exec(f"ROLLBACK TO SAVEPOINT {_quote(name)}")


class SettingsParticipant:
    """Session settings (``Gucs``): SET inside a block is undone by ROLLBACK [TO SAVEPOINT]."""

    def __init__(self, gucs: Callable[[], Any]) -> None:
        self._gucs = gucs
        self._marks: list[tuple[str, Any]] = []

    def begin(self) -> None:
        self._gucs().begin()

    def commit(self) -> None:
        self._marks.clear()
        self._gucs().commit()

    def rollback(self) -> None:
        self._marks.clear()
        self._gucs().rollback()

    def savepoint(self, name: str) -> None:
        self._marks.append((name, self._gucs().snapshot()))

    def release(self, name: str) -> None:
        del self._marks[_last_index(self._marks, name):]

    def rollback_to(self, name: str) -> None:
        index = _last_index(self._marks, name)
        self._gucs().restore(self._marks[index][1])
        del self._marks[index + 1:]


def _last_index(marks: list[tuple[str, Any]], name: str) -> int:
    return max(i for i, (n, _) in enumerate(marks) if n == name)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class InFailedTransaction(FdwshError):
    sqlstate = "25P02"

    def __init__(self) -> None:
        super().__init__(
            "current transaction is aborted, commands ignored until end of transaction block")


class NoActiveTransaction(FdwshError):
    sqlstate = "25P01"


_ALLOWED_WHEN_FAILED = ("ROLLBACK", "COMMIT", "ROLLBACK_TO", "PREPARE")


def _kind(stmt: Any) -> str:
    """A TransactionStmt's kind without pglast's prefix: BEGIN, COMMIT, ROLLBACK_TO …"""
    return str(stmt.kind.name).removeprefix("TRANS_STMT_")


class Transaction:
    """The session's transaction block, applied to every participant."""

    def __init__(self, participants: list[Participant] | None = None) -> None:
        self.state = TxnState.IDLE
        self.participants: list[Participant] = list(participants or ())
        self._savepoints: list[str] = []

    @property
    def in_block(self) -> bool:
        return self.state is not TxnState.IDLE

    def check_allowed(self, stmt: ast.Node) -> None:
        """In a failed block only ROLLBACK/COMMIT/ROLLBACK TO may run."""
        if self.state is not TxnState.FAILED:
            return
        if type(stmt).__name__ == "TransactionStmt" and _kind(stmt) in _ALLOWED_WHEN_FAILED:
            return
        raise InFailedTransaction()

    def failed(self) -> None:
        """An error happened inside a statement: a block becomes aborted."""
        if self.state is TxnState.IN_BLOCK:
            self.state = TxnState.FAILED

    def execute(self, stmt: ast.TransactionStmt, notices: list[Notice]) -> Result:
        """Run BEGIN/COMMIT/ROLLBACK/SAVEPOINT/RELEASE/ROLLBACK TO; return the command tag."""
        kind = _kind(stmt)
        if kind in ("BEGIN", "START"):
            return self._begin(notices, "BEGIN" if kind == "BEGIN" else "START TRANSACTION")
        if kind == "COMMIT":
            return self._end(notices, commit=True)
        if kind == "ROLLBACK":
            return self._end(notices, commit=False)
        if kind in ("SAVEPOINT", "RELEASE", "ROLLBACK_TO"):
            return self._savepoint(kind, stmt.savepoint_name or "")
        raise FdwshError(f"{kind} is not supported",
                         sqlstate="0A000")

    def execute_silently(self, sql: str) -> None:
        """Run a transaction statement for the shell itself (``-1``), discarding its tag."""
        from pglast import parse_sql

        self.execute(parse_sql(sql)[0].stmt, [])

    def _each(self, event: str, *args: str) -> None:
        for participant in self.participants:
            getattr(participant, event)(*args)

    def _begin(self, notices: list[Notice], tag: str) -> Result:
        if self.state is not TxnState.IDLE:
            notices.append(Notice("there is already a transaction in progress", "WARNING"))
            return Result.command(tag)
        self._each("begin")
        self.state = TxnState.IN_BLOCK
        return Result.command(tag)

    def _end(self, notices: list[Notice], commit: bool) -> Result:
        if self.state is TxnState.IDLE:
            notices.append(Notice("there is no transaction in progress", "WARNING"))
            return Result.command("COMMIT" if commit else "ROLLBACK")
        ok = commit and self.state is TxnState.IN_BLOCK
        self._each("commit" if ok else "rollback")
        self.state = TxnState.IDLE
        self._savepoints.clear()
        return Result.command("COMMIT" if ok else "ROLLBACK")

    def _savepoint(self, kind: str, name: str) -> Result:
        verb = {"SAVEPOINT": "SAVEPOINT", "RELEASE": "RELEASE",
                "ROLLBACK_TO": "ROLLBACK TO SAVEPOINT"}[kind]
        if self.state is TxnState.IDLE:
            raise NoActiveTransaction(f"{verb} can only be used in transaction blocks")
        if kind == "SAVEPOINT":
            self._each("savepoint", name)
            self._savepoints.append(name)
            return Result.command("SAVEPOINT")
        if name not in self._savepoints:
            raise FdwshError(f'savepoint "{name}" does not exist', sqlstate="3B001")
        index = len(self._savepoints) - 1 - self._savepoints[::-1].index(name)
        if kind == "RELEASE":
            self._each("release", name)
            del self._savepoints[index:]
            return Result.command("RELEASE")
        self._each("rollback_to", name)
        del self._savepoints[index + 1:]
        self.state = TxnState.IN_BLOCK
        return Result.command("ROLLBACK")
