"""INSERT INTO a foreign table: ``VALUES`` (one or many rows), ``SELECT …``, ``DEFAULT VALUES``,
``ON CONFLICT DO NOTHING`` and ``RETURNING``, with postgres_fdw's meaning and messages.

Like postgres_fdw, fdwsh sends every declared column: a column the statement does not name gets
its DEFAULT from the foreign table definition, evaluated here (else NULL), never the remote
table's own default.  New values go through PostgreSQL's assignment coercion to the declared
types here, so a bad value fails before anything is sent.

How it runs (see :func:`plan_insert`):

- **shipped**: ``INSERT … SELECT`` whose source the target's server can evaluate whole (its
  tables are all on that server, every expression and every default it adds is shippable)
  becomes one remote ``INSERT INTO remote_table (…) SELECT …`` — ``INSERT INTO ft SELECT …
  FROM generate_series(1, 100000)`` is one round trip, where postgres_fdw sends 100,000 INSERTs;
- **relayed**: a source that one other server runs whole streams from there as remote text,
  passed on unparsed where the declared types agree (:mod:`fdwsh.exec.dml_relay`);
- **computed here**: otherwise fdwsh's executor computes the rows (:mod:`fdwsh.exec.dml_rows`),
  streamed from other servers as they come.
  Rows of the last two go by COPY where nothing needs INSERT statements
  (:mod:`fdwsh.exec.dml_copy`), else as multi-row ``INSERT … VALUES ($1, …), (…)`` statements
  of ``batch_size`` rows (the table's, else the server's option; fdwsh's default
  :data:`DEFAULT_BATCH_SIZE`, as postgres_fdw's default of 1 costs a round trip per row), at
  most 65535 parameters each.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from pglast import ast
from pglast.enums import OnConflictAction
from pglast.stream import RawStream

from fdwsh.errors import FdwshError, FeatureNotSupported
from fdwsh.exec.dml_generated import check_inserted
from fdwsh.exec.dml_notnull import checked_rows
from fdwsh.exec.dml_literals import literal_sink, rewrite_literals
from fdwsh.exec.dml_returning import Returning, command_result, prepare_returning
from fdwsh.exec.dml_relay import relayed_rows
from fdwsh.exec.dml_rows import check_types, default_node, local_rows
from fdwsh.exec.dml_target import (Row, Target, check_updatable, check_with, remote_text,
                                   resolve_target, send)
from fdwsh.output.result import Result
from fdwsh.sql.pstate import error

DEFAULT_BATCH_SIZE = 1000
MAX_PARAMS = 65535


@dataclass(slots=True)
class InsertPlan:
    """What an analysed INSERT sends: a remote INSERT … SELECT, or rows computed here."""

    target: Target
    on_conflict: ast.OnConflictClause | None
    returning: Returning | None
    #: The source as the target's server runs it (shipped), with the remote column list.
    shipped: ast.SelectStmt | None = None
    remote_columns: tuple[str, ...] = ()
    #: Full rows (every declared column, declared order) as the remote text sent.
    rows: Iterable[tuple[str | None, ...]] = ()
    #: The rows come from a SELECT: sent by COPY where nothing needs INSERTs (dml_copy).
    copy: bool = False

    def batch_size(self) -> int:
        option = self.target.table.option("batch_size")
        size = int(option) if option else DEFAULT_BATCH_SIZE
        return max(1, min(size, MAX_PARAMS // max(1, len(self.target.sent))))

    def remote_insert(self, source: ast.SelectStmt, columns: tuple[str, ...]) -> str:
        """``INSERT INTO remote_table (columns) source [ON CONFLICT DO NOTHING] [RETURNING …]``."""
        stmt = ast.InsertStmt(
            relation=self.target.remote_relation(),
            cols=tuple(ast.ResTarget(name=c) for c in columns), selectStmt=source,
            onConflictClause=self.on_conflict, override=0,
            returningClause=self.returning.remote_clause() if self.returning else None)
        return RawStream()(stmt)

    def values_sql(self, rows: int) -> str:
        """The batched statement for ``rows`` rows of parameters."""
        sent = self.target.sent
        width = len(sent)
        lists = tuple(tuple(ast.ParamRef(number=r * width + i + 1) for i in range(width))
                      for r in range(rows))
        source = ast.SelectStmt(valuesLists=lists, limitOption=0, op=0)
        return self.remote_insert(source, tuple(self.target.columns[i].column.remote_name
                                                for i in sent))


def run_insert(stmt: ast.InsertStmt, ctx: Any) -> Result:
    """Analyse, check and run an INSERT on a foreign table."""
    return execute_plan(plan_insert(stmt, ctx), ctx, stmt)


def execute_plan(plan: InsertPlan, ctx: Any, stmt: ast.InsertStmt) -> Result:
    """Run an analysed INSERT (EXPLAIN ANALYZE runs it too)."""
    check_updatable(plan.target, "insert")
    conn = ctx.remote().get(plan.target.table.server)
    count = (_run_shipped(conn, plan, stmt, ctx) if plan.shipped is not None
             else _run_batched(conn, plan))
    conn.modified = True
    return command_result(f"INSERT 0 {count}", plan.returning)


def plan_insert(stmt: ast.InsertStmt, ctx: Any) -> InsertPlan:
    """Analyse the statement (every error PostgreSQL's parser raises comes from here)."""
    stmt = _with_in_source(stmt)
    if stmt.override:
        raise FeatureNotSupported("OVERRIDING in INSERT on a foreign table is not supported")
    target = resolve_target(stmt, ctx)
    listed = _listed_columns(stmt, target)
    plan = InsertPlan(target, None, None)
    source = _ShippedSource.of(stmt, target, listed, ctx) if _may_ship(stmt) else None
    if source is not None:
        plan.shipped, plan.remote_columns = source.tree, source.columns
    else:
        rows = relayed_rows(stmt, target, listed, ctx) or _texts(
            target, local_rows(stmt, target, listed, ctx))
        plan.rows = _sent(target, checked_rows(target, rows, ctx))
    plan.on_conflict = _on_conflict(stmt)
    plan.returning = prepare_returning(stmt.returningClause, target, ctx)
    if source is None and stmt.selectStmt is not None and not stmt.selectStmt.valuesLists:
        from fdwsh.exec.dml_copy import may_copy

        plan.copy = may_copy(stmt.selectStmt, target, plan.returning, plan.on_conflict, ctx)
    return plan


def _with_in_source(stmt: ast.InsertStmt) -> ast.InsertStmt:
    """``WITH … INSERT … SELECT`` as ``INSERT … WITH … SELECT``: the WITH only feeds the source
    (both spellings mean the same; the second is what runs remotely or here)."""
    if stmt.withClause is None:
        return stmt
    check_with(stmt.withClause)
    moved = copy.copy(stmt)
    moved.withClause = None
    if stmt.selectStmt is not None:
        if stmt.selectStmt.withClause is not None:
            raise FeatureNotSupported("WITH on both an INSERT and its SELECT is not supported "
                                      "with foreign tables")
        moved.selectStmt = copy.copy(stmt.selectStmt)
        moved.selectStmt.withClause = stmt.withClause
    return moved


def _listed_columns(stmt: ast.InsertStmt, target: Target) -> list[int]:
    """The target columns in statement order (all of them without a column list)."""
    if not stmt.cols:
        return list(range(len(target.columns)))
    return target.named_columns(stmt.cols, "INSERT", lambda item: error(
        f'column "{item.name}" specified more than once', "42701", item.location))


def _on_conflict(stmt: ast.InsertStmt) -> ast.OnConflictClause | None:
    """ON CONFLICT DO NOTHING without a conflict target is all a foreign table allows."""
    clause = stmt.onConflictClause
    if clause is None:
        return None
    if clause.action == OnConflictAction.ONCONFLICT_UPDATE and clause.infer is None:
        raise error("ON CONFLICT DO UPDATE requires inference specification or constraint name",
                    "42601", clause.location, hint="For example, ON CONFLICT (column_name).")
    if clause.infer is not None or clause.action != OnConflictAction.ONCONFLICT_NOTHING:
        raise FdwshError("there is no unique or exclusion constraint matching the ON CONFLICT "
                         "specification", sqlstate="42P10")
    return ast.OnConflictClause(action=OnConflictAction.ONCONFLICT_NOTHING, location=-1)


def _texts(target: Target, rows: Iterable[Row]) -> Iterator[tuple[str | None, ...]]:
    """Rows of values as the remote text they are sent as."""
    texts = [remote_text(c) for c in target.columns]
    for row in rows:
        yield tuple(text(v) for text, v in zip(texts, row))


def _sent(target: Target, rows: Iterable[tuple[str | None, ...]]
          ) -> Iterable[tuple[str | None, ...]]:
    """Full rows cut to the columns an INSERT sends (no generated column)."""
    sent = target.sent
    if len(sent) == len(target.columns):
        return rows
    return (tuple(row[i] for i in sent) for row in rows)


def _run_batched(conn: Any, plan: InsertPlan) -> int:
    if plan.copy:
        from fdwsh.exec.dml_copy import copy_rows

        copied = copy_rows(conn, plan.target, plan.rows)
        if copied is not None:
            return copied
    size, count = plan.batch_size(), 0
    sql_by_rows: dict[int, str] = {}
    rows = iter(plan.rows)
    while chunk := list(itertools.islice(rows, size)):
        params = [v for row in chunk for v in row]
        sql = sql_by_rows.get(len(chunk)) or sql_by_rows.setdefault(len(chunk),
                                                                    plan.values_sql(len(chunk)))
        count += send(conn, sql, params, plan.returning)
    return count


# -- shipped whole ------------------------------------------------------------------------------


def _may_ship(stmt: ast.InsertStmt) -> bool:
    """A plain SELECT source (no VALUES, set operation, DISTINCT or WITH) may be shipped: the
    columns it leaves out are added to its own select list."""
    select = stmt.selectStmt
    return (isinstance(select, ast.SelectStmt) and select.op == 0 and not select.valuesLists
            and not select.distinctClause
            and not select.lockingClause and select.fromClause is not None)


@dataclass(slots=True)
class _ShippedSource:
    """The source SELECT as the target's server runs it, completed to every column."""

    tree: ast.SelectStmt
    columns: tuple[str, ...]

    @classmethod
    def of(cls, stmt: ast.InsertStmt, target: Target, listed: list[int], ctx: Any
           ) -> _ShippedSource | None:
        from fdwsh.plan.shippable import unshippable_reasons
        from fdwsh.remote.deparse import remote_tree
        from fdwsh.sql.bind import bind_relations

        select = stmt.selectStmt
        bound = bind_relations(select, ctx.lookup())
        if any(r.table.server_id != target.table.server_id for r in bound.relations):
            return None
        if unshippable_reasons(select) or not _declared_as_remote(bound, ctx):
            return None
        typed = literal_sink(ctx)  # date/time literals must then be typed (dml_literals)
        width = _source_width(stmt, listed) if typed is None else None
        listed = width or check_types(stmt, target, list(listed), ctx, typed)
        check_inserted(target, listed)
        if typed:
            rewrite_literals(select, target, typed)
        missing = [c for i, c in enumerate(target.columns)
                   if i not in listed and not c.column.generated]
        defaults = [default_node(c) if c.column.default else None for c in missing]
        if any(d is not None and unshippable_reasons(d) for d in defaults):
            return None
        tree = remote_tree(bound)
        tree.targetList = tuple(tree.targetList) + tuple(
            ast.ResTarget(val=copy.deepcopy(d) if d is not None else
                          ast.A_Const(isnull=True, val=None)) for d in defaults)
        names = [target.columns[i].column.remote_name for i in listed]
        names += [c.column.remote_name for c in missing]
        return cls(tree, tuple(names))


def _declared_as_remote(bound: Any, ctx: Any) -> bool:
    """Whether every column the source reads is declared with its remote type: else the
    remote would read it otherwise than PostgreSQL, through the declared type's input."""
    if not bound.relations:
        return True
    from fdwsh.exec.partial_agg import remote_column_types
    from fdwsh.pgtypes import parse_type
    from fdwsh.remote.deparse import column_names_used

    use = column_names_used(bound.stmt)
    aliases = {ref.alias for ref in bound.relations}
    describe = remote_column_types(ctx)
    for ref in bound.relations:
        names = use.columns_for(ref.alias, aliases)
        names = [c.name for c in ref.table.columns if names is None or c.name in names]
        remote = describe(ref, names) if names else {}
        for column in ref.table.columns:
            declared = parse_type(column.type)
            if column.name in remote and remote[column.name] != (declared.type.oid,
                                                                declared.typmod):
                return False
    return True


def _source_width(stmt: ast.InsertStmt, listed: list[int]) -> list[int] | None:
    """The columns a source without ``*`` gives values for, when that is plain from the
    statement (its types are then checked only if the remote refuses it: see _run_shipped)."""
    targets = stmt.selectStmt.targetList or ()
    if any(isinstance(t.val, ast.ColumnRef) and isinstance(t.val.fields[-1], ast.A_Star)
           for t in targets):
        return None
    if len(targets) > len(listed) or (stmt.cols and len(targets) < len(listed)):
        return None
    return listed[:len(targets)]


def _run_shipped(conn: Any, plan: InsertPlan, stmt: ast.InsertStmt, ctx: Any) -> int:
    """Send the remote INSERT … SELECT.  When the remote refuses it for a reason PostgreSQL's
    parser would have found here (class 42 or 22: a type mismatch, a bad literal), the
    source is analysed here and that error, with its cursor position, is reported instead."""
    assert plan.shipped is not None
    sql = plan.remote_insert(plan.shipped, plan.remote_columns)
    try:
        _probe_shipped(conn, plan, ctx)
        return send(conn, sql, [], plan.returning)
    except FdwshError as err:
        if not err.sqlstate.startswith(("42", "22")):
            raise
        listed = _listed_columns(stmt, plan.target)
        check_types(stmt, plan.target, listed, ctx)
        raise


def _probe_shipped(conn: Any, plan: InsertPlan, ctx: Any) -> None:
    """NOT NULL of the rows the remote computes: its first row with NULL in a NOT NULL column
    is asked for first (a non-null literal needs no asking)."""
    from fdwsh.exec.dml_notnull import may_be_null, probe, required, run_probe

    target, names = plan.target, plan.remote_columns
    checked = set(required(target))
    by_name = {c.column.remote_name: i for i, c in enumerate(target.columns)}
    order = [by_name[n] for n in names]
    items = plan.shipped.targetList if plan.shipped is not None else ()
    literal = len(items) == len(names) and not any(
        isinstance(t.val, ast.ColumnRef) and isinstance(t.val.fields[-1], ast.A_Star)
        for t in items)
    values = [ast.ColumnRef(fields=(ast.String(sval="fdwsh_src"), ast.String(sval=f"c{k}")))
              for k in range(len(names))]
    tested = [values[k] for k, i in enumerate(order)
              if i in checked and (not literal or may_be_null(items[k].val))]
    if not tested:
        return
    source = ast.RangeSubselect(lateral=False, subquery=plan.shipped, alias=ast.Alias(
        aliasname="fdwsh_src", colnames=tuple(ast.String(sval=f"c{k}")
                                              for k in range(len(names)))))
    run_probe(conn, probe(values, tested, (source,)), [], target, order, ctx)
