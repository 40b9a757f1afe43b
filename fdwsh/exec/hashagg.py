"""Grouped query levels: hash aggregation over grouping sets (PostgreSQL's Agg node).

:func:`plan_grouped_select` decides whether a SELECT aggregates (an aggregate call, GROUP BY
or HAVING), transforms its GROUP BY and maps the select list, HAVING and ORDER BY onto the
grouped row (:mod:`fdwsh.sql.typecheck_group`).  :meth:`GroupedSelect.rows` streams the
input once: each row that passes WHERE is hashed into one group per grouping set (keys hash
as PostgreSQL's equality compares: numeric 1.0 and 1.00 are one group, NULLs one group) and
folded into that group's aggregate states.  Only aggregates with DISTINCT or ORDER BY keep
their input values.  A grouping set without columns (no GROUP BY at all, or ``()``) yields
its one row even over no input.  Groups come out in no particular order; the caller's
HAVING, select list, DISTINCT, ORDER BY and LIMIT then run over the grouped rows.  Past
WORK_MEM new groups spill to partition files (:mod:`fdwsh.exec.spill_agg`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pglast import ast

from fdwsh.errors import FdwshError
from fdwsh.exec.aggregate import Aggregate, build_aggregate
from fdwsh.exec.eval import EvalContext, compile_expr
from fdwsh.exec.fn_compare import sort_key
from fdwsh.exec.fold import fold_constants
from fdwsh.exec.setops import row_key_function
from fdwsh.exec.sorting import SortSpec, sort_rows
from fdwsh.exec.spill import SpillStats
from fdwsh.exec.spill_agg import hash_groups
from fdwsh.sql import ir
from fdwsh.sql.coerce import coerce_to_boolean
from fdwsh.sql.pstate import ParseState
from fdwsh.sql.typecheck import transform_expr
from fdwsh.sql.typecheck_agg import Aggref, clause, first_aggregate
from fdwsh.sql.typecheck_group import GroupingRewriter, GroupingSet, transform_group_clause

if TYPE_CHECKING:
    from fdwsh.exec.local_select import Analyzer, FromSource

Row = tuple[Any, ...]
Targets = list[tuple[str, ir.Expr]]


def transform_having(ps: ParseState, node: ast.Node | None) -> ir.Expr | None:
    """transformWhereClause(EXPR_KIND_HAVING)."""
    if node is None:
        return None
    with clause(ps, "HAVING"):
        return coerce_to_boolean(ps, transform_expr(ps, node), "HAVING")


# ---------------------------------------------------------------------------------------------
# one aggregate call: arguments, FILTER, DISTINCT, ORDER BY


class AggCall:
    """An aggregate call evaluated over input rows, around its :class:`Aggregate` spec.

    A plain call folds each row into the spec's state; with DISTINCT or ORDER BY the state is
    the list of argument (and sort key) values, sorted, de-duplicated and fed to the spec at
    the end."""

    def __init__(self, node: Aggref, ctx: EvalContext) -> None:
        self.spec: Aggregate = build_aggregate(node.func, [a.type for a in node.args], ctx)
        self.args = [_compile(a, ctx) for a in node.args]
        #: The input slot of a lone column argument (None: an expression or none).
        self.slot = node.args[0].index if len(node.args) == 1 and \
            type(node.args[0]) is ir.Var else None
        self.filter = _compile(node.filter, ctx) if node.filter is not None else None
        self.distinct = node.distinct
        self.order = [_compile(o.expr, ctx) for o in node.order]
        self.collect = bool(node.distinct or node.order)
        n = len(node.args)
        self.sort = [SortSpec(n + i, o.expr, o.descending, o.nulls_first, False,
                              sort_key(o.expr.type if o.expr.type != ir.UNKNOWN_OID
                                       else ir.TEXT_OID))
                     for i, o in enumerate(node.order)]
        if node.distinct:  # the arguments settle the order among equal ORDER BY keys
            self.sort += [SortSpec(i, a, False, False, False, _key(a.type))
                          for i, a in enumerate(node.args)]
            self.key = row_key_function([a.type for a in node.args])

    def new_state(self) -> Any:
        return [] if self.collect else self.spec.init()

    def accumulate(self, state: Any, row: Row) -> Any:
        """The state after ``row`` (unchanged when FILTER rejects it or, for a strict
        aggregate, an argument is NULL)."""
        if self.filter is not None and not self.filter(row):
            return state
        values = tuple(arg(row) for arg in self.args)
        if self.spec.strict and None in values:
            return state
        if self.collect:
            state.append(values + tuple(o(row) for o in self.order))
            return state
        return self.spec.step(state, *values)

    def stepper(self) -> Callable[[Any, Row], Any]:
        """:meth:`accumulate` specialised once for this call: without FILTER, DISTINCT or
        ORDER BY and with at most one argument (most calls), the checks it makes per row
        are settled here, and a column argument is read straight from its slot."""
        if self.filter is not None or self.collect or len(self.args) > 1:
            return self.accumulate
        step, strict = self.spec.step, self.spec.strict
        if not self.args:
            return lambda state, row: step(state)
        (arg,) = self.args
        if self.slot is not None:
            slot = self.slot
            if strict:
                return lambda state, row: state if row[slot] is None else step(state, row[slot])
            return lambda state, row: step(state, row[slot])
        if strict:
            def strict_step(state: Any, row: Row) -> Any:
                value = arg(row)
                return state if value is None else step(state, value)
            return strict_step
        return lambda state, row: step(state, arg(row))

    def finish(self, state: Any) -> Any:
        if not self.collect:
            return self.spec.final(state)
        rows = sort_rows(state, self.sort, 0)
        spec, n = self.spec, len(self.args)
        result = spec.init()
        previous: Any = _NOTHING
        for row in rows:
            values = row[:n]
            if self.distinct:
                k = self.key(values)
                if k == previous:
                    continue
                previous = k
            result = spec.step(result, *values)
        return spec.final(result)


_NOTHING = object()


def _key(oid: int) -> Callable[[Any], Any] | None:
    return sort_key(oid if oid != ir.UNKNOWN_OID else ir.TEXT_OID)


def _compile(expr: ir.Expr, ctx: EvalContext) -> Callable[[Row], Any]:
    return compile_expr(fold_constants(expr, ctx), ctx)


# ---------------------------------------------------------------------------------------------
# the grouped query level


@dataclass(slots=True)
class GroupedSelect:
    """A grouped query level: the grouping, its aggregates, and the select list, HAVING and
    ORDER BY over the grouped row (grouping keys, aggregate results, GROUPING() values)."""

    keys: list[ir.Expr]
    sets: list[GroupingSet]
    aggs: list[Aggref]
    groupings: list[tuple[int, ...]]
    targets: Targets
    having: ir.Expr | None
    specs: list[SortSpec]

    width: int
    #: Batches, memory and disk the hash tables used (EXPLAIN ANALYZE).
    stats: SpillStats = dataclasses.field(default_factory=SpillStats)

    def evaluator(self, an: Analyzer, source_rows: Iterable[Row], where: ir.Expr | None
                  ) -> Callable[[], list[Row]]:
        """Compiled once; the function returned computes the level's rows (select list and
        ORDER BY columns, not yet sorted) at each call, as ``Analyzer._evaluate`` does."""
        aggregate = self.aggregator(an.ctx, where)
        grouped: list[Row] = [(None,) * self.width]  # the row width the compiler plans for
        project = an._evaluate(grouped, self.targets, self.having, self.specs)

        def evaluate() -> list[Row]:
            grouped[:] = aggregate(source_rows)
            return project()
        return evaluate

    def aggregator(self, ctx: EvalContext, where: ir.Expr | None
                   ) -> Callable[[Iterable[Row]], list[Row]]:
        """The grouped rows of the input rows that pass ``where``."""
        test = _compile(where, ctx) if where is not None else None
        key_fns = [_compile(k, ctx) for k in self.keys]
        calls = [AggCall(a, ctx) for a in self.aggs]
        hashers = [_set_hasher(self.keys, s) for s in self.sets]
        return lambda rows: self._aggregate(rows, test, key_fns, calls, hashers)

    def _aggregate(self, source_rows: Iterable[Row], test: Callable[[Row], Any] | None,
                   key_fns: list[Callable[[Row], Any]], calls: list[AggCall],
                   hashers: list[Callable[[list[Any]], Any]]) -> list[Row]:
        rows = source_rows if test is None else (row for row in source_rows if test(row))
        return [out for index, table in hash_groups(rows, key_fns, calls, hashers, self.stats)
                for out in self._emit(self.sets[index], table, calls)]

    def _emit(self, gset: GroupingSet, table: dict[Any, tuple[list[Any], list[Any]]],
              calls: list[AggCall]) -> Iterable[Row]:
        if not table and not gset:  # an empty grouping set has its row even with no input
            table = {(): ([None] * len(self.keys), [c.new_state() for c in calls])}
        members = set(gset)
        flags = tuple(_grouping_value(refs, members) for refs in self.groupings)
        for values, states in table.values():
            keys = tuple(v if i in members else None for i, v in enumerate(values))
            yield keys + tuple(c.finish(st) for c, st in zip(calls, states)) + flags


def _set_hasher(keys: list[ir.Expr], gset: GroupingSet) -> Callable[[list[Any]], Any]:
    """The hash key of a group of the set from the values of all grouping expressions."""
    members = sorted(set(gset))
    types = [keys[i].type for i in members]
    key = row_key_function(types)  # raises for a type without an equality
    if not all(_hashes_as_is(t) for t in types):
        return lambda values: key(tuple(values[i] for i in members))
    if members == list(range(len(keys))):  # the common case: the values are the key
        return tuple
    return lambda values: tuple(values[i] for i in members)


def _hashes_as_is(oid: int) -> bool:
    """Whether values of ``oid`` that are equal are equal Python values (row_key_function
    would leave them as they are)."""
    return sort_key(oid if oid != ir.UNKNOWN_OID else ir.TEXT_OID) is None


def _grouping_value(refs: tuple[int, ...], members: set[int]) -> int:
    """GROUPING(a, b, ...): bit n-1-i set when argument i is not grouped in this set."""
    n = len(refs)
    return sum(1 << (n - 1 - i) for i, ref in enumerate(refs) if ref not in members)


# ---------------------------------------------------------------------------------------------
# planning


def plan_grouped_select(an: Analyzer, stmt: ast.SelectStmt, source: FromSource,
                        targets: Targets, having: ir.Expr | None, specs: list[SortSpec]
                        ) -> GroupedSelect | None:
    """parseCheckAggregates(): None for a query level that does not aggregate."""
    junk = [s.expr for s in specs if s.resjunk]
    exprs = [e for _, e in targets] + junk
    if not stmt.groupClause and having is None and first_aggregate(exprs) is None:
        return None
    targets = _star_locations(stmt, source, targets)
    exprs = [e for _, e in targets] + junk
    group = transform_group_clause(an.ps, stmt.groupClause, targets, bool(stmt.groupDistinct))
    rewriter = GroupingRewriter(group, lambda var: _qualified_name(an, stmt, var))
    rewriter.collect([*exprs, having])
    new_exprs = rewriter.rewrite(exprs)
    (new_having,) = rewriter.rewrite([having])
    new_targets = [(name, e) for (name, _), e in zip(targets, new_exprs)]
    replaced = iter(new_exprs[len(targets):])
    new_specs = [dataclasses.replace(s, expr=next(replaced)) if s.resjunk else s
                 for s in specs]
    return GroupedSelect(group.exprs, group.sets, rewriter.aggs,
                         rewriter.grouping_sets_refs(), new_targets,  # type: ignore[arg-type]
                         new_having, new_specs, rewriter.width)


def _star_locations(stmt: ast.SelectStmt, source: FromSource, targets: Targets) -> Targets:
    """The columns ``*`` expands to, located at the ``*`` (expandNSItemAttrs() does so), for
    the ungrouped-column error's caret."""
    out: Targets = []
    for res in stmt.targetList or ():
        val = res.val
        if isinstance(val, ast.ColumnRef) and isinstance(val.fields[-1], ast.A_Star):
            for _ in source.expand_star(val):
                name, expr = targets[len(out)]
                if isinstance(expr, ir.Var) and expr.location < 0:
                    expr = dataclasses.replace(expr, location=val.location)
                out.append((name, expr))
        else:
            out.append(targets[len(out)])
    return out if len(out) == len(targets) else targets


def _qualified_name(an: Analyzer, stmt: ast.SelectStmt, var: ir.Var) -> str:
    """``alias.column`` of an input column: the FROM item whose alias resolves to it."""
    resolve = an.ps.columns
    for alias in _aliases(stmt.fromClause or ()):
        if resolve is None:
            break
        try:
            found = resolve([alias, var.name], -1)
        except FdwshError:
            continue
        if isinstance(found, ir.Var) and found.index == var.index:
            return f"{alias}.{var.name}"
    return var.name


def _aliases(items: Any) -> Iterable[str]:
    """The range-table names of the FROM items (eref->aliasname), joins included."""
    for item in items:
        alias = getattr(item, "alias", None)
        if alias is not None and getattr(alias, "aliasname", None):
            yield alias.aliasname
        if isinstance(item, ast.JoinExpr):
            yield from _aliases((item.larg, item.rarg))
        elif isinstance(item, ast.RangeVar) and alias is None:
            yield item.relname
        elif isinstance(item, ast.RangeFunction) and alias is None:
            for fn in item.functions or ():
                call = fn[0] if isinstance(fn, (tuple, list)) else fn
                if isinstance(call, ast.FuncCall):
                    yield call.funcname[-1].sval
