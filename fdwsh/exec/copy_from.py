r"""``COPY ft [(cols)] FROM STDIN``: the data is read, checked against the declared column types
and streamed to the remote table with the COPY protocol, in the statement's remote transaction.

Contract:

- Errors of the statement itself (table, options, columns) come before any data is read, as
  PostgreSQL's come before psql enters COPY mode (the lines that follow then run as SQL, as
  they do in psql).  Once COPY mode is entered, the data is read to its end (``\.``) whatever
  happens, as psql does, so an error names the line of the ``\.`` in a script.
- Each value goes through the declared type's input function in the session's settings (as
  postgres_fdw's COPY into a foreign table does), and what is sent is that value's text in the
  remote session's pinned styles, so ``'01/02/2024'`` under DateStyle DMY arrives as
  ``2024-02-01``.  A value that does not fit raises PostgreSQL's error with its CONTEXT
  (``COPY ft, line 42, column c: "x"``); a line with too many or too few fields raises
  ``extra data after last expected column`` / ``missing data for column "c"`` (CONTEXT: the
  line).  The remote COPY is then ended with an error: nothing of it is committed.
- Every declared column is sent (postgres_fdw inserts all of them): one left out of the column
  list gets its DEFAULT, evaluated locally for each row (:mod:`fdwsh.exec.copy_defaults`),
  else NULL.  A stored generated column is not in the data nor sent (postgres_fdw sends
  DEFAULT for it), and naming one is PostgreSQL's ``column "g" is a generated column``.
- A NULL in a column declared NOT NULL is refused here with PostgreSQL's message for a local
  table and the data line as CONTEXT (:mod:`fdwsh.exec.dml_notnull`; PostgreSQL itself does
  not check a foreign table's constraints; binary data is not checked); the remote table's own
  constraints and types apply too, and its errors come back as postgres_fdw reports them: the
  remote SQL, then the local line (:mod:`fdwsh.exec.copy_records`).
- Ctrl-C ends the remote COPY (``COPY from stdin failed: canceled by user``) and, as in psql,
  stops reading the data there.
- ``WHERE`` keeps the rows its condition is true for (:mod:`fdwsh.exec.copy_where`).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from pglast import ast
from pglast.stream import RawStream

from fdwsh.catalog.model import ForeignColumn, ForeignTable
from fdwsh.errors import FdwshError
from fdwsh.exec.copy import check_forced
from fdwsh.exec.copy_format import remote_line
from fdwsh.exec.copy_options import CopyOptions, parse_copy_options
from fdwsh.exec.copy_where import Keep, where_filter
from fdwsh.exec.dml_notnull import NotNullViolation
from fdwsh.exec.truncate import find_table
from fdwsh.output.result import Result

QUERY_CANCELED = "57014"
CHUNK_BYTES = 128 * 1024



def copy_from(stmt: ast.CopyStmt, ctx: Any) -> Result:
    """Execute ``COPY ft [(cols)] FROM STDIN [WITH (…)]``."""
    table: ForeignTable = find_table(ctx, stmt.relation)
    keep = where_filter(stmt, ctx)
    opts = parse_copy_options(stmt)
    columns = target_columns(stmt, table)
    names = [c.name for c in columns]
    check_forced("FORCE_NOT_NULL", opts.force_not_null, names, table)
    check_forced("FORCE_NULL", opts.force_null, names, table)
    lines = ctx.copy.data_lines(opts.encoding)
    try:
        count = _run(stmt, table, columns, opts, lines, ctx, keep)
    except BaseException as exc:
        canceled = isinstance(exc, KeyboardInterrupt) or (
            isinstance(exc, FdwshError) and exc.sqlstate == QUERY_CANCELED)
        if not canceled:  # psql stops reading at Ctrl-C only
            _drain(lines)
        raise
    _drain(lines)
    return Result.command(f"COPY {count}")


def _drain(lines: Iterator[str]) -> None:
    """Read the data to its end (psql does, whatever happened); what cannot be decoded there
    is dropped unread (the statement has its error already)."""
    try:
        for _ in lines:
            pass
    except FdwshError:
        pass


def target_columns(stmt: ast.CopyStmt, table: ForeignTable) -> list[ForeignColumn]:
    """The columns the data holds: the column list (checked), else every declared column
    but the generated ones."""
    if not stmt.attlist:
        return sent_columns(table)
    chosen: list[ForeignColumn] = []
    for item in stmt.attlist:
        column = table.column(item.sval)
        if column is None:
            raise FdwshError(f'column "{item.sval}" of relation "{table.name}" does not exist',
                             sqlstate="42703")
        if column.generated:
            raise FdwshError(f'column "{item.sval}" is a generated column', sqlstate="42P10",
                             detail="Generated columns cannot be used in COPY.")
        if column in chosen:
            raise FdwshError(f'column "{item.sval}" specified more than once', sqlstate="42701")
        chosen.append(column)
    return chosen


def sent_columns(table: ForeignTable) -> list[ForeignColumn]:
    """The columns sent to the remote: not the stored generated ones, which it fills itself
    (postgres_fdw sends DEFAULT for them)."""
    return [c for c in table.columns if not c.generated]


def _run(stmt: ast.CopyStmt, table: ForeignTable, columns: list[ForeignColumn],
         opts: CopyOptions, lines: Iterator[str], ctx: Any, keep: Keep | None) -> int:
    if opts.freeze:
        raise FdwshError("cannot perform COPY FREEZE because the table was not created or "
                         "truncated in the current subtransaction", sqlstate="55000")
    if opts.binary:
        from fdwsh.exec.copy_binary import copy_from_binary

        return copy_from_binary(table, columns, ctx)
    from fdwsh.exec.copy_defaults import default_makers
    from fdwsh.exec.copy_progress import progress
    from fdwsh.exec.copy_records import RecordReader
    from fdwsh.remote.copy import copy_in

    reader = RecordReader(table.name, columns, opts, ctx.gucs,
                          lambda: bool(ctx.copy.end_marker_seen))
    defaults = default_makers(stmt, [c for c in table.columns if c not in columns], ctx)
    keep = _not_null_kept(stmt, table, ctx, reader, keep)
    conn = ctx.remote().get(table.server)  # connected first, as BeginForeignInsert does
    with progress(ctx.copy) as advance:
        rows = reader.rows(lines, advance)
        first = next(rows, None)
        if first is None:  # no row: postgres_fdw never sends its INSERT
            return 0
        try:
            tag = copy_in(conn, remote_copy_sql(table),
                          _chunks(itertools.chain([first], rows), columns, table, defaults,
                                  keep, reader.note_sent))
        except NotNullViolation:
            raise
        except FdwshError as err:
            err.context = reader.local_context(err.context)
            raise
    conn.modified = True
    return int(tag.split()[-1]) if tag.startswith("COPY ") else reader.count


def _not_null_kept(stmt: ast.CopyStmt, table: ForeignTable, ctx: Any, reader: Any,
                   keep: Keep | None) -> Keep | None:
    """``keep`` (the WHERE) followed by the local NOT NULL check of each kept row
    (:mod:`fdwsh.exec.dml_notnull`), whose error names the data line."""
    from fdwsh.exec.dml_notnull import text_checker
    from fdwsh.exec.dml_target import resolve_target

    target = resolve_target(stmt, ctx)
    check = text_checker(target, ctx, [i for i, c in enumerate(table.columns) if not c.generated])
    if check is None:
        return keep

    def kept(row: list[str | None]) -> bool:
        if keep is not None and not keep(row):
            return False
        try:
            check(row)
        except NotNullViolation as err:
            err.context = reader.line_context()
            raise
        return True
    return kept


def remote_copy_sql(table: ForeignTable, options: tuple[ast.DefElem, ...] | None = None
                    ) -> str:
    """``COPY schema.table (every remote column) FROM STDIN``, deparsed from its AST."""
    relation = ast.RangeVar(schemaname=table.remote_schema, relname=table.remote_name,
                            inh=True, relpersistence="p")
    attlist = tuple(ast.String(sval=c.remote_name) for c in sent_columns(table))
    return str(RawStream()(ast.CopyStmt(relation=relation, attlist=attlist, is_from=True,
                                        is_program=False, options=options)))


def _chunks(rows: Iterable[tuple[str | None, list[str | None]]],
            columns: Sequence[ForeignColumn], table: ForeignTable,
            defaults: dict[str, Callable[[], str | None]], keep: Keep | None,
            note_sent: Callable[[], None]) -> Iterator[bytes]:
    """The remote COPY data: every declared column of each row (a column left out: its
    DEFAULT, else NULL) where ``keep`` holds, in chunks of about :data:`CHUNK_BYTES`."""
    order = [columns.index(c) if c in columns else defaults.get(c.name)
             for c in sent_columns(table)]
    identity = order == list(range(len(columns)))
    buffer: list[str] = []
    size = 0
    for raw, row in rows:
        full = row if identity else [_pick(row, i) for i in order]
        if keep is not None and not keep(full):
            continue
        note_sent()
        line = raw + "\n" if identity and raw is not None else remote_line(full)
        buffer.append(line)
        size += len(line)
        if size >= CHUNK_BYTES:
            yield "".join(buffer).encode()
            buffer.clear()
            size = 0
    if buffer:
        yield "".join(buffer).encode()


def _pick(row: list[str | None], source: int | Callable[[], str | None] | None) -> str | None:
    """A remote column's value: the row's field, a default's value, or NULL."""
    if source is None:
        return None
    return row[source] if isinstance(source, int) else source()
