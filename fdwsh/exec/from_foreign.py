"""Foreign tables as FROM items of a locally evaluated query: a typed remote scan.

When a query cannot run whole on one server (tables of several servers, an expression the
remote may not evaluate), each foreign table it names becomes a scan: ``SELECT <the columns the
query uses> FROM remote_schema.remote_table [WHERE <conditions pushed to it>]``, deparsed from
an AST (:func:`fdwsh.remote.deparse.table_subquery`), never glued.  Each remote value is read
through the *declared* column type's input function, as postgres_fdw does, so a value that does
not fit fails with PostgreSQL's error and ``CONTEXT:  column "c" of foreign table "t"``.

The scan is planned while the query is analysed (columns, pushed conditions: see
:class:`ForeignScan`) and fetched only when the executor first asks for its rows, so EXPLAIN
can show every scan's remote SQL without running it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pglast import ast
from pglast.stream import RawStream
from pglast.visitors import Ancestor, Visitor

from fdwsh.catalog.model import ForeignTable
from fdwsh.exec.from_relation import RelationItem
from fdwsh.pgtypes import parse_type
from fdwsh.remote.deparse import table_subquery
from fdwsh.sql.pstate import error
from fdwsh.types.settings import REMOTE

if TYPE_CHECKING:
    from fdwsh.exec.dynamic_filter import KeyFilters
    from fdwsh.exec.local_select import Analyzer, OutputColumn

Row = tuple[Any, ...]


@dataclass(slots=True)
class ForeignScan:
    """One foreign table read by the local executor, and what is sent for it."""

    table: ForeignTable
    alias: str
    columns: list[OutputColumn]
    #: Names of the declared columns to fetch (None: every column).
    used: set[str] | None
    #: Conditions the remote evaluates (pglast expressions over the local column names).
    conditions: list[ast.Node] = field(default_factory=list)
    #: The join keys this scan may ask for (:mod:`fdwsh.exec.dynamic_filter`).
    keys: KeyFilters | None = None
    #: The rows, once fetched.
    fetched: list[Row] | None = None
    #: Its estimated rows (fdwsh.plan.cost.Estimate), once asked.
    estimate: Any = None
    #: The SQL the fetch sent, once fetched with join keys (EXPLAIN ANALYZE shows it).
    sent_sql: str | None = None
    #: The statement's scan plan (fdwsh.plan.scan_filters.ScanPlan), None without one, and
    #: the id of the RangeVar the scan reads for.
    plan: Any = None
    node_id: int = 0
    #: Whether the query renames its columns (``AS t(a, b)``).
    renamed: bool = False

    @property
    def server(self) -> str:
        return self.table.server

    @property
    def fetched_columns(self) -> list[int]:
        """Positions (in the declared column list) of the columns the remote sends."""
        return [i for i, c in enumerate(self.table.columns)
                if self.used is None or c.name in self.used]

    def remote_tree(self, extra: list[ast.Node] | None = None) -> ast.SelectStmt:
        """``SELECT <fetched columns> FROM remote_table alias WHERE …`` (through a sub-select
        that renames remote columns to the local names where they differ), with ``extra``
        conditions besides the scan's own."""
        conditions = self.conditions + (extra or [])
        if not conditions:
            return table_subquery(self.table, self.used)
        names = [self.table.columns[i].name for i in self.fetched_columns]
        targets = tuple(ast.ResTarget(val=ast.ColumnRef(fields=(ast.String(sval=n),)))
                        for n in names)
        needed = set(names) | _names_in(conditions)
        inner = table_subquery(self.table, None if self.used is None else needed)
        source: ast.Node
        if all(c.remote_name == c.name for c in self.table.columns if c.name in needed):
            table = inner.fromClause[0]  # nothing renamed: the table itself, aliased
            source = ast.RangeVar(schemaname=table.schemaname, relname=table.relname, inh=True,
                                  relpersistence="p", alias=ast.Alias(aliasname=self.alias))
        else:
            source = ast.RangeSubselect(lateral=False, subquery=inner,
                                        alias=ast.Alias(aliasname=self.alias))
        return ast.SelectStmt(targetList=targets, fromClause=(source,),
                              whereClause=_and(conditions), limitOption=0, op=0)

    @property
    def sql(self) -> str:
        return self.sent_sql or RawStream()(self.remote_tree())

    def rows(self, services: Any) -> list[Row]:
        """The table's rows (fetched once), every column in declared order (unfetched: None):
        only those whose join keys the scans it is linked to hold, where that is known to
        be worth it (:mod:`fdwsh.exec.dynamic_filter`)."""
        if self.fetched is None and self.plan is not None:
            from fdwsh.exec.parallel import prefetch_level

            prefetch_level(self, self.plan, services)
        if self.fetched is None:
            if self.keys is None:
                self.fetched = list(self._fetch(services, self.sql, ()))
            else:
                self.fetched = self.keys.fetch(self, services)
        return self.fetched

    def stream(self, an: Analyzer) -> Iterator[Row]:
        """The rows once, as they arrive, not kept (for a query level that reads this one
        table in one pass), unless they are kept already."""
        if an.explain_only:
            return iter(())
        if self.fetched is not None:
            return iter(self.fetched)
        if self.keys is not None:
            return self.keys.stream(self, an.ps.services)
        return self._fetch(an.ps.services, self.sql, ())

    def fetch_size(self) -> int:
        from fdwsh.remote.fetch import fetch_size_option

        return fetch_size_option(self.table.options, self.table.server_options)

    def _fetch(self, services: Any, sql: str, params: tuple[Any, ...]) -> Iterator[Row]:
        from fdwsh.exec.services import connection_cache

        return self.fetch_on(connection_cache(services).get(self.table.server), sql, params)

    def fetch_on(self, conn: Any, sql: str, params: tuple[Any, ...] = ()) -> Iterator[Row]:
        """The rows ``sql`` returns on ``conn`` (thread-safe: touches no catalog)."""
        width = len(self.table.columns)
        slots = self.fetched_columns
        readers = [self._reader(i) for i in slots]
        blank = [None] * width
        with conn.stream(sql, params, fetch_size=self.fetch_size()) as stream:  # closing cancels
            for remote in stream:
                row = list(blank)
                for slot, read, text in zip(slots, readers, remote):
                    if text is not None:
                        row[slot] = read(text)
                yield tuple(row)

    def _reader(self, index: int) -> Callable[[str], Any]:
        """The declared type's input function for column ``index`` (errors name the column)."""
        from fdwsh.exec.values import input_function
        from fdwsh.types.convert import naming_column

        oid, typmod = self.columns[index].type, self.columns[index].typmod
        return naming_column(input_function(oid, typmod, REMOTE),
                             self.table.columns[index].name, self.alias)


