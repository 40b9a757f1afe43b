"""Data shipping: a query level joining two large inputs of two servers runs on one of them.

In ``SELECT c.region_id, count(*) FROM orders o JOIN s2.customers c ON c.id = o.customer_id
GROUP BY 1`` with both tables large, the rows of ``s2.customers`` (as its scan would fetch them:
the columns the level uses, its pushed conditions applied) are copied into a temporary table
``fdwsh_ship_<n>`` on ``orders``' server, and that server runs the whole level — join,
aggregate and all — as one remote query reading the temporary table in place of the foreign
one.  When to do it is :mod:`fdwsh.plan.ship_decide`'s rule.

How, for the chosen table on server B and the target server A, inside the statement's remote
transactions (so the copy and the query see the snapshots the other scans see):

1. A must let the remote user create temporary tables
   (``has_database_privilege(current_user, current_database(), 'TEMP')``), else the level
   runs locally, nothing created.
2. ``CREATE TEMPORARY TABLE fdwsh_ship_<n> (…) ON COMMIT DROP`` on A, its columns typed as the
   foreign table *declares* them; ``COPY (<B's scan>) TO STDOUT`` on B is piped into ``COPY …
   FROM STDIN`` on A (:mod:`fdwsh.remote.copy_pipe`: streamed in chunks, text format, so every
   value goes through the declared type's input function as postgres_fdw reads it); ``ANALYZE``
   gives A's planner its statistics.
3. The level is sent whole (:mod:`fdwsh.exec.remote_fragment`) with the foreign table's
   reference bound to the temporary table; once its rows are read the table is dropped.  A
   failure or Ctrl-C fails the statement, whose rollback of the remote transaction removes the
   table (``ON COMMIT DROP`` covers a commit that comes before the DROP).

EXPLAIN shows the copy under the level's Foreign Scan (``Data Shipping: s2.customers c →
loopback (temp table fdwsh_ship_1, 60 rows estimated)``, VERBOSE the reason, ANALYZE the rows
copied); plain EXPLAIN creates the (empty) table only to let the level be planned, and drops it.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from pglast import ast
from pglast.enums import DropBehavior, ObjectType, OnCommitAction
from pglast.stream import RawStream

from fdwsh.errors import FdwshError
from fdwsh.exec.from_foreign import ForeignScan
from fdwsh.plan.ship_decide import Decision, Input, decide, threshold_setting
from fdwsh.remote.errors import QUERY_CANCELED, RemoteConnectionLost
from fdwsh.sql.bind import RelationRef

if TYPE_CHECKING:
    from fdwsh.exec.local_select import Analyzer, LocalRelation
    from fdwsh.exec.remote_fragment import RemoteFragment

TEMP_SCHEMA = "pg_temp"
_NAMES = itertools.count(1)
_CAN_CREATE_TEMP = ("SELECT pg_catalog.has_database_privilege(current_user, "
                    "current_database(), 'TEMP')")


@dataclass(slots=True)
class Shipment:
    """One table copied to another server for one query level."""

    ref: RelationRef  # the foreign-table reference whose rows are copied
    scan: ForeignScan  # what is read from its server (columns, pushed conditions)
    target: str  # the server receiving the copy
    name: str  # the temporary table there
    decision: Decision
    copied: int | None = None  # rows copied (None: not run, as under plain EXPLAIN)

    @property
    def columns(self) -> list[str]:
        return [self.scan.table.columns[i].name for i in self.scan.fetched_columns]

    def relation(self) -> ast.RangeVar:
        return ast.RangeVar(schemaname=TEMP_SCHEMA, relname=self.name, inh=True,
                            relpersistence="p")

    def bound_ref(self, target_table: Any) -> RelationRef:
        """The reference bound to the temporary table on the target server."""
        table = self.scan.table
        columns = tuple(replace(c, remote_name=c.name) for c in table.columns)
        pseudo = replace(table, server_id=target_table.server_id, server=self.target,
                         remote_schema=TEMP_SCHEMA, remote_name=self.name, columns=columns,
                         options=(), server_options=target_table.server_options)
        return RelationRef(self.ref.node, pseudo)


@dataclass(slots=True)
class ShipReport:
    """What EXPLAIN says of shipping at one query level: the level sent whole after a copy
    (``fragment`` set), or why its two servers' inputs were not shipped."""

    decision: Decision
    shipment: Shipment | None = None
    fragment: RemoteFragment | None = None
    cost: str | None = None  # the target's estimate of the level (while the table existed)

    @property
    def server(self) -> str:
        return self.fragment.server if self.fragment is not None else ""


