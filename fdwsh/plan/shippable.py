"""Which parts of a query a remote PostgreSQL may evaluate (postgres_fdw's is_foreign_expr).

postgres_fdw's rules, applied to the parsed query: only built-in functions that are immutable
(pg_catalog, all overloads with that argument count; ``builtin_functions`` is generated from
PostgreSQL 15), no session-dependent value functions (CURRENT_DATE, CURRENT_USER …), no COLLATE
clauses (the remote's collations may differ), no parameters.  Row locking (FOR UPDATE) is
shipped, as postgres_fdw does, so that the remote rows are locked.  The result is the list of reasons
something must stay local — EXPLAIN shows them; an empty list means "shippable".
"""

from __future__ import annotations

from pglast import ast
from pglast.enums import SQLValueFunctionOp
from pglast.visitors import Ancestor, Visitor

from fdwsh.plan.builtin_functions import IMMUTABLE, MIXED, NOT_IMMUTABLE

_VALUE_FUNCTIONS = {
    SQLValueFunctionOp.SVFOP_CURRENT_DATE: "CURRENT_DATE",
    SQLValueFunctionOp.SVFOP_CURRENT_TIME: "CURRENT_TIME",
    SQLValueFunctionOp.SVFOP_CURRENT_TIME_N: "CURRENT_TIME",
    SQLValueFunctionOp.SVFOP_CURRENT_TIMESTAMP: "CURRENT_TIMESTAMP",
    SQLValueFunctionOp.SVFOP_CURRENT_TIMESTAMP_N: "CURRENT_TIMESTAMP",
    SQLValueFunctionOp.SVFOP_LOCALTIME: "LOCALTIME",
    SQLValueFunctionOp.SVFOP_LOCALTIME_N: "LOCALTIME",
    SQLValueFunctionOp.SVFOP_LOCALTIMESTAMP: "LOCALTIMESTAMP",
    SQLValueFunctionOp.SVFOP_LOCALTIMESTAMP_N: "LOCALTIMESTAMP",
    SQLValueFunctionOp.SVFOP_CURRENT_ROLE: "CURRENT_ROLE",
    SQLValueFunctionOp.SVFOP_CURRENT_USER: "CURRENT_USER",
    SQLValueFunctionOp.SVFOP_USER: "USER",
    SQLValueFunctionOp.SVFOP_SESSION_USER: "SESSION_USER",
    SQLValueFunctionOp.SVFOP_CURRENT_CATALOG: "CURRENT_CATALOG",
    SQLValueFunctionOp.SVFOP_CURRENT_SCHEMA: "CURRENT_SCHEMA",
}


#: How a reason ends when only the argument types decide (see plan.analysis.immutable_calls).
MIXED_REASON = " is not immutable for every argument type"


def function_reason(name: str, nargs: int, schema: str | None = None) -> str | None:
    """Why a call of ``name`` with ``nargs`` arguments cannot be shipped (None: it can)."""
    if schema not in (None, "pg_catalog"):
        return f"{schema}.{name}() is not a built-in function"
    if name in IMMUTABLE:
        return None
    if name in MIXED:
        if nargs in MIXED[name]:
            return f"{name}(){MIXED_REASON}"
        return None
    if name in NOT_IMMUTABLE:
        return f"{name}() is {NOT_IMMUTABLE[name]}"
    return f"{name}() is not a built-in function"


def unshippable_reasons(node: ast.Node, immutable_at: frozenset[int] = frozenset()
                        ) -> list[str]:
    """Every reason (deduplicated, in order of appearance) that ``node`` must stay local.
    ``immutable_at``: locations of calls known to resolve to an immutable overload."""
    reasons: list[str] = []

    def add(reason: str) -> None:
        if reason not in reasons:
            reasons.append(reason)

    class Check(Visitor):  # type: ignore[misc]
        def visit_FuncCall(self, ancestors: Ancestor, node: ast.FuncCall) -> None:
            names = [n.sval for n in node.funcname]
            schema = names[0] if len(names) > 1 else None
            reason = function_reason(names[-1], len(node.args or ()), schema)
            if reason and not (node.location in immutable_at and names[-1] in MIXED):
                add(reason)

        def visit_SQLValueFunction(self, ancestors: Ancestor, node: ast.SQLValueFunction
                                   ) -> None:
            add(f"{_VALUE_FUNCTIONS.get(node.op, 'a session value')} depends on the session")

        def visit_CollateClause(self, ancestors: Ancestor, node: ast.CollateClause) -> None:
            add("COLLATE clauses are not sent to remote servers")

        def visit_ParamRef(self, ancestors: Ancestor, node: ast.ParamRef) -> None:
            add("parameters are not sent to remote servers")

    Check()(node)
    return reasons
