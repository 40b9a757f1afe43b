"""Join order of a local FROM list (``FROM a, b, c WHERE a.x = b.x AND …``) from the cost
model's estimates (:mod:`fdwsh.plan.cost`).

Inner joins of a comma list may run in any order; fdwsh's default is FROM order, each next
item the hash table of a join with the rows so far.  Where ANALYZE statistics exist for at
least one of the list's foreign tables (else the estimates would cost a remote EXPLAIN per
table and be guesses), the order is chosen greedily:

1. start from the scan estimated smallest (the most selective, its pushed conditions applied);
2. next, of the items with a hash-joinable equality to those joined, the one whose join is
   estimated smallest (:func:`fdwsh.plan.cost.join_rows` with the key columns' n_distinct);
   an item without one only when none is left (a cross product, smallest first);
3. each hash join builds its table on the smaller of its two inputs (the rows so far or the
   new item) and streams the other through it — as does an explicit ``a JOIN b ON …`` (inner)
   of two scans (:func:`build_on_left`, used by :func:`fdwsh.exec.joins.join_rows`).

Rows keep the FROM list's layout (each item's columns in its own slots): a partial row has
NULLs in the slots of the items not joined yet, so conditions and keys compiled for that layout
work unchanged.  WHERE is still tested on every row the product gives (by the caller).  Lists
with a LATERAL item, or items other than foreign-table scans, keep FROM order.  EXPLAIN
shows a chosen order as ``Join Order:`` and draws its joins (:mod:`fdwsh.exec.plan_tree`) in
that order, each ``Hash`` over the input the table is built on.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fdwsh.exec import joins
from fdwsh.exec.eval import compile_expr
from fdwsh.exec.fold import fold_constants
from fdwsh.exec.from_foreign import ForeignScan
from fdwsh.exec.plan_tree import counted, hash_stats, join_node, recorder
from fdwsh.plan import cost
from fdwsh.sql import ir
from fdwsh.sql import oids as T

if TYPE_CHECKING:
    from fdwsh.exec.local_from import Node
    from fdwsh.exec.local_select import Analyzer

Row = tuple[Any, ...]


@dataclass(slots=True)
class Step:
    """One item joined to the rows so far."""

    node: Node
    #: The hash-joinable equalities with the items before it (None: a cross product).
    cond: ir.Expr | None
    #: Whether the hash table is built on this item's rows (else on the rows so far).
    build_new: bool
    rows: float


@dataclass(slots=True)
class JoinOrder:
    """A FROM list's join order, chosen when first needed (by its execution, or by EXPLAIN
    after the level's analysis set its WHERE); EXPLAIN's note ``Join Order: a (rows=…),
    b (rows=…, hash table on a), …`` where it differs from FROM order."""

    an: Analyzer
    nodes: list[Node]
    #: The level's WHERE condition, set once the level is analysed.
    where: list[ir.Expr | None]
    _steps: list[Step] | None = None
    _planned: bool = False

    def steps(self) -> list[Step] | None:
        """The chosen steps (None: FROM order stands)."""
        if not self._planned:
            self._steps, self._planned = _choose(self.an, self.nodes, self.where[0]), True
        return self._steps

    def explain_lines(self) -> list[str]:
        line = self._line()
        if line is None or self._shown_before(line):
            return []
        return [line]

    def _line(self) -> str | None:
        steps = self.steps()
        if steps is None:
            return None
        parts, joined = [], []
        for i, step in enumerate(steps):
            alias = step.node.remote.alias
            detail = f"rows={step.rows:.0f}"
            if i and step.cond is not None:
                detail += ", hash table on " + (alias if step.build_new else ", ".join(joined))
            parts.append(f"{alias} ({detail})")
            joined.append(alias)
        return "  Join Order: " + ", ".join(parts)

    def _shown_before(self, line: str) -> bool:
        """Whether an earlier note says the same (a level analysed twice shows one)."""
        earlier = self.an.notes[:self.an.notes.index(self)]
        return any(isinstance(n, JoinOrder) and n._line() == line for n in earlier)


def register(an: Analyzer, nodes: list[Node], where: list[ir.Expr | None]) -> None:
    """Note a FROM list whose order the estimates may choose (EXPLAIN shows the choice)."""
    if len(nodes) > 1 and not any(n.lateral or not isinstance(n.remote, ForeignScan)
                                  for n in nodes):
        an.notes.append(JoinOrder(an, nodes, where))


def ordered_cross(an: Analyzer, nodes: list[Node], ran: list[Any]) -> Iterator[Row] | None:
    """The list's rows joined in the order the estimates choose (``ran`` gets its EXPLAIN
    tree); None where FROM order stands (see the module docstring) or is what they choose."""
    order = _order_of(an, nodes)
    steps = order.steps() if order is not None else None
    return None if steps is None else _run(an, steps, sum(n.width for n in nodes), ran)


def _order_of(an: Analyzer, nodes: list[Node]) -> JoinOrder | None:
    return next((n for n in an.notes if isinstance(n, JoinOrder) and n.nodes is nodes), None)


def _choose(an: Analyzer, nodes: list[Node], where: ir.Expr | None) -> list[Step] | None:
    services = an.ps.services
    if all(cost.table_stats(n.remote.table, services) is None for n in nodes):
        return None
    steps = plan_steps(nodes, where, services)
    if [s.node for s in steps] == nodes and all(s.build_new for s in steps[1:]):
        return None  # FROM order, as the default executes it
    return steps


def build_on_left(left: Node, right: Node, services: Any) -> bool:
    """Whether an inner hash join of two foreign-table scans should build its table on the
    left one (estimated smaller, with statistics for at least one of them)."""
    scans = (left.remote, right.remote)
    if not all(isinstance(s, ForeignScan) for s in scans) or \
            all(cost.table_stats(s.table, services) is None for s in scans):
        return False
    return cost.build_left(cost.estimate_rows(left.remote, services),
                           cost.estimate_rows(right.remote, services))


def plan_steps(nodes: list[Node], where: ir.Expr | None, services: Any) -> list[Step]:
    """The greedy order of the module docstring."""
    sizes = {id(n): cost.estimate_rows(n.remote, services) for n in nodes}
    first = min(nodes, key=lambda n: sizes[id(n)])
    steps = [Step(first, None, False, sizes[id(first)])]
    done, left = [first], [n for n in nodes if n is not first]
    while left:
        slots = [s for n in done for s in range(n.offset, n.offset + n.width)]
        options = []
        for node in left:
            cond = joins.hash_conjuncts(where, slots, range(node.offset,  # type: ignore[arg-type]
                                                            node.offset + node.width))
            rows = _join_estimate(steps[-1].rows, node, cond, done, sizes, services)
            options.append((cond is None, rows, node, cond))
        _, rows, node, cond = min(options, key=lambda o: (o[0], o[1]))
        build_new = cond is None or not cost.build_left(steps[-1].rows, sizes[id(node)])
        steps.append(Step(node, cond, build_new, rows))
        done.append(node)
        left.remove(node)
    return steps


def _join_estimate(so_far: float, node: Node, cond: ir.Expr | None, done: list[Node],
                   sizes: dict[int, float], services: Any) -> float:
    """Rows of joining ``node`` to the rows so far on ``cond`` (a cross product without)."""
    size = sizes[id(node)]
    if cond is None:
        return so_far * size
    best = so_far * size
    for key in joins.conjuncts(cond):
        new_side, old_side = _columns_of(key, node, done)
        if new_side is None or old_side is None:
            continue
        (old_node, old_column), new_column = old_side, new_side
        nd_new = cost.distinct_keys(node.remote, new_column, services)
        nd_old = min(cost.distinct_keys(old_node.remote, old_column, services), so_far)
        best = min(best, cost.join_rows(so_far, size, nd_old, nd_new,
                                        cost.null_fraction(old_node.remote, old_column, services),
                                        cost.null_fraction(node.remote, new_column, services)))
    return max(best, 1.0)


def _columns_of(key: ir.Expr, node: Node, done: list[Node]
                ) -> tuple[str | None, tuple[Node, str] | None]:
    """For ``x = y`` between plain columns: the new item's column, and the joined item's."""
    if not isinstance(key, ir.OpExpr) or not all(isinstance(a, ir.Var) for a in key.args):
        return None, None
    new_col, old = None, None
    for var in key.args:
        owner = _owner(var.index, [node, *done])
        if owner is None:
            continue
        name = owner.remote.table.columns[var.index - owner.offset].name
        if owner is node:
            new_col = name
        else:
            old = (owner, name)
    return new_col, old


def _owner(slot: int, nodes: list[Node]) -> Node | None:
    return next((n for n in nodes if n.offset <= slot < n.offset + n.width), None)


# -- execution -------------------------------------------------------------------------------


def ordered_plan(an: Analyzer, nodes: list[Node]) -> Any:
    """The EXPLAIN tree (fdwsh.exec.plan_tree) of the chosen order, None where FROM order
    stands or the statement is not explained."""
    order = _order_of(an, nodes)
    steps = order.steps() if order is not None else None
    rec = recorder(an.ctx)
    if steps is None or rec is None:
        return None
    plan, joined = steps[0].node.plan, [steps[0].node]
    for step in steps[1:]:
        plan = _step_plan(step, joined, plan)
        joined.append(step.node)
    return plan


def _run(an: Analyzer, steps: list[Step], width: int, ran: list[Any]) -> Iterator[Row]:
    """The rows in the chosen order; ``ran`` gets the EXPLAIN tree as it runs."""
    rec = recorder(an.ctx)
    first = steps[0].node
    rows: Iterable[Row] = (_placed(first, r, width) for r in _node_rows(first))
    plan, joined = first.plan, [first]
    for step in steps[1:]:
        plan = _step_plan(step, joined, plan) if rec is not None else None
        rows = counted(rec, plan, _join(an, rows, step, joined, width, hash_stats(plan)))
        joined.append(step.node)
    ran[:] = [plan]
    return iter(rows)


def _step_plan(step: Step, joined: list[Node], below: Any) -> Any:
    """A step's ``Hash Join`` (its Hash over the side the table is built on) or ``Nested
    Loop``, over the tree of the rows so far (``below``)."""
    if step.cond is None:
        return join_node(joins.INNER, False, [], [], below, step.node.plan)
    keys = _keys(step, joined)
    outer, inner = (below, step.node.plan) if step.build_new else (step.node.plan, below)
    pairs = [(k.left, k.right) if step.build_new else (k.right, k.left) for k in keys]
    plan = join_node(joins.INNER, True, [ir.OpExpr(k.op, pair, T.BOOL)  # outer side first
                                         for k, pair in zip(keys, pairs)], [], outer, inner)
    plan.consumed = joins.conjuncts(step.cond)
    return plan


def _keys(step: Step, joined: list[Node]) -> list[joins.HashKey]:
    """The hash keys of a step: left reads the rows so far, right the new item."""
    node = step.node
    slots = [s for n in joined for s in range(n.offset, n.offset + n.width)]
    keys, _ = joins.split_hash_keys(step.cond, slots,  # type: ignore[arg-type]
                                    range(node.offset, node.offset + node.width))
    return keys


def _node_rows(node: Node) -> Iterable[Row]:
    return node.rows((None,) * node.offset)


def _placed(node: Node, row: Row, width: int) -> Row:
    """``row`` of ``node`` in a full-width row, NULLs elsewhere."""
    return (None,) * node.offset + row + (None,) * (width - node.offset - node.width)


def _join(an: Analyzer, rows: Iterable[Row], step: Step, joined: list[Node], width: int,
          stats: Any) -> Iterator[Row]:
    node = step.node
    lo, hi = node.offset, node.offset + node.width
    if step.cond is None:
        inner = list(_node_rows(node))
        return (acc[:lo] + r + acc[hi:] for acc in rows for r in inner)
    keys = _keys(step, joined)
    ctx = an.ctx
    normal = joins.key_normaliser([k.op for k in keys])
    old_keys = [compile_expr(fold_constants(k.left, ctx), ctx) for k in keys]
    new_keys = [compile_expr(fold_constants(k.right, ctx), ctx) for k in keys]
    pad = (None,) * lo

    def old_key(row: Row) -> Any:
        return normal([fn(row) for fn in old_keys])

    def new_key(row: Row) -> Any:
        return normal([fn(pad + row) for fn in new_keys])
    w = node.width
    if step.build_new:
        out = joins.hash_join(joins.INNER, rows, _node_rows(node), old_key, new_key, None,
                              (width, w), stats)
        return (r[:lo] + r[width:] + r[hi:width] for r in out)
    out = joins.hash_join(joins.INNER, _node_rows(node), rows, new_key, old_key, None,
                          (w, width), stats)
    return (r[w:w + lo] + r[:w] + r[w + hi:] for r in out)