def run_shipped(an: Analyzer, stmt: ast.SelectStmt, resolve_unknowns: bool
                ) -> LocalRelation | None:
    """``stmt``'s result computed on one server after shipping a large input of another
    there (None: the level runs in fdwsh's executor).  Called for a level that no single
    server can run as it stands."""
    from fdwsh.exec.remote_fragment import _relations_within
    from fdwsh.plan.shippable import unshippable_reasons

    if an.scan_plan is None or stmt.op or stmt.valuesLists:
        return None
    refs = _relations_within(an, stmt)
    by_server: dict[int, list[RelationRef]] = {}
    for ref in refs:
        by_server.setdefault(ref.table.server_id, []).append(ref)
    threshold = threshold_setting(_variable(an, "SHIP_THRESHOLD"))
    if len(by_server) != 2 or threshold == 0 or unshippable_reasons(stmt):
        return None
    scans = {id(ref): _scan_of(an, stmt, refs, ref) for ref in refs}
    inputs = [_input(an, group, scans) for group in by_server.values()]
    decision = decide(inputs[0][0], inputs[1][0], threshold, an.scan_plan.key_limit,
                      _linked(an, *by_server.values()))
    if decision.ship is not None:
        decision = _check_target(an, decision)
    if decision.ship is None:
        if decision.noteworthy:
            an.scans.append(ShipReport(decision))
        return None
    shipped = next(group[0] for (i, _), group in zip(inputs, by_server.values())
                   if i is decision.ship)
    targets = next(group for (i, _), group in zip(inputs, by_server.values())
                   if i is not decision.ship)
    assert decision.target is not None
    shipment = Shipment(shipped, scans[id(shipped)], decision.target.server,
                        f"fdwsh_ship_{next(_NAMES)}", decision)
    return _run_with(an, stmt, resolve_unknowns, shipment, targets[0].table)


def _run_with(an: Analyzer, stmt: ast.SelectStmt, resolve_unknowns: bool, shipment: Shipment,
              target_table: Any) -> LocalRelation | None:
    """Copy the table, send the level whole with its reference bound to the copy, drop it."""
    from fdwsh.exec.remote_fragment import run_remotely
    from fdwsh.exec.services import connection_cache

    cache = connection_cache(an.ps.services)
    target = cache.get(shipment.target)
    target.execute(RawStream()(_create(shipment)))
    if not an.explain_only:
        try:
            _copy(cache, shipment, target)
        except FdwshError as err:
            raise _as_scan_error(err, shipment) from None
    node = id(shipment.ref.node)
    saved = an.relations[node]
    an.relations[node] = shipment.bound_ref(target_table)
    try:
        rel = run_remotely(an, stmt, resolve_unknowns)
    except FdwshError as err:
        raise _as_local_error(err) from None
    finally:
        an.relations[node] = saved
    report = ShipReport(shipment.decision, shipment)
    if rel is not None:
        report.fragment = an.scans.pop()
        report.cost = _cost(target, report.fragment)
        an.scans.append(report)
    target.execute(RawStream()(_drop(shipment)))
    return rel


_COPY_CONTEXT = re.compile(r"^COPY fdwsh_ship_\d+, line \d+, column (.+?): ")


