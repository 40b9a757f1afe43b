"""``ANALYZE [VERBOSE] [ft [(col, …)], …]`` and ``VACUUM`` of foreign tables, as PostgreSQL 15
with postgres_fdw answers them.

ANALYZE collects each named foreign table's row count and column statistics from its server
(:mod:`fdwsh.exec.analyze_remote`: the remote's own pg_stats when it has them, else a sample
by ``analyze_sampling``) and stores them in the catalog (:mod:`fdwsh.catalog.stats`), where
the cost model (:mod:`fdwsh.plan.cost`) and ``\\d+`` find them.  Without a table list it
analyzes every foreign table of the catalog (PostgreSQL analyzes only tables named explicitly;
fdwsh has nothing else to analyze), skipping with a WARNING those whose server cannot be
reached.  Messages as PostgreSQL's: relations and options are checked before anything runs,
then per table the remote size query, ``INFO:  analyzing "schema.table"`` (VERBOSE), the
column list's errors, and ``INFO:  "table": table contains N rows, M rows in sample``.
Unlike PostgreSQL, which commits each table of a list separately, every table's statistics
are written in one catalog transaction at the end: a failure on any table changes nothing.

VACUUM has nothing to do on a foreign table: ``WARNING:  skipping "ft" --- cannot vacuum
non-tables or special system tables`` per table, and not inside a transaction block.
"""

from __future__ import annotations

import datetime
from typing import Any

from pglast import ast

from fdwsh.catalog.model import ForeignTable, load_table
from fdwsh.catalog.stats import TableStats, save_stats
from fdwsh.errors import FdwshError, Notice
from fdwsh.exec.analyze_remote import Collected, collect, relation_pages
from fdwsh.output.result import Result
from fdwsh.sql.pstate import error

_ANALYZE_OPTIONS = ("verbose", "skip_locked")
_VACUUM_OPTIONS = ("verbose", "skip_locked", "analyze", "freeze", "full",
                   "disable_page_skipping", "index_cleanup", "process_toast", "truncate",
                   "parallel")


def run_vacuum(stmt: ast.VacuumStmt, ctx: Any) -> Result:
    """Execute a VacuumStmt (ANALYZE or VACUUM) against the catalog's foreign tables."""
    kind = "VACUUM" if stmt.is_vacuumcmd else "ANALYZE"
    verbose = _verbose(stmt.options or (), kind)
    if stmt.is_vacuumcmd:
        return _vacuum(stmt, ctx)
    named = stmt.rels is not None
    targets = [(_resolve(ctx, r.relation), r.va_cols) for r in stmt.rels or ()] if named \
        else [(t, None) for t in _all_tables(ctx)]
    done: list[tuple[ForeignTable, Collected]] = []
    for table, va_cols in targets:
        found = _analyze_one(ctx, table, va_cols, verbose, skip_unreachable=not named)
        if found is not None:
            done.append((table, found))
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S+00")
    with ctx.store.transaction() as db:
        for table, found in done:
            save_stats(db, table.id, TableStats(found.total_rows, found.relpages, now,
                                                found.columns))
    return Result.command("ANALYZE")


def _analyze_one(ctx: Any, table: ForeignTable, va_cols: Any, verbose: bool,
                 skip_unreachable: bool) -> Collected | None:
    """One table's statistics from its server (None: skipped, its server unreachable)."""
    from fdwsh.exec.services import connection_cache

    try:
        conn = connection_cache(ctx).get(table.server)
    except FdwshError as exc:
        if not (skip_unreachable and exc.sqlstate.startswith("08")):
            raise
        _notice(ctx, f'skipping "{table.name}" --- {exc.message}', "WARNING")
        return None
    relpages = relation_pages(conn, table)
    if verbose:
        _notice(ctx, f'analyzing "{table.schema}.{table.name}"')
    columns = _columns(table, va_cols)
    found = collect(conn, table, columns, relpages)
    if verbose:
        _notice(ctx, f'"{table.name}": table contains {found.total_rows:.0f} rows, '
                     f"{found.sampled} rows in sample")
    return found


def _vacuum(stmt: ast.VacuumStmt, ctx: Any) -> Result:
    if any(r.va_cols for r in stmt.rels or ()) and not any(
            d.defname == "analyze" for d in stmt.options or ()):
        raise FdwshError("ANALYZE option must be specified when a column list is provided",
                         sqlstate="0A000")
    if ctx.txn.in_block:
        raise FdwshError("VACUUM cannot run inside a transaction block", sqlstate="25001")
    for table in [_resolve(ctx, r.relation) for r in stmt.rels or ()]:
        _notice(ctx, f'skipping "{table.name}" --- cannot vacuum non-tables or special '
                     "system tables", "WARNING")
    return Result.command("VACUUM")


def _verbose(options: Any, kind: str) -> bool:
    """ExecVacuum()'s option check: known names only, VERBOSE's Boolean value."""
    from fdwsh.catalog.options import parse_boolean_option

    valid = _VACUUM_OPTIONS if kind == "VACUUM" else _ANALYZE_OPTIONS
    verbose = False
    for option in options:
        if option.defname not in valid:
            raise error(f'unrecognized {kind} option "{option.defname}"', "42601",
                        option.location)
        value = getattr(option.arg, "sval", None) if option.arg is not None else "true"
        if option.defname == "verbose":
            if isinstance(option.arg, ast.Integer):
                value = {0: "false", 1: "true"}.get(option.arg.ival, "?")
            verbose = parse_boolean_option("verbose", value or "?")
    return verbose


def _resolve(ctx: Any, rv: ast.RangeVar) -> ForeignTable:
    """The foreign table ``rv`` names (PostgreSQL's errors carry no position here)."""
    from fdwsh.catalog import objects

    if rv.schemaname and objects.get_schema(ctx.store.db, rv.schemaname) is None:
        raise FdwshError(f'schema "{rv.schemaname}" does not exist', sqlstate="3F000")
    try:
        return ctx.lookup()(rv)  # type: ignore[no-any-return]
    except FdwshError as exc:
        exc.position = None
        raise


def _all_tables(ctx: Any) -> list[ForeignTable]:
    db = ctx.store.db
    return [load_table(db, row) for row in db.execute("SELECT * FROM foreign_table ORDER BY id")]


def _columns(table: ForeignTable, va_cols: Any) -> list[str]:
    """The columns to analyze, in declared order (all without a list)."""
    if not va_cols:
        return [c.name for c in table.columns]
    named: list[str] = []
    for item in va_cols:
        name = item.sval
        if table.column(name) is None:
            raise FdwshError(f'column "{name}" of relation "{table.name}" does not exist',
                             sqlstate="42703")
        if name in named:
            raise FdwshError(f'column "{name}" of relation "{table.name}" appears more than '
                             "once", sqlstate="42701")
        named.append(name)
    return [c.name for c in table.columns if c.name in named]


def _notice(ctx: Any, message: str, severity: str = "INFO") -> None:
    ctx.notices.append(Notice(message, severity=severity))

