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
  else NULL.
- Local NOT NULL is not checked (PostgreSQL does not check constraints of foreign tables); the
  remote table's own constraints apply and its errors come back as postgres_fdw reports them.
- ``WHERE`` keeps the rows its condition is true for (:mod:`fdwsh.exec.copy_where`).
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from pglast import ast
from pglast.stream import RawStream

from fdwsh.catalog.model import ForeignColumn, ForeignTable
from fdwsh.errors import FdwshError
from fdwsh.exec.copy import check_forced
from fdwsh.exec.copy_format import csv_fields, remote_line, text_fields
from fdwsh.exec.copy_options import CopyOptions, parse_copy_options
from fdwsh.exec.truncate import find_table
from fdwsh.output.result import Result

BAD_COPY_FILE_FORMAT = "22P04"
QUERY_CANCELED = "57014"
CHUNK_BYTES = 128 * 1024
#: PostgreSQL's MAX_COPY_DATA_DISPLAY: longer lines and values are cut in CONTEXT lines.
MAX_DISPLAY = 100
SENT_WINDOW = 10_000

Convert = Callable[[str], str]
Keep = Callable[[list[str | None]], bool]


def copy_from(stmt: ast.CopyStmt, ctx: Any) -> Result:
    """Execute ``COPY ft [(cols)] FROM STDIN [WITH (…)]``."""
    table: ForeignTable = find_table(ctx, stmt.relation)
    from fdwsh.exec.copy_where import where_filter

    keep = where_filter(stmt, ctx)
    opts = parse_copy_options(stmt)
    columns = target_columns(stmt, table)
    names = [c.name for c in columns]
    check_forced("FORCE_NOT_NULL", opts.force_not_null, names, table)
    check_forced("FORCE_NULL", opts.force_null, names, table)
    lines = ctx.copy.data_lines()
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
    """Read the data to its end (psql does, whatever happened)."""
    for _ in lines:
        pass


def target_columns(stmt: ast.CopyStmt, table: ForeignTable) -> list[ForeignColumn]:
    """The columns the data holds: the column list (checked), else every declared column."""
    if not stmt.attlist:
        return list(table.columns)
    chosen: list[ForeignColumn] = []
    for item in stmt.attlist:
        column = table.column(item.sval)
        if column is None:
            raise FdwshError(f'column "{item.sval}" of relation "{table.name}" does not exist',
                             sqlstate="42703")
        if column in chosen:
            raise FdwshError(f'column "{item.sval}" specified more than once', sqlstate="42701")
        chosen.append(column)
    return chosen


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
    from fdwsh.remote.copy import copy_in

    reader = RecordReader(table.name, columns, opts, ctx.gucs,
                          lambda: bool(ctx.copy.end_marker_seen))
    defaults = default_makers(stmt, [c for c in table.columns if c not in columns], ctx)
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
        except FdwshError as err:
            err.context = reader.local_context(err.context)
            raise
    conn.modified = True
    return int(tag.split()[-1]) if tag.startswith("COPY ") else reader.count


def remote_copy_sql(table: ForeignTable, options: tuple[ast.DefElem, ...] | None = None
                    ) -> str:
    """``COPY schema.table (every remote column) FROM STDIN``, deparsed from its AST."""
    relation = ast.RangeVar(schemaname=table.remote_schema, relname=table.remote_name,
                            inh=True, relpersistence="p")
    attlist = tuple(ast.String(sval=c.remote_name) for c in table.columns)
    return str(RawStream()(ast.CopyStmt(relation=relation, attlist=attlist, is_from=True,
                                        is_program=False, options=options)))


def _chunks(rows: Iterable[tuple[str | None, list[str | None]]],
            columns: Sequence[ForeignColumn], table: ForeignTable,
            defaults: dict[str, Callable[[], str | None]], keep: Keep | None,
            note_sent: Callable[[], None]) -> Iterator[bytes]:
    """The remote COPY data: every declared column of each row (a column left out: its
    DEFAULT, else NULL) where ``keep`` holds, in chunks of about :data:`CHUNK_BYTES`."""
    order = [columns.index(c) if c in columns else defaults.get(c.name) for c in table.columns]
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


