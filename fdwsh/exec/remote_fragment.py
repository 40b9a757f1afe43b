"""A query level of a locally run query that one server can run whole.

In ``SELECT … FROM (SELECT customer_id, sum(amount) FROM orders GROUP BY 1) o JOIN
s2.customers c …`` the sub-select reads one server's tables only, every expression in it is
shippable and it names nothing of the levels around it: it runs remotely as one statement (the
aggregate happens in PostgreSQL; only its groups travel), and fdwsh's executor only joins.  The
same holds for a sub-select in an expression (``WHERE id IN (SELECT …)``) and for a branch of a
set operation.

The level's output types are what fdwsh's analyser gives it over empty inputs (so they are
PostgreSQL's, and its errors are raised before anything is sent); the remote text of each value
is read with that type's input function.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pglast import ast
from pglast.visitors import Ancestor, Visitor

from fdwsh.errors import FdwshError
from fdwsh.exec.plan_tree import recorder
from fdwsh.plan.query import RemoteQuery, fetch_size_of
from fdwsh.plan.shippable import unshippable_reasons
from fdwsh.remote.deparse import remote_tree
from fdwsh.sql import ir
from fdwsh.sql import oids as T
from fdwsh.sql.bind import BoundQuery, RelationRef
from fdwsh.types.settings import REMOTE

if TYPE_CHECKING:
    from fdwsh.exec.local_select import Analyzer, LocalRelation, OutputColumn

Row = tuple[Any, ...]


@dataclass(slots=True)
class RemoteFragment:
    """A query level sent whole to one server (EXPLAIN shows it as a Foreign Scan)."""

    plan: RemoteQuery
    #: The output columns (None until described by the server, see :meth:`describe`).
    columns: list[OutputColumn] | None
    fetched: list[Row] | None = None
    _stream: Any = None

    @property
    def server(self) -> str:
        return self.plan.server

    @property
    def sql(self) -> str:
        return self.plan.sql

    def remote_tree(self) -> ast.Node:
        return self.plan.tree

    def rows(self, services: Any) -> list[Row]:
        if self.fetched is None:
            self.fetched = list(self._fetch(services))
        return self.fetched

    def describe(self, services: Any, keep: bool) -> list[OutputColumn] | None:
        """The columns as the server describes its result (for what fdwsh cannot type
        itself); None when one is of a type fdwsh does not know.  ``keep``: the rows
        will be read."""
        from fdwsh.exec.local_select import OutputColumn
        from fdwsh.pgtypes import type_by_oid

        stream = self._start(services)
        if any(type_by_oid(c.type_oid) is None for c in stream.columns):
            stream.close()
            return None
        self.columns = [OutputColumn(c.name, c.type_oid, c.type_modifier)
                        for c in stream.columns]
        if keep:
            self._stream = stream
        else:
            stream.close()
        return self.columns

    def _start(self, services: Any) -> Any:
        from fdwsh.exec.services import connection_cache

        conn = connection_cache(services).get(self.plan.server)
        return conn.stream(self.sql, fetch_size=self.plan.fetch_size)

    def _fetch(self, services: Any) -> Iterator[Row]:
        from fdwsh.exec.values import input_function

        stream, self._stream = self._stream or self._start(services), None
        assert self.columns is not None
        readers = [input_function(c.type, c.typmod, REMOTE) for c in self.columns]
        for remote in stream:
            yield tuple([None if text is None else read(text)
                         for read, text in zip(readers, remote)])


def run_remotely(an: Analyzer, stmt: ast.SelectStmt, resolve_unknowns: bool = True,
                 shown_as: ast.SelectStmt | None = None) -> LocalRelation | None:
    """``stmt``'s result fetched from the one server that can run it whole (None: it runs
    in fdwsh's executor).  EXPLAIN draws the fragment where ``shown_as`` (the level a
    planner rule replaced by ``stmt``; default ``stmt``) stands in the plan."""
    refs = _relations_within(an, stmt)
    if not refs or len({r.table.server_id for r in refs}) != 1:
        return None
    if unshippable_reasons(stmt) or _references_outside(stmt, refs):
        return None
    rec = recorder(an.ctx)
    levels_before = len(rec.levels) if rec is not None else 0
    columns = _output_columns(an, stmt, resolve_unknowns)
    if columns is not None and any(c.type == T.UNKNOWN for c in columns):
        return None
    from fdwsh.exec.local_select import LocalRelation

    bound = BoundQuery(stmt, refs)
    first = refs[0].table
    plan = RemoteQuery(first.server, first.server_id, remote_tree(bound), bound,
                       fetch_size_of(bound))
    fragment = RemoteFragment(plan, columns)
    if columns is None:
        columns = fragment.describe(an.ps.services, keep=not an.explain_only)
        if columns is None:
            return None
    an.scans.append(fragment)
    if rec is not None:
        rec.ran_remotely(shown_as or stmt, fragment, levels_before)
    rows = [] if an.explain_only else fragment.rows(an.ps.services)
    exprs: list[ir.Expr] = [ir.Var(i, c.type, c.typmod, c.name) for i, c in enumerate(columns)]
    return LocalRelation(columns, rows, exprs)


def _relations_within(an: Analyzer, stmt: ast.SelectStmt) -> list[RelationRef]:
    """The foreign-table references inside ``stmt``; [] when it also names something that is
    not a foreign table (a CTE of an enclosing query cannot be sent)."""
    found: list[RelationRef] = []
    other: list[bool] = []
    ctes = _ctes_within(stmt)

    class Collect(Visitor):  # type: ignore[misc]
        def visit_RangeVar(self, ancestors: Ancestor, node: ast.RangeVar) -> None:
            ref = an.relations.get(id(node))
            if ref is None:
                if node.schemaname or node.relname not in ctes:
                    other.append(True)
            else:
                found.append(ref)

    Collect()(stmt)
    return [] if other else found


def _ctes_within(stmt: ast.SelectStmt) -> set[str]:
    names: set[str] = set()

    class Ctes(Visitor):  # type: ignore[misc]
        def visit_CommonTableExpr(self, ancestors: Ancestor, node: ast.CommonTableExpr
                                  ) -> None:
            names.add(node.ctename)

    Ctes()(stmt)
    return names


def _output_columns(an: Analyzer, stmt: ast.SelectStmt, resolve_unknowns: bool
                    ) -> list[OutputColumn] | None:
    """The level's typed columns: fdwsh's analysis of it over empty inputs (its errors are
    PostgreSQL's, raised before anything is sent).  None when fdwsh does not evaluate
    something in it (then the server describes the result)."""
    saved_scans, saved_mode = len(an.scans), an.explain_only
    an.explain_only = True
    try:
        rel = an.run_here(stmt, resolve_unknowns)
    except FdwshError as err:
        if err.sqlstate == "0A000":  # not evaluated locally: PostgreSQL decides remotely
            return None
        raise
    finally:
        an.explain_only = saved_mode
        del an.scans[saved_scans:]
    return rel.columns


def _references_outside(stmt: ast.SelectStmt, refs: list[RelationRef]) -> bool:
    """Whether a column reference of ``stmt`` may mean a column of an enclosing level.

    Conservative: a qualified name must use an alias given inside ``stmt``; an unqualified
    one must be a column of one of its foreign tables or a name it gives an output or item."""
    inner_names = _names_given(stmt)
    aliases = inner_names | {r.alias for r in refs}
    columns = {c.name for r in refs for c in r.table.columns} | inner_names
    outside: list[bool] = []

    class Columns(Visitor):  # type: ignore[misc]
        def visit_ColumnRef(self, ancestors: Ancestor, node: ast.ColumnRef) -> None:
            names = [f.sval if isinstance(f, ast.String) else None for f in node.fields]
            if len(names) == 1:
                if names[0] is not None and names[0] not in columns:
                    outside.append(True)
            elif names[-2] not in aliases:
                outside.append(True)

    Columns()(stmt)
    return bool(outside)


def _names_given(stmt: ast.SelectStmt) -> set[str]:
    """Output names, item aliases and their column aliases given anywhere inside ``stmt``."""
    names: set[str] = set()

    class Names(Visitor):  # type: ignore[misc]
        def visit_ResTarget(self, ancestors: Ancestor, node: ast.ResTarget) -> None:
            if node.name:
                names.add(node.name)

        def visit_Alias(self, ancestors: Ancestor, node: ast.Alias) -> None:
            names.add(node.aliasname)
            names.update(c.sval for c in node.colnames or ())

        def visit_CommonTableExpr(self, ancestors: Ancestor, node: ast.CommonTableExpr
                                  ) -> None:
            names.add(node.ctename)
            names.update(c.sval for c in node.aliascolnames or ())

    Names()(stmt)
    return names
