"""The plan nodes of a locally run query, recorded for EXPLAIN while it is analysed.

EXPLAIN (:mod:`fdwsh.plan.explain_local`) puts a :class:`PlanRecorder` into the statement's
evaluation state before the query is analysed; the executor's builders then describe what
they build: each FROM item (a scan leaf), each join (``Hash Join`` with its ``Hash Cond``,
``Nested Loop`` with its ``Join Filter``), each query level (``Limit``, ``Unique``, ``Sort``,
``WindowAgg``, ``HashAggregate`` / ``Aggregate``, ``Filter``).  Without a recorder (every
query that is not explained) nothing is recorded and rows are not counted.

Under ANALYZE every node's rows pass through :func:`counted`, which counts them and notes
when the first and the last came (milliseconds since the statement started, as PostgreSQL's
``actual time=first..total``), across all the times the node runs (``loops``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

Row = tuple[Any, ...]
STATE_KEY = "explain_plan"


@dataclass(slots=True)
class PlanNode:
    """One node: its name, its detail lines (``Hash Cond: …``), its children, and under
    ANALYZE what it did."""

    name: str
    details: list[str] = field(default_factory=list)
    children: list[PlanNode] = field(default_factory=list)
    #: The remote scan a leaf stands for (its lines come from explain_local).
    remote: Any = None
    rows: int = 0
    loops: int = 0
    first_ms: float | None = None
    total_ms: float = 0.0
    #: Memory and disk of a hash table or sort (fdwsh.exec.spill.SpillStats), if any.
    stats: Any = None
    #: A sub-query's level, drawn below a ``Subquery Scan`` leaf (by its SelectStmt).
    subquery: Any = None
    #: ``alias.column`` of the slots of the rows its expressions read.
    names: dict[int, str] = field(default_factory=dict)
    #: Expressions shown under it: (label, IR expressions joined by AND), or for
    #: ``Sort Key`` (label, [(expr, descending, nulls_first)]) and ``Group Key`` a list.
    exprs: list[tuple[str, list[Any]]] = field(default_factory=list)
    #: What computes each slot of its output rows (an Aggregate's keys and calls), for the
    #: names of the nodes above it (None: the slots of its input).
    outputs: list[Any] | None = None
    #: The conditions a join evaluates (a WHERE equality it hashes on is not a Filter too).
    consumed: list[Any] = field(default_factory=list)


@dataclass(slots=True)
class Level:
    """A query level's nodes above its FROM clause (``top`` down to ``bottom``; None when
    it runs nothing above it) and its FROM clause's tree (computed when drawn)."""

    stmt: Any
    top: PlanNode | None
    bottom: PlanNode | None
    from_root: Callable[[], PlanNode | None]
    #: The level's WHERE, shown as the FROM tree's ``Filter``, and what counts the rows
    #: that pass it (ANALYZE).
    where: Any = None
    filtered: PlanNode | None = None


@dataclass(slots=True)
class PlanRecorder:
    analyze: bool = False
    started: float = field(default_factory=time.perf_counter)
    #: ``alias.column`` of each slot of the FROM rows, per FROM clause being analysed.
    names: dict[int, str] = field(default_factory=dict)
    levels: list[Level] = field(default_factory=list)
    #: The FROM clauses' trees, by the id of their rows object (FromSource.rows).
    froms: dict[int, Callable[[], PlanNode | None]] = field(default_factory=dict)
    #: The remote fragments of levels sent whole to a server, by the id of their SelectStmt.
    remote_levels: dict[int, Any] = field(default_factory=dict)

    def level_of(self, stmt: Any) -> Level | None:
        return next((lv for lv in reversed(self.levels) if lv.stmt is stmt), None)

    def ran_remotely(self, stmt: Any, fragment: Any, levels_before: int) -> None:
        """``stmt`` was sent whole as ``fragment``: its levels recorded since
        ``levels_before`` (fdwsh's analysis of it over empty inputs) never ran."""
        del self.levels[levels_before:]
        self.remote_levels[id(stmt)] = fragment


