"""psql's client-side transaction handling around each query it sends (common.c SendQuery):
the ``AUTOCOMMIT`` and ``ON_ERROR_ROLLBACK`` variables.

- ``AUTOCOMMIT off``: when no block is open, a ``BEGIN`` is run silently before the query,
  unless the query is one that must not run inside a block (:func:`command_no_begin`), so
  everything stays uncommitted until COMMIT.
- ``ON_ERROR_ROLLBACK on`` (``interactive``: only at the interactive prompt): inside a block
  the query runs behind ``SAVEPOINT pg_psql_temporary_savepoint``; when it fails, ``ROLLBACK TO``
  that savepoint undoes only the query and the block stays usable, else the savepoint is
  released — unless the query itself committed, rolled back or used savepoints.

The savepoint is an ordinary one of the block (fdwsh.txn), so the remote transactions mirror
it as they mirror any savepoint: only on the connections the query used.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from fdwsh.errors import FdwshError, Notice
from fdwsh.txn import TxnState

if TYPE_CHECKING:
    from fdwsh.session import Session

TEMPORARY_SAVEPOINT = "pg_psql_temporary_savepoint"

#: The first word(s) of queries psql never wraps in an implicit BEGIN: transaction control
#: (except savepoint commands) and commands PostgreSQL refuses inside a block.
_NO_BEGIN = re.compile(
    r"(abort|begin|start|commit|end|rollback|prepare\s+transaction|vacuum|cluster"
    r"|create\s+(database|tablespace|index\s+concurrently)|alter\s+system"
    r"|drop\s+(database|tablespace|index\s+concurrently)|reindex\s+(concurrently|system|database)"
    r"|discard\s+all)\b", re.IGNORECASE)
_SPACE_AND_COMMENTS = re.compile(r"(\s+|--[^\n]*(\n|$)|/\*.*?\*/)*", re.DOTALL)


def command_no_begin(query: str) -> bool:
    """psql's command_no_begin(): whether ``query`` must not get an implicit BEGIN."""
    start = _SPACE_AND_COMMENTS.match(query)
    return bool(_NO_BEGIN.match(query, start.end() if start else 0))


def send_query(session: Session, text: str, execute: Callable[[str], bool]) -> bool:
    """Run ``execute(text)`` with psql's implicit BEGIN and savepoint; True when it succeeded."""
    txn = session.txn
    try:
        if (txn.state is TxnState.IDLE and not session.variables.is_on("AUTOCOMMIT")
                and not command_no_begin(text)):
            txn.execute_silently("BEGIN")
        savepoint = txn.state is TxnState.IN_BLOCK and _wants_savepoint(session)
        if savepoint:
            txn.execute_silently(f"SAVEPOINT {TEMPORARY_SAVEPOINT}")
    except FdwshError as err:
        session.report_error(err)
        return False
    txn.control_ran = False
    ok = execute(text)
    if savepoint:
        ok = _end_savepoint(session) and ok
    return ok


def end_single_transaction(session: Session) -> None:
    """``-1``'s COMMIT at the end (a failed block rolls back); a COMMIT that fails — a server
    lost, phase one of a two-phase commit — is reported like any error."""
    notices: list[Notice] = []
    try:
        session.txn.execute_silently("COMMIT", notices)
    except FdwshError as err:
        session.report_error(err)
        session.had_error = True
    for notice in notices:
        session.notice(notice)
    session._end_remote_statement(ok=True)


def _wants_savepoint(session: Session) -> bool:
    mode = (session.variables.get("ON_ERROR_ROLLBACK") or "off").lower()
    return mode == "on" or (mode == "interactive" and session.source.interactive)


def _end_savepoint(session: Session) -> bool:
    """ROLLBACK TO the temporary savepoint after an error, else RELEASE it (if still ours)."""
    txn = session.txn
    if txn.state is TxnState.FAILED:
        command = f"ROLLBACK TO {TEMPORARY_SAVEPOINT}"
    elif txn.state is TxnState.IN_BLOCK and not txn.control_ran:
        command = f"RELEASE {TEMPORARY_SAVEPOINT}"
    else:
        return True
    try:
        txn.execute_silently(command)
    except FdwshError as err:
        session.report_error(err)
        return False
    return True
