"""Which statements the interactive prompt asks about before running (pgcli's
destructive_warning): DROP of anything, TRUNCATE, and DELETE or UPDATE without WHERE.

Statements are recognised from pglast's parse tree, so ``DELETE FROM t WHERE …`` inside a
string or comment never counts; text that does not parse is left to the normal error path.
"""

from __future__ import annotations

from typing import Any

PROMPT = "You're about to run a destructive command.\nDo you want to proceed? (y/n): "
DECLINED = "Wise choice!"
CONFIRMED = "Your call!"


def destructive(text: str) -> bool:
    """Whether any statement of ``text`` is destructive."""
    from pglast import parse_sql
    from pglast.parser import ParseError

    try:
        statements = parse_sql(text)
    except ParseError:
        return False
    return any(_destructive(raw.stmt) for raw in statements)


def _destructive(stmt: Any) -> bool:
    kind = type(stmt).__name__
    if kind == "ExplainStmt":
        return False
    if kind.startswith("Drop") or kind == "TruncateStmt":
        return True
    if kind in ("DeleteStmt", "UpdateStmt"):
        return stmt.whereClause is None
    return False


def confirmed(answer: str) -> bool:
    return answer.strip().lower() in ("y", "yes")
