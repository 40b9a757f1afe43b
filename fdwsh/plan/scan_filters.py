"""Which conditions of a locally run query each foreign-table scan can take along.

A query fdwsh's executor runs still sends every condition it safely can with the scan of the
table it filters (postgres_fdw's classifyConditions), so that only matching rows travel:

- a top-level AND-ed condition of WHERE, or of an inner join's ON, that reads columns of
  exactly one foreign table of that scope, and is shippable (no sub-query, aggregate, window,
  volatile or non-built-in function, COLLATE, parameter: :mod:`fdwsh.plan.shippable`);
- for WHERE, that table must not be on the nullable side of an outer join (``WHERE b.x IS
  NULL`` over ``a LEFT JOIN b`` keeps the unmatched rows of ``a``); a LEFT JOIN's ON condition
  on its right-hand table alone goes with that table's scan (and a RIGHT JOIN's on its left).

A column reference belongs to a table when it is qualified with the table's alias, or is
unqualified and exactly one foreign table of the scope has a column of that name, and no other
kind of FROM item (sub-select, function) is in scope, whose columns could shadow it.  Anything
in doubt stays local.  Pushed conditions are still evaluated locally too: they are
type-checked there, and a second test of an already-true condition changes no result.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from pglast import ast
from pglast.enums import A_Expr_Kind, BoolExprType, JoinType
from pglast.visitors import Ancestor, Visitor

from fdwsh.plan.shippable import unshippable_reasons
from fdwsh.sql.bind import RelationRef

#: RangeVar id → the conditions its scan sends.
Pushed = dict[int, list[ast.Node]]


@dataclass(frozen=True, slots=True)
class KeyLink:
    """An equi-join ``probe.probe_column = build.build_column`` whose probe table may be
    fetched filtered by the join keys the build table holds (dynamic filtering): every row
    of the query's result has a probe row whose key the build table has."""

    probe: RelationRef
    probe_column: str
    build: RelationRef
    build_column: str


#: The most join keys a scan asks for by default (``\\set DYNAMIC_FILTER_LIMIT``).
DEFAULT_KEY_LIMIT = 100_000


@dataclass(slots=True)
class ScanPlan:
    """What the scans of a statement take along: conditions, and join keys to ask for."""

    pushed: Pushed
    links: list[KeyLink]
    key_limit: int = DEFAULT_KEY_LIMIT
    #: The scans made for the statement's foreign-table references, by RangeVar id.
    scans: dict[int, Any] = field(default_factory=dict)
    #: The query level (SelectStmt id) whose FROM clause holds each reference, by RangeVar id.
    levels: dict[int, int] = field(default_factory=dict)
    #: References whose scan a remote join took in (fdwsh.exec.join_fragment): no join keys
    #: come from them.
    absorbed: set[int] = field(default_factory=set)
    #: WHERE conjuncts (by id) some scan sends: the executor does not test them again, nor
    #: fetch the columns only they read.
    where_pushed: set[int] = field(default_factory=set)


@dataclass(frozen=True, slots=True)
class _Scope:
    """The FROM items a condition sees: foreign tables by alias, and whether others exist."""

    tables: dict[str, RelationRef]
    opaque: bool


def plan_scans(stmt: ast.Node, relations: list[RelationRef]) -> ScanPlan:
    """For every foreign-table reference of ``stmt`` (any query level), what it can push."""
    refs = {id(r.node): r for r in relations}
    plan = ScanPlan({}, [])

    class Levels(Visitor):  # type: ignore[misc]
        def visit_SelectStmt(self, ancestors: Ancestor, node: ast.SelectStmt) -> None:
            _query_level(node, refs, plan)

    Levels()(stmt)
    return plan


def _query_level(select: ast.SelectStmt, refs: dict[int, RelationRef], plan: ScanPlan) -> None:
    items = select.fromClause or ()
    for item in items:
        for node in _range_vars(item):
            plan.levels[id(node)] = id(select)
    scope = _scope(items, refs)
    safe = [ref for item in items for ref, nullable in _tables(item, refs) if not nullable]
    before = {k: len(v) for k, v in plan.pushed.items()}
    _assign(select.whereClause, scope, safe, plan)
    for node, conditions in plan.pushed.items():
        plan.where_pushed.update(id(c) for c in conditions[before.get(node, 0):])
    for item in items:
        _join_conditions(item, refs, plan)


