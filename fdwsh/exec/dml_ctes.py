"""Data-modifying WITH queries of a SELECT: ``WITH d AS (DELETE FROM ft … RETURNING …) SELECT …``.

Each INSERT/UPDATE/DELETE of the WITH list runs first, in order, as the statement it is (the
DML executors: shipped, batched or located, in the statement's remote transactions), and the
rows its RETURNING list gave take its place as a constant query (typed literals, so the rest
of the statement reads them as the WITH query's rows); then the SELECT runs as any other.  A
WITH query without RETURNING is run and dropped (the statement cannot read it).

PostgreSQL runs all parts of such a statement on one snapshot: the rest of the statement does
not see the changes.  Run one after the other, it would see them; so a statement whose other
parts read a table that a data-modifying WITH query changes is refused with a clear error
rather than answered differently.
"""

from __future__ import annotations

import copy
from typing import Any

from pglast import ast
from pglast.enums import SetOperation
from pglast.visitors import Ancestor, Visitor

from fdwsh.errors import FdwshError, FeatureNotSupported

_DML = (ast.InsertStmt, ast.UpdateStmt, ast.DeleteStmt)


def has_modifying(stmt: ast.Node) -> bool:
    """Whether a SELECT's WITH list holds an INSERT, UPDATE or DELETE."""
    clause = getattr(stmt, "withClause", None)
    return clause is not None and any(isinstance(c.ctequery, _DML) for c in clause.ctes)


def run_modifying(stmt: ast.SelectStmt, ctx: Any) -> ast.SelectStmt:
    """Run the data-modifying WITH queries; the statement with their rows in their place."""
    from fdwsh.sql.route import execute

    ctes = stmt.withClause.ctes
    _check_snapshot(stmt, ctx)
    kept = []
    for cte in ctes:
        if not isinstance(cte.ctequery, _DML):
            kept.append(cte)
            continue
        result = execute(_with_earlier(cte.ctequery, kept, stmt.withClause), ctx)
        if cte.ctequery.returningClause is None:
            continue
        replaced = copy.copy(cte)
        replaced.ctequery = _constant_query(result)
        kept.append(replaced)
    rewritten = copy.copy(stmt)
    rewritten.withClause = copy.copy(stmt.withClause) if kept else None
    if kept:
        rewritten.withClause.ctes = tuple(kept)
    return rewritten


def _with_earlier(dml: ast.Node, earlier: list[ast.CommonTableExpr], clause: ast.WithClause
                  ) -> ast.Node:
    """The change with the WITH queries before it that it reads (their rows, for a change)."""
    names = {c.ctename for c in earlier}
    read = {n.relname for n in _range_vars(dml) if n.schemaname is None} & names
    if not read or dml.withClause is not None:
        return dml
    with_earlier = copy.copy(dml)
    with_earlier.withClause = ast.WithClause(ctes=tuple(earlier), recursive=clause.recursive)
    return with_earlier


def _range_vars(node: ast.Node) -> list[ast.RangeVar]:
    found: list[ast.RangeVar] = []

    class Relations(Visitor):  # type: ignore[misc]
        def visit_RangeVar(self, ancestors: Ancestor, rv: ast.RangeVar) -> None:
            found.append(rv)

    Relations()(node)
    return found


def _constant_query(result: Any) -> ast.SelectStmt:
    """``SELECT CAST('v' AS type) AS name, …`` of each RETURNING row (``UNION ALL``), or one
    typed row of NULLs ``WHERE false`` for none."""
    from fdwsh.exec.dml_target import type_name

    columns = list(result.columns or ())
    rows = [list(r) for r in result.rows] or [None]

    def value(text: str | None, column: Any) -> ast.Node:
        literal = ast.A_Const(isnull=text is None, val=None if text is None else
                              ast.String(sval=text))
        return ast.TypeCast(arg=literal, typeName=type_name(column.type_name))

    selects = [ast.SelectStmt(
        targetList=tuple(ast.ResTarget(name=c.name, val=value(None if row is None else row[i], c))
                         for i, c in enumerate(columns)),
        whereClause=ast.A_Const(isnull=False, val=ast.Boolean(boolval=False))
        if row is None else None, limitOption=0, op=0) for row in rows]
    query = selects[0]
    for more in selects[1:]:
        query = ast.SelectStmt(op=SetOperation.SETOP_UNION, all=True, larg=query, rarg=more,
                              limitOption=0)
    return query


def _check_snapshot(stmt: ast.SelectStmt, ctx: Any) -> None:
    """Refuse a statement whose other parts read a table a data-modifying WITH query changes."""
    lookup = ctx.lookup()
    names = {c.ctename for c in stmt.withClause.ctes}
    changed = {lookup(c.ctequery.relation).id for c in stmt.withClause.ctes
               if isinstance(c.ctequery, _DML)}
    targets = {id(c.ctequery.relation) for c in stmt.withClause.ctes if isinstance(c.ctequery, _DML)}
    read = [node for node in _range_vars(stmt) if id(node) not in targets
            and not (node.schemaname is None and node.relname in names)]
    for node in read:
        try:
            table = lookup(node)
        except FdwshError:  # not a foreign table: the statement's own analysis reports it
            continue
        if table.id in changed:
            raise FeatureNotSupported(
                f'a data-modifying WITH query on "{table.name}" in a statement that also reads '
                f'"{table.name}" is not supported with foreign tables',
                hint="Run the change and the query as two statements in one transaction.",
                position=node.location + 1 if node.location is not None else None)
