"""Data shipping for one join inside a locally run query level: the smaller input's table is
copied to the other input's server, which runs the join; fdwsh's executor does the rest.

A level that no server can run whole even after a copy (:mod:`fdwsh.exec.ship` declined: a
non-shippable expression such as ``random()``, a table of a third server, a local CTE) may
still hold a JOIN of two large inputs of two servers.  When :mod:`fdwsh.plan.ship_decide`'s
rule says so, the smaller input — a foreign-table scan, with its columns and pushed conditions —
is copied into a temporary table on the other input's server (:mod:`fdwsh.exec.ship_copy`),
and the join runs there as one remote join (:mod:`fdwsh.exec.join_fragment`: the scan read
from the temporary table in its place, rows in the local join's layout, so nothing above it
changes).  The decision, the copy and the join happen when the executor first asks for the
join's rows (unless its scans were fetched already, along with a sibling's); the table is
dropped once they are read.  The join is not joined further remotely (the copy must come
first), and plain EXPLAIN decides but copies nothing.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from pglast import ast

from fdwsh.errors import FdwshError
from fdwsh.exec.from_foreign import ForeignScan
from fdwsh.exec.join_fragment import JoinFragment, _absorb, remote_join
from fdwsh.exec.ship_copy import (
    Shipment,
    Shipped,
    as_local_error,
    check_target,
    estimated_input,
    label,
    linked,
    ship_threshold,
)
from fdwsh.plan.ship_decide import decide

if TYPE_CHECKING:
    from fdwsh.exec.local_from import Node
    from fdwsh.exec.local_select import Analyzer

Row = tuple[Any, ...]

#: Set while a level that ships whole (fdwsh.exec.ship) is typed over empty inputs: its joins
#: are not planned for shipping of their own then.
typing_a_shipped_level: ContextVar[bool] = ContextVar("typing_a_shipped_level", default=False)


@dataclass(slots=True)
class ShippedJoin(Shipped):
    """A join run on one server after one of its inputs was copied there."""

    fragment: JoinFragment
    shipment: Shipment
    fetched: list[Row] | None = None

    @property
    def server(self) -> str:
        return self.fragment.server

    def remote_tree(self) -> ast.Node:
        return self.fragment.remote_tree()

    def rows(self, services: Any) -> list[Row]:
        """Copy, run the join, drop the copy (once)."""
        from fdwsh.exec.services import connection_cache

        if self.fetched is None:
            cache = connection_cache(services)
            self.shipment.create(cache)
            self.shipment.copy(cache)
            try:
                self.fetched = self.fragment.rows(services)
            except FdwshError as err:
                raise as_local_error(err) from None
            self.shipment.drop(cache)
        return self.fetched

    def explain(self, opts: Any) -> list[str]:
        from fdwsh.plan.explain_local import _join_lines

        counted = replace(self.fragment, fetched=self.fetched)
        return _join_lines(counted, opts, lambda _: None) + self.shipment.explain(opts)


def ship_join(an: Analyzer, j: ast.JoinExpr, left: Node, right: Node, node: Node) -> None:
    """Let ``node`` (the join of ``left`` and ``right``) become a :class:`ShippedJoin` when the
    rule says to ship one of its inputs.  Decided when the join's rows are first asked for
    (the estimates may ask the servers, whose errors must not come before the level's own),
    or now under plain EXPLAIN, which asks for no rows."""
    sides = [_scans(left.remote), _scans(right.remote)]
    if ship_threshold(an.ps.services) == 0 or an.scan_plan is None or \
            typing_a_shipped_level.get() or not sides[0] or not sides[1] or \
            sides[0][0].table.server_id == sides[1][0].table.server_id:
        return
    if an.explain_only:
        _decide(an, j, left, right, node)
        return
    local = node.rows

    def first_rows(prefix: Row) -> Any:
        if not _decide(an, j, left, right, node):
            node.rows = local
        return node.rows(prefix)
    node.rows = first_rows


def _decide(an: Analyzer, j: ast.JoinExpr, left: Node, right: Node, node: Node) -> bool:
    """Apply the rule; when it ships, make ``node`` the shipped join (True)."""
    services = an.ps.services
    sides = [_scans(left.remote), _scans(right.remote)]
    if any(s.fetched is not None for side in sides for s in side):
        return False  # fetched already (along with a sibling scan): nothing left to save
    inputs = [estimated_input(", ".join(label(s) for s in side), side, services,
                              len(side) == 1 and not side[0].renamed)
              for side in sides]
    decision = check_target(services, decide(inputs[0], inputs[1], ship_threshold(services),
                                             an.scan_plan.key_limit, linked(an.scan_plan, *sides)))
    if decision.ship is None or decision.target is None:
        return False
    shipped = inputs.index(decision.ship)
    (scan,), kept = sides[shipped], sides[1 - shipped]
    shipment = Shipment(scan, decision.target.server, decision)
    stand_in = replace(scan, table=shipment.pseudo_table(kept[0].table), conditions=[],
                       keys=None, fetched=None, plan=None)
    remotes = [left.remote, right.remote]
    remotes[shipped] = stand_in
    fragment = remote_join(an, j, *remotes)
    if fragment is None:
        return False
    shipped_join = ShippedJoin(fragment, shipment)
    _absorb(an, [scan], fragment)  # the shipped scan is not fetched on its own, nor keyed
    an.scans[:] = [s for s in an.scans if s is not fragment] + [shipped_join]
    node.remote = shipped_join
    node.rows = lambda prefix: [] if an.explain_only else shipped_join.rows(services)
    return True


def _scans(remote: Any) -> list[ForeignScan]:
    """The foreign-table scans a join input reads ([]: it is no remote relation)."""
    if isinstance(remote, ForeignScan):
        return [remote]
    if isinstance(remote, JoinFragment):
        return list(remote.scans)
    return []
