"""Joins of one server's tables inside a locally run query, sent to that server as one join.

In ``orders o JOIN customers c ON c.id = o.customer_id JOIN s2.regions r ON …`` the join of
``o`` and ``c`` (both on one server) runs there as one remote query; only its result travels,
and fdwsh's executor joins it with ``r``.  The join is analysed locally as any other (names,
types, merged USING columns, PostgreSQL's errors): only its rows come from the remote, in the
very layout the local join would produce — each table's declared columns side by side, those
the query does not use left NULL — so nothing above it changes.

A join is sent when both sides are foreign-table scans or joins sent this way, on the same
server, its condition is shippable and reads only its tables' columns, and nothing in it is
renamed (a join alias hides its tables' names, a column alias list renames columns).  Each
table keeps the conditions planned for its scan, inside its own sub-select.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pglast import ast
from pglast.stream import RawStream
from pglast.visitors import Ancestor, Visitor

from fdwsh.exec.from_foreign import ForeignScan
from fdwsh.plan.scan_filters import shippable_condition

if TYPE_CHECKING:
    from fdwsh.exec.local_select import Analyzer

Row = tuple[Any, ...]


@dataclass(slots=True)
class JoinFragment:
    """A join of foreign tables run whole on their server."""

    scans: list[ForeignScan]  # the joined tables, in FROM order (the row layout's order)
    join: ast.JoinExpr  # the remote join of their sub-selects
    #: Whether the local join has an alias (then it cannot join further remotely: the alias
    #: would hide its tables' names from the select list).
    aliased: bool
    fetched: list[Row] | None = None

    @property
    def server(self) -> str:
        return self.scans[0].server

    def remote_tree(self) -> ast.SelectStmt:
        targets = tuple(
            ast.ResTarget(val=ast.ColumnRef(fields=(ast.String(sval=scan.alias),
                                                    ast.String(sval=scan.table.columns[i].name))))
            for scan in self.scans for i in scan.fetched_columns)
        return ast.SelectStmt(targetList=targets, fromClause=(self.join,), limitOption=0, op=0)

    @property
    def sql(self) -> str:
        return RawStream()(self.remote_tree())

    def relations(self) -> str:
        """postgres_fdw's ``Relations:`` text, e.g. ``(public.o o) INNER JOIN (public.c c)``."""
        return _relations(self.join, {s.alias: s for s in self.scans})

    def rows(self, services: Any) -> list[Row]:
        if self.fetched is None:
            self.fetched = list(self._fetch(services))
        return self.fetched

    def _fetch(self, services: Any) -> Iterator[Row]:
        from fdwsh.exec.services import connection_cache

        conn = connection_cache(services).get(self.server)
        stream = conn.stream(self.sql, fetch_size=self.scans[0].fetch_size())
        layout = [(len(scan.table.columns), scan.fetched_columns,
                   [scan._reader(i) for i in scan.fetched_columns]) for scan in self.scans]
        for remote in stream:
            values = iter(remote)
            row: list[Any] = []
            for width, slots, readers in layout:
                part: list[Any] = [None] * width
                for slot, read in zip(slots, readers):
                    text = next(values)
                    if text is not None:
                        part[slot] = read(text)
                row.extend(part)
            yield tuple(row)


def remote_join(an: Analyzer, j: ast.JoinExpr, left: Any, right: Any
                ) -> JoinFragment | None:
    """The fragment that runs the join of ``left`` and ``right`` (each the ``remote`` of a
    FROM node: a ForeignScan, a JoinFragment or None) remotely, if it can (see the module
    docstring); the scans it absorbs are no longer fetched on their own."""
    parts = [_part(side) for side in (left, right)]
    if parts[0] is None or parts[1] is None:
        return None
    scans = parts[0][0] + parts[1][0]
    if len({s.table.server_id for s in scans}) != 1:
        return None
    if j.quals is not None and not (shippable_condition(j.quals) and
                                    _reads_only(j.quals, scans)):
        return None
    join = ast.JoinExpr(jointype=j.jointype, isNatural=j.isNatural, larg=parts[0][1],
                        rarg=parts[1][1], usingClause=j.usingClause, quals=j.quals)
    fragment = JoinFragment(scans, join, aliased=j.alias is not None)
    _absorb(an, scans, fragment)
    return fragment


def _part(side: Any) -> tuple[list[ForeignScan], ast.Node] | None:
    """A join side's scans and its remote FROM item (None: the side cannot be sent)."""
    if isinstance(side, ForeignScan) and not side.renamed:
        item = ast.RangeSubselect(lateral=False, subquery=side.remote_tree(),
                                  alias=ast.Alias(aliasname=side.alias))
        return [side], item
    if isinstance(side, JoinFragment) and not side.aliased:
        return side.scans, side.join
    return None


def _absorb(an: Analyzer, scans: list[ForeignScan], fragment: JoinFragment) -> None:
    """The fragment replaces its scans (and smaller fragments) in EXPLAIN and in the plan."""
    absorbed = {id(s) for s in scans}
    an.scans[:] = [s for s in an.scans if id(s) not in absorbed and
                   not (isinstance(s, JoinFragment) and id(s.scans[0]) in absorbed)]
    an.scans.append(fragment)
    plan = an.scan_plan
    if plan is None:
        return
    for node in [n for n, s in plan.scans.items() if id(s) in absorbed]:
        del plan.scans[node]
        plan.absorbed.add(node)
    for scan in plan.scans.values():  # join keys of absorbed scans are not fetched alone
        if scan.keys is not None:
            scan.keys.links = [link for link in scan.keys.links
                               if id(link.build.node) not in plan.absorbed]
            if not scan.keys.links:
                scan.keys = None


def _reads_only(condition: ast.Node, scans: list[ForeignScan]) -> bool:
    """Whether every column reference of ``condition`` is a column of one of ``scans``."""
    aliases = {s.alias: s for s in scans}
    found: list[bool] = []

    class Columns(Visitor):  # type: ignore[misc]
        def visit_ColumnRef(self, ancestors: Ancestor, node: ast.ColumnRef) -> None:
            names = [f.sval if isinstance(f, ast.String) else None for f in node.fields]
            if len(names) == 2 and names[0] in aliases:
                found.append(aliases[names[0]].table.column(names[1] or "") is not None)
            elif len(names) == 1:
                found.append(any(s.table.column(names[0] or "") for s in scans))
            else:
                found.append(False)

    Columns()(condition)
    return all(found)


_JOIN_NAMES = {0: "INNER", 1: "LEFT", 2: "FULL", 3: "RIGHT"}


def _relations(node: ast.Node, scans: dict[str, ForeignScan], nested: bool = False) -> str:
    if isinstance(node, ast.JoinExpr):
        kind = _JOIN_NAMES.get(int(node.jointype), "INNER")
        text = (f"{_relations(node.larg, scans, True)} {kind} JOIN "
                f"{_relations(node.rarg, scans, True)}")
        return f"({text})" if nested else text
    scan = scans[node.alias.aliasname]
    name = f"{scan.table.schema}.{scan.table.name}"
    return f"({name})" if scan.alias == scan.table.name else f"({name} {scan.alias})"
