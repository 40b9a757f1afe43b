"""IMPORT FOREIGN SCHEMA: read a schema from the remote catalog and declare its relations.

Contract: :func:`run_import` is foreigncmds.c's ImportForeignSchema() with postgres_fdw 15's
postgresImportForeignSchema() inside, in their order — the server exists, the local schema
exists, the server's wrapper can import, the OPTIONS are booleans, the user mapping connects,
the remote schema exists — then the remote catalog is read (tables, views, foreign tables,
materialized views and partitioned tables; partitions only when LIMIT TO names them) and every
relation becomes a foreign table in ONE catalog transaction (inside a transaction block: part of
the block's), so a failure anywhere changes nothing.  The remote reads run in the connection's
remote transaction, like any scan.  :func:`remote_attributes` is the catalog query, shared with
the drift check (``\\drift``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pglast import ast

from fdwsh.catalog import objects
from fdwsh.catalog.context import DdlContext
from fdwsh.catalog.ddl_common import missing_schema
from fdwsh.catalog.import_defs import (ImportOptions, RemoteAttribute, create_tables,
                                       group_by_relation, import_options, table_command)
from fdwsh.errors import FdwshError, UndefinedObject
from fdwsh.output.result import Result

POSTGRES_FDW_HANDLER = "postgres_fdw_handler"
FDW_NO_SCHEMAS = "HV00P"        # ERRCODE_FDW_NO_SCHEMAS
FDW_SCHEMA_NOT_FOUND = "HV00Q"  # ERRCODE_FDW_SCHEMA_NOT_FOUND

SCHEMA_EXISTS_SQL = "SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1"

#: postgresImportForeignSchema()'s query (relkinds r, v, f, m, p); the parts in braces depend
#: on the server version, import_collate and LIMIT TO / EXCEPT (the names are parameter $2).
#: The last column (not postgres_fdw's) is the expression as ``\d`` shows it, which fdwsh keeps
#: for a generated column (PostgreSQL re-deparses the imported text to the same).
CATALOG_SQL = (
    "SELECT relname, attname, format_type(atttypid, atttypmod), attnotnull,"
    " pg_get_expr(adbin, adrelid), {generated}, {collation}, pg_get_expr(adbin, adrelid, true)"
    " FROM pg_class c JOIN pg_namespace n ON relnamespace = n.oid"
    " LEFT JOIN pg_attribute a ON attrelid = c.oid AND attnum > 0 AND NOT attisdropped"
    " LEFT JOIN pg_attrdef ad ON adrelid = c.oid AND adnum = attnum{collation_joins}"
    " WHERE c.relkind IN ('r', 'v', 'f', 'm', 'p') AND n.nspname = $1{partitions}{names}"
    " ORDER BY c.relname, a.attnum")
COLLATION_JOINS = (" LEFT JOIN pg_collation coll ON coll.oid = attcollation"
                   " LEFT JOIN pg_namespace collnsp ON collnsp.oid = collnamespace")
IN_NAMES = " AND c.relname = ANY ($2::pg_catalog.text[])"
NOT_IN_NAMES = " AND NOT c.relname = ANY ($2::pg_catalog.text[])"


def remote_attributes(conn: Any, remote_schema: str, *, collate: bool = True,
                      names: Sequence[str] | None = None, exclude: bool = False,
                      partitions: bool = False) -> list[RemoteAttribute]:
    """The catalog rows of ``remote_schema`` (only, or ``exclude``: all but, ``names``),
    relation by relation in name order, columns in attnum order.  Partitions are left out
    unless ``partitions``."""
    version = conn.server_version
    sql = CATALOG_SQL.format(
        generated="attgenerated" if version >= 120000 else "NULL",
        collation="collname, collnsp.nspname" if collate else "NULL, NULL",
        collation_joins=COLLATION_JOINS if collate else "",
        partitions=" AND NOT c.relispartition" if version >= 100000 and not partitions else "",
        names="" if names is None else NOT_IN_NAMES if exclude else IN_NAMES)
    params: list[object] = [remote_schema] + ([list(names)] if names is not None else [])
    return [RemoteAttribute(r[0], r[1], r[2] or "", r[3] == "t", r[4], r[5], r[6], r[7], r[8])
            for r in conn.stream(sql, params)]


def _check_wrapper(ctx: Any, server: Any) -> None:
    """The server's wrapper must have a handler that can import (postgres_fdw's)."""
    fdw = ctx.store.db.execute("SELECT name, handler FROM fdw WHERE id = ?",
                               (server["fdw_id"],)).fetchone()
    if fdw["handler"] is None:
        raise FdwshError(f'foreign-data wrapper "{fdw["name"]}" has no handler',
                         sqlstate="55000")
    if fdw["handler"] != POSTGRES_FDW_HANDLER:
        raise FdwshError(f'foreign-data wrapper "{fdw["name"]}" does not support IMPORT '
                         "FOREIGN SCHEMA", sqlstate=FDW_NO_SCHEMAS)


def _remote_tables(stmt: ast.ImportForeignSchemaStmt, conn: Any, opts: ImportOptions
                   ) -> dict[str, list[RemoteAttribute]]:
    """The remote relations postgresImportForeignSchema() reads, with their columns."""
    rows = list(conn.stream(SCHEMA_EXISTS_SQL, [stmt.remote_schema]))
    if len(rows) != 1:
        raise FdwshError(f'schema "{stmt.remote_schema}" is not present on foreign server '
                         f'"{stmt.server_name}"', sqlstate=FDW_SCHEMA_NOT_FOUND)
    kind = stmt.list_type.name
    listed = [rv.relname for rv in stmt.table_list or ()]
    attrs = remote_attributes(
        conn, stmt.remote_schema, collate=opts.import_collate,
        names=listed if kind != "FDW_IMPORT_SCHEMA_ALL" else None,
        exclude=kind == "FDW_IMPORT_SCHEMA_EXCEPT",
        partitions=kind == "FDW_IMPORT_SCHEMA_LIMIT_TO")
    return group_by_relation(attrs)


def run_import(stmt: ast.ImportForeignSchemaStmt, ctx: Any) -> Result:
    """Execute IMPORT FOREIGN SCHEMA (see the module docstring)."""
    db = ctx.store.db
    server = objects.get_server(db, stmt.server_name)
    if server is None:
        raise UndefinedObject(f'server "{stmt.server_name}" does not exist')
    if objects.get_schema(db, stmt.local_schema) is None:
        raise missing_schema(stmt.local_schema)
    _check_wrapper(ctx, server)
    opts = import_options(stmt.options)
    tables = _remote_tables(stmt, ctx.remote().get(stmt.server_name), opts)
    commands = [table_command(stmt.server_name, stmt.remote_schema, relname, columns, opts)
                for relname, columns in tables.items()]
    dctx = DdlContext(ctx.store, ctx.user, ctx.source, notices=ctx.notices,
                      search_path=ctx.gucs.search_path if ctx.gucs is not None else None)
    with ctx.store.transaction():
        create_tables(dctx, stmt, commands, tables)
    return Result.command("IMPORT FOREIGN SCHEMA")