def recorder(ctx: Any) -> PlanRecorder | None:
    """The statement's recorder (None: the statement is not being explained)."""
    state = getattr(ctx, "state", None)
    return state.get(STATE_KEY) if isinstance(state, dict) else None


def counted(rec: PlanRecorder | None, node: PlanNode | None, rows: Iterable[Row]
            ) -> Iterable[Row]:
    """``rows``, counted into ``node`` under ANALYZE (else unchanged)."""
    if rec is None or node is None or not rec.analyze:
        return rows
    return _count(rec, node, rows)


def _count(rec: PlanRecorder, node: PlanNode, rows: Iterable[Row]) -> Iterator[Row]:
    node.loops += 1
    clock, start = time.perf_counter, rec.started
    try:
        for row in rows:
            if node.first_ms is None:
                node.first_ms = (clock() - start) * 1000
            node.rows += 1
            yield row
    finally:
        node.total_ms = (clock() - start) * 1000
        if node.first_ms is None:
            node.first_ms = node.total_ms


def counting_function(rec: PlanRecorder | None, node: PlanNode | None,
                      rows: Callable[[Row], Iterable[Row]]) -> Callable[[Row], Iterable[Row]]:
    """A FROM node's rows function whose rows are counted into ``node``."""
    if rec is None or node is None or not rec.analyze:
        return rows
    return lambda prefix: _count(rec, node, rows(prefix))


def count_list(rec: PlanRecorder | None, node: PlanNode | None,
               produce: Callable[[], list[Row]]) -> Callable[[], list[Row]]:
    """A function computing a list of rows, its rows counted into ``node``."""
    if rec is None or node is None or not rec.analyze:
        return produce
    return lambda: list(_count(rec, node, _lazy(produce)))


def _lazy(produce: Callable[[], Iterable[Row]]) -> Iterator[Row]:
    yield from produce()


# -- what the builders record -------------------------------------------------------------------


def leaf(rec: PlanRecorder, name: str, alias: str, columns: list[str], offset: int,
         remote: Any = None, subquery: Any = None) -> PlanNode:
    """A FROM item's node (its columns are ``alias.column`` from slot ``offset`` on)."""
    names = {offset + i: f"{alias}.{c}" if alias else c for i, c in enumerate(columns)}
    return PlanNode(name, remote=remote, subquery=subquery, names=names)


_JOIN_NAMES = {"inner": "", "left": " Left", "right": " Right", "full": " Full"}


def join_node(kind: str, hashed: bool, cond: list[Any], rest: list[Any],
              left: PlanNode | None, right: PlanNode | None) -> PlanNode:
    """``Hash [Left|Right|Full] Join`` over its outer input and a ``Hash`` of its inner one,
    or ``Nested Loop [Left|…] Join``."""
    from fdwsh.exec.spill import SpillStats

    outer = left or PlanNode("Result")
    inner = right or PlanNode("Result")
    names = {**outer.names, **inner.names}
    suffix = _JOIN_NAMES[kind]
    if hashed:
        node = PlanNode(f"Hash{suffix} Join", names=names,
                        exprs=[("Hash Cond", cond)] + ([("Join Filter", rest)] if rest else []))
        node.children = [outer, PlanNode("Hash", children=[inner], stats=SpillStats(),
                                         names=inner.names)]
        return node
    name = "Nested Loop" + (f"{suffix} Join" if suffix else "")
    return PlanNode(name, names=names, children=[outer, inner],
                    exprs=[("Join Filter", rest)] if rest else [])


def hash_stats(node: PlanNode | None) -> Any:
    """The SpillStats a hash join's Hash node collects (None: not recorded)."""
    if node is None or len(node.children) != 2:
        return None
    return node.children[1].stats


