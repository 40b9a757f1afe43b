"""Analysis of one query level that reads no foreign table: SELECT without FROM (or FROM
sub-queries, VALUES lists and functions), VALUES itself, and their WHERE / ORDER BY / LIMIT /
OFFSET.  Set-returning calls in the select list expand rows as PostgreSQL's ProjectSet does
(:mod:`fdwsh.exec.srf`), after WHERE and before DISTINCT / ORDER BY / LIMIT.

The result is a :class:`LocalRelation`: typed output columns and materialised rows (these
queries are small), computed by a function that can run again: a sub-SELECT in an expression
is analysed and compiled once and re-run when the outer values it reads change
(``_subquery``, :mod:`fdwsh.exec.sublink`).  Transformation follows parse_clause.c/analyze.c of PostgreSQL 15: output
names (FigureColname, ``columnN`` for VALUES), unknown literals resolved to text, ORDER BY by
output name or position first, then by expression; LIMIT/OFFSET coerced to bigint.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from pglast import ast
from pglast.enums import SetOperation

from fdwsh.exec.eval import EvalContext, compile_expr
from fdwsh.exec.fold import fold_constants
from fdwsh.exec.sorting import SortSpec, sort_rows, transform_sort_clause
from fdwsh.exec.srf import contains_srf, plan_project_set
from fdwsh.sql import ir
from fdwsh.sql import oids as T
from fdwsh.sql.coerce import (IMPLICIT, coerce_to_boolean, coerce_to_common_type,
                              coerce_to_specific_type, coerce_type, select_common_type,
                              select_common_typmod)
from fdwsh.sql.pstate import ParseState, error
from fdwsh.sql.typecheck import figure_colname, transform_expr


@dataclass(slots=True)
class OutputColumn:
    name: str
    type: int
    typmod: int = -1


class LocalRelation:
    """Rows of Python values with their typed columns (one query level's result).

    ``produce()`` computes the rows, anew at each call: a correlated sub-query's rows depend
    on the outer values on ``EvalContext.outer_rows`` then.  ``rows`` is its result, computed
    when first read (or given, for a relation computed otherwise).  ``stream()``, where the
    level can give them so, yields the rows once as they are computed, without keeping them
    (the top level of a query prints them that way, in bounded memory)."""

    __slots__ = ("columns", "exprs", "produce", "_rows", "streamer")

    def __init__(self, columns: list[OutputColumn], rows: list[tuple[Any, ...]] | None = None,
                 exprs: list[ir.Expr] | None = None,
                 produce: Callable[[], list[tuple[Any, ...]]] | None = None) -> None:
        self.columns = columns
        #: The expressions that computed each column (for set operations' type unification).
        self.exprs: list[ir.Expr] = exprs if exprs is not None else []
        self._rows = rows if rows is not None or produce is not None else []
        self.produce: Callable[[], list[tuple[Any, ...]]] = \
            produce if produce is not None else (lambda: self.rows)
        self.streamer: Callable[[], Iterator[tuple[Any, ...]]] | None = None

    def stream(self) -> Iterator[tuple[Any, ...]]:
        """The rows, once: computed as they are read where the level can, else all first."""
        if self._rows is None and self.streamer is not None:
            return self.streamer()
        return iter(self.rows)

    @property
    def rows(self) -> list[tuple[Any, ...]]:
        if self._rows is None:
            self._rows = self.produce()
        return self._rows

    @rows.setter
    def rows(self, value: list[tuple[Any, ...]]) -> None:
        self._rows = value


@dataclass(slots=True)
class _Frame:
    """A sub-SELECT being analysed: the outer values it reads (its SubPlan's ``args``)."""

    args: list[ir.Expr] = field(default_factory=list)
    slots: dict[Any, int] = field(default_factory=dict)

    def slot(self, key: Any, expr: ir.Expr) -> int:
        if key not in self.slots:
            self.slots[key] = len(self.args)
            self.args.append(expr)
        return self.slots[key]


@dataclass(slots=True)
class Analyzer:
    """Transforms and runs query levels with one ParseState and EvalContext."""

    ps: ParseState
    ctx: EvalContext
    #: The foreign-table scans the FROM items planned (:mod:`fdwsh.exec.from_foreign`).
    scans: list[Any] = field(default_factory=list)
    #: The column names the statement uses (fdwsh.remote.deparse.ColumnUse: which columns
    #: scans fetch), and the aliases of its foreign tables; None fetches every column.
    column_use: Any = None
    table_aliases: set[str] = field(default_factory=set)
    #: EXPLAIN without ANALYZE: scans are planned but never fetched (they read as empty).
    explain_only: bool = False
    #: What each foreign-table reference's scan sends (fdwsh.plan.scan_filters.ScanPlan).
    scan_plan: Any = None
    #: The statement's foreign-table references (fdwsh.sql.bind.RelationRef) by RangeVar id.
    relations: dict[int, Any] = field(default_factory=dict)
    #: The WITH clauses in scope (fdwsh.exec.ctes.CteScope), innermost last.
    ctes: list[Any] = field(default_factory=list)
    #: Levels eager aggregation rewrote (fdwsh.plan.eager_agg.EagerAggregation: what runs
    #: instead of them, and what EXPLAIN says of it).
    notes: list[Any] = field(default_factory=list)

    #: The sub-SELECTs being analysed, innermost last (see _subquery).
    _frames: list[_Frame] = field(default_factory=list, init=False)

    def __post_init__(self) -> None:
        self.ps.subquery = self._subquery

    def _subquery(self, stmt: ast.SelectStmt) -> tuple[list[tuple[str, int, int]], ir.SubPlan]:
        """Analyse a sub-SELECT now, in its own scope that sees the enclosing levels' columns:
        its columns and its SubPlan (rows computed on demand from the outer values)."""
        ps = self.ps
        saved = ps.columns
        kind, last_srf = ps.expr_kind, ps.last_srf  # its own ParseState's
        frame = _Frame()
        ps.outer_columns.append(self._outer_resolver(saved, len(self._frames)))
        self._frames.append(frame)
        ps.columns = None
        try:
            rel = self.run(stmt)
        finally:
            ps.columns = saved
            ps.expr_kind, ps.last_srf = kind, last_srf
            ps.outer_columns.pop()
            self._frames.pop()
        columns = [(c.name, c.type, c.typmod) for c in rel.columns]
        return columns, ir.SubPlan(rel.produce, tuple(frame.args))

    def _outer_resolver(self, resolver: Callable[[list[str], int], ir.Expr | None] | None,
                        level: int) -> Callable[[list[str], int], ir.Expr | None]:
        """``resolver`` (the level holding sub-SELECT ``level``) as seen from inside it."""
        def resolve(names: list[str], location: int) -> ir.Expr | None:
            found = resolver(names, location) if resolver is not None else None
            return None if found is None else self._outer_reference(found, level, location)
        return resolve

    def _outer_reference(self, found: ir.Expr, level: int, location: int) -> ir.OuterVar:
        """An outer column read ``len(_frames) - level`` sub-SELECTs in: an argument of the
        sub-SELECT held by its level, which each sub-SELECT between also passes (as a cache
        key: it must re-run when the value changes)."""
        key = ("var", found.index) if isinstance(found, ir.Var) else ("expr", id(found))
        slot = self._frames[level].slot(key, found)
        name = found.name if isinstance(found, ir.Var) else ""
        for up, frame in enumerate(self._frames[level + 1:], start=1):
            frame.slot(("outer", level, slot),
                       ir.OuterVar(up, slot, found.type, found.typmod, name, location))
        return ir.OuterVar(len(self._frames) - level, slot, found.type, found.typmod, name,
                           location)

    # -- entry ------------------------------------------------------------------------------

    def run(self, stmt: ast.SelectStmt, resolve_unknowns: bool = True) -> LocalRelation:
        """The query level's result: fetched whole from one server when one can run it
        (:mod:`fdwsh.exec.remote_fragment`), else evaluated here."""
        original = stmt
        if self.notes:
            from fdwsh.exec.partial_agg import level_to_run
            stmt = level_to_run(self, stmt)
        if self.relations:
            from fdwsh.exec.remote_fragment import run_remotely
            remote = run_remotely(self, stmt, resolve_unknowns, original)
            if remote is None:  # two servers: one may run it after a copy (data shipping)
                from fdwsh.exec.ship import run_shipped
                remote = run_shipped(self, stmt, resolve_unknowns)
            if remote is not None:
                return remote
        return self.run_here(stmt, resolve_unknowns)

    def run_here(self, stmt: ast.SelectStmt, resolve_unknowns: bool = True) -> LocalRelation:
        if stmt.withClause is not None:
            from fdwsh.exec.ctes import with_scope
            with with_scope(self, stmt.withClause):
                return self._run_level(stmt, resolve_unknowns)
        return self._run_level(stmt, resolve_unknowns)

    def _run_level(self, stmt: ast.SelectStmt, resolve_unknowns: bool) -> LocalRelation:
        """The query level without its WITH clause (whose items are in scope)."""
        if stmt.op != SetOperation.SETOP_NONE:
            from fdwsh.exec.setops import run_set_operation
            rel = run_set_operation(self, stmt)
            return self._finish(stmt, rel, set_operation=True)
        if stmt.valuesLists:
            rel = self.values(stmt.valuesLists)
            return self._finish(stmt, rel)
        return self.select(stmt, resolve_unknowns)

    # -- VALUES ---------------------------------------------------------------------------------

    def values(self, lists: Any) -> LocalRelation:
        """transformValuesClause(): rows of expressions, each column unified."""
        with expr_kind(self.ps, "VALUES"):
            rows = [[transform_expr(self.ps, e) for e in sub] for sub in lists]
        width = len(rows[0])
        for row in rows[1:]:
            if len(row) != width:
                raise error("VALUES lists must all be the same length", "42601",
                            ir.expr_location(row[0]))
        columns: list[OutputColumn] = []
        for i in range(width):
            col = [row[i] for row in rows]
            ctype = select_common_type(col, "VALUES")
            for row in rows:
                row[i] = coerce_to_common_type(self.ps, row[i], ctype, "VALUES")
            columns.append(OutputColumn(f"column{i + 1}", ctype,
                                        select_common_typmod([r[i] for r in rows], ctype)))
        fns = [[compile_expr(fold_constants(e, self.ctx), self.ctx) for e in row]
               for row in rows]
        return LocalRelation(columns, None, [r for r in rows[0]],
                             lambda: [tuple(fn(()) for fn in row) for row in fns])

    def evaluate_all(self, exprs: list[ir.Expr], row: tuple[Any, ...]) -> list[Any]:
        return [compile_expr(fold_constants(e, self.ctx), self.ctx)(row) for e in exprs]

    # -- SELECT ---------------------------------------------------------------------------------

    def select(self, stmt: ast.SelectStmt, resolve_unknowns: bool = True) -> LocalRelation:
        for clause, what in ((stmt.lockingClause, "FOR UPDATE"),
                             (stmt.intoClause, "SELECT INTO")):
            if clause:
                raise error(f"{what} is not supported locally", "0A000")
        source = self.from_clause(stmt.fromClause or ())
        self.ps.columns = source.resolver
        from fdwsh.exec.window import plan_windows
        from fdwsh.sql.typecheck_window import window_scope
        with window_scope(self.ps, stmt.windowClause) as window_defs:
            with expr_kind(self.ps, "SELECT"):
                targets = self.targets(stmt.targetList or (), source, resolve_unknowns)
            where = None
            if stmt.whereClause is not None:
                with expr_kind(self.ps, "WHERE"):
                    where = coerce_to_boolean(self.ps, transform_expr(self.ps,
                                                                      stmt.whereClause), "WHERE")
                if self.scan_plan is not None:
                    from fdwsh.plan.scan_filters import without_pushed
                    where = without_pushed(stmt.whereClause, where, self.scan_plan.where_pushed)
                if source.use_where is not None:
                    source.use_where(where)
            from fdwsh.exec.hashagg import plan_grouped_select, transform_having
            having = transform_having(self.ps, stmt.havingClause)
            with expr_kind(self.ps, "ORDER BY"):
                specs = transform_sort_clause(self.ps, stmt.sortClause or (), targets, False)
            specs, distinct = self._distinct(stmt, targets, specs)
            # WindowAgg: the windows' input is what the steps below compute
            windows = plan_windows(self, window_defs, stmt.groupClause, targets, specs)
        below, below_specs = (windows.inputs, []) if windows is not None else (targets, specs)
        grouped = plan_grouped_select(self, stmt, source, below, having, below_specs)
        limit, offset = self.limits(stmt)
        evaluate = grouped.evaluator(self, source.rows, where) if grouped is not None else \
            self._evaluate(source.rows, below, where, below_specs)
        if windows is not None:
            evaluate = windows.evaluator(self, evaluate)
        from fdwsh.exec.plan_tree import level_hooks  # EXPLAIN's nodes (no-ops otherwise)
        hooks = level_hooks(self, stmt, source, where, grouped, windows, specs, limit, offset,
                            len(targets))
        evaluate, distinct = hooks.evaluate(evaluate), hooks.distinct(distinct)

        def produce() -> list[tuple[Any, ...]]:
            rows = distinct(evaluate())
            rows = hooks.sort(rows)
            return _slice([r[:len(targets)] for r in rows], offset, limit)
        columns = [OutputColumn(name, e.type, e.typmod) for name, e in targets]
        relation = LocalRelation(columns, None, [e for _, e in targets], hooks.output(produce))
        if source.stream is not None and grouped is None and windows is None \
                and not stmt.distinctClause and not any(contains_srf(e) for _, e in below):
            from fdwsh.exec.streams import level_stream
            relation.streamer = level_stream(self._evaluate(source.stream, below, where, specs),
                                             specs, len(targets), offset, limit)
        return relation

    def targets(self, target_list: Any, source: FromSource, resolve_unknowns: bool
                ) -> list[tuple[str, ir.Expr]]:
        out: list[tuple[str, ir.Expr]] = []
        for res in target_list:
            val = res.val
            if isinstance(val, ast.ColumnRef) and isinstance(val.fields[-1], ast.A_Star):
                out.extend(source.expand_star(val))
                continue
            expr = transform_expr(self.ps, val)
            if resolve_unknowns and expr.type == T.UNKNOWN:
                expr = coerce_type(self.ps, expr, T.TEXT, -1, IMPLICIT, ir.IMPLICIT_CAST, -1)
            out.append((res.name or figure_colname(val), expr))
        return out

    def limits(self, stmt: ast.SelectStmt) -> tuple[int | None, int | None]:
        return (self._limit(stmt.limitCount, "LIMIT"), self._limit(stmt.limitOffset, "OFFSET"))

    def _limit(self, node: ast.Node | None, what: str) -> int | None:
        """transformLimitClause(): a bigint expression without variables; negative fails."""
        if node is None:
            return None
        saved, self.ps.columns = self.ps.columns, None
        try:
            with expr_kind(self.ps, what):
                expr = coerce_to_specific_type(self.ps, transform_expr(self.ps, node), T.INT8,
                                               what)
        finally:
            self.ps.columns = saved
        value = compile_expr(fold_constants(expr, self.ctx), self.ctx)(())
        if value is not None and value < 0:
            raise error(f"{what} must not be negative", "2201W" if what == "LIMIT" else "2201X")
        return value

    def _evaluate(self, source_rows: list[tuple[Any, ...]], targets: list[tuple[str, ir.Expr]],
                  where: ir.Expr | None, specs: list[SortSpec]
                  ) -> Callable[[], list[tuple[Any, ...]]]:
        """WHERE, set-returning calls, the select list and ORDER BY expressions compiled
        once; the function returned evaluates them over the FROM rows at each call."""
        exprs = [fold_constants(e, self.ctx) for e in
                 [e for _, e in targets] + [s.expr for s in specs if s.resjunk]]
        test = compile_expr(fold_constants(where, self.ctx), self.ctx) if where is not None \
            else None
        project_set = None
        if any(contains_srf(e) for e in exprs):
            width = len(source_rows[0]) if source_rows else 0
            project_set, exprs = plan_project_set(exprs, width, self.ctx)
        fns = [compile_expr(e, self.ctx) for e in exprs]

        def evaluate() -> Any:
            rows = source_rows() if callable(source_rows) else source_rows
            rows = (row for row in rows if test is None or test(row))
            if project_set is not None:
                rows = project_set.expand(rows)
            computed = (tuple(fn(row) for fn in fns) for row in rows)
            return computed if callable(source_rows) else list(computed)
        return evaluate

    def _distinct(self, stmt: ast.SelectStmt, targets: list[tuple[str, ir.Expr]],
                  specs: list[SortSpec]
                  ) -> tuple[list[SortSpec], Callable[[list[tuple[Any, ...]]],
                                                      list[tuple[Any, ...]]]]:
        """DISTINCT [ON]: the sort items (DISTINCT ON adds its own) and the function that
        keeps the wanted rows of the evaluated ones (:mod:`fdwsh.exec.distinct`)."""
        from fdwsh.exec.distinct import plan_distinct
        return plan_distinct(self, stmt.distinctClause, targets, specs)

    def _finish(self, stmt: ast.SelectStmt, rel: LocalRelation, set_operation: bool = False
                ) -> LocalRelation:
        """ORDER BY / LIMIT / OFFSET on a VALUES list or a set operation's result."""
        targets = [(c.name, ir.Var(i, c.type, c.typmod, c.name)) for i, c in
                   enumerate(rel.columns)]
        resolver = _output_resolver(rel.columns)
        self.ps.columns = resolver
        with expr_kind(self.ps, "ORDER BY"):
            specs = transform_sort_clause(self.ps, stmt.sortClause or (), targets,
                                          set_operation)
        for spec in specs:
            if contains_srf(spec.expr):
                raise error("set-returning functions in the ORDER BY of VALUES are not "
                            "supported locally", "0A000", ir.expr_location(spec.expr))
        limit, offset = self.limits(stmt)
        extra = [compile_expr(s.expr, self.ctx) for s in specs if s.resjunk]
        width = len(targets)

        def produce() -> list[tuple[Any, ...]]:
            rows = rel.produce()
            if specs:
                rows = [r + tuple(fn(r) for fn in extra) for r in rows] if extra else rows
                rows = [r[:width] for r in sort_rows(rows, specs, width)]
            return _slice(rows, offset, limit)
        return LocalRelation(rel.columns, None, rel.exprs, produce)

    # -- FROM -----------------------------------------------------------------------------------

    def from_clause(self, items: Any) -> FromSource:
        from fdwsh.exec.local_from import build_from
        return build_from(self, items)


@dataclass(slots=True)
class FromSource:
    """The rows a FROM clause produces and how names resolve against them."""

    rows: list[tuple[Any, ...]]
    resolver: Callable[[list[str], int], ir.Expr | None] | None
    expand_star: Callable[[ast.ColumnRef], list[tuple[str, ir.Expr]]]
    #: Hands the query level's WHERE condition to the FROM clause (its equalities between
    #: comma-listed items become hash joins), None when there is nothing to join.
    use_where: Callable[[ir.Expr | None], None] | None = None
    #: The rows once, fetched from the remote as they arrive, where one foreign table is
    #: all the clause reads (None: read ``rows``, which keeps them).
    stream: Callable[[], Iterator[tuple[Any, ...]]] | None = None


@contextmanager
def expr_kind(ps: ParseState, kind: str) -> Iterator[None]:
    """Transform under ``kind`` (what set-returning calls are checked against)."""
    saved, ps.expr_kind = ps.expr_kind, kind
    try:
        yield
    finally:
        ps.expr_kind = saved


def _output_resolver(columns: list[OutputColumn]) -> Callable[[list[str], int], ir.Expr | None]:
    def resolve(names: list[str], location: int) -> ir.Expr | None:
        if len(names) != 1:
            return None
        for i, c in enumerate(columns):
            if c.name == names[0]:
                return ir.Var(i, c.type, c.typmod, c.name, location)
        return None
    return resolve


def _slice(rows: list[Any], offset: int | None, limit: int | None) -> list[Any]:
    start = offset or 0
    if limit is None:
        return rows[start:]
    return list(itertools.islice(rows, start, start + limit))
