"""FROM clause of a local query: sub-SELECTs and VALUES lists (``FROM (VALUES ...) AS t(a, b)``),
functions (``FROM generate_series(1, 3) AS g(x)``, see :mod:`fdwsh.exec.from_function`),
relations (CTEs and foreign tables, :mod:`fdwsh.exec.from_relation`) and JOINs of them,
several items forming their cross product.

Names resolve as in PostgreSQL's parse_clause.c/parse_relation.c (transformFromClauseItem):
every item and join is a namespace :class:`Entry` (ParseNamespaceItem) that may be visible as
a relation name (``t.x``), for unqualified columns (``x``), both or neither.  A join's own
entry has the merged USING/NATURAL columns first, then the other columns of each side; its
inputs stay visible as relation names unless the join has an alias.  An ON condition sees its
join's two sides only; a function and a ``LATERAL (SELECT ...)`` see the items to their left
(functions are implicitly LATERAL; across a RIGHT/FULL join that is an error).  Names that exist in the range table but are hidden get
PostgreSQL's ``invalid reference to FROM-clause entry`` (:mod:`fdwsh.exec.from_names`).

Each item or join is a :class:`Node`: slots ``[offset, offset + width)`` of the combined row
(the leaf items' columns side by side, in FROM order) and its rows for the combined row
before it; joins run as :mod:`fdwsh.exec.joins` hash joins or nested loops.  The rows are
computed when the query level first reads them (after its analysis), and anew each time when
they depend on an enclosing level's values (a correlated sub-select's FROM).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pglast import ast
from pglast.enums import JoinType

from fdwsh.errors import FdwshError
from fdwsh.exec import join_order, joins
from fdwsh.exec.eval import compile_expr
from fdwsh.exec.from_foreign import ForeignScan
from fdwsh.exec.plan_tree import PlanNode, counted, join_node, plan_leaf, recorder
from fdwsh.exec.streams import read_once, scan_rows
from fdwsh.exec.from_names import (
    Entry,
    check_conflicts,
    hidden_resolver,
    lateral_resolver,
    namespace_resolver,
    star_expander,
    using_columns,
)
from fdwsh.sql import ir
from fdwsh.sql import oids as T
from fdwsh.sql.coerce import coerce_to_boolean
from fdwsh.sql.pstate import ColumnResolver, ParseState, error
from fdwsh.sql.typecheck import transform_expr

if TYPE_CHECKING:
    from fdwsh.exec.local_select import Analyzer, FromSource

Row = tuple[Any, ...]

_KINDS = {JoinType.JOIN_INNER: joins.INNER, JoinType.JOIN_LEFT: joins.LEFT,
          JoinType.JOIN_RIGHT: joins.RIGHT, JoinType.JOIN_FULL: joins.FULL}


@dataclass(slots=True)
class Node:
    """The rows of a FROM item or join: slots ``[offset, offset + width)`` of the combined row."""

    offset: int
    width: int
    #: Its rows for the combined row before ``offset`` (of that length).
    rows: Callable[[Row], Iterable[Row]]
    #: The lowest slot its expressions read: below ``offset``, the node is LATERAL.
    min_ref: int
    #: What fetches its rows remotely, if anything does (a foreign-table scan, or a join of
    #: one server's tables sent whole: :mod:`fdwsh.exec.join_fragment`).
    remote: Any = None
    #: Its EXPLAIN node (fdwsh.exec.plan_tree.PlanNode), when the statement is explained.
    plan: Any = None

    @property
    def lateral(self) -> bool:
        return self.min_ref < self.offset


@dataclass(slots=True)
class _Scope:
    """The state of transforming one FROM clause (PostgreSQL's p_rtable and p_namespace)."""

    an: Analyzer
    offset: int = 0
    #: Every entry of this query level, hidden or not (searchRangeTableForRel()).
    rtable: list[Entry] = field(default_factory=list)
    #: What a LATERAL reference can see: entries with whether the reference is allowed.
    lateral: list[tuple[Entry, bool]] = field(default_factory=list)
    #: Errors PostgreSQL's planner raises (after parse analysis, before any row).
    plan_errors: list[FdwshError] = field(default_factory=list)
    #: Whether a function or ON condition reads an enclosing query level's columns (then the
    #: rows are computed anew each time the level runs, for its outer values).
    correlated: bool = False

    @contextmanager
    def watching_outer(self) -> Iterator[None]:
        """Notes in ``correlated`` whether what is transformed meanwhile reads an enclosing
        level (a reference that one of ``ps.outer_columns`` resolves)."""
        ps = self.an.ps
        saved = ps.outer_columns

        def watch(resolver: ColumnResolver) -> ColumnResolver:
            def resolve(names: list[str], location: int) -> ir.Expr | None:
                found = resolver(names, location)
                if found is not None:
                    self.correlated = True
                return found
            return resolve
        ps.outer_columns = [watch(r) for r in saved]
        try:
            yield
        finally:
            ps.outer_columns = saved


class _LazyRows(Sequence[Row]):
    """The FROM rows, computed when first read (after the whole query level is analysed, so
    its parse errors come first, then the planner's, then the executor's, as in PostgreSQL);
    kept, unless they depend on an enclosing level's values (``correlated``)."""

    def __init__(self, produce: Callable[[], Iterable[Row]], errors: list[FdwshError],
                 correlated: bool, once: bool = False) -> None:
        self._produce, self._errors, self._correlated = produce, errors, correlated
        self._rows: list[Row] | None = None
        self.streamer: Callable[[], Iterator[Row]] | None = None
        #: Read at most once (fdwsh.exec.streams.read_once): iterating streams them.
        self.once = once

    def _get(self) -> list[Row]:
        if self._errors:
            raise self._errors[0]
        if self._correlated:
            return list(self._produce())
        if self._rows is None:
            self._rows = list(self._produce())
        return self._rows

    def stream(self) -> Iterator[Row]:
        """The rows once, as they are computed, without keeping them (for a level that
        reads them in one pass)."""
        if self._errors:
            raise self._errors[0]
        if self._rows is not None:
            return iter(self._rows)
        return self.streamer() if self.streamer is not None else iter(self._produce())

    def __getitem__(self, index: Any) -> Any:
        return self._get()[index]

    def __len__(self) -> int:
        return len(self._get())

    def __iter__(self) -> Iterator[Row]:
        if self.once and self._rows is None and self.streamer is not None:
            return self.stream()
        return iter(self._get())


def build_from(an: Analyzer, items: Any) -> FromSource:
    """transformFromClause(): the items' cross product and how names resolve against it."""
    from fdwsh.exec.local_select import FromSource

    scope = _Scope(an)
    namespace: list[Entry] = []
    nodes: list[Node] = []
    for item in items:
        node, space, _ = _transform_item(scope, item)
        check_conflicts(namespace, space)
        namespace.extend(space)
        scope.lateral.extend((e, True) for e in space)
        nodes.append(node)
    if not nodes:
        return FromSource([()], None, _no_star)
    where: list[ir.Expr | None] = [None]
    join_order.register(an, nodes, where)
    ran: list[Any] = []  # the plan of the cross product as it ran (EXPLAIN ANALYZE)
    rows = _LazyRows(lambda: _cross(an, nodes, where[0], ran), scope.plan_errors,
                     scope.correlated, read_once(an) and not scope.correlated)
    scan = nodes[0].remote if len(nodes) == 1 else None
    rec = recorder(an.ctx)
    if isinstance(scan, ForeignScan):  # one table: a single pass reads its rows as they arrive
        rows.streamer = lambda: iter(counted(rec, nodes[0].plan, scan.stream(an)))
    elif rows.once:  # joins stream their probe sides (fdwsh.exec.streams)
        rows.streamer = lambda: _cross(an, nodes, where[0], ran)
    if rec is not None:
        rec.froms[id(rows)] = lambda: ran[-1] if ran else (
            join_order.ordered_plan(an, nodes) or _cross_plan(nodes, where[0]))
    return FromSource(rows, namespace_resolver(an.ps, namespace, scope.rtable),
                      star_expander(an.ps, namespace, scope.rtable),
                      lambda cond: where.__setitem__(0, cond),
                      rows.stream if rows.streamer is not None else None)


def _transform_item(scope: _Scope, item: Any) -> tuple[Node, list[Entry], Entry]:
    """transformFromClauseItem(): the item's node, its namespace and its top entry."""
    if isinstance(item, ast.JoinExpr):
        return _transform_join(scope, item)
    an, offset = scope.an, scope.offset
    min_ref = offset
    relname = None
    if isinstance(item, ast.RangeFunction):
        from fdwsh.exec.from_function import function_item
        seen: list[int] = []
        prior = lateral_resolver(an.ps, scope.lateral, scope.rtable, seen) \
            if scope.lateral else None
        with scope.watching_outer():
            found: Any = function_item(an, item, prior)
        min_ref = min(seen, default=offset)
    elif isinstance(item, ast.RangeSubselect):
        if item.lateral:
            seen = []
            found = _lateral_subselect(scope, item, seen)
            min_ref = min(seen, default=offset)
        else:
            found = _subselect(scope, item)
    elif isinstance(item, ast.RangeVar):
        from fdwsh.exec.from_relation import relation_item
        found = relation_item(an, item)
        relname = item.relname
    else:
        raise error("only sub-queries, VALUES lists, functions and relations are supported in "
                    "the FROM clause of a query evaluated locally", "0A000",
                    getattr(item, "location", -1))
    columns = [(c.name, ir.Var(offset + i, c.type, c.typmod, c.name))
               for i, c in enumerate(found.columns)]
    entry = Entry(found.alias, columns, relname=relname)
    scan = getattr(found, "scan", None)
    if scan is not None and item.alias is None:
        entry.schema, entry.relid = scan.table.schema, scan.table.id
    scope.rtable.append(entry)
    scope.offset += len(columns)
    rows = found.rows
    if isinstance(scan, ForeignScan):
        rows = scan_rows(an, scan, rows, lambda: scope.correlated)
    node = Node(offset, len(columns), rows, min_ref, scan)
    plan_leaf(an, node, item, found.alias, [c.name for c in found.columns])
    return node, [entry], entry


@dataclass(slots=True)
class _Subselect:
    alias: str
    columns: list[Any]
    rows: Callable[[Row], list[Row]]


def _subselect(scope: _Scope, item: ast.RangeSubselect) -> _Subselect:
    """A sub-SELECT in FROM, analysed as its own query level: the items to its left exist
    but are invisible to it (not LATERAL), which names them in errors."""
    from fdwsh.exec.from_function import apply_column_aliases
    from fdwsh.exec.local_select import OutputColumn

    an = scope.an
    saved = an.ps.columns
    was_correlated, scope.correlated = scope.correlated, False
    with scope.watching_outer():
        an.ps.outer_columns.append(hidden_resolver(an.ps, list(scope.rtable)))
        try:
            rel = an.run(item.subquery)
        finally:
            an.ps.columns = saved
            an.ps.outer_columns.pop()
    correlated, scope.correlated = scope.correlated, was_correlated or scope.correlated
    alias = item.alias
    columns = apply_column_aliases(alias, [OutputColumn(c.name, c.type, c.typmod)
                                           for c in rel.columns])
    # computed when the FROM clause runs: anew each time if they read an enclosing level
    rows = (lambda row: rel.produce()) if correlated else (lambda row: rel.rows)
    return _Subselect(alias.aliasname if alias is not None else "", columns, rows)


def _lateral_subselect(scope: _Scope, item: ast.RangeSubselect, seen: list[int]
                       ) -> _Subselect:
    """``LATERAL (SELECT ...)``: a sub-SELECT that sees the items to its left, analysed as a
    correlated sub-query of this level (its references to them are SubPlan arguments) and
    run for each row of them with their values (as PostgreSQL's parameterised SubqueryScan)."""
    from fdwsh.exec.from_function import apply_column_aliases
    from fdwsh.exec.local_select import OutputColumn

    an = scope.an
    ps, ctx = an.ps, an.ctx
    saved = ps.columns
    ps.columns = lateral_resolver(ps, scope.lateral, scope.rtable, seen)
    try:
        with scope.watching_outer():
            found, plan = ps.subquery(item.subquery)
    finally:
        ps.columns = saved
    columns = apply_column_aliases(item.alias, [OutputColumn(n, t, m) for n, t, m in found])
    args = [compile_expr(a, ctx) for a in plan.args]

    def rows(row: Row) -> list[Row]:
        ctx.outer_rows.append(tuple(arg(row) for arg in args))
        try:
            return plan()
        finally:
            ctx.outer_rows.pop()
    alias = item.alias.aliasname if item.alias is not None else ""
    return _Subselect(alias, columns, rows)


# -- joins ------------------------------------------------------------------------------------


def _transform_join(scope: _Scope, j: ast.JoinExpr) -> tuple[Node, list[Entry], Entry]:
    """A JoinExpr: both sides (the right one seeing the left one laterally when the join is
    INNER or LEFT), the merged columns, the condition, and the join's own entry."""
    kind = _KINDS.get(j.jointype)
    if kind is None:
        raise error("only INNER, LEFT, RIGHT and FULL joins are supported locally", "0A000")
    left, lspace, ltop = _transform_item(scope, j.larg)
    mark = len(scope.lateral)
    scope.lateral.extend((e, kind in (joins.INNER, joins.LEFT)) for e in lspace)
    try:
        right, rspace, rtop = _transform_item(scope, j.rarg)
    finally:
        del scope.lateral[mark:]
    check_conflicts(lspace, rspace)
    space = lspace + rspace
    using = _natural_columns(ltop, rtop) if j.isNatural else \
        [s.sval for s in j.usingClause or ()]
    if using:
        merged, used, cond = using_columns(scope.an.ps, kind, ltop, rtop, using)
    else:
        merged, used = [], (set(), set())
        with scope.watching_outer():
            cond = _on(scope.an.ps, j.quals, space, scope.rtable) if j.quals is not None \
                else None
    columns = merged + [c for i, c in enumerate(ltop.columns) if i not in used[0]] + \
        [c for i, c in enumerate(rtop.columns) if i not in used[1]]
    entry, space = _join_entry(j, columns, merged, space)
    scope.rtable.append(entry)
    if kind == joins.FULL and not joins.full_join_plannable(cond, left.offset, right.offset,
                                                            right.offset + right.width):
        scope.plan_errors.append(error("FULL JOIN is only supported with merge-joinable or "
                                       "hash-joinable join conditions", "0A000"))
    rows = joins.join_rows(scope.an.ctx, kind, left, right, cond)
    node = Node(left.offset, left.width + right.width, rows, min(left.min_ref, right.min_ref),
                plan=getattr(rows, "plan", None))
    if not right.lateral:
        _send_whole(scope.an, j, left, right, node)
        if node.remote is None:  # two large inputs of two servers: fdwsh.exec.ship_join
            from fdwsh.exec.ship_join import ship_join
            ship_join(scope.an, j, left, right, node)
    return node, space, entry


def _send_whole(an: Analyzer, j: ast.JoinExpr, left: Node, right: Node, node: Node) -> None:
    """A join of one server's tables gets its rows from that server in one query."""
    from fdwsh.exec.join_fragment import remote_join

    fragment = remote_join(an, j, left.remote, right.remote)
    if fragment is not None:
        node.remote = fragment
        if node.plan is not None:  # one remote scan instead of the join
            node.plan = PlanNode("Foreign Scan", remote=fragment, names=node.plan.names)
        services = an.ps.services
        node.rows = lambda prefix: [] if an.explain_only else fragment.rows(services)


def _on(ps: ParseState, quals: ast.Node, space: list[Entry], rtable: list[Entry]) -> ir.Expr:
    """transformJoinOnClause(): a boolean over the join's two sides only."""
    with _transforming(ps, namespace_resolver(ps, space, rtable), "JOIN conditions"):
        return coerce_to_boolean(ps, transform_expr(ps, quals), "JOIN/ON")


@contextmanager
def _transforming(ps: ParseState, columns: ColumnResolver | None, kind: str) -> Iterator[None]:
    saved = ps.columns, ps.expr_kind
    ps.columns, ps.expr_kind = columns, kind
    try:
        yield
    finally:
        ps.columns, ps.expr_kind = saved


def _join_entry(j: ast.JoinExpr, columns: list[tuple[str, ir.Expr]],
                merged: list[tuple[str, ir.Expr]], space: list[Entry]
                ) -> tuple[Entry, list[Entry]]:
    """The join's entry (renamed by ``AS j(a, b)``) and the namespace the join returns: its
    inputs hidden by an alias, else visible as relation names only; ``USING (...) AS u``."""
    alias = j.alias
    if alias is not None and alias.colnames:
        given = [s.sval for s in alias.colnames]
        if len(given) > len(columns):
            raise error(f'join expression "{alias.aliasname}" has {len(columns)} columns '
                        f"available but {len(given)} columns specified", "42P10")
        columns = [(n, e) for n, (_, e) in
                   zip(given + [n for n, _ in columns[len(given):]], columns)]
    if alias is not None:
        entry = Entry(alias.aliasname, columns, join=True)
    else:
        entry = Entry("", columns, rel_visible=False, eref="unnamed_join", join=True)
    if j.join_using_alias is not None:
        using = Entry(j.join_using_alias.aliasname, merged, cols_visible=False)
        check_conflicts([using], space)
        space = space + [using]
    if alias is not None:
        space = []
    for e in space:
        e.cols_visible = False
    return entry, space + [entry]


def _natural_columns(ltop: Entry, rtop: Entry) -> list[str]:
    """NATURAL: the left side's column names that the right side has too, in left order."""
    right = {name for name, _ in rtop.columns}
    return [name for name, _ in ltop.columns if name in right]


def _cross(an: Analyzer, nodes: list[Node], where: ir.Expr | None, ran: list[Any]
           ) -> Iterator[Row]:
    """The comma list's cross product in FROM order: a hash join where the WHERE clause has
    an equality between the items so far and the next one, else nested loops (a LATERAL
    item runs once per row of the items before it).  WHERE itself is still tested on every
    row the product gives.  With ANALYZE statistics the order and the build sides come from
    the estimates (:mod:`fdwsh.exec.join_order`)."""
    ordered = join_order.ordered_cross(an, nodes, ran)
    if ordered is not None:
        return ordered
    rows: Iterable[Row] | None = None
    plan = nodes[0].plan
    for node in nodes:
        if rows is None:  # the first item's rows themselves (streamed where they stream)
            rows = node.rows(())
            continue
        done = Node(0, node.offset, lambda prefix, rows=rows: rows, 0, plan=plan)
        join = joins.join_rows(an.ctx, joins.INNER, done, node, _step_condition(node, where))
        rows, plan = join(()), getattr(join, "plan", None)
    ran[:] = [plan]
    return iter(rows or ())


def _step_condition(node: Node, where: ir.Expr | None) -> ir.Expr | None:
    """The WHERE equalities a comma-listed item is hash-joined on with the items before it
    (None: a nested loop)."""
    width = node.offset
    if node.lateral or width == 0:
        return None
    return joins.hash_conjuncts(where, range(width), range(width, width + node.width))


def _cross_plan(nodes: list[Node], where: ir.Expr | None) -> Any:
    """The EXPLAIN tree of the comma list as :func:`_cross` would run it."""
    plan = nodes[0].plan
    for node in nodes[1:]:
        cond = _step_condition(node, where)
        keys, _ = joins.split_hash_keys(cond, range(node.offset),
                                        range(node.offset, node.offset + node.width))
        plan = join_node(joins.INNER, bool(keys),
                         [ir.OpExpr(k.op, (k.left, k.right), T.BOOL) for k in keys], [],
                         plan, node.plan)
        plan.consumed = joins.conjuncts(cond)
    return plan


def _no_star(node: ast.ColumnRef) -> list[tuple[str, ir.Expr]]:
    raise error("SELECT * with no tables specified is not valid", "42601", node.location)
