"""Data shipping for a whole query level: it joins two large inputs of two servers, and runs
on one of them after the other's table is copied there.

In ``SELECT c.region_id, count(*) FROM orders o JOIN s2.customers c ON c.id = o.customer_id
GROUP BY 1`` with both tables large, the rows of ``s2.customers`` (as its scan would fetch them:
the columns the level uses, its pushed conditions applied) are copied into a temporary table
on ``orders``' server (:mod:`fdwsh.exec.ship_copy`), and that server runs the whole level —
join, aggregate and all — as one remote query (:mod:`fdwsh.exec.remote_fragment`) with the
foreign table's reference bound to the temporary table; only the level's result travels back.
When to do it is :mod:`fdwsh.plan.ship_decide`'s rule.  A level that the target server cannot
run whole (a non-shippable expression, a third server) may still ship the input of one of its
joins (:mod:`fdwsh.exec.ship_join`).

EXPLAIN shows the copy under the level's Foreign Scan (``Data Shipping: s2.customers c →
loopback (temp table fdwsh_ship_1, 60 rows estimated)``, VERBOSE the reason, ANALYZE the rows
copied); plain EXPLAIN creates the (empty) table only so that the level can be planned and
described by the target, and drops it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pglast import ast

from fdwsh.errors import FdwshError
from fdwsh.exec.from_foreign import ForeignScan
from fdwsh.exec.ship_copy import (
    Shipment,
    Shipped,
    as_local_error,
    check_target,
    estimated_input,
    label,
    linked,
    remote_cost,
    ship_threshold,
)
from fdwsh.exec.ship_join import typing_a_shipped_level
from fdwsh.plan.ship_decide import Decision, Input, decide
from fdwsh.sql.bind import RelationRef

if TYPE_CHECKING:
    from fdwsh.exec.local_select import Analyzer, LocalRelation
    from fdwsh.exec.remote_fragment import RemoteFragment


@dataclass(slots=True)
class ShipReport(Shipped):
    """What EXPLAIN says of shipping at one query level: the level sent whole after a copy
    (``fragment`` set), or why its two servers' inputs were not shipped."""

    decision: Decision
    shipment: Shipment | None = None
    fragment: RemoteFragment | None = None
    cost: str | None = None  # the target's estimate of the level (while the copy existed)

    def explain(self, opts: Any) -> list[str]:
        if self.fragment is None or self.shipment is None:
            return [f"  Data Shipping: not used: {self.decision.reason}"] if opts.verbose \
                else []
        from fdwsh.plan.explain_local import _fragment_lines

        return (_fragment_lines(self.fragment, opts, lambda _: self.cost) +
                self.shipment.explain(opts))


def run_shipped(an: Analyzer, stmt: ast.SelectStmt, resolve_unknowns: bool
                ) -> LocalRelation | None:
    """``stmt``'s result computed on one server after shipping a large input of another
    there (None: the level runs in fdwsh's executor).  Called for a level that no single
    server can run as it stands."""
    from fdwsh.exec.remote_fragment import _references_outside, _relations_within
    from fdwsh.plan.shippable import unshippable_reasons

    if an.scan_plan is None or stmt.op or stmt.valuesLists:
        return None
    refs = _relations_within(an, stmt)
    by_server: dict[int, list[RelationRef]] = {}
    for ref in refs:
        by_server.setdefault(ref.table.server_id, []).append(ref)
    threshold = ship_threshold(an.ps.services)
    if len(by_server) != 2 or threshold == 0 or unshippable_reasons(stmt) or \
            _references_outside(stmt, refs):  # then no server could run it whole
        return None
    _analyse(an, stmt, resolve_unknowns)  # its errors come before any the servers raise
    scans = {id(ref): _scan_of(an, stmt, refs, ref) for ref in refs}
    groups = list(by_server.values())
    sides = [[scans[id(ref)] for ref in group] for group in groups]
    inputs = [_input(an, side) for side in sides]
    decision = check_target(an.ps.services, decide(
        inputs[0], inputs[1], threshold, an.scan_plan.key_limit, linked(an.scan_plan, *sides)))
    if decision.ship is None or decision.target is None:
        if decision.noteworthy:
            an.scans.append(ShipReport(decision))
        return None
    shipped = groups[inputs.index(decision.ship)][0]
    target = groups[inputs.index(decision.target)][0]
    shipment = Shipment(scans[id(shipped)], decision.target.server, decision)
    return _run_with(an, stmt, resolve_unknowns, shipment, shipped, target.table)


def _run_with(an: Analyzer, stmt: ast.SelectStmt, resolve_unknowns: bool, shipment: Shipment,
              shipped: RelationRef, target_table: Any) -> LocalRelation | None:
    """Copy the table, send the level whole with its reference bound to the copy, drop it."""
    from fdwsh.exec.remote_fragment import run_remotely
    from fdwsh.exec.services import connection_cache

    cache = connection_cache(an.ps.services)
    shipment.create(cache)
    if not an.explain_only:
        shipment.copy(cache)
    node = id(shipped.node)
    an.relations[node] = RelationRef(shipped.node, shipment.pseudo_table(target_table))
    typing = typing_a_shipped_level.set(True)
    try:
        rel = run_remotely(an, stmt, resolve_unknowns)
    except FdwshError as err:
        raise as_local_error(err) from None
    finally:
        an.relations[node] = shipped
        typing_a_shipped_level.reset(typing)
    if rel is not None:
        fragment = an.scans.pop()
        cost = remote_cost(cache.get(shipment.target), fragment.remote_tree())
        an.scans.append(ShipReport(shipment.decision, shipment, fragment, cost))
    shipment.drop(cache)
    return rel


def _analyse(an: Analyzer, stmt: ast.SelectStmt, resolve_unknowns: bool) -> None:
    """Analyse the level over empty inputs (as sending it whole will), so that its errors
    are raised before the estimates and the copy ask anything of the servers."""
    from fdwsh.exec.remote_fragment import _output_columns

    typing, notes = typing_a_shipped_level.set(True), len(an.notes)
    try:
        _output_columns(an, stmt, resolve_unknowns)
    finally:
        typing_a_shipped_level.reset(typing)
        del an.notes[notes:]  # what the analysis noted is noted again when the level runs


def _scan_of(an: Analyzer, stmt: ast.SelectStmt, refs: list[RelationRef], ref: RelationRef
             ) -> ForeignScan:
    """The scan of ``ref`` as the level sent whole reads it: the columns the level uses (as
    :func:`fdwsh.remote.deparse.remote_tree` chooses them), the conditions pushed to it."""
    from fdwsh.exec.local_select import OutputColumn
    from fdwsh.pgtypes import parse_type
    from fdwsh.remote.deparse import column_names_used

    node = ref.node
    used = None if node.alias is not None and node.alias.colnames else \
        column_names_used(stmt).columns_for(ref.alias, {r.alias for r in refs})
    table = ref.table
    columns = [OutputColumn(c.name, t.type.oid, t.typmod)
               for c in table.columns for t in (parse_type(c.type),)]
    pushed = list(an.scan_plan.pushed.get(id(node), ()))
    return ForeignScan(table, ref.alias, columns, used, pushed, node_id=id(node))


def _input(an: Analyzer, side: list[ForeignScan]) -> Input:
    """One server's side of the level (only a single table can be copied)."""
    return estimated_input(", ".join(label(scan) for scan in side), side,
                           an.ps.services, len(side) == 1)
