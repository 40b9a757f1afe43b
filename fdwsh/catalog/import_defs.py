"""The catalog half of IMPORT FOREIGN SCHEMA: remote column descriptions → CREATE FOREIGN TABLE
commands → foreign tables.

Contract: PostgreSQL splits IMPORT FOREIGN SCHEMA in two, and so does fdwsh.  postgres_fdw's
postgresImportForeignSchema() reads the remote catalog and *writes SQL text*, one
``CREATE FOREIGN TABLE`` per remote relation; ImportForeignSchema() (foreigncmds.c) parses each
command, skips the relations LIMIT TO / EXCEPT leave out, forces the creation schema and runs it.
:func:`table_command` writes the very text postgres_fdw 15 writes (so ``\\d+`` afterwards shows
the same types, collations, defaults, NOT NULL and ``column_name``/``schema_name``/``table_name``
options) and :func:`create_tables` runs the commands through fdwsh's own CREATE FOREIGN TABLE,
so every check and message is that statement's.  An error in a generated command carries it as
the internal query (``LINE n:`` points into it, ``QUERY:`` shows it) and the context
``importing foreign table "t"``, as ImportForeignSchema()'s error callback adds them.
The caller runs :func:`create_tables` inside one catalog transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pglast import ast
from pglast.parser import ParseError, parse_sql

from fdwsh.catalog import ddl_table, objects
from fdwsh.catalog.ddl_table import GENERATED_STORED
from fdwsh.catalog.context import DdlContext
from fdwsh.catalog.options import parse_boolean_option
from fdwsh.errors import FdwshError, InvalidOptionName, SyntaxErr
from fdwsh.quoting import quote_ident, quote_literal



@dataclass(frozen=True, slots=True)
class ImportOptions:
    """IMPORT FOREIGN SCHEMA's OPTIONS with postgres_fdw's defaults."""

    import_collate: bool = True
    import_default: bool = False
    import_generated: bool = True
    import_not_null: bool = True


def import_options(defelems: Iterable[ast.DefElem] | None) -> ImportOptions:
    """postgresImportForeignSchema()'s option loop: booleans only, the last one wins."""
    values = {}
    for d in defelems or ():
        if d.defname not in ImportOptions.__slots__:
            raise InvalidOptionName(f'invalid option "{d.defname}"')
        values[d.defname] = parse_boolean_option(d.defname, d.arg.sval)
    return ImportOptions(**values)


@dataclass(frozen=True, slots=True)
class RemoteAttribute:
    """One row of postgres_fdw's remote catalog query: a relation and one of its columns
    (``attname`` None: a relation without columns)."""

    relname: str
    attname: str | None = None
    type: str = ""
    not_null: bool = False
    default: str | None = None
    generated: str | None = None
    collation: str | None = None
    collation_schema: str | None = None
    #: The default or generation expression as the remote's ``\d`` shows it (pretty).
    shown_default: str | None = None


def group_by_relation(rows: Iterable[RemoteAttribute]) -> dict[str, list[RemoteAttribute]]:
    """The rows (ordered by relation, attnum) per relation, columnless relations kept."""
    tables: dict[str, list[RemoteAttribute]] = {}
    for row in rows:
        columns = tables.setdefault(row.relname, [])
        if row.attname is not None:
            columns.append(row)
    return tables


def column_definition(col: RemoteAttribute, opts: ImportOptions) -> str:
    """One column of the command, clause for clause as postgres_fdw appends them."""
    assert col.attname is not None
    text = f"  {quote_ident(col.attname)} {col.type} OPTIONS (column_name " \
           f"{quote_literal(col.attname)})"
    if opts.import_collate and col.collation is not None and col.collation_schema is not None:
        text += f" COLLATE {quote_ident(col.collation_schema)}.{quote_ident(col.collation)}"
    if opts.import_default and col.default is not None and not col.generated:
        text += f" DEFAULT {col.default}"
    if opts.import_generated and col.generated == GENERATED_STORED:
        text += f" GENERATED ALWAYS AS ({col.default}) STORED"
    if opts.import_not_null and col.not_null:
        text += " NOT NULL"
    return text


