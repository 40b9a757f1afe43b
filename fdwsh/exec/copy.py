"""COPY: the statement's forms, checked in PostgreSQL 15's order (DoCopy, BeginCopyTo,
BeginCopyFrom), and ``COPY (query) TO STDOUT``.

Contract:

- fdwsh has no server files: ``COPY … TO|FROM 'file'`` and ``PROGRAM 'cmd'`` get what
  PostgreSQL says to a user without the pg_write_server_files / pg_read_server_files /
  pg_execute_server_program role (its first check, before the table is looked at), whose HINT
  names ``\\copy``.  So ``COPY ft TO 'f'`` and ``COPY (SELECT …) TO 'f'`` both get ``must be
  superuser or have privileges of the pg_write_server_files role to COPY to a file``.
- ``COPY ft TO STDOUT`` is PostgreSQL's ``cannot copy from foreign table "ft"`` (HINT: the
  ``COPY (SELECT ...) TO`` variant), as for every target.
- ``COPY (query) TO STDOUT`` runs the query (a SELECT, or INSERT/UPDATE/DELETE … RETURNING) as
  a statement of its own would run (pushed to its server, or through fdwsh's executor) and writes its rows as they stream, in text or CSV
  format (memory stays bounded however many rows there are).  BINARY is produced by the
  remote server: the query must be pushed whole.
- ``COPY ft FROM STDIN``: :mod:`fdwsh.exec.copy_from`.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from pglast import ast

from fdwsh.errors import FdwshError, FeatureNotSupported
from fdwsh.exec.copy_format import csv_writer, header_line, text_writer
from fdwsh.exec.copy_options import CopyOptions, parse_copy_options
from fdwsh.exec.truncate import find_table
from fdwsh.output.result import Result

INSUFFICIENT_PRIVILEGE = "42501"
WRONG_OBJECT_TYPE = "42809"
INVALID_COLUMN_REFERENCE = "42P10"
UNDEFINED_COLUMN = "42703"
ANYONE_CAN = "Anyone can COPY to stdout or from stdin. psql's \\copy command also works for anyone."


def run_copy(stmt: ast.CopyStmt, ctx: Any) -> Result:
    """Execute one COPY statement."""
    if stmt.filename is not None:
        raise _server_file_error(stmt)
    if stmt.is_from:
        from fdwsh.exec.copy_from import copy_from

        return copy_from(stmt, ctx)
    if stmt.relation is not None:
        table = find_table(ctx, stmt.relation)
        raise FdwshError(f'cannot copy from foreign table "{table.name}"',
                         sqlstate=WRONG_OBJECT_TYPE,
                         hint="Try the COPY (SELECT ...) TO variant.")
    return _copy_query_to(stmt, parse_copy_options(stmt), ctx)


def _server_file_error(stmt: ast.CopyStmt) -> FdwshError:
    """DoCopy()'s refusal of server-side files and programs to an unprivileged user."""
    if stmt.is_program:
        what = ("pg_execute_server_program", "COPY to or from an external program")
    elif stmt.is_from:
        what = ("pg_read_server_files", "COPY from a file")
    else:
        what = ("pg_write_server_files", "COPY to a file")
    return FdwshError(f"must be superuser or have privileges of the {what[0]} role to {what[1]}",
                      sqlstate=INSUFFICIENT_PRIVILEGE, hint=ANYONE_CAN)


def check_forced(option: str, names: Iterable[str], columns: Sequence[str],
                 table: Any = None) -> None:
    """The FORCE_* list's names (CopyGetAttnums, then the column list): ``column "x" of
    relation "t" does not exist`` (``column "x" does not exist`` for a query), else ``FORCE_QUOTE
    column "x" not referenced by COPY``."""
    for name in names:
        if table is not None and table.column(name) is None:
            raise FdwshError(f'column "{name}" of relation "{table.name}" does not exist',
                             sqlstate=UNDEFINED_COLUMN)
        if table is None and name not in columns:
            raise FdwshError(f'column "{name}" does not exist', sqlstate=UNDEFINED_COLUMN)
        if name not in columns:
            raise FdwshError(f'{option} column "{name}" not referenced by COPY',
                             sqlstate=INVALID_COLUMN_REFERENCE)


def _copy_query_to(stmt: ast.CopyStmt, opts: CopyOptions, ctx: Any) -> Result:
    if opts.binary:
        from fdwsh.exec.copy_binary import copy_query_binary

        count = copy_query_binary(stmt, opts, ctx)
    else:
        count = _write_rows(stmt.query, opts, ctx)
    return Result.command(f"COPY {count}") if ctx.copy.shows_tag else Result()


def _write_rows(query: ast.Node, opts: CopyOptions, ctx: Any) -> int:
    """Run the query and write its rows in text or CSV format; the number of rows."""
    from fdwsh.sql import route

    if not isinstance(query, ast.SelectStmt) and getattr(query, "returningClause", None) is None:
        raise FeatureNotSupported("COPY query must have a RETURNING clause")
    result = route.execute(query, ctx)
    names = [c.name for c in result.columns or ()]
    check_forced("FORCE_QUOTE", opts.force_quote, names)
    write = csv_writer(opts, names) if opts.csv else text_writer(opts)
    sink = _Sink(ctx.copy, opts.encoding)
    if opts.header:
        sink.write(header_line(opts, names))
    count = 0
    for row in result.rows:
        sink.write(write(row))
        count += 1
    sink.flush()
    return count


class _Sink:
    """The COPY TO stream; when writing fails (a program that exited: a broken pipe) psql
    says so once and reads the rest of the data without writing it (handleCopyOut)."""

    def __init__(self, channel: Any, encoding: str | None) -> None:
        from fdwsh.exec.copy_encoding import encoder

        self.channel = channel
        self.out = channel.out
        self.failed = False
        #: A byte stream (\\copy's file or program) gets the data in the COPY's ENCODING.
        self.encode = None if isinstance(self.out, io.TextIOBase) else encoder(encoding)

    def write(self, text: str) -> None:
        if self.failed:
            return
        data = text if self.encode is None else self.encode(text)
        try:
            self.out.write(data)
        except OSError as exc:
            self._fail(exc)

    def flush(self) -> None:
        if not self.failed:
            try:
                self.out.flush()
            except OSError as exc:
                self._fail(exc)

    def _fail(self, exc: OSError) -> None:
        self.failed = True
        self.channel.warn(f"could not write COPY data: {exc.strerror}")
