"""The local transaction block: BEGIN/COMMIT/ROLLBACK/SAVEPOINT over everything transactional.

Outside a block every statement commits on its own (psql's autocommit).  Inside one, changes wait
for COMMIT, and an error puts the block into PostgreSQL's "aborted" state, where everything but
ROLLBACK (or COMMIT, which then rolls back) is refused.  The prompt shows the state (``%x``:
``*`` in a block, ``!`` in a failed one).

What the block covers is a list of :class:`Participant` s — the catalog (SQLite), the session
settings (SET is undone by ROLLBACK), and the remote transactions (fdwsh.remote.xact) — each told
the same begin/commit/rollback/savepoint events, so a new kind of state joins by adding a
participant.  COMMIT runs in three steps, as PostgreSQL's pre-commit callbacks, commit and
post-commit: every participant's ``pre_commit`` first (where remote transactions commit or
prepare; an error there rolls everything back and the COMMIT fails), then ``commit``, then
``post_commit`` (phase two of a two-phase commit: it can no longer fail the transaction, only
warn).
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import TYPE_CHECKING, Any

from fdwsh import txn_rules
from fdwsh.errors import FdwshError, Notice
from fdwsh.output.result import Result

if TYPE_CHECKING:  # pglast is not loaded for sessions that only run backslash commands
    from pglast import ast


class TxnState(Enum):
    IDLE = ""
    IN_BLOCK = "*"
    FAILED = "!"


#: BEGIN's options (``ISOLATION LEVEL …``, ``READ ONLY``) as settings: name → value.
BeginOptions = dict[str, str]


class Participant:
    """Something whose changes a transaction block commits or rolls back (every event does
    nothing unless overridden).  ``depth`` is how many savepoints remain after the event."""

    def begin(self, options: BeginOptions) -> None:
        pass

    def pre_commit(self) -> None:
        pass

    def commit(self) -> None:
        pass

    def post_commit(self, notices: list[Notice]) -> None:
        pass

    def rollback(self) -> None:
        pass

    def refuse_prepare(self) -> None:
        """PREPARE TRANSACTION: raise when this participant's changes cannot be prepared."""

    def abort_current(self) -> None:
        """A statement failed: abort the (sub)transaction it ran in now (never raises)."""

    def savepoint(self, name: str) -> None:
        pass

    def release(self, name: str, depth: int) -> None:
        pass

    def rollback_to(self, name: str, depth: int) -> None:
        pass


class CatalogParticipant(Participant):
    """The SQLite catalog: one SQLite transaction per block, SQLite savepoints inside it."""

    def __init__(self, store: Callable[[], Any]) -> None:
        self._store = store

    def _exec(self, sql: str) -> None:
        self._store().db.execute(sql)

    def begin(self, options: BeginOptions) -> None:
        self._store().begin_block()

    def commit(self) -> None:
        self._exec("COMMIT")

    def rollback(self) -> None:
        self._exec("ROLLBACK")

    def savepoint(self, name: str) -> None:
        self._exec(f"SAVEPOINT {_quote(name)}")

    def release(self, name: str, depth: int) -> None:
        self._exec(f"RELEASE SAVEPOINT {_quote(name)}")

    def rollback_to(self, name: str, depth: int) -> None:
        self._exec(f"ROLLBACK TO SAVEPOINT {_quote(name)}")


class SettingsParticipant(Participant):
    """Session settings (``Gucs``): SET inside a block is undone by ROLLBACK [TO SAVEPOINT]."""

    def __init__(self, gucs: Callable[[], Any]) -> None:
        self._gucs = gucs
        self._marks: list[Any] = []

    def begin(self, options: BeginOptions) -> None:
        gucs = self._gucs()
        gucs.begin()
        for name, value in options.items():
            gucs.set(name, value)

    def commit(self) -> None:
        self._marks.clear()
        self._gucs().commit()

    def rollback(self) -> None:
        self._marks.clear()
        self._gucs().rollback()

    def savepoint(self, name: str) -> None:
        self._marks.append(self._gucs().snapshot())

    def release(self, name: str, depth: int) -> None:
        del self._marks[depth:]

    def rollback_to(self, name: str, depth: int) -> None:
        self._gucs().restore(self._marks[depth - 1])
        del self._marks[depth:]


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
#: The modes COMMIT/ROLLBACK AND CHAIN carry over to the next block.
_MODES = ("transaction_isolation", "transaction_read_only", "transaction_deferrable")


