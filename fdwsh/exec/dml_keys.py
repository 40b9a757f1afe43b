"""Key sets sent once: ``col IN (SELECT … FROM <a table of another server>)`` in the WHERE of an
UPDATE or DELETE becomes ``col = ANY(CAST($n AS type[]))``.

For ``UPDATE orders SET … WHERE customer_id IN (SELECT id FROM customers WHERE tier = 1)`` with
customers on another server, the sub-select runs first (on its own server, through fdwsh's
executor) and its distinct keys go to the orders server as one array parameter, so the UPDATE
itself is one remote statement — where postgres_fdw fetches and locks every order and updates
row by row.  Only an uncorrelated sub-select of one column qualifies, and only as a condition
ANDed at the top of WHERE, where ``x IN (…)`` and ``x = ANY(array of the same values)`` keep the
same rows (NULL keys match nothing either way).  A sub-select the target's server can run itself
is left in place (it ships with the statement).
"""

from __future__ import annotations

import copy
from typing import Any

from pglast import ast
from pglast.enums import A_Expr_Kind, BoolExprType, SubLinkType
from pglast.visitors import Ancestor, Visitor

from fdwsh.exec.dml_target import Target, analyzer_for, array_cast, array_literal
from fdwsh.pgtypes import format_type
from fdwsh.sql.bind import bind_relations


def prefetch_keys(stmt: ast.Node, target: Target, ctx: Any) -> tuple[ast.Node, list[str]]:
    """A copy of ``stmt`` with such conditions replaced, and the arrays they send (``$1``…);
    ``stmt`` itself when there are none."""
    where = stmt.whereClause
    if where is None:
        return stmt, []
    anded = isinstance(where, ast.BoolExpr) and where.boolop == BoolExprType.AND_EXPR
    conditions = list(where.args) if anded else [where]
    params: list[str] = []
    replaced = [_replaced(c, target, ctx, params) for c in conditions]
    if not params:
        return stmt, []
    rewritten = copy.copy(stmt)
    rewritten.whereClause = (ast.BoolExpr(boolop=BoolExprType.AND_EXPR, args=tuple(replaced))
                             if anded else replaced[0])
    return rewritten, params


def _replaced(condition: ast.Node, target: Target, ctx: Any, params: list[str]) -> ast.Node:
    """``condition`` or its ``= ANY($n)`` form (its key array appended to ``params``)."""
    if not (isinstance(condition, ast.SubLink) and condition.subLinkType
            == SubLinkType.ANY_SUBLINK and _is_equality(condition.operName)):
        return condition
    select = condition.subselect
    lookup = ctx.lookup()
    relations = bind_relations(select, lookup).relations
    if not relations or all(r.table.server_id == target.table.server_id for r in relations):
        return condition
    if not _uncorrelated(select, relations):
        return condition
    analyzer = analyzer_for(select, target, ctx)
    rel = analyzer.run(select)
    if len(rel.columns) != 1:
        return condition  # PostgreSQL's "subquery has too many columns" comes later
    from fdwsh.exec.values import format_output
    from fdwsh.types.settings import REMOTE

    column = rel.columns[0]
    keys = list(dict.fromkeys(row[0] for row in rel.rows if row[0] is not None))
    params.append(array_literal(keys, lambda v: format_output(column.type, v, REMOTE)))
    return ast.A_Expr(kind=A_Expr_Kind.AEXPR_OP_ANY, name=(ast.String(sval="="),),
                      lexpr=condition.testexpr,
                      rexpr=array_cast(len(params), format_type(column.type, column.typmod)))


def _is_equality(name: Any) -> bool:
    return not name or [n.sval for n in name] in (["="], ["pg_catalog", "="])


def _uncorrelated(select: ast.SelectStmt, relations: list[Any]) -> bool:
    """Whether every column the sub-select names is one of its own tables' (conservatively:
    no nested sub-selects, no unknown qualifiers)."""
    aliases = {ref.alias: ref.table for ref in relations}
    names = {c.name for ref in relations for c in ref.table.columns}
    ok = [True]

    class Check(Visitor):  # type: ignore[misc]
        def visit_SubLink(self, ancestors: Ancestor, node: ast.SubLink) -> None:
            ok[0] = False

        def visit_ColumnRef(self, ancestors: Ancestor, node: ast.ColumnRef) -> None:
            parts = [f.sval if isinstance(f, ast.String) else None for f in node.fields]
            if len(parts) == 1:
                ok[0] = ok[0] and (parts[0] is None or parts[0] in names)
            elif len(parts) == 2:
                table = aliases.get(parts[0] or "")
                ok[0] = ok[0] and table is not None and (
                    parts[1] is None or table.column(parts[1]) is not None)
            else:
                ok[0] = False

    Check()(select)
    return ok[0]