def plan_leaf(an: Any, node: Any, item: Any, alias: str, columns: list[str]) -> None:
    """Give a FROM item's node (fdwsh.exec.local_from.Node) its EXPLAIN leaf, its rows
    counted under ANALYZE."""
    rec = recorder(an.ctx)
    if rec is None:
        return
    from pglast import ast

    name, subquery = "Foreign Scan", None
    if isinstance(item, ast.RangeSubselect):
        name, subquery = f"Subquery Scan on {alias}", item.subquery
    elif isinstance(item, ast.RangeFunction):
        call = item.functions[0][0] if item.functions else None
        fname = call.funcname[-1].sval if isinstance(call, ast.FuncCall) else "function"
        name = f"Function Scan on {fname}" + (f" {alias}" if alias and alias != fname else "")
    elif node.remote is None:
        relname = getattr(item, "relname", alias)
        name = f"CTE Scan on {relname}" + (f" {alias}" if alias and alias != relname else "")
    node.plan = leaf(rec, name, alias, columns, node.offset, node.remote, subquery)
    node.rows = counting_function(rec, node.plan, node.rows)


# -- a query level's nodes ------------------------------------------------------------------------


class LevelHooks:
    """What a query level's evaluation goes through: without a recorder, plain calls; with
    one, the level's nodes (recorded with :class:`Level`) count their rows."""

    def __init__(self, rec: PlanRecorder | None, specs: list[Any], width: int) -> None:
        self.rec, self.specs, self.width = rec, specs, width
        self.limit = self.unique = self.sort_node = self.agg = self.filtered = None

    def evaluate(self, fn: Callable[[], list[Row]]) -> Callable[[], list[Row]]:
        return count_list(self.rec, self.agg or self.filtered, fn)

    def distinct(self, fn: Callable[[list[Row]], list[Row]]) -> Callable[[list[Row]], list[Row]]:
        if self.unique is None:
            return fn
        return lambda rows: count_list(self.rec, self.unique, lambda: fn(rows))()

    def sort(self, rows: list[Row]) -> list[Row]:
        from fdwsh.exec.sorting import sort_rows

        node = self.sort_node
        stats = node.stats if node is not None else None
        return count_list(self.rec, node,
                          lambda: sort_rows(rows, self.specs, self.width, stats))()

    def output(self, produce: Callable[[], list[Row]]) -> Callable[[], list[Row]]:
        return count_list(self.rec, self.limit, produce)


def level_hooks(an: Any, stmt: Any, source: Any, where: Any, grouped: Any, windows: Any,
                specs: list[Any], limit: int | None, offset: int | None, width: int
                ) -> LevelHooks:
    """Record the level's nodes (top down: Limit, Unique, Sort, WindowAgg, HashAggregate /
    Aggregate; its WHERE as its FROM tree's Filter) and return the hooks counting them."""
    rec = recorder(an.ctx)
    hooks = LevelHooks(rec, specs, width)
    if rec is None:
        return hooks
    from fdwsh.exec.spill import SpillStats

    chain: list[PlanNode] = []
    if limit is not None or offset:
        hooks.limit = _push(chain, PlanNode("Limit"))
    if stmt.distinctClause:
        hooks.unique = _push(chain, PlanNode("Unique"))
    if specs:
        keys = [(s.expr, s.descending, s.nulls_first, s.resjunk) for s in specs]
        hooks.sort_node = _push(chain, PlanNode("Sort", exprs=[("Sort Key", keys)],
                                                stats=SpillStats()))
    if windows is not None:
        hooks.agg = _push(chain, PlanNode("WindowAgg"))
    if grouped is not None:
        node = PlanNode("HashAggregate" if grouped.keys else "Aggregate", stats=grouped.stats,
                        exprs=[("Group Key", list(grouped.keys))] if grouped.keys else [],
                        outputs=[*grouped.keys, *grouped.aggs])
        if grouped.having is not None:
            node.exprs.append(("Filter", [grouped.having]))
        agg = _push(chain, node)
        hooks.agg = hooks.agg or agg
    elif windows is None and where is not None:
        hooks.filtered = PlanNode("Filter")  # counts the rows that pass WHERE
    from_root = rec.froms.get(id(source.rows), lambda: None)
    rec.levels.append(Level(stmt, chain[0] if chain else None, chain[-1] if chain else None,
                            from_root, where))
    if hooks.filtered is not None:
        rec.levels[-1].filtered = hooks.filtered
    return hooks


def _push(chain: list[PlanNode], node: PlanNode) -> PlanNode:
    if chain:
        chain[-1].children.append(node)
    chain.append(node)
    return node