def table_command(server: str, remote_schema: str, relname: str,
                  columns: Sequence[RemoteAttribute], opts: ImportOptions) -> str:
    """The CREATE FOREIGN TABLE postgres_fdw 15 generates for one remote relation."""
    body = ",\n".join(column_definition(col, opts) for col in columns)
    return (f"CREATE FOREIGN TABLE {quote_ident(relname)} (\n{body}\n) SERVER "
            f"{quote_ident(server)}\nOPTIONS (schema_name {quote_literal(remote_schema)}, "
            f"table_name {quote_literal(relname)});")


def is_importable(relname: str, stmt: ast.ImportForeignSchemaStmt) -> bool:
    """IsImportableForeignTable(): what LIMIT TO / EXCEPT let through."""
    kind = stmt.list_type.name
    listed = any(rv.relname == relname for rv in stmt.table_list or ())
    if kind == "FDW_IMPORT_SCHEMA_LIMIT_TO":
        return listed
    if kind == "FDW_IMPORT_SCHEMA_EXCEPT":
        return not listed
    return True


def as_import_error(err: FdwshError, command: str, relname: str | None) -> FdwshError:
    """import_error_callback(): a position moves into the command; the context names the table."""
    if err.position is not None and err.internal_query is None:
        err.internal_query = command
    if relname is not None:
        line = f'importing foreign table "{relname}"'
        err.context = f"{err.context}\n{line}" if err.context else line
    return err


def parse_command(command: str) -> list[ast.CreateForeignTableStmt]:
    """pg_parse_query() of a generated command (a syntax error points into it)."""
    try:
        statements = [raw.stmt for raw in parse_sql(command)]
    except ParseError as exc:
        raise as_import_error(SyntaxErr(str(exc.args[0]), position=exc.args[1] + 1),
                              command, None) from exc
    for stmt in statements:
        if not isinstance(stmt, ast.CreateForeignTableStmt):
            raise FdwshError('foreign-data wrapper "postgres_fdw" returned incorrect statement '
                             f"type {type(stmt).__name__}")
    return statements


def keep_generated_texts(ctx: DdlContext, schema: str, relname: str,
                         columns: Sequence[RemoteAttribute]) -> None:
    """A generated column keeps the remote's own text of its expression: PostgreSQL deparses
    the imported expression to that very text, which fdwsh cannot derive in general."""
    db = ctx.store.db
    table = objects.get_table(db, objects.get_schema(db, schema)["id"], relname)
    for col in columns:
        if col.shown_default is not None:
            db.execute("UPDATE foreign_column SET default_expr = ? WHERE table_id = ? AND"
                       " name = ? AND generated <> ''", (col.shown_default, table["id"],
                                                         col.attname))


def create_tables(ctx: DdlContext, stmt: ast.ImportForeignSchemaStmt, commands: Iterable[str],
                  tables: dict[str, list[RemoteAttribute]]) -> None:
    """ImportForeignSchema()'s loop: parse each command, filter, force the schema, create.
    ``tables`` are the remote relations the commands were written from."""
    for command in commands:
        for create in parse_command(command):
            relation = create.base.relation
            if not is_importable(relation.relname, stmt):
                continue
            relation.schemaname = stmt.local_schema
            sub = DdlContext(ctx.store, ctx.user, command, notices=ctx.notices,
                             notify=ctx.notify, search_path=ctx.search_path)
            try:
                ddl_table.create_foreign_table(create, sub)
            except FdwshError as err:
                raise as_import_error(err, command, relation.relname) from None
            keep_generated_texts(ctx, stmt.local_schema, relation.relname,
                                 tables.get(relation.relname, ()))
