"""ParseState: what transforming one statement's expressions needs besides the raw tree.

It carries the session's value styles (literals such as ``'2024-01-02'::date`` are read at
parse time, as PostgreSQL does, so DateStyle matters), a sink for notices (typmod warnings),
and the column scope that resolves ``ColumnRef``\\ s (None: the query has no FROM items).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from fdwsh.errors import FdwshError, Notice

if TYPE_CHECKING:
    from fdwsh.sql.ir import Expr

#: Resolves a column reference (its dotted names, 0-based location) to an expression, or
#: returns None when no column of that name is visible.
ColumnResolver = Callable[[list[str], int], "Expr | None"]


@dataclass(slots=True)
class ParseState:
    settings: Any = None
    notices: list[Notice] = field(default_factory=list)
    columns: ColumnResolver | None = None
    #: The user name, for CURRENT_USER / SESSION_USER.
    user: str = "postgres"
    #: Set while transforming a construct where some expressions are not allowed
    #: (e.g. "VALUES", "LIMIT", "WHERE", "FROM function"); used in messages.
    expr_kind: str = "SELECT"
    #: The last set-returning function call transformed (PostgreSQL's p_last_srf): a
    #: construct that must not contain one (CASE, FROM function arguments) compares it.
    last_srf: Any = None
    #: The session behind the statement (fdwsh.exec.services.Services), or None: which
    #: extensions are installed, the search path.
    services: Any = None
    #: The column resolvers of the enclosing query levels (innermost last).
    outer_columns: list[ColumnResolver] = field(default_factory=list)
    #: Analyses a sub-SELECT: returns (columns as (name, type, typmod), rows thunk).
    subquery: Callable[[Any], tuple[list[tuple[str, int, int]], Callable[[], list[Any]]]] | None \
        = None
    #: Locations of the statement's A_Const nodes by id() (pglast does not keep them).
    const_locations: dict[int, int] = field(default_factory=dict)
    #: When set, every literal read as a typed constant is noted here by its location:
    #: (type OID, value) — what fdwsh.plan.analysis sends remotely in place of its text.
    typed_literals: dict[int, tuple[int, Any]] | None = None
    #: When set, each function call's location → the volatility of the overload it resolved
    #: to (fdwsh.plan.analysis.immutable_calls).
    resolved_calls: dict[int, str] | None = None

    def loc(self, node: Any) -> int:
        """The 0-based location of a raw node (-1: unknown)."""
        found = getattr(node, "location", None)
        if isinstance(found, int):
            return found
        return self.const_locations.get(id(node), -1)

    def warn(self, message: str, position: int | None = None) -> None:
        self.notices.append(Notice(message, severity="WARNING", position=position))


def pos(location: int) -> int | None:
    """A 0-based node location as the 1-based cursor position errors carry."""
    return location + 1 if location is not None and location >= 0 else None


def error(message: str, sqlstate: str, location: int = -1, *, hint: str | None = None,
          detail: str | None = None) -> FdwshError:
    return FdwshError(message, sqlstate=sqlstate, position=pos(location), hint=hint,
                      detail=detail)
