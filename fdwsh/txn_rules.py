"""What PostgreSQL 15 refuses because of the transaction a statement runs in (besides the aborted
block, fdwsh.txn): writes in a read-only transaction (ExecCheckXactReadOnly,
PreventCommandIfReadOnly) and a change of isolation level once the transaction has run a query
or inside a subtransaction (check_XactIsoLevel).

Both read the session settings (fdwsh.sql.guc.Gucs), where BEGIN's modes, SET TRANSACTION and
default_transaction_* land.
"""

from __future__ import annotations

from typing import Any

from fdwsh.errors import FdwshError

#: Statements that write, by pglast class name: the command name PostgreSQL's message uses.
_WRITES = {"InsertStmt": "INSERT", "UpdateStmt": "UPDATE", "DeleteStmt": "DELETE",
           "MergeStmt": "MERGE", "TruncateStmt": "TRUNCATE TABLE"}

#: Statements that take no snapshot: an isolation level may still be set after them.
NO_SNAPSHOT = frozenset({"TransactionStmt", "VariableSetStmt", "VariableShowStmt"})


def check_read_only(stmt: Any, gucs: Any) -> None:
    """``cannot execute INSERT in a read-only transaction`` (25006) and the like."""
    name = type(stmt).__name__
    command = _WRITES.get(name) or ("COPY FROM" if name == "CopyStmt" and stmt.is_from else None)
    if command and gucs.show("transaction_read_only") == "on":
        raise FdwshError(f"cannot execute {command} in a read-only transaction",
                         sqlstate="25006")


def check_isolation_change(stmt: Any, gucs: Any, *, after_query: bool, depth: int) -> None:
    """SET TRANSACTION ISOLATION LEVEL (or SET transaction_isolation) that would change the
    level of a block after its first query, or in a subtransaction (25001)."""
    level = _requested_isolation(stmt)
    if level is None or level.lower() == gucs.show("transaction_isolation"):
        return
    if after_query:
        raise FdwshError("SET TRANSACTION ISOLATION LEVEL must be called before any query",
                         sqlstate="25001")
    if depth:
        raise FdwshError("SET TRANSACTION ISOLATION LEVEL must not be called in a subtransaction",
                         sqlstate="25001")


def _requested_isolation(stmt: Any) -> str | None:
    name = (stmt.name or "").lower()
    if name == "transaction":
        for elem in stmt.args or ():
            if elem.defname == "transaction_isolation":
                return str(elem.arg.val.sval)
    if name == "transaction_isolation" and stmt.args:
        value = getattr(stmt.args[0], "val", None)
        return getattr(value, "sval", None)
    return None