def begin_options(stmt: Any) -> BeginOptions:
    """BEGIN/START TRANSACTION's modes as the settings they set (``transaction_isolation`` …)."""
    options: BeginOptions = {}
    for elem in stmt.options or ():
        value = elem.arg.val
        if hasattr(value, "sval"):
            options[elem.defname] = value.sval
        else:
            options[elem.defname] = "on" if value.ival else "off"
    return options


def _kind(stmt: Any) -> str:
    """A TransactionStmt's kind without pglast's prefix: BEGIN, COMMIT, ROLLBACK_TO …"""
    return str(stmt.kind.name).removeprefix("TRANS_STMT_")


class Transaction:
    """The session's transaction block, applied to every participant."""

    def __init__(self, participants: list[Participant] | None = None,
                 gucs: Callable[[], Any] | None = None) -> None:
        self.state = TxnState.IDLE
        self.participants: list[Participant] = list(participants or ())
        self._savepoints: list[str] = []
        #: The session settings (transaction_isolation, transaction_read_only …), if any.
        self._gucs = gucs
        #: The block has run a query (PostgreSQL's FirstSnapshotSet).
        self._after_query = False
        #: A COMMIT, ROLLBACK [TO] or savepoint command ran (reset by its reader, psql's
        #: ``svpt_gone``: fdwsh.psqltxn leaves the user's savepoints alone then).
        self.control_ran = False

    @property
    def in_block(self) -> bool:
        return self.state is not TxnState.IDLE

    def check_allowed(self, stmt: ast.Node) -> None:
        """In a failed block only ROLLBACK/COMMIT/ROLLBACK TO may run; see also txn_rules."""
        name = type(stmt).__name__
        if self.state is TxnState.FAILED:
            if name == "TransactionStmt" and _kind(stmt) in _ALLOWED_WHEN_FAILED:
                return
            raise InFailedTransaction()
        if self._gucs is None:
            return
        if name == "VariableSetStmt" and self.in_block:
            txn_rules.check_isolation_change(stmt, self._gucs(), after_query=self._after_query,
                                             depth=self.depth)
        elif name not in txn_rules.NO_SNAPSHOT:
            txn_rules.check_read_only(stmt, self._gucs())
            self._after_query = self.in_block

    def failed(self) -> None:
        """An error happened inside a statement: a block becomes aborted, and what the failed
        (sub)transaction holds is released at once, as PostgreSQL's AbortTransaction does."""
        if self.state is TxnState.IN_BLOCK:
            self.state = TxnState.FAILED
            self._each("abort_current")

    def execute(self, stmt: ast.TransactionStmt, notices: list[Notice]) -> Result:
        """Run BEGIN/COMMIT/ROLLBACK/SAVEPOINT/RELEASE/ROLLBACK TO; return the command tag."""
        kind = _kind(stmt)
        self.control_ran = self.control_ran or kind not in ("BEGIN", "START")
        if kind in ("BEGIN", "START"):
            return self._begin(notices, "BEGIN" if kind == "BEGIN" else "START TRANSACTION",
                               begin_options(stmt))
        if kind in ("COMMIT", "ROLLBACK"):
            if stmt.chain:
                return self._chain(notices, commit=kind == "COMMIT")
            return self._end(notices, commit=kind == "COMMIT")
        if kind == "PREPARE":
            return self._prepare(notices)
        if kind in ("COMMIT_PREPARED", "ROLLBACK_PREPARED"):
            return self._finish_prepared(kind, stmt.gid)
        if kind in ("SAVEPOINT", "RELEASE", "ROLLBACK_TO"):
            return self._savepoint(kind, stmt.savepoint_name or "")
        raise FdwshError(f"{kind} is not supported", sqlstate="0A000")

    def execute_silently(self, sql: str, notices: list[Notice] | None = None) -> None:
        """Run a transaction statement for the shell itself (``-1``), discarding its tag."""
        from pglast import parse_sql

        self.execute(parse_sql(sql)[0].stmt, [] if notices is None else notices)

    def _each(self, event: str, *args: Any) -> None:
        for participant in self.participants:
            getattr(participant, event)(*args)

    @property
    def depth(self) -> int:
        """How many savepoints are open."""
        return len(self._savepoints)

    def _begin(self, notices: list[Notice], tag: str, options: BeginOptions) -> Result:
        if self.state is not TxnState.IDLE:
            notices.append(Notice("there is already a transaction in progress", "WARNING"))
            return Result.command(tag)
        self._each("begin", options)
        self.state = TxnState.IN_BLOCK
        self._after_query = False
        return Result.command(tag)

    def _end(self, notices: list[Notice], commit: bool) -> Result:
        if self.state is TxnState.IDLE:
            notices.append(Notice("there is no transaction in progress", "WARNING"))
            return Result.command("COMMIT" if commit else "ROLLBACK")
        ok = commit and self.state is TxnState.IN_BLOCK
        self.state = TxnState.IDLE
        self._savepoints.clear()
        if not ok:
            self._each("rollback")
            return Result.command("ROLLBACK")
        try:
            self._each("pre_commit")
        except BaseException:  # the COMMIT fails: everything is rolled back
            self._each("rollback")
            raise
        self._each("commit")
        self._each("post_commit", notices)
        return Result.command("COMMIT")

    def _chain(self, notices: list[Notice], commit: bool) -> Result:
        """COMMIT/ROLLBACK AND CHAIN: end the block and open one with the same modes."""
        verb = "COMMIT" if commit else "ROLLBACK"
        if self.state is TxnState.IDLE:
            raise NoActiveTransaction(f"{verb} AND CHAIN can only be used in transaction blocks")
        gucs = self._gucs() if self._gucs is not None else None
        modes = {name: gucs.show(name) for name in _MODES} if gucs is not None else {}
        result = self._end(notices, commit)
        self._begin(notices, "BEGIN", modes)
        return result

    def _prepare(self, notices: list[Notice]) -> Result:
        """PREPARE TRANSACTION: the block ends either way (fdwsh has no local transaction to
        keep; a remote participant gives postgres_fdw's refusal)."""
        if self.state is TxnState.IDLE:
            notices.append(Notice("there is no transaction in progress", "WARNING"))
            return Result.command("ROLLBACK")
        failed = self.state is TxnState.FAILED
        self.state = TxnState.IDLE
        self._savepoints.clear()
        try:
            if not failed:
                self._each("refuse_prepare")
        finally:
            self._each("rollback")
        if failed:
            return Result.command("ROLLBACK")
        raise FdwshError("PREPARE TRANSACTION is not supported", sqlstate="0A000")

    def _finish_prepared(self, kind: str, gid: str) -> Result:
        verb = kind.replace("_", " ")
        if self.state is not TxnState.IDLE:
            raise FdwshError(f"{verb} cannot run inside a transaction block", sqlstate="25001")
        raise FdwshError(f'prepared transaction with identifier "{gid}" does not exist',
                         sqlstate="42704")

    def _savepoint(self, kind: str, name: str) -> Result:
        verb = {"SAVEPOINT": "SAVEPOINT", "RELEASE": "RELEASE SAVEPOINT",
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
            self._each("release", name, index)
            del self._savepoints[index:]
            return Result.command("RELEASE")
        self._each("rollback_to", name, index + 1)
        del self._savepoints[index + 1:]
        self.state = TxnState.IN_BLOCK
        return Result.command("ROLLBACK")
