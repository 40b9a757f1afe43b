"""The foreign table an INSERT, UPDATE or DELETE changes, and what every such statement needs
of it: its typed columns, PostgreSQL's assignment coercion of a new value to a column
(transformAssignedExpr), the ``updatable`` check, and how values travel to the remote.

postgres_fdw checks nothing about the new row locally but the column types (a NULL in a column
declared NOT NULL is the remote table's business); fdwsh also checks NOT NULL, as PostgreSQL
does for a local table (:mod:`fdwsh.exec.dml_notnull`).  Values are sent as text in the remote session's styles (ISO dates, UTC), as
untyped parameters or array literals cast to the declared types.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from pglast import ast

from fdwsh.catalog.model import ForeignColumn, ForeignTable
from fdwsh.catalog.options import parse_boolean_option
from fdwsh.errors import FdwshError, FeatureNotSupported
from fdwsh.pgtypes import format_type, parse_type
from fdwsh.sql.pstate import ParseState, error
from fdwsh.types.settings import REMOTE

if TYPE_CHECKING:  # the type checker is imported only where a statement needs it
    from fdwsh.sql import ir

#: An array element that needs no quotes (no quote, backslash, brace, comma or white space).
_PLAIN_ELEMENT = re.compile(r'[^"\\{},\s]+')

#: The name under which a row-locating scan fetches the remote row's ctid (as text).
CTID = "ctid"

Row = tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class TargetColumn:
    """A declared column of the target with its resolved type."""

    column: ForeignColumn
    type: int
    typmod: int

    @property
    def name(self) -> str:
        return self.column.name


@dataclass(frozen=True, slots=True)
class Target:
    """The foreign table a statement changes, as the statement names it."""

    table: ForeignTable
    node: ast.RangeVar
    columns: tuple[TargetColumn, ...]
    #: The statement's literals' locations (fdwsh.sql.const_locations), for its analyses.
    const_locations: dict[int, int]

    @property
    def alias(self) -> str:
        return self.node.alias.aliasname if self.node.alias else self.node.relname

    @property
    def sent(self) -> list[int]:
        """The columns an INSERT sends: all but the stored generated ones, which the remote
        fills itself (postgres_fdw sends DEFAULT for them; see dml_generated)."""
        return [i for i, c in enumerate(self.columns) if not c.column.generated]

    def column(self, name: str, location: int) -> int:
        """The index of column ``name``, else PostgreSQL's ``column … does not exist``."""
        for i, col in enumerate(self.columns):
            if col.name == name:
                return i
        raise error(f'column "{name}" of relation "{self.table.name}" does not exist',
                    "42703", location)

    def named_columns(self, items: Any, statement: str, repeated: Callable[[str], FdwshError]
                      ) -> list[int]:
        """The indexes of the columns an INSERT column list or UPDATE SET list names, in
        order; ``repeated`` is the error for a column named twice."""
        found: list[int] = []
        for item in items:
            if item.indirection:
                raise FeatureNotSupported(f"{statement} of a subfield or array element of a "
                                          "foreign table column is not supported",
                                          position=item.location + 1)
            index = self.column(item.name, item.location)
            if index in found:
                raise repeated(item)
            found.append(index)
        return found

    def remote_relation(self, alias: str | None = None) -> ast.RangeVar:
        """The remote table (schema-qualified: the remote search_path is pg_catalog)."""
        return ast.RangeVar(schemaname=self.table.remote_schema, relname=self.table.remote_name,
                            inh=True, relpersistence="p",
                            alias=ast.Alias(aliasname=alias) if alias else None)

    def with_ctid(self) -> ForeignTable:
        """The table with the remote row's ctid as one more (text) column, for the scan that
        locates the rows an UPDATE or DELETE changes."""
        ctid = ForeignColumn(CTID, "text", False, None, CTID)
        return replace(self.table, columns=self.table.columns + (ctid,))


def resolve_target(stmt: ast.Node, ctx: Any) -> Target:
    """The foreign table statement ``stmt`` changes (PostgreSQL's errors when there is none)."""
    from fdwsh.sql.const_locations import const_locations

    table = ctx.lookup()(stmt.relation)
    columns = tuple(TargetColumn(col, ref.type.oid, ref.typmod)
                    for col in table.columns for ref in (parse_type(col.type),))
    return Target(table, stmt.relation, columns,
                  const_locations(getattr(ctx, "source", "") or "", stmt))


def send(conn: Any, sql: str, params: list[Any], returning: Any) -> int:
    """Run one remote INSERT/UPDATE/DELETE; the number of rows it changed (the rows a RETURNING
    list is evaluated over go to ``returning``)."""
    if returning is not None:
        rows = list(conn.stream(sql, params))
        returning.add_remote(rows)
        return len(rows)
    return int(conn.execute(sql, params).split()[-1])