def _as_scan_error(err: FdwshError, shipment: Shipment) -> FdwshError:
    """An error of the copy as postgres_fdw's scan of the table raises it: a value the
    declared type does not accept names the column and foreign table (its
    conversion_error_callback), a failure of the source names the scan's query."""
    if isinstance(err, RemoteConnectionLost) or err.sqlstate == QUERY_CANCELED:
        return err
    lines = (err.context or "").split("\n")
    found = _COPY_CONTEXT.match(lines[0])
    if found:
        err.context = (f'column "{found.group(1)}" of foreign table '
                       f'"{shipment.ref.alias}"')
    else:
        err.context = "\n".join([line for line in lines if line and
                                  not line.startswith("remote SQL command: ")] +
                                 [f"remote SQL command: {shipment.scan.sql}"])
    return err


def _as_local_error(err: FdwshError) -> FdwshError:
    """An error of the level's query, as PostgreSQL raises it when it runs the level
    itself (postgres_fdw joins locally): without the remote SQL command context."""
    if isinstance(err, RemoteConnectionLost) or not err.context:
        return err
    kept = [line for line in err.context.split("\n")
            if not line.startswith("remote SQL command: ")]
    err.context = "\n".join(kept) or None
    return err


def _drop(shipment: Shipment) -> ast.DropStmt:
    name = (ast.String(sval=TEMP_SCHEMA), ast.String(sval=shipment.name))
    return ast.DropStmt(objects=(name,), removeType=ObjectType.OBJECT_TABLE,
                        behavior=DropBehavior.DROP_RESTRICT, missing_ok=True, concurrent=False)


def _copy(cache: Any, shipment: Shipment, target: Any) -> None:
    """COPY the scan's rows from its server into the temporary table, then ANALYZE it."""
    from fdwsh.remote.copy_pipe import copy_between

    source = cache.get(shipment.scan.server)
    columns = tuple(ast.String(sval=name) for name in shipment.columns)
    copy_in = ast.CopyStmt(relation=shipment.relation(), attlist=columns, is_from=True,
                           is_program=False)
    copy_out = ast.CopyStmt(query=shipment.scan.remote_tree(), is_from=False, is_program=False)
    shipment.copied = copy_between(source, RawStream()(copy_out), target, RawStream()(copy_in))
    analyze = ast.VacuumStmt(rels=(ast.VacuumRelation(relation=shipment.relation()),),
                             is_vacuumcmd=False)
    target.execute(RawStream()(analyze))


def _create(shipment: Shipment) -> ast.CreateStmt:
    """``CREATE TEMPORARY TABLE name (<the copied columns, declared types>) ON COMMIT DROP``."""
    table = shipment.scan.table
    elements = tuple(ast.ColumnDef(colname=c.name, typeName=_type_name(c.type), is_local=True)
                     for c in table.columns if c.name in shipment.columns)
    relation = ast.RangeVar(relname=shipment.name, inh=True, relpersistence="t")
    return ast.CreateStmt(relation=relation, tableElts=elements, oncommit=OnCommitAction.ONCOMMIT_DROP)


def _type_name(declared: str) -> ast.TypeName:
    """The AST of a declared column type (as :func:`fdwsh.pgtypes.parse_type` reads it)."""
    from pglast import parse_sql

    return parse_sql(f"SELECT CAST(NULL AS {declared})")[0].stmt.targetList[0].val.typeName


def _check_target(an: Analyzer, decision: Decision) -> Decision:
    """The decision, refused when the target does not let the remote user create temporary
    tables (checked before anything is created, so the fallback leaves nothing behind)."""
    from fdwsh.exec.services import connection_cache

    assert decision.target is not None
    conn = connection_cache(an.ps.services).get(decision.target.server)
    allowed = [row[0] for row in conn.stream(_CAN_CREATE_TEMP)]
    if allowed == ["t"]:
        return decision
    return replace(decision, ship=None, noteworthy=True,
                   reason=f'the remote user may not create temporary tables on server '
                          f'"{decision.target.server}"; {decision.reason}')


