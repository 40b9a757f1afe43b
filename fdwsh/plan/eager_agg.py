"""Eager aggregation: aggregate one table per join key on its own server, before a join
across servers.

``SELECT c.tier, count(*), sum(o.amount) FROM orders o JOIN customers c ON c.id =
o.customer_id GROUP BY c.tier`` with ``orders`` (1M rows) on server A and ``customers`` on B:
instead of fetching every order, fdwsh asks A for one row per ``customer_id`` with the partial
``count(*)`` and ``sum(amount)`` (100k rows for 1M), joins those with the customers and
combines the partials per tier (:mod:`fdwsh.plan.eager_rewrite` shows the rewritten query and
why each combination equals the aggregate).  postgres_fdw cannot do this: it aggregates
remotely only when the whole join is on one server.

It applies to a query level (the top one) where it gives PostgreSQL's result exactly:

- FROM is plain foreign tables joined by comma or ``[INNER] JOIN … ON``, and one table ``T``
  is the only one of its server there while another server is read too;
- every aggregate call is ``count(*)`` or ``count``/``sum``/``avg``/``min``/``max`` of one
  column of ``T`` (its optional FILTER reading ``T`` alone), without DISTINCT or ORDER BY;
  ``sum``/``avg`` only of smallint, integer, bigint and numeric (float sums depend on the
  order of addition), ``min``/``max`` only of types without collation;
- no sub-query, window, star, GROUPING SETS, locking or WITH at the level; every other mention
  of a ``T`` column is a plain column reference: those columns (the join keys among them)
  become the partial GROUP BY, and WHERE / ON conditions on ``T`` alone go inside it;
- outer joins are left alone (a partial row would not null-extend like the rows it stands for);
- the remote columns aggregated or grouped have the declared type and typmod
  (fdwsh.exec.partial_agg), and grouped ones a type whose equal values print alike.

A filtered partner's join keys also filter the partial query (fdwsh.plan.eager_keys; two
tables only, else not used there unless ``DYNAMIC_FILTER_LIMIT`` is 0).  ``\\set
EAGER_AGGREGATION off`` disables it.  EXPLAIN shows ``Eager Aggregation:`` above the partial
query's Foreign Scan, whose Remote SQL has the GROUP BY.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from pglast import ast
from pglast.enums import BoolExprType, JoinType, SetOperation

from fdwsh.plan.eager_keys import PartnerKeys, partner_first, partner_link
from fdwsh.plan.eager_rewrite import Partial, rewrite
from fdwsh.plan.shippable import unshippable_reasons
from fdwsh.sql import oids as T
from fdwsh.sql.bind import RelationRef

_SUMMABLE = frozenset({T.INT2, T.INT4, T.INT8, T.NUMERIC})
_SMALL_INTS = frozenset({T.INT2, T.INT4})
_ORDERED = frozenset({T.INT2, T.INT4, T.INT8, T.NUMERIC, T.FLOAT4, T.FLOAT8, T.DATE,
                      T.TIME, T.TIMESTAMP, T.TIMESTAMPTZ, T.INTERVAL})
_KINDS = frozenset({"count", "sum", "avg", "min", "max"})
_KEY_TYPES = frozenset({T.INT2, T.INT4, T.INT8, T.TEXT, T.VARCHAR, T.BPCHAR, T.BOOL, T.DATE,
                        T.TIMESTAMP, T.TIMESTAMPTZ, T.TIME, T.UUID})
#: The remote (type OID, typmod) of named columns of a table (fdwsh.exec.partial_agg).
TypeOf = Callable[[RelationRef, list[str]], dict[str, tuple[int, int]]]


class _NotEager(Exception):
    """The level does not qualify (raised deep in the walk, caught once)."""


@dataclass(slots=True)
class EagerAggregation:
    """A table aggregated per key before the join: the level as parsed and as it runs, its
    partial query, and what EXPLAIN shows of it."""

    ref: RelationRef
    keys: list[str]
    calls: list[str]
    original: ast.SelectStmt
    rewritten: ast.SelectStmt
    partial: ast.SelectStmt
    #: The partner whose join keys filter the partial query (fdwsh.plan.eager_keys), and
    #: how many it sent (None: not run yet; -1: more than DYNAMIC_FILTER_LIMIT, not sent).
    link: PartnerKeys | None = None
    sent_keys: int | None = None

    def explain_lines(self) -> list[str]:
        table = self.ref.table
        name = f"{table.schema}.{table.name}"
        alias = self.ref.alias
        lines = [f"  Eager Aggregation: {name} {alias} grouped by "
                 f"{', '.join(f'{alias}.{k}' for k in self.keys)} on server "
                 f"\"{table.server}\" before the join: {', '.join(self.calls)}"]
        if self.link is not None:
            line = (f"    Dynamic Filter: {alias}.{self.link.column} = ANY (keys of "
                    f"{self.link.partner.alias}.{self.link.partner_column})")
            if self.sent_keys is not None:
                line += " (not used)" if self.sent_keys < 0 else f" ({self.sent_keys} keys)"
            lines.append(line)
        return lines


def plan_eager(stmt: ast.SelectStmt, relations: list[RelationRef], partner_filters_ok: bool,
               remote_types: TypeOf) -> EagerAggregation | None:
    """The rewritten level, or None where eager aggregation does not apply (see the module
    docstring); ``partner_filters_ok``: used even where another table has conditions of its
    own (else such a partner's keys filter the partial query); ``remote_types`` tells the remote types of columns (those
    aggregated must be the declared ones, fdwsh.exec.partial_agg)."""
    try:
        return _plan(stmt, relations, partner_filters_ok, remote_types)
    except _NotEager:
        return None


def _plan(stmt: ast.SelectStmt, relations: list[RelationRef], partner_filters_ok: bool,
          remote_types: TypeOf) -> EagerAggregation | None:
    _check_level(stmt)
    by_node = {id(r.node): r for r in relations}
    conditions: list[ast.Node] = []
    refs = [_ref(node, by_node) for item in stmt.fromClause
            for node in _join_tree(item, conditions)]
    if len({r.alias for r in refs}) != len(refs):
        return None
    conditions.extend(_conjuncts(stmt.whereClause))
    calls = list(_aggregates(stmt))
    target = _aggregated_table(calls, refs)
    if target is None or not _alone_on_its_server(target, refs):
        return None
    scope = _Scope(refs)
    moved: list[ast.Node] = []
    partner_filtered = False
    for condition in conditions:
        owners = scope.owners(condition)
        if owners == {id(target)}:
            moved.append(condition)
        elif owners and id(target) not in owners:
            partner_filtered = True
    link = None
    if partner_filtered and not partner_filters_ok:
        link = partner_link(target, refs, conditions, scope.owner, _declared)
        if link is None:
            return None
    if any(unshippable_reasons(c) for c in moved):
        return None
    partials = [_partial(call, target, scope) for call in calls]
    skip = frozenset(id(c) for c in [*calls, *moved])
    keys = sorted(scope.columns_of(target, stmt, skip), key=_position(target))
    if not keys or not all(_groups_exactly(*_declared(target, key)) for key in keys):
        return None  # no key: a partial row would stand for an empty table
    read = scope.columns_of(target, calls) | set(keys)
    if not _declared_types_remotely(target, read, remote_types):
        return None
    from fdwsh.sql.typecheck import figure_colname

    taken = {c.name for r in refs for c in r.table.columns}
    new, partial = rewrite(stmt, target.node, target.alias, keys, partials, moved, taken,
                           figure_colname)
    if link is not None:
        new = partner_first(new)
    return EagerAggregation(target, keys, [_written(p.call, target.alias) for p in partials],
                            stmt, new, partial, link)


def _check_level(stmt: ast.SelectStmt) -> None:
    """A plain grouped SELECT: no set operation, VALUES, WITH, locking, GROUPING SETS."""
    if stmt.op != SetOperation.SETOP_NONE or stmt.valuesLists or stmt.withClause \
            or stmt.lockingClause or stmt.intoClause or not stmt.fromClause:
        raise _NotEager
    for item in stmt.groupClause or ():
        if isinstance(item, ast.GroupingSet) or _names_an_aggregate(item, stmt.targetList):
            raise _NotEager

    class Forbidden(_Walker):
        def visit(self, node: Any) -> None:
            if isinstance(node, (ast.SubLink, ast.RangeSubselect, ast.RangeFunction,
                                 ast.GroupingFunc, ast.A_Star, ast.ParamRef, ast.CollateClause)):
                raise _NotEager
            if isinstance(node, ast.FuncCall) and node.over is not None:
                raise _NotEager

    Forbidden().walk(stmt)


def _names_an_aggregate(item: ast.Node, targets: Any) -> bool:
    """``GROUP BY 2`` of an aggregate's output column (PostgreSQL's error points at the call)."""
    if not (isinstance(item, ast.A_Const) and isinstance(item.val, ast.Integer)):
        return False
    from fdwsh.sql.typecheck_agg import POSTGRES_AGGREGATES

    position = item.val.ival
    return 0 < position <= len(targets or ()) and _Walker.any(
        targets[position - 1], lambda node: isinstance(node, ast.FuncCall)
        and _function_name(node) in POSTGRES_AGGREGATES)


def _join_tree(item: ast.Node, conditions: list[ast.Node]) -> Iterator[ast.RangeVar]:
    """The tables of an inner-join tree, their ON conditions' conjuncts into ``conditions``."""
    if isinstance(item, ast.RangeVar):
        if item.alias is not None and item.alias.colnames:
            raise _NotEager
        yield item
        return
    if not isinstance(item, ast.JoinExpr) or item.jointype != JoinType.JOIN_INNER \
            or item.isNatural or item.usingClause or item.alias is not None:
        raise _NotEager
    yield from _join_tree(item.larg, conditions)
    yield from _join_tree(item.rarg, conditions)
    conditions.extend(_conjuncts(item.quals))


