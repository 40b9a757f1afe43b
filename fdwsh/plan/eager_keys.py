"""Eager aggregation with dynamic filtering: the partner's join keys go into the partial query.

``SELECT c.region, sum(o.amount) FROM orders o JOIN customers c ON c.id = o.customer_id
WHERE c.tier = 'platinum' GROUP BY c.region``: the filtered partner ``c`` is small, so it is
fetched first and its distinct ``id`` values restrict the partial aggregation of ``orders``
(``… WHERE o.customer_id = ANY ('{…}'::integer[]) GROUP BY o.customer_id``): at most one row
per platinum customer travels, where dynamic filtering alone sends every order of theirs and
eager aggregation alone one row per customer.

This module finds the equality to filter by (:func:`partner_link`: two tables only, a plain
``T.a = P.b`` with both columns of one declared type, so the remote ``=`` is the join's) and
puts the partner first in FROM (:func:`partner_first`), so that its scan exists before the
partial query runs (fdwsh.exec.partial_agg fetches it and sends the keys).  Inner joins of
two tables only: the order of their FROM items changes no result.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pglast import ast
from pglast.enums import A_Expr_Kind

from fdwsh.sql.bind import RelationRef


@dataclass(frozen=True, slots=True)
class PartnerKeys:
    """``target.column = partner.partner_column``: the partner's keys filter the partial."""

    column: str
    partner: RelationRef
    partner_column: str


def partner_link(target: RelationRef, refs: list[RelationRef], conditions: list[ast.Node],
                 owner: Callable[[ast.ColumnRef], RelationRef | None],
                 declared: Callable[[RelationRef, str], tuple[int, int]]
                 ) -> PartnerKeys | None:
    """The equality of ``target`` with the one other table whose keys may filter it."""
    if len(refs) != 2:
        return None
    for condition in conditions:
        if not (isinstance(condition, ast.A_Expr) and condition.kind == A_Expr_Kind.AEXPR_OP
                and [n.sval for n in condition.name] == ["="]
                and isinstance(condition.lexpr, ast.ColumnRef)
                and isinstance(condition.rexpr, ast.ColumnRef)):
            continue
        sides = [(owner(condition.lexpr), condition.lexpr), (owner(condition.rexpr),
                                                            condition.rexpr)]
        if sides[1][0] is target:
            sides.reverse()
        (mine, column), (partner, other) = sides
        if mine is not target or partner is None or partner is target:
            continue
        name, partner_name = column.fields[-1].sval, other.fields[-1].sval
        if declared(target, name)[0] == declared(partner, partner_name)[0]:
            return PartnerKeys(name, partner, partner_name)
    return None


def partner_first(stmt: ast.SelectStmt) -> ast.SelectStmt:
    """``stmt`` (a fresh copy at its top, fdwsh.plan.eager_rewrite) with its two FROM tables
    in the other order: ``T JOIN P ON …`` as ``P JOIN T ON …``, ``T, P`` as ``P, T``."""
    items = stmt.fromClause
    if len(items) == 2:
        stmt.fromClause = (items[1], items[0])
        return stmt
    join = items[0]
    swapped = ast.JoinExpr(jointype=join.jointype, isNatural=join.isNatural, larg=join.rarg,
                           rarg=join.larg, usingClause=join.usingClause, quals=join.quals,
                           join_using_alias=join.join_using_alias,
                           alias=join.alias, rtindex=join.rtindex)
    stmt.fromClause = (swapped,)
    return stmt