def _display(text: str) -> str:
    """limit_printout_length(): at most MAX_DISPLAY bytes, then ``...``."""
    data = text.encode()
    if len(data) <= MAX_DISPLAY:
        return text
    return data[:MAX_DISPLAY].decode("utf-8", "ignore") + "..."


class RecordReader:
    """Turns data lines into checked rows of remote text values (see the module docstring)."""

    def __init__(self, relname: str, columns: Sequence[ForeignColumn], opts: CopyOptions,
                 settings: Any, end_marker_seen: Callable[[], bool]) -> None:
        from fdwsh.exec.copy_values import input_converter

        self.relname = relname
        self.columns = columns
        self.opts = opts
        self.converters = [input_converter(c.type, settings) for c in columns]
        self.lineno = 0
        self.count = 0
        self.end_marker_seen = end_marker_seen
        #: (row number, its line number) where a row's line is not row + header lines (after
        #: a CSV record of several lines): for the remote server's errors (:meth:`local_context`).
        self.line_shifts: list[tuple[int, int]] = []
        self.first_line = (0, "")
        #: (line number, line) of the last rows sent, the remote's row n being sent row n: a
        #: remote error names its line with them (older rows: their number only).
        self.sent_lines: deque[tuple[int, str]] = deque(maxlen=SENT_WINDOW)
        self.sent = 0
        self.current = (0, "")
        names = [c.name for c in columns]
        self.force_not_null = [n in opts.force_not_null for n in names]
        self.force_null = [n in opts.force_null for n in names]

    def rows(self, lines: Iterator[str], advance: Callable[[int], None]
             ) -> Iterator[tuple[str | None, list[str | None]]]:
        """The checked rows of ``lines`` (the header line skipped, or matched), each with its
        line when that line is already what the remote reads (default text format, every
        value unchanged by its input function): it is then sent as it came."""
        opts = self.opts
        reusable = opts.format == "text" and opts.delimiter == "\t" and opts.null == "\\N"
        for record in self._records(lines, advance):
            if self.lineno == 1 and opts.header:
                self._check_header(record)
                continue
            row = self._row(record)
            self.current = (self.lineno, record[0])
            if not self.count:
                self.first_line = self.current
            yield (record[0] if reusable and row == record[1] else None), row
            self.count += 1

    def _records(self, lines: Iterator[str], advance: Callable[[int], None]
                 ) -> Iterator[tuple[str, list[str | None]]]:
        """(line text, raw fields) of each record; a CSV record may span several lines."""
        split = self._split
        for line in lines:
            advance(len(line) + 1)
            self.lineno += 1
            fields = split(line)
            first = self.lineno
            while fields is None:  # a quoted CSV field continues on the next line
                more = next(lines, None)
                if more is None:
                    ending = "\\.\n" if self.end_marker_seen() else ""
                    raise self._line_error("unterminated CSV quoted field",
                                           f"{line}\n{ending}")
                advance(len(more) + 1)
                line = f"{line}\n{more}"
                fields = split(line)
            if self.lineno != first:  # the CSV record's continuation lines are not counted
                self.lineno = first
                self.line_shifts.append((self.count + 1, first))
            yield line, fields

    def note_sent(self) -> None:
        """The current row goes to the remote server."""
        self.sent_lines.append(self.current)
        self.sent += 1

    def local_context(self, remote: str | None) -> str | None:
        """A remote error's CONTEXT as postgres_fdw shows it for COPY: ``remote SQL command:
        …`` first, then the COPY line, named by the local table, line number and text (for a
        row older than the last :data:`SENT_WINDOW` sent, the remote's text of it)."""
        import bisect
        import re

        lines = (remote or "").split("\n")
        match = re.match(r"COPY .+?, line (\d+)(.*)$", lines[0]) if lines else None
        if match is None and self.count:
            return remote
        if match is None:  # the remote COPY failed to start: at the first row, locally
            lineno, line = self.first_line
            return f'{remote}\nCOPY {self.relname}, line {lineno}: "{_display(line)}"'
        row = int(match.group(1))
        offset = row - (self.sent - len(self.sent_lines)) - 1
        if 0 <= offset < len(self.sent_lines):
            lineno, line = self.sent_lines[offset]
            copy_line = f'COPY {self.relname}, line {lineno}: "{_display(line)}"'
            return "\n".join([*lines[1:], copy_line])
        at = bisect.bisect_right(self.line_shifts, (row, 1 << 62)) - 1
        base_row, base_line = self.line_shifts[at] if at >= 0 else (0, int(self.opts.header))
        lineno = base_line + row - base_row
        copy_line = f"COPY {self.relname}, line {lineno}{match.group(2)}"
        return "\n".join([*lines[1:], copy_line])

    def _split(self, line: str) -> list[str | None] | None:
        return csv_fields(line, self.opts) if self.opts.csv else text_fields(line, self.opts)

    def _line_error(self, message: str, line: str, sqlstate: str = BAD_COPY_FILE_FORMAT
                    ) -> FdwshError:
        return FdwshError(message, sqlstate=sqlstate,
                          context=f'COPY {self.relname}, line {self.lineno}: "{_display(line)}"')

    def _row(self, record: tuple[str, list[str | None]]) -> list[str | None]:
        line, fields = record
        if len(fields) > len(self.columns):
            raise self._line_error("extra data after last expected column", line)
        if self.opts.csv:
            fields = self._forced(fields)
        if len(fields) == len(self.columns):
            try:
                return [None if v is None else f(v) for f, v in zip(self.converters, fields)]
            except FdwshError:
                pass
        raise self._first_failure(line, fields)

    def _forced(self, fields: list[str | None]) -> list[str | None]:
        """FORCE_NOT_NULL / FORCE_NULL (NextCopyFrom)."""
        null = self.opts.null
        out: list[str | None] = []
        for value, not_null, force_null in zip(fields, self.force_not_null, self.force_null):
            if value is None and not_null:
                value = null
            elif value is not None and force_null and value == null:
                value = None
            out.append(value)
        return out

    def _first_failure(self, line: str, fields: list[str | None]) -> FdwshError:
        """The error PostgreSQL's NextCopyFrom raises first for this row: column by column,
        a missing field or a value its type's input function refuses."""
        for number, (column, convert) in enumerate(zip(self.columns, self.converters)):
            if number >= len(fields):
                return self._line_error(f'missing data for column "{column.name}"', line)
            value = fields[number]
            if value is None:
                continue
            try:
                convert(value)
            except FdwshError as err:
                where = f"COPY {self.relname}, line {self.lineno}, column {column.name}"
                err.context = f'{where}: "{_display(value)}"'
                return err
        return FdwshError("internal error: a COPY row failed without a cause")

    def _check_header(self, record: tuple[str, list[str | None]]) -> None:
        """HEADER MATCH: the header's names must be the columns' (CopyFromTextLikeOneRow)."""
        if not self.opts.header_match:
            return
        line, fields = record
        if len(fields) != len(self.columns):
            raise self._line_error(f"wrong number of fields in header line: got "
                                   f"{len(fields)}, expected {len(self.columns)}", line)
        for number, (name, column) in enumerate(zip(fields, self.columns), 1):
            if name is None:
                raise self._line_error(
                    f'column name mismatch in header line field {number}: got null value '
                    f'("{self.opts.null}"), expected "{column.name}"', line)
            if name != column.name:
                raise self._line_error(
                    f'column name mismatch in header line field {number}: got "{name}", '
                    f'expected "{column.name}"', line)