def _ref(node: ast.RangeVar, by_node: dict[int, RelationRef]) -> RelationRef:
    ref = by_node.get(id(node))
    if ref is None:
        raise _NotEager  # not a foreign table (a CTE name, a local relation)
    return ref


def _conjuncts(node: ast.Node | None) -> Iterator[ast.Node]:
    if node is None:
        return
    if isinstance(node, ast.BoolExpr) and node.boolop == BoolExprType.AND_EXPR:
        for arg in node.args:
            yield from _conjuncts(arg)
    else:
        yield node


def _function_name(call: ast.FuncCall) -> str | None:
    names = [n.sval for n in call.funcname]
    if len(names) == 2 and names[0] == "pg_catalog":
        names = names[1:]
    return names[0] if len(names) == 1 else None


def _aggregates(stmt: ast.SelectStmt) -> Iterator[ast.FuncCall]:
    """The aggregate calls of the level (select list, HAVING, ORDER BY); one anywhere else
    (WHERE, ON, GROUP BY: an error PostgreSQL reports) or nested in another leaves it alone."""
    from fdwsh.sql.typecheck_agg import POSTGRES_AGGREGATES

    def is_aggregate(node: Any) -> bool:
        return isinstance(node, ast.FuncCall) and (
            _function_name(node) in POSTGRES_AGGREGATES or bool(node.agg_star))

    found: list[ast.FuncCall] = []

    class Calls(_Walker):
        def visit(self, node: Any) -> None:
            if is_aggregate(node):
                found.append(node)
                if _Walker.any(node.args, is_aggregate) or _Walker.any(node.agg_filter,
                                                                        is_aggregate):
                    raise _NotEager
                self.skip = True

    for clause in (stmt.whereClause, stmt.groupClause, *(_on_clauses(stmt.fromClause))):
        if _Walker.any(clause, is_aggregate):
            raise _NotEager
    for clause in (stmt.targetList, stmt.havingClause, stmt.sortClause):
        Calls().walk(clause)
    return iter(found)


