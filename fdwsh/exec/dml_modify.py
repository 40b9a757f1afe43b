"""UPDATE and DELETE on a foreign table, the two ways postgres_fdw runs them.

- **Direct modification**: when the whole statement can run on the target's server (every table
  it reads is there, every expression is shippable), it is sent as one remote ``UPDATE``/
  ``DELETE`` (postgres_fdw's ``Foreign Update``).  A ``col IN (SELECT …)`` condition whose
  sub-select reads another server is evaluated first and sent as ``col = ANY($1)`` with the key
  set as one array (:mod:`fdwsh.exec.dml_keys`), so such a statement is direct too.
- **Located rows**: otherwise fdwsh's executor runs ``SELECT target.ctid, <new values> FROM
  target, <FROM/USING items> WHERE …`` (the scan of the target fetches the remote ctid, in the
  same remote transaction as the change), then changes the rows by ctid, :data:`CHUNK` at a
  time: ``UPDATE t SET c = CAST(v.c AS type) FROM unnest($1::tid[], $2::text[]) v … WHERE
  t.ctid = ANY($1)`` or ``DELETE FROM t WHERE ctid = ANY($1)``.  ``SET (a, b) = …`` and
  ``SET c = DEFAULT`` are made plain first (:mod:`fdwsh.exec.dml_sets`).  A target row joined to several FROM rows changes
  once, with the first.

Either way the new values are typed here first (assignment coercion, PostgreSQL's errors), so
a statement that fails analysis sends nothing, and a failure midway leaves the statement's
remote transaction to be rolled back by the session.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from pglast import ast
from pglast.enums import A_Expr_Kind
from pglast.stream import RawStream
from pglast.visitors import Ancestor, Visitor

from fdwsh.exec.dml_literals import literal_sink, rewrite_literals
from fdwsh.exec.dml_returning import Returning, command_result, prepare_returning
from fdwsh.exec.dml_target import (CTID, Target, analyzer_for, array_cast, array_literal,
                                   assigned, check_updatable, check_with, literal_value,
                                   remote_text, resolve_target, send, type_name)
from fdwsh.output.result import Result
from fdwsh.sql import ir
from fdwsh.sql.pstate import error

#: Rows changed per remote statement on the located-rows path.  Beyond a few thousand ctids
#: the remote plans a sequential scan of the table for each statement (not a TID scan), so
#: large chunks: 100,000 rows of a 1M-row table changed in one statement rather than ten took
#: 5.0 s instead of 6.2 s (each statement's scan ≈ 0.5 s).
CHUNK = 100_000
_PARAMS_REASON = "parameters are not sent to remote servers"


@dataclass(slots=True)
class ModifyPlan:
    """An analysed UPDATE or DELETE: what is sent, and what computes the changes here."""

    operation: str  # "update" | "delete"
    target: Target
    #: Indexes of the columns an UPDATE sets, in SET order.
    sets: list[int]
    returning: Returning | None
    #: The remote statement of a direct modification and its parameters (key sets).
    direct: ast.Node | None = None
    params: list[str] = field(default_factory=list)
    #: The located-rows path: fdwsh's SELECT of ctid + new values, and the coercions.
    locate: Any = None
    coerce: list[Any] = field(default_factory=list)
    #: RETURNING of UPDATE … FROM / DELETE … USING, computed by the locating SELECT
    #: (:mod:`fdwsh.exec.dml_joined`), and the located rows it is shown for.
    joined: list[ast.ResTarget] = field(default_factory=list)
    located: list[tuple[Any, ...]] = field(default_factory=list)
    returning_settings: Any = None
    #: The generated columns an UPDATE sets to DEFAULT (the remote recomputes them).
    recomputed: list[int] = field(default_factory=list)

    @property
    def verb(self) -> str:
        return self.operation.upper()


def run_update(stmt: ast.UpdateStmt, ctx: Any) -> Result:
    return execute_plan(plan_modify(stmt, ctx, "update"), ctx)


def run_delete(stmt: ast.DeleteStmt, ctx: Any) -> Result:
    return execute_plan(plan_modify(stmt, ctx, "delete"), ctx)


def execute_plan(plan: ModifyPlan, ctx: Any) -> Result:
    """Run an analysed UPDATE or DELETE (EXPLAIN ANALYZE runs it too)."""
    check_updatable(plan.target, plan.operation)
    conn = ctx.remote().get(plan.target.table.server)
    if plan.direct is not None:
        if plan.operation == "update":
            from fdwsh.exec.dml_notnull import probe_update

            probe_update(conn, plan, ctx)
        count = send(conn, RawStream()(plan.direct), plan.params, plan.returning)
    else:
        count = _run_located(conn, plan, ctx)
    conn.modified = True
    tag = f"{plan.verb} {count}"
    if plan.joined:
        from fdwsh.exec.dml_joined import joined_result

        return joined_result(plan.locate, 1 + len(plan.sets), plan.located,
                             plan.returning_settings, tag)
    return command_result(tag, plan.returning)


def plan_modify(stmt: ast.Node, ctx: Any, operation: str) -> ModifyPlan:
    """Analyse the statement (PostgreSQL's parse-analysis errors come from here) and choose how
    it runs."""
    check_with(stmt.withClause)
    target = resolve_target(stmt, ctx)
    defaulted: list[int] = []
    if operation == "update":
        from fdwsh.exec.dml_generated import split_update
        from fdwsh.exec.dml_sets import plain_sets

        _set_columns(stmt, target)  # a column named twice is refused first
        stmt, defaulted = split_update(plain_sets(stmt, target), target)
    sets = _set_columns(stmt, target) if operation == "update" else []
    plan = ModifyPlan(operation, target, sets, None)
    if defaulted or any(c.column.generated for c in target.columns):
        from fdwsh.exec.dml_generated import recomputed

        plan.recomputed = recomputed(target, sets, defaulted)
    typed = literal_sink(ctx)
    if typed is not None:  # the statement may go whole: its date/time literals as the remote reads them
        _analyse_locate(stmt, plan, ctx, run=False, typed=typed)
        rewrite_literals(stmt, target, typed)
    others = (stmt.fromClause if operation == "update" else stmt.usingClause) or ()
    if others and stmt.returningClause is not None and stmt.returningClause.exprs:
        from fdwsh.exec.dml_joined import joined_targets

        plan.joined = joined_targets(stmt, target, sets, tuple(others), plan.recomputed)
        direct, params = None, []
    else:
        direct, params = _direct(stmt, plan, ctx)
    plan.locate, plan.coerce = _analyse_locate(stmt, plan, ctx, run=direct is None)
    plan.returning = None if plan.joined else _returning(stmt, plan, ctx)
    if direct is not None:
        if plan.returning is not None:
            direct.returningClause = plan.returning.remote_clause(target.alias)
        plan.direct, plan.params = direct, params
    return plan


def _returning(stmt: ast.Node, plan: ModifyPlan, ctx: Any) -> Returning | None:
    """The RETURNING list over the rows the remote statement returns."""
    return prepare_returning(stmt.returningClause, plan.target, ctx)


def _set_columns(stmt: ast.UpdateStmt, target: Target) -> list[int]:
    return target.named_columns(stmt.targetList, "UPDATE", lambda item: error(
        f'multiple assignments to same column "{item.name}"', "42601"))


# -- the rows, located here ---------------------------------------------------------------------


class _Locating:
    """The statement's context in which the target's name reads the table with its ctid."""

    def __init__(self, ctx: Any, target: Target) -> None:
        self._ctx, self._target = ctx, target
        self._with_ctid = target.with_ctid()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._ctx, name)

    def lookup(self) -> Any:
        tables = self._ctx.lookup()
        node, table = self._target.node, self._with_ctid
        return lambda rv: table if rv is node else tables(rv)


def _locate_select(stmt: ast.Node, plan: ModifyPlan) -> ast.SelectStmt:
    """``SELECT target.ctid, <SET values> FROM target, <FROM/USING items> WHERE …``."""
    alias = plan.target.alias
    targets = [ast.ResTarget(val=ast.ColumnRef(fields=(ast.String(sval=alias),
                                                       ast.String(sval=CTID))))]
    if plan.operation == "update":
        targets += [ast.ResTarget(val=item.val) for item in stmt.targetList]
    targets += plan.joined
    others = stmt.fromClause if plan.operation == "update" else stmt.usingClause
    return ast.SelectStmt(targetList=tuple(targets), fromClause=(stmt.relation, *(others or ())),
                          whereClause=stmt.whereClause, withClause=stmt.withClause,
                          limitOption=0, op=0)


def _analyse_locate(stmt: ast.Node, plan: ModifyPlan, ctx: Any, run: bool,
                    typed: dict[int, Any] | None = None) -> tuple[Any, list[Any]]:
    """Type the located rows' SELECT (and its SET values against the columns); without
    ``run`` (a direct modification) only for its errors."""
    from fdwsh.exec.eval import compile_expr
    from fdwsh.exec.fold import fold_constants

    select = _locate_select(stmt, plan)
    analyzer = analyzer_for(select, plan.target, _Locating(ctx, plan.target), typed)
    analyzer.explain_only = not run
    rel = analyzer.run(select, resolve_unknowns=False)
    plan.returning_settings = analyzer.ctx.settings
    coerce = []
    for i, index in enumerate(plan.sets, start=1):
        column, raw = rel.columns[i], select.targetList[i].val
        value = literal_value(analyzer, raw) or ir.Var(i, column.type, column.typmod)
        expr = assigned(analyzer.ps, value, plan.target.columns[index], analyzer.ps.loc(raw))
        coerce.append(compile_expr(fold_constants(expr, analyzer.ctx), analyzer.ctx))
    return rel, coerce


def _run_located(conn: Any, plan: ModifyPlan, ctx: Any) -> int:
    """Change the located rows by ctid, CHUNK at a time (each target row once)."""
    seen: set[str] = set()
    changes = []
    for row in plan.locate.stream():
        if row[0] not in seen:
            seen.add(row[0])
            changes.append((row[0], *(fn(row) for fn in plan.coerce)))
            if plan.joined:
                plan.located.append(row)
    if plan.operation == "update":
        from fdwsh.exec.dml_notnull import check_located

        check_located(conn, plan, changes, ctx)
    count = 0
    sql = RawStream()(by_ctid(plan))
    texts = [remote_text(plan.target.columns[i]) for i in plan.sets]
    for start in range(0, len(changes), CHUNK):
        chunk = changes[start:start + CHUNK]
        params = [array_literal([c[0] for c in chunk], str)]
        params += [array_literal([c[i + 1] for c in chunk], text) for i, text in enumerate(texts)]
        count += send(conn, sql, params, plan.returning)
    return count


def by_ctid(plan: ModifyPlan) -> ast.Node:
    """The remote statement changing the rows whose ctids ``$1`` holds."""
    target = plan.target
    alias = "fdwsh_target"
    ctid = ast.ColumnRef(fields=(ast.String(sval=alias), ast.String(sval=CTID)))
    located = ast.A_Expr(kind=A_Expr_Kind.AEXPR_OP_ANY, name=(ast.String(sval="="),),
                         lexpr=ctid, rexpr=array_cast(1, "tid"))
    returning = plan.returning.remote_clause(alias) if plan.returning else None
    if plan.operation == "delete":
        return ast.DeleteStmt(relation=target.remote_relation(alias), whereClause=located,
                              returningClause=returning)
    # new values travel as text arrays (an array column's values too: a two-dimensional
    # array would not unnest to them) and are read by each column's type
    names = ["fdwsh_ctid"] + [f"fdwsh_{i}" for i in range(len(plan.sets))]
    casts = [array_cast(1, "tid")] + [array_cast(n + 2, "text") for n in range(len(plan.sets))]
    source = ast.RangeFunction(
        lateral=False, ordinality=False, is_rowsfrom=False,
        functions=((ast.FuncCall(funcname=(ast.String(sval="unnest"),), args=tuple(casts),
                                 funcformat=0), None),),
        alias=ast.Alias(aliasname="fdwsh_new", colnames=tuple(ast.String(sval=n) for n in names)))
    sets = tuple(ast.ResTarget(name=target.table.columns[i].remote_name, val=ast.TypeCast(
        arg=ast.ColumnRef(fields=(ast.String(sval="fdwsh_new"), ast.String(sval=names[n + 1]))),
        typeName=type_name(target.table.columns[i].type)))
        for n, i in enumerate(plan.sets))
    joined = ast.A_Expr(kind=A_Expr_Kind.AEXPR_OP, name=(ast.String(sval="="),),
                        lexpr=copy.deepcopy(ctid), rexpr=ast.ColumnRef(fields=(ast.String(sval="fdwsh_new"),
                                                    ast.String(sval="fdwsh_ctid"))))
    where = ast.BoolExpr(boolop=0, args=(joined, located))
    sets += _recomputed_items(plan)
    return ast.UpdateStmt(relation=target.remote_relation(alias), targetList=sets,
                          fromClause=(source,), whereClause=where, returningClause=returning)


def _recomputed_items(plan: ModifyPlan) -> tuple[ast.ResTarget, ...]:
    from fdwsh.exec.dml_generated import default_item

    return tuple(default_item(plan.target, i) for i in plan.recomputed)


# -- direct modification ------------------------------------------------------------------------


def _direct(stmt: ast.Node, plan: ModifyPlan, ctx: Any) -> tuple[ast.Node | None, list[str]]:
    """The remote statement of a direct modification, or None when it cannot be one."""
    from fdwsh.exec.dml_keys import prefetch_keys
    from fdwsh.plan.shippable import unshippable_reasons
    from fdwsh.remote.deparse import remote_tree
    from fdwsh.sql.bind import BoundQuery, bind_relations

    target = plan.target
    # a sub-select may name the statement's WITH queries: those stay with the statement
    rewritten, params = prefetch_keys(stmt, target, ctx) if stmt.withClause is None \
        else (stmt, [])
    bound = bind_relations(rewritten, ctx.lookup())
    others = [r for r in bound.relations if r.node is not rewritten.relation]
    if any(r.table.server_id != target.table.server_id for r in others):
        return None, []
    if [r for r in unshippable_reasons(rewritten) if r != _PARAMS_REASON]:
        return None, []
    renamed = {c.name: c.remote_name for c in target.table.columns if c.name != c.remote_name}
    if renamed and (others or _has_sublinks(rewritten)):
        return None, []
    tree = remote_tree(BoundQuery(rewritten, others))
    tree.relation = target.remote_relation(target.alias)
    if plan.operation == "update":
        for item in tree.targetList:
            item.name = target.table.column(item.name).remote_name  # type: ignore[union-attr]
        tree.targetList = (*tree.targetList, *_recomputed_items(plan))
    if renamed:
        _rename_columns(tree, renamed, target.alias)
    return tree, params


def _has_sublinks(stmt: ast.Node) -> bool:
    found: list[bool] = []

    class Find(Visitor):  # type: ignore[misc]
        def visit_SubLink(self, ancestors: Ancestor, node: ast.SubLink) -> None:
            found.append(True)

    Find()(stmt)
    return bool(found)


def _rename_columns(tree: ast.Node, renamed: dict[str, str], alias: str) -> None:
    """Column references of the target read the remote names (``c1`` → ``"C 1"``)."""
    class Rename(Visitor):  # type: ignore[misc]
        def visit_ColumnRef(self, ancestors: Ancestor, node: ast.ColumnRef) -> None:
            names = [f.sval if isinstance(f, ast.String) else None for f in node.fields]
            if len(names) == 1 or (len(names) == 2 and names[0] == alias):
                if names[-1] in renamed:
                    node.fields = (*node.fields[:-1], ast.String(sval=renamed[names[-1]]))

    Rename()(tree)