def _names_in(conditions: list[ast.Node]) -> set[str]:
    """The column names the conditions read (they need not be fetched, but the remote
    sub-select must have them)."""
    found: set[str] = set()

    class Names(Visitor):  # type: ignore[misc]
        def visit_ColumnRef(self, ancestors: Ancestor, node: ast.ColumnRef) -> None:
            last = node.fields[-1]
            if isinstance(last, ast.String):
                found.add(last.sval)

    for condition in conditions:
        Names()(condition)
    return found


def _and(conditions: list[ast.Node]) -> ast.Node:
    return conditions[0] if len(conditions) == 1 else \
        ast.BoolExpr(boolop=0, args=tuple(conditions))


def foreign_item(an: Analyzer, item: ast.RangeVar) -> RelationItem:
    """The foreign table ``item`` names, as a FROM item scanning it."""
    from fdwsh.exec.from_function import apply_column_aliases
    from fdwsh.exec.local_select import OutputColumn

    services = an.ps.services
    lookup = getattr(services, "lookup", None)
    if lookup is None:
        raise error(f'relation "{item.relname}" does not exist', "42P01", item.location)
    table = lookup()(item)
    declared = [OutputColumn(c.name, ref.type.oid, ref.typmod)
                for c in table.columns for ref in (parse_type(c.type),)]
    columns = apply_column_aliases(item.alias, declared)
    alias = item.alias.aliasname if item.alias else item.relname
    plan = an.scan_plan
    scan = ForeignScan(table, alias, columns, _used_columns(an, item, table),
                       list(plan.pushed.get(id(item), ())) if plan is not None else [])
    if plan is not None:
        from fdwsh.exec.dynamic_filter import attach

        scan.plan, scan.node_id = plan, id(item)
        attach(scan, item, plan)
    scan.renamed = item.alias is not None and bool(item.alias.colnames)
    an.scans.append(scan)
    return RelationItem(alias, columns,
                        lambda left: [] if an.explain_only else scan.rows(services), scan)


def _used_columns(an: Analyzer, item: ast.RangeVar, table: ForeignTable) -> set[str] | None:
    """The declared columns the query may read of this table (None: all of them)."""
    if an.column_use is None or item.alias is not None and item.alias.colnames:
        return None
    alias = item.alias.aliasname if item.alias else item.relname
    names = an.column_use.columns_for(alias, an.table_aliases)
    return None if names is None else {c.name for c in table.columns if c.name in names}