def _join_conditions(item: ast.Node, refs: dict[int, RelationRef], plan: ScanPlan) -> None:
    """ON conditions of ``item``'s joins, each given to the side it can filter."""
    if not isinstance(item, ast.JoinExpr):
        return
    _join_conditions(item.larg, refs, plan)
    _join_conditions(item.rarg, refs, plan)
    if item.isNatural:
        return
    scope = _scope((item.larg, item.rarg), refs)
    sides = {JoinType.JOIN_INNER: (item.larg, item.rarg), JoinType.JOIN_LEFT: (item.rarg,),
             JoinType.JOIN_RIGHT: (item.larg,)}.get(item.jointype, ())
    safe = [ref for side in sides for ref, nullable in _tables(side, refs) if not nullable]
    if item.usingClause:
        _using_links(item, refs, safe, plan)
    else:
        _assign(item.quals, scope, safe, plan)


def _assign(condition: ast.Node | None, scope: _Scope, safe: list[RelationRef],
            plan: ScanPlan) -> None:
    if condition is None or not safe:
        return
    for conjunct in _conjuncts(condition):
        target = _only_table(conjunct, scope)
        if target is not None and any(target is ref for ref in safe) and \
                shippable_condition(conjunct):
            plan.pushed.setdefault(id(target.node), []).append(conjunct)
        elif target is None:
            _equi_links(conjunct, scope, safe, plan)


def _equi_links(conjunct: ast.Node, scope: _Scope, safe: list[RelationRef],
                plan: ScanPlan) -> None:
    """``a.x = b.y`` between two tables of the scope: each safe side may be probed."""
    if not (isinstance(conjunct, ast.A_Expr) and conjunct.kind == A_Expr_Kind.AEXPR_OP
            and [n.sval for n in conjunct.name] == ["="]
            and isinstance(conjunct.lexpr, ast.ColumnRef)
            and isinstance(conjunct.rexpr, ast.ColumnRef)):
        return
    left, right = _owner(conjunct.lexpr, scope), _owner(conjunct.rexpr, scope)
    if left is None or right is None or left is right:
        return
    lcol, rcol = _column_name(conjunct.lexpr), _column_name(conjunct.rexpr)
    for probe, pcol, build, bcol in ((left, lcol, right, rcol), (right, rcol, left, lcol)):
        if any(probe is ref for ref in safe):
            plan.links.append(KeyLink(probe, pcol, build, bcol))


def _using_links(join: ast.JoinExpr, refs: dict[int, RelationRef], safe: list[RelationRef],
                 plan: ScanPlan) -> None:
    """``JOIN … USING (x)`` of two plain foreign tables links their ``x`` columns."""
    if not (isinstance(join.larg, ast.RangeVar) and isinstance(join.rarg, ast.RangeVar)):
        return
    left, right = refs.get(id(join.larg)), refs.get(id(join.rarg))
    if left is None or right is None:
        return
    for name in (n.sval for n in join.usingClause):
        if left.table.column(name) is None or right.table.column(name) is None:
            continue
        for probe, build in ((left, right), (right, left)):
            if any(probe is ref for ref in safe):
                plan.links.append(KeyLink(probe, name, build, name))


def _column_name(node: ast.ColumnRef) -> str:
    return node.fields[-1].sval


def without_pushed(condition: ast.Node, analysed: Any, pushed: set[int]) -> Any:
    """The analysed WHERE condition (fdwsh.sql.ir) without the conjuncts a scan sends: the
    remote already tested them, on columns that were not fetched.  ``condition`` is the
    condition as parsed; the analysed one mirrors its AND structure."""
    from fdwsh.sql import ir

    if id(condition) in pushed:
        return None
    if not (isinstance(condition, ast.BoolExpr) and condition.boolop == BoolExprType.AND_EXPR
            and isinstance(analysed, ir.BoolExpr) and analysed.boolop == "and"
            and len(analysed.args) == len(condition.args)):
        return analysed
    kept = [arg for arg in (without_pushed(c, a, pushed)
                            for c, a in zip(condition.args, analysed.args)) if arg is not None]
    if len(kept) == len(analysed.args):
        return analysed
    if len(kept) <= 1:
        return kept[0] if kept else None
    return ir.BoolExpr("and", tuple(kept), location=analysed.location)


