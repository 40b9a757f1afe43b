"""RETURNING of INSERT, UPDATE and DELETE on a foreign table, as postgres_fdw does it: the remote
statement returns the target's columns, and the RETURNING list is evaluated here over those rows
(any expression of the new, or for DELETE the old, row), printed as a result table before the
command tag.

The list is analysed before anything is sent (its errors are PostgreSQL's, with the cursor in
the statement), as ``SELECT <list> FROM <the target's rows>``: the rows are a WITH item of the
target's name and alias, filled once the remote answered.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pglast import ast

from fdwsh.errors import FeatureNotSupported
from fdwsh.exec.dml_target import Row, Target, remote_reader
from fdwsh.output.result import Column, Result
from fdwsh.pgtypes import format_type

if TYPE_CHECKING:
    from fdwsh.exec.local_select import LocalRelation


@dataclass(slots=True)
class Returning:
    """An analysed RETURNING list, waiting for the rows it is evaluated over."""

    target: Target
    relation: LocalRelation
    settings: Any
    rows: list[Row] = field(default_factory=list)

    def remote_clause(self, qualifier: str | None = None) -> ast.ReturningClause:
        """What the remote statement returns: every declared column (remote names)."""
        prefix = (ast.String(sval=qualifier),) if qualifier else ()
        return ast.ReturningClause(exprs=tuple(
            ast.ResTarget(val=ast.ColumnRef(fields=(*prefix, ast.String(sval=c.remote_name))))
            for c in self.target.table.columns))

    def add_remote(self, texts: Sequence[Sequence[str | None]]) -> None:
        """Rows the remote RETURNING sent, read through the declared types."""
        readers = [remote_reader(c, self.target.alias) for c in self.target.columns]
        self.rows.extend(tuple(read(t) for read, t in zip(readers, row)) for row in texts)

    def result(self, tag: str) -> Result:
        """The RETURNING rows as psql shows them, followed by ``tag``."""
        from fdwsh.exec.local_query import _formatter

        rel = self.relation
        formats = [_formatter(c.type, self.settings) for c in rel.columns]
        rows = [tuple(None if v is None else fmt(v) for fmt, v in zip(formats, row))
                for row in rel.produce()]
        columns = [Column(c.name, format_type(c.type, c.typmod)) for c in rel.columns]
        return Result(columns=columns, rows=rows, status=tag)


def prepare_returning(clause: ast.ReturningClause | None, target: Target, ctx: Any
                      ) -> Returning | None:
    """Analyse a RETURNING list (None: the statement has none)."""
    if clause is None or not clause.exprs:
        return None
    if clause.options:
        raise FeatureNotSupported("RETURNING OLD/NEW is not supported (PostgreSQL 15 has no "
                                  "such syntax)")
    items = clause.exprs
    from fdwsh.exec.ctes import CteEntry, CteScope
    from fdwsh.exec.local_query import local_analyzer
    from fdwsh.exec.local_select import LocalRelation, OutputColumn

    name = "*RETURNING*"  # no table's name: a sub-select naming the target reads the table
    source = ast.RangeVar(relname=name, inh=True, relpersistence="p",
                          alias=ast.Alias(aliasname=target.alias), location=-1)
    # planned as if the target's rows were a WITH item, so that only the foreign tables the
    # list's sub-selects read are scans; then the item is the rows the remote returns
    placeholder = ast.WithClause(ctes=(ast.CommonTableExpr(ctename=name),), recursive=False)
    select = ast.SelectStmt(targetList=tuple(items), fromClause=(source,), limitOption=0, op=0,
                            withClause=placeholder)
    analyzer = local_analyzer(select, ctx, target.const_locations)
    select.withClause = None
    columns = [OutputColumn(c.name, c.type, c.typmod) for c in target.columns]
    returning = Returning(target, LocalRelation([]), analyzer.ctx.settings)
    entry = CteEntry(name, columns, fetch=lambda: returning.rows)
    analyzer.ctes.append(CteScope(entries={name: entry}))
    returning.relation = analyzer.run(select)
    return returning


def command_result(tag: str, returning: Returning | None) -> Result:
    """The statement's result: its tag, after the RETURNING rows when it has a list."""
    return Result.command(tag) if returning is None else returning.result(tag)