def _scan_of(an: Analyzer, stmt: ast.SelectStmt, refs: list[RelationRef], ref: RelationRef
             ) -> ForeignScan:
    """The scan of ``ref`` as the level sent whole reads it: the columns the level uses (as
    :func:`fdwsh.remote.deparse.remote_tree` chooses them), the conditions pushed to it."""
    from fdwsh.pgtypes import parse_type
    from fdwsh.exec.local_select import OutputColumn
    from fdwsh.remote.deparse import column_names_used

    node = ref.node
    used = None if node.alias is not None and node.alias.colnames else \
        column_names_used(stmt).columns_for(ref.alias, {r.alias for r in refs})
    table = ref.table
    columns = [OutputColumn(c.name, t.type.oid, t.typmod)
               for c in table.columns for t in (parse_type(c.type),)]
    pushed = list(an.scan_plan.pushed.get(id(node), ()))
    return ForeignScan(table, ref.alias, columns, used, pushed)


def _input(an: Analyzer, group: list[RelationRef], scans: dict[int, ForeignScan]
           ) -> tuple[Input, list[RelationRef]]:
    """One server's side of the level: estimated at its largest table's estimate."""
    from fdwsh.plan.cost import estimate_rows

    services = an.ps.services
    estimates = [int(estimate_rows(scans[id(ref)], services)) for ref in group]
    first = group[0]
    label = ", ".join(_label(ref) for ref in group)
    return Input(label, first.table.server, max(estimates), len(group) == 1), group


def _label(ref: RelationRef) -> str:
    table = ref.table
    name = f"{table.schema}.{table.name}"
    return name if ref.alias == table.name else f"{name} {ref.alias}"


def _linked(an: Analyzer, first: list[RelationRef], second: list[RelationRef]) -> bool:
    """Whether an equi-join links a table of one side with one of the other (then dynamic
    filtering could cut the larger side)."""
    one, two = {id(r.node) for r in first}, {id(r.node) for r in second}
    return any({id(link.probe.node), id(link.build.node)} <= one | two and
               (id(link.probe.node) in one) != (id(link.build.node) in one)
               for link in an.scan_plan.links)


def _cost(conn: Any, fragment: RemoteFragment) -> str | None:
    """The target's ``(cost=… rows=… width=…)`` for the level (asked while the copy exists)."""
    from fdwsh.remote.deparse import explain_sql

    lines = list(conn.stream(explain_sql(fragment.remote_tree()), fetch_size=100))
    first = lines[0][0] if lines and lines[0] else ""
    start = first.find("(cost=") if first else -1
    return first[start:] if start >= 0 else None


def _variable(an: Analyzer, name: str) -> str | None:
    variables = getattr(an.ps.services, "variables", None)
    return variables.get(name) if variables is not None else None


# -- EXPLAIN ---------------------------------------------------------------------------------


def ship_lines(report: ShipReport, opts: Any) -> list[str]:
    """EXPLAIN's lines for a level sent whole after shipping, or why it was not shipped."""
    if report.fragment is None:
        return [f"  Data Shipping: not used: {report.decision.reason}"] if opts.verbose else []
    from fdwsh.plan.explain_local import _fragment_lines

    shipment = report.shipment
    assert shipment is not None and shipment.decision.ship is not None
    lines = _fragment_lines(report.fragment, opts, lambda _: report.cost)
    lines.append(f"        Data Shipping: {_label(shipment.ref)} → {shipment.target} (temp table "
                 f"{shipment.name}, {shipment.decision.ship.rows} rows estimated)")
    if opts.verbose:
        lines.append(f"        Shipping Reason: {shipment.decision.reason}")
    if opts.analyze:
        lines.append(f"        Rows Shipped: {shipment.copied or 0}")
    return lines