def _on_clauses(items: Any) -> Iterator[ast.Node]:
    for item in items or ():
        if isinstance(item, ast.JoinExpr):
            yield item.quals
            yield from _on_clauses((item.larg, item.rarg))


class _Scope:
    """Which table each column reference of the level belongs to."""

    def __init__(self, refs: list[RelationRef]) -> None:
        self.refs = refs

    def owner(self, node: ast.ColumnRef) -> RelationRef | None:
        names = [f.sval if isinstance(f, ast.String) else None for f in node.fields]
        if len(names) == 2:
            found = [r for r in self.refs if r.alias == names[0] and r.table.column(names[1])]
        elif len(names) == 1:
            found = [r for r in self.refs if r.table.column(names[0] or "")]
        else:
            raise _NotEager
        if len(found) == 1:
            return found[0]
        if len(names) == 1 and not found:
            return None  # no table's column: an output column's name (ORDER BY total)
        raise _NotEager  # ambiguous, an outer reference or an error: PostgreSQL says which

    def owners(self, node: Any) -> set[int]:
        found: set[int] = set()

        class Columns(_Walker):
            def visit(inner, item: Any) -> None:  # noqa: N805
                owner = self.owner(item) if isinstance(item, ast.ColumnRef) else None
                if owner is not None:
                    found.add(id(owner))

        Columns().walk(node)
        return found

    def columns_of(self, ref: RelationRef, nodes: Any, skip: frozenset[int] = frozenset()
                   ) -> set[str]:
        """The columns of ``ref`` that ``nodes`` read outside the nodes of ``skip``."""
        names: set[str] = set()
        scope = self

        class Columns(_Walker):
            def visit(self, item: Any) -> None:
                if id(item) in skip:
                    self.skip = True
                elif isinstance(item, ast.ColumnRef) and scope.owner(item) is ref:
                    names.add(item.fields[-1].sval)

        Columns().walk(nodes)
        return names


