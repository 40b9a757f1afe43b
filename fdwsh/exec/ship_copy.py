"""The copy behind data shipping: one foreign table's rows in a temporary table on another
server, for the length of one statement.

For a scan of table T on server B (its columns, its pushed conditions) and a target server A,
inside the statement's remote transactions (so the copy sees the snapshot the other scans of B
see, and the query on A sees the copy):

1. A must let the remote user create temporary tables
   (``has_database_privilege(current_user, current_database(), 'TEMP')``, and the remote
   transaction not read-only: :func:`check_target`), else nothing is shipped and nothing
   created.
2. ``CREATE TEMPORARY TABLE fdwsh_ship_<n> (…) ON COMMIT DROP`` on A, its columns typed as T
   *declares* them; ``COPY (<the scan>) TO STDOUT`` on B piped into ``COPY … FROM STDIN`` on A
   (:mod:`fdwsh.remote.copy_pipe`: streamed in chunks, text format, so every value goes through
   the declared type's input function as postgres_fdw reads it); ``ANALYZE`` gives A's planner
   its statistics.
3. Once the query reading it has returned its rows, ``DROP TABLE``.  A failure or Ctrl-C fails
   the statement, whose rollback of the remote transaction removes the table; ``ON COMMIT
   DROP`` covers a commit that comes before the DROP.

Errors are the ones postgres_fdw's local join would raise (:func:`as_scan_error`,
:func:`as_local_error`).
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
from fdwsh.plan.ship_decide import Decision, Input
from fdwsh.remote.errors import QUERY_CANCELED, RemoteConnectionLost

if TYPE_CHECKING:
    from fdwsh.catalog.model import ForeignTable
    from fdwsh.exec.from_foreign import ForeignScan

TEMP_SCHEMA = "pg_temp"
_NAMES = itertools.count(1)
#: Whether the remote user may create temporary tables, and whether the remote transaction is
#: read-only (a standby, a role with default_transaction_read_only), which forbids it too.
_CAN_CREATE_TEMP = ("SELECT pg_catalog.has_database_privilege(current_user, "
                    "current_database(), 'TEMP'), pg_catalog.current_setting("
                    "'transaction_read_only')")
_COPY_CONTEXT = re.compile(r"^COPY fdwsh_ship_\d+, line \d+, column (.+?): ")


class Shipped:
    """Something EXPLAIN shows with its data shipping lines (the hook in
    fdwsh.plan.explain_local calls :meth:`explain`)."""

    def explain(self, opts: Any) -> list[str]:
        raise NotImplementedError


@dataclass(slots=True)
class Shipment:
    """One table copied to another server for one statement."""

    scan: ForeignScan  # what is read from its server (columns, pushed conditions)
    target: str  # the server receiving the copy
    decision: Decision
    name: str = ""  # the temporary table there
    copied: int | None = None  # rows copied (None: not run, as under plain EXPLAIN)

    def __post_init__(self) -> None:
        self.name = self.name or f"fdwsh_ship_{next(_NAMES)}"

    @property
    def columns(self) -> list[str]:
        return [self.scan.table.columns[i].name for i in self.scan.fetched_columns]

    def relation(self) -> ast.RangeVar:
        return ast.RangeVar(schemaname=TEMP_SCHEMA, relname=self.name, inh=True,
                            relpersistence="p")

    def pseudo_table(self, target_table: ForeignTable) -> ForeignTable:
        """The shipped table as if declared on the target server over the temporary table
        (``target_table``: a table of that server, for its server's options)."""
        table = self.scan.table
        columns = tuple(replace(c, remote_name=c.name) for c in table.columns)
        return replace(table, server_id=target_table.server_id, server=self.target,
                       remote_schema=TEMP_SCHEMA, remote_name=self.name, columns=columns,
                       options=(), server_options=target_table.server_options)

    def create(self, cache: Any) -> None:
        """``CREATE TEMPORARY TABLE`` on the target (the copied columns, declared types)."""
        table = self.scan.table
        elements = tuple(ast.ColumnDef(colname=c.name, typeName=_type_name(c.type), is_local=True)
                         for c in table.columns if c.name in self.columns)
        relation = ast.RangeVar(relname=self.name, inh=True, relpersistence="t")
        create = ast.CreateStmt(relation=relation, tableElts=elements,
                                oncommit=OnCommitAction.ONCOMMIT_DROP)
        cache.get(self.target).execute(RawStream()(create))

    def copy(self, cache: Any) -> None:
        """COPY the scan's rows from its server into the table, then ANALYZE it."""
        from fdwsh.remote.copy_pipe import copy_between

        target = cache.get(self.target)
        columns = tuple(ast.String(sval=name) for name in self.columns)
        copy_in = ast.CopyStmt(relation=self.relation(), attlist=columns, is_from=True,
                               is_program=False)
        copy_out = ast.CopyStmt(query=self.scan.remote_tree(), is_from=False, is_program=False)
        try:
            self.copied = copy_between(cache.get(self.scan.server), RawStream()(copy_out),
                                       target, RawStream()(copy_in))
        except FdwshError as err:
            raise as_scan_error(err, self) from None
        analyze = ast.VacuumStmt(rels=(ast.VacuumRelation(relation=self.relation()),),
                                 is_vacuumcmd=False)
        target.execute(RawStream()(analyze))

    def drop(self, cache: Any) -> None:
        name = (ast.String(sval=TEMP_SCHEMA), ast.String(sval=self.name))
        drop = ast.DropStmt(objects=(name,), removeType=ObjectType.OBJECT_TABLE,
                            behavior=DropBehavior.DROP_RESTRICT, missing_ok=True,
                            concurrent=False)
        cache.get(self.target).execute(RawStream()(drop))

    def explain(self, opts: Any) -> list[str]:
        """The lines under the node that reads the copy (VERBOSE: why; ANALYZE: rows)."""
        assert self.decision.ship is not None
        lines = [f"        Data Shipping: {label(self.scan)} → {self.target} (temp table "
                 f"{self.name}, {self.decision.ship.rows} rows estimated)"]
        if opts.verbose:
            lines.append(f"        Shipping Reason: {self.decision.reason}")
        if opts.analyze:
            lines.append(f"        Rows Shipped: {self.copied or 0}")
        return lines


def _type_name(declared: str) -> ast.TypeName:
    """The AST of a declared column type (as :func:`fdwsh.pgtypes.parse_type` reads it)."""
    from pglast import parse_sql

    return parse_sql(f"SELECT CAST(NULL AS {declared})")[0].stmt.targetList[0].val.typeName


def check_target(services: Any, decision: Decision) -> Decision:
    """The decision, refused when the target cannot create temporary tables: the remote user
    lacks the TEMPORARY privilege, or the remote transaction is read-only.  Asked inside that
    transaction before anything is created, so the fallback leaves nothing behind and the
    transaction usable."""
    from fdwsh.exec.services import connection_cache

    if decision.ship is None or decision.target is None:
        return decision
    server = decision.target.server
    conn = connection_cache(services).get(server)
    allowed, read_only = next(iter(conn.stream(_CAN_CREATE_TEMP)))
    if allowed == "t" and read_only == "off":
        return decision
    why = (f'the remote user may not create temporary tables on server "{server}"'
           if allowed != "t" else f'the remote transaction on server "{server}" is read-only')
    return replace(decision, ship=None, noteworthy=True, reason=f"{why}; {decision.reason}")


def as_scan_error(err: FdwshError, shipment: Shipment) -> FdwshError:
    """An error of the copy as postgres_fdw's scan of the table raises it: a value the
    declared type does not accept names the column and the table's alias (its
    conversion_error_callback); a failure of the source names the scan's query."""
    if isinstance(err, RemoteConnectionLost) or err.sqlstate == QUERY_CANCELED:
        return err
    lines = (err.context or "").split("\n")
    found = _COPY_CONTEXT.match(lines[0])
    if found:
        err.context = f'column "{found.group(1)}" of foreign table "{shipment.scan.alias}"'
    else:
        err.context = "\n".join([line for line in lines if line and
                                 not line.startswith("remote SQL command: ")] +
                                [f"remote SQL command: {shipment.scan.sql}"])
    return err


def as_local_error(err: FdwshError) -> FdwshError:
    """An error of the query reading the copy, as PostgreSQL raises it when it runs that
    part itself (postgres_fdw joins locally): without the remote SQL command context."""
    if isinstance(err, RemoteConnectionLost) or not err.context:
        return err
    kept = [line for line in err.context.split("\n")
            if not line.startswith("remote SQL command: ")]
    err.context = "\n".join(kept) or None
    return err


def estimated_input(label: str, scans: list[ForeignScan], services: Any, copyable: bool
                    ) -> Input:
    """One server's side of a join, estimated at its largest scan's estimate (known only
    when every scan's is)."""
    from fdwsh.plan.cost import cached_estimate

    estimates = [cached_estimate(scan, services) for scan in scans]
    return Input(label, scans[0].server, max(int(e.rows) for e in estimates), copyable,
                 all(e.source != "default" for e in estimates))


def linked(plan: Any, first: list[ForeignScan], second: list[ForeignScan]) -> bool:
    """Whether an equi-join of the statement (``plan``: its ScanPlan) links a scan of one
    input with one of the other (then dynamic filtering could cut the larger input)."""
    one, two = {s.node_id for s in first}, {s.node_id for s in second}
    return any((id(link.probe.node) in one and id(link.build.node) in two) or
               (id(link.probe.node) in two and id(link.build.node) in one)
               for link in plan.links)


def label(scan: ForeignScan) -> str:
    """How EXPLAIN names a scanned table: ``s2.customers c``."""
    table = scan.table
    name = f"{table.schema}.{table.name}"
    return name if scan.alias == table.name else f"{name} {scan.alias}"


def remote_cost(conn: Any, tree: ast.Node) -> str | None:
    """The server's ``(cost=… rows=… width=…)`` for ``tree`` (asked while the copy exists)."""
    from fdwsh.remote.deparse import explain_sql

    lines = list(conn.stream(explain_sql(tree), fetch_size=100))
    first = lines[0][0] if lines and lines[0] else ""
    start = first.find("(cost=") if first else -1
    return first[start:] if start >= 0 else None


def ship_threshold(services: Any) -> int:
    """``\\set SHIP_THRESHOLD`` of the session behind ``services``."""
    from fdwsh.plan.ship_decide import threshold_setting

    variables = getattr(services, "variables", None)
    return threshold_setting(variables.get("SHIP_THRESHOLD") if variables is not None else None)