def _conjuncts(node: ast.Node) -> Iterator[ast.Node]:
    if isinstance(node, ast.BoolExpr) and node.boolop == BoolExprType.AND_EXPR:
        for arg in node.args:
            yield from _conjuncts(arg)
    else:
        yield node


def _range_vars(item: ast.Node) -> Iterator[ast.RangeVar]:
    """The relations a FROM item names directly (through joins, not sub-selects)."""
    if isinstance(item, ast.RangeVar):
        yield item
    elif isinstance(item, ast.JoinExpr):
        yield from _range_vars(item.larg)
        yield from _range_vars(item.rarg)


def _tables(item: ast.Node, refs: dict[int, RelationRef], nullable: bool = False
            ) -> Iterator[tuple[RelationRef, bool]]:
    """The foreign tables of a FROM item, each with whether an outer join may null it.
    A join with an alias hides its tables' names, so none of them is offered."""
    if isinstance(item, ast.RangeVar) and id(item) in refs:
        ref = refs[id(item)]
        if not (item.alias is not None and item.alias.colnames):
            yield ref, nullable
    elif isinstance(item, ast.JoinExpr) and item.alias is None:
        kind = item.jointype
        yield from _tables(item.larg, refs,
                           nullable or kind in (JoinType.JOIN_RIGHT, JoinType.JOIN_FULL))
        yield from _tables(item.rarg, refs,
                           nullable or kind in (JoinType.JOIN_LEFT, JoinType.JOIN_FULL))


def _scope(items: tuple[ast.Node, ...], refs: dict[int, RelationRef]) -> _Scope:
    tables: dict[str, RelationRef] = {}
    opaque = False
    for item in items:
        found = list(_tables(item, refs))
        tables.update((ref.alias, ref) for ref, _ in found)
        opaque = opaque or _has_other_items(item, refs)
    return _Scope(tables, opaque)


def _has_other_items(item: ast.Node, refs: dict[int, RelationRef]) -> bool:
    """Whether ``item`` holds FROM items other than plain foreign tables."""
    if isinstance(item, ast.JoinExpr):
        return item.alias is not None or _has_other_items(item.larg, refs) or \
            _has_other_items(item.rarg, refs)
    if isinstance(item, ast.RangeVar):
        return id(item) not in refs or (item.alias is not None and bool(item.alias.colnames))
    return True


def _only_table(conjunct: ast.Node, scope: _Scope) -> RelationRef | None:
    """The one foreign table every column reference of ``conjunct`` belongs to, if any."""
    found: list[RelationRef | None] = []

    class Columns(Visitor):  # type: ignore[misc]
        def visit_ColumnRef(self, ancestors: Ancestor, node: ast.ColumnRef) -> None:
            found.append(_owner(node, scope))

    Columns()(conjunct)
    if not found or any(ref is None for ref in found):
        return None
    first = found[0]
    return first if all(ref is first for ref in found) else None


def _owner(node: ast.ColumnRef, scope: _Scope) -> RelationRef | None:
    names = [f.sval if isinstance(f, ast.String) else None for f in node.fields]
    if None in names:
        return None  # a star
    if len(names) == 2:
        ref = scope.tables.get(names[0] or "")
        return ref if ref is not None and ref.table.column(names[1] or "") else None
    if len(names) != 1 or scope.opaque:
        return None
    owners = [ref for ref in scope.tables.values() if ref.table.column(names[0] or "")]
    return owners[0] if len(owners) == 1 else None


def shippable_condition(conjunct: ast.Node) -> bool:
    """Whether the remote may evaluate ``conjunct`` (no sub-query, aggregate, window or
    non-shippable expression)."""
    found: list[bool] = []

    class Local(Visitor):  # type: ignore[misc]
        def visit_SubLink(self, ancestors: Ancestor, node: ast.SubLink) -> None:
            found.append(True)

        def visit_FuncCall(self, ancestors: Ancestor, node: ast.FuncCall) -> None:
            if node.over is not None or node.agg_star or node.agg_filter is not None \
                    or _is_aggregate_name(node):  # WHERE sum(x) > 1: PostgreSQL's error
                found.append(True)

    Local()(conjunct)
    return not found and not unshippable_reasons(conjunct)


def _is_aggregate_name(call: ast.FuncCall) -> bool:
    from fdwsh.sql.typecheck_agg import is_aggregate

    names = [n.sval for n in call.funcname]
    return is_aggregate(names[0] if len(names) == 2 else None, names[-1])
