"""Dynamic filtering: fetch the small side of an equi-join first, then ask the other server
only for the rows whose join key it holds.

For ``orders o JOIN s2.customers c ON c.id = o.customer_id WHERE c.region_id = 2`` the scan of
``c`` (a few rows) runs first; the scan of ``o`` then sends
``… WHERE o.customer_id = ANY (CAST($1 AS integer[]))`` with c's distinct ids as one array
parameter (in chunks of :data:`CHUNK` keys), so only orders that can match travel.
postgres_fdw cannot do this: its scans never see each other.

Which side goes first comes from the estimates of each scan (:mod:`fdwsh.plan.cost`: ANALYZE
statistics in the catalog, else the remote server's EXPLAIN, asked once per scan, only where a
link exists): a scan is fetched first to filter its partner
when it is estimated smaller and at most ``DYNAMIC_FILTER_LIMIT`` rows.  A partner already
fetched filters whenever its distinct keys are at most that many.  Keys are sent only between
columns of the same declared type, so the remote ``=`` is the one the join uses; NULL keys
never match and are not sent, and a build side without keys makes the scan empty without a
round trip.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pglast import ast
from pglast.enums import A_Expr_Kind

from fdwsh.pgtypes import type_by_oid
from fdwsh.plan.scan_filters import KeyLink, ScanPlan
from fdwsh.types.settings import REMOTE

if TYPE_CHECKING:
    from fdwsh.exec.from_foreign import ForeignScan

Row = tuple[Any, ...]

#: Keys per remote query: a larger set is asked for in several queries.
CHUNK = 10_000


@dataclass(slots=True)
class Applied:
    """A key filter a scan used (EXPLAIN ANALYZE reports it)."""

    link: KeyLink
    keys: int


@dataclass(slots=True)
class KeyFilters:
    """The links in which a scan is the probe side, and what came of them."""

    plan: ScanPlan
    links: list[KeyLink]
    applied: list[Applied] = field(default_factory=list)
    busy: bool = False

    def fetch(self, scan: ForeignScan, services: Any) -> list[Row]:
        """The scan's rows, filtered by every link whose build side is (made) known."""
        return list(self.stream(scan, services))

    def stream(self, scan: ForeignScan, services: Any) -> Iterator[Row]:
        """:meth:`fetch`'s rows as they arrive (the keys are chosen, and the build sides
        fetched, at the call)."""
        self.busy = True
        try:
            filters = [(link, keys) for link in self.links
                       if (keys := self._keys(scan, link, services)) is not None]
        finally:
            self.busy = False
        self.applied = [Applied(link, len(keys)) for link, keys in filters]
        if any(not keys for _, keys in filters):
            return iter(())  # an equi-join with a side without keys has no rows
        return _fetch_filtered(scan, services, filters)

    def _keys(self, scan: ForeignScan, link: KeyLink, services: Any) -> list[Any] | None:
        build = self.plan.scans.get(id(link.build.node))
        if build is None or not _same_type(scan, link.probe_column, build, link.build_column):
            return None
        limit = self.plan.key_limit
        if build.fetched is None:
            partner = build.keys
            if limit == 0 or (partner is not None and partner.busy):
                return None
            if not goes_first(build, scan, limit, services):
                return None
        index = _column_index(build, link.build_column)
        keys = list({row[index] for row in build.rows(services)} - {None})
        return keys if len(keys) <= limit else None


def attach(scan: ForeignScan, item: ast.RangeVar, plan: ScanPlan) -> None:
    """Register ``scan`` with the statement's plan and give it the links it probes."""
    plan.scans[id(item)] = scan
    links = [link for link in plan.links
             if link.probe.node is item and id(link.build.node) not in plan.absorbed]
    if links:
        scan.keys = KeyFilters(plan, links)


def _fetch_filtered(scan: ForeignScan, services: Any,
                    filters: list[tuple[KeyLink, list[Any]]]) -> Iterator[Row]:
    if not filters:
        return scan._fetch(services, scan.sql, ())
    (first, first_keys), rest = filters[0], filters[1:]
    params_rest = [_array_text(scan, link.probe_column, keys) for link, keys in rest]
    conditions = [_any_condition(scan, link.probe_column, i + 1)
                  for i, (link, _) in enumerate(filters)]
    from pglast.stream import RawStream

    sql = RawStream()(scan.remote_tree(conditions))
    scan.sent_sql = sql
    return _chunked(scan, services, sql, first, first_keys, params_rest)


def _chunked(scan: ForeignScan, services: Any, sql: str, first: KeyLink, keys: list[Any],
             params_rest: list[str]) -> Iterator[Row]:
    """The rows of one query per :data:`CHUNK` keys of the first link."""
    for start in range(0, len(keys), CHUNK):
        chunk = _array_text(scan, first.probe_column, keys[start:start + CHUNK])
        yield from scan._fetch(services, sql, (chunk, *params_rest))


def _any_condition(scan: ForeignScan, column: str, number: int) -> ast.Node:
    """``alias.column = ANY (CAST($number AS type[]))``."""
    oid = scan.columns[_column_index(scan, column)].type
    pg_type = type_by_oid(oid)
    assert pg_type is not None
    type_name = ast.TypeName(names=(ast.String(sval="pg_catalog"), ast.String(sval=pg_type.name)),
                             arrayBounds=(ast.Integer(ival=-1),), typemod=-1)
    return ast.A_Expr(kind=A_Expr_Kind.AEXPR_OP_ANY, name=(ast.String(sval="="),),
                      lexpr=ast.ColumnRef(fields=(ast.String(sval=scan.alias),
                                                  ast.String(sval=column))),
                      rexpr=ast.TypeCast(arg=ast.ParamRef(number=number), typeName=type_name))


def _array_text(scan: ForeignScan, column: str, keys: list[Any]) -> str:
    """The keys as an array literal of the column's type, as the remote reads it."""
    from fdwsh.exec.values import format_output
    from fdwsh.types.arrays import format_array

    oid = scan.columns[_column_index(scan, column)].type
    return format_array(keys, lambda v, s: format_output(oid, v, s), REMOTE)


def _column_index(scan: ForeignScan, column: str) -> int:
    return next(i for i, c in enumerate(scan.table.columns) if c.name == column)


def _same_type(probe: ForeignScan, pcol: str, build: ForeignScan, bcol: str) -> bool:
    return probe.columns[_column_index(probe, pcol)].type == \
        build.columns[_column_index(build, bcol)].type


def goes_first(build: ForeignScan, probe: ForeignScan, limit: int, services: Any) -> bool:
    """Whether ``build`` is estimated small enough, and smaller than ``probe``, to go first
    (estimates of :mod:`fdwsh.plan.cost`: catalog statistics, else the remote's EXPLAIN)."""
    from fdwsh.plan.cost import estimate_rows

    build_rows = estimate_rows(build, services)
    return build_rows <= limit and build_rows < estimate_rows(probe, services)