def analyzer_for(part: ast.SelectStmt, target: Target, ctx: Any,
                 typed_literals: dict[int, Any] | None = None) -> Any:
    """fdwsh's query analyser for a part of the statement (its literals' locations known;
    ``typed_literals`` notes the literals it reads as typed values, see dml_literals)."""
    from fdwsh.exec.local_query import local_analyzer

    analyzer = local_analyzer(part, ctx, target.const_locations)
    analyzer.ps.typed_literals = typed_literals
    return analyzer


_VERBS = {"insert": "inserts", "update": "updates", "delete": "deletes"}


def check_with(clause: ast.WithClause | None) -> None:
    """A WITH of an INSERT/UPDATE/DELETE may hold queries only (fdwsh runs one change at a
    time)."""
    for cte in clause.ctes if clause is not None else ():
        if not isinstance(cte.ctequery, ast.SelectStmt):
            raise FeatureNotSupported("data-modifying statements in WITH are not supported "
                                      "with foreign tables", position=cte.location + 1)


def check_updatable(target: Target, operation: str) -> None:
    """postgres_fdw's ``updatable`` option (table, else server; default true)."""
    value = target.table.option("updatable")
    if value is not None and not parse_boolean_option("updatable", value):
        raise FdwshError(f'foreign table "{target.table.name}" does not allow '
                         f"{_VERBS[operation]}", sqlstate="55000")


def assigned(ps: ParseState, expr: ir.Expr, column: TargetColumn, location: int) -> ir.Expr:
    """``expr`` as a value of ``column`` (transformAssignedExpr's assignment coercion)."""
    from fdwsh.sql import ir
    from fdwsh.sql import oids as T
    from fdwsh.sql.coerce import ASSIGNMENT, coerce_to_target_type

    if expr.type == column.type and expr.typmod == column.typmod:
        return expr
    if expr.type == T.UNKNOWN and not isinstance(expr, ir.Const):
        # an unknown-typed column of a sub-select (a literal): read by the type's input function
        expr = ir.CoerceViaIO(expr, column.type, -1, ir.IMPLICIT_CAST, location)
    result = coerce_to_target_type(ps, expr, column.type, column.typmod, ASSIGNMENT,
                                   ir.IMPLICIT_CAST, -1)
    if result is None:
        raise error(f'column "{column.name}" is of type {format_type(column.type)}'
                    f" but expression is of type {format_type(expr.type)}",
                    "42804", location, hint="You will need to rewrite or cast the expression.")
    return result


def literal_value(analyzer: Any, raw: ast.Node) -> ir.Expr | None:
    """A literal new value as transformAssignedExpr sees it: a constant (an unknown literal is
    then read as the column's type at once, errors pointing at it), None for anything else."""
    if not isinstance(raw, ast.A_Const):
        return None
    from fdwsh.sql.typecheck import transform_expr

    return transform_expr(analyzer.ps, raw)  # type: ignore[no-any-return]


def remote_text(column: TargetColumn) -> Callable[[Any], str | None]:
    """A value of ``column`` as the text the remote session reads (None stays NULL)."""
    from fdwsh.exec.values import format_output

    oid = column.type
    return lambda value: None if value is None else format_output(oid, value, REMOTE)


def remote_reader(column: TargetColumn, alias: str) -> Callable[[str | None], Any]:
    """The declared type's input function for a value the remote sent back (RETURNING)."""
    from fdwsh.exec.values import parse_input
    from fdwsh.types.convert import naming_column

    oid, typmod = column.type, column.typmod
    read = naming_column(lambda text: parse_input(oid, text, typmod, REMOTE), column.name, alias)
    return lambda text: None if text is None else read(text)


def type_name(type_text: str, array: bool = False) -> ast.TypeName:
    """A declared type (``numeric(10,2)``, ``integer[]``) as the parser has it [as an array]."""
    from pglast import parse_sql

    name = parse_sql(f"SELECT NULL::{type_text}")[0].stmt.targetList[0].val.typeName
    if array:
        name.arrayBounds = (ast.Integer(ival=-1),)
    return name  # type: ignore[no-any-return]


def array_cast(param: int, type_text: str) -> ast.TypeCast:
    """``CAST($param AS type[])``: a column of values sent as one array literal."""
    return ast.TypeCast(arg=ast.ParamRef(number=param), typeName=type_name(type_text, True))


def array_literal(values: list[Any], text: Callable[[Any], str | None]) -> str:
    """The values as an array literal the remote reads (elements in remote text, quoted as
    array_out quotes them; the common unquoted case is told by one regular expression)."""
    from fdwsh.types.arrays import quote_element

    parts = []
    for value in values:
        item = text(value)
        if item is None:
            parts.append("NULL")
        elif _PLAIN_ELEMENT.fullmatch(item) and item.upper() != "NULL":
            parts.append(item)
        else:
            parts.append(quote_element(item, ","))
    return "{" + ",".join(parts) + "}"
