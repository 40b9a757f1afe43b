"""TRUNCATE of foreign tables, as PostgreSQL 15's ExecuteTruncate hands them to postgres_fdw's
postgresExecForeignTruncate.

Contract:

- Every name is looked up first (``relation "x" does not exist``, no position, as
  table_openrv reports it); a table named twice is truncated once.
- The ``truncatable`` option (table, else server, default true) is checked for every table
  before anything is sent: ``foreign table "ft" does not allow truncates``.
- The tables are grouped per server, in the order their servers first appear, and each server
  gets one ``TRUNCATE t1, t2 [RESTART IDENTITY] [CASCADE]`` in the statement's remote
  transaction (deparsed from its AST), so a failure on any server leaves every server as it
  was.  The tag is ``TRUNCATE TABLE``.
"""

from __future__ import annotations

from typing import Any

from pglast import ast
from pglast.stream import RawStream

from fdwsh.catalog.model import ForeignTable
from fdwsh.catalog.options import parse_boolean_option
from fdwsh.errors import FdwshError
from fdwsh.output.result import Result


def find_table(ctx: Any, relation: ast.RangeVar) -> ForeignTable:
    """The foreign table ``relation`` names; a missing one reported without a position."""
    try:
        return ctx.lookup()(relation)  # type: ignore[no-any-return]
    except FdwshError as err:
        err.position = None
        raise


def _truncatable(table: ForeignTable) -> bool:
    value = dict(table.options).get("truncatable", dict(table.server_options).get(
        "truncatable", "true"))
    return parse_boolean_option("truncatable", value)


def _per_server(tables: list[ForeignTable]) -> dict[str, list[ForeignTable]]:
    groups: dict[str, list[ForeignTable]] = {}
    for table in tables:
        group = groups.setdefault(table.server, [])
        if all(t.id != table.id for t in group):
            group.append(table)
    return groups


def truncate_sql(tables: list[ForeignTable], stmt: ast.TruncateStmt) -> str:
    """The remote TRUNCATE of one server's tables (deparseTruncateSql)."""
    relations = tuple(ast.RangeVar(schemaname=t.remote_schema, relname=t.remote_name, inh=True,
                                   relpersistence="p") for t in tables)
    return str(RawStream()(ast.TruncateStmt(relations=relations, restart_seqs=stmt.restart_seqs,
                                            behavior=stmt.behavior)))


def run_truncate(stmt: ast.TruncateStmt, ctx: Any) -> Result:
    """Execute ``TRUNCATE ft [, …] [RESTART IDENTITY | CONTINUE IDENTITY] [CASCADE | RESTRICT]``."""
    tables = [find_table(ctx, rv) for rv in stmt.relations]
    for table in tables:
        if not _truncatable(table):
            raise FdwshError(f'foreign table "{table.name}" does not allow truncates',
                             sqlstate="55000")
    cache = ctx.remote()
    for server, group in _per_server(tables).items():
        conn = cache.get(server)
        conn.execute(truncate_sql(group, stmt))
        conn.modified = True
    return Result.command("TRUNCATE TABLE")