def _aggregated_table(calls: list[ast.FuncCall], refs: list[RelationRef]
                      ) -> RelationRef | None:
    """The one table every aggregate's argument reads (None: none or several)."""
    if not calls:
        return None
    scope = _Scope(refs)
    owners: set[int] = set()
    for call in calls:
        owners |= scope.owners((call.args or (), call.agg_filter))
    if len(owners) != 1:
        return None
    return next(r for r in refs if id(r) in owners)


def _alone_on_its_server(target: RelationRef, refs: list[RelationRef]) -> bool:
    servers = [r.table.server_id for r in refs]
    return servers.count(target.table.server_id) == 1 and len(set(servers)) > 1


def _partial(call: ast.FuncCall, target: RelationRef, scope: _Scope) -> Partial:
    """How ``call`` splits (raises where it must not: module docstring)."""
    kind = _function_name(call)
    if kind not in _KINDS or call.agg_distinct or call.agg_order or call.agg_within_group \
            or call.func_variadic:
        raise _NotEager
    if call.agg_filter is not None and (scope.owners(call.agg_filter) - {id(target)}
                                        or unshippable_reasons(call.agg_filter)):
        raise _NotEager
    if call.agg_star:
        if kind != "count":
            raise _NotEager
        return Partial(call, kind)
    if not call.args or len(call.args) != 1 or not isinstance(call.args[0], ast.ColumnRef):
        raise _NotEager
    oid = _column_type(target, call.args[0].fields[-1].sval)
    if kind in ("sum", "avg") and oid not in _SUMMABLE or \
            kind in ("min", "max") and oid not in _ORDERED:
        raise _NotEager
    return Partial(call, kind, int_sum=kind == "sum" and oid in _SMALL_INTS)


def _column_type(ref: RelationRef, name: str) -> int:
    return _declared(ref, name)[0]


def _declared(ref: RelationRef, name: str) -> tuple[int, int]:
    from fdwsh.pgtypes import parse_type

    column = ref.table.column(name)
    assert column is not None
    typ = parse_type(column.type)
    return typ.type.oid, typ.typmod


def _groups_exactly(oid: int, typmod: int) -> bool:
    """Whether values a GROUP BY puts together also print alike (not so: -0 and 0, 1.0 and
    1.00 in an unconstrained numeric, '1 day' and '24 hours'), so that the group's value
    the remote sends is the one PostgreSQL would show."""
    return oid in _KEY_TYPES or oid == T.NUMERIC and typmod >= 0


def _declared_types_remotely(ref: RelationRef, names: set[str], remote_types: TypeOf) -> bool:
    """Whether the remote columns the partial aggregates read have the declared types."""
    if not names:
        return True
    found = remote_types(ref, sorted(names))
    return all(found.get(name) == _declared(ref, name) for name in names)


def _position(ref: RelationRef) -> Any:
    order = {c.name: i for i, c in enumerate(ref.table.columns)}
    return lambda name: order[name]


def _written(call: ast.FuncCall, alias: str) -> str:
    """The call as EXPLAIN names it: ``sum(o.amount)``, ``count(*)``."""
    name = _function_name(call)
    if call.agg_star:
        return f"{name}(*)"
    return f"{name}({alias}.{call.args[0].fields[-1].sval})"


class _Walker:
    """Depth-first walk over pglast nodes; ``visit`` may set ``skip`` to not descend."""

    skip = False

    def visit(self, node: Any) -> None:
        raise NotImplementedError

    def walk(self, node: Any) -> None:
        if isinstance(node, (tuple, list)):
            for item in node:
                self.walk(item)
            return
        if not isinstance(node, ast.Node):
            return
        self.skip = False
        self.visit(node)
        if self.skip:
            self.skip = False
            return
        for slot in node.__slots__:
            self.walk(getattr(node, slot, None))

    @staticmethod
    def any(node: Any, test: Any) -> bool:
        found: list[bool] = []

        class Find(_Walker):
            def visit(self, item: Any) -> None:
                if test(item):
                    found.append(True)

        Find().walk(node)
        return bool(found)
