"""COPY FROM's records: data lines split into fields (text or CSV, a CSV record possibly over
several lines), header lines skipped or matched, and each row's values checked by the declared
types' input functions — with PostgreSQL's errors and CONTEXT lines (``COPY ft, line 42,
column c: "x"``; ``COPY ft, line 3: "…"`` for the line as a whole).  It also remembers where
the rows it hands out came from, so that a remote server's error about its row n can name the
local line (:meth:`RecordReader.local_context`).
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from fdwsh.catalog.model import ForeignColumn
from fdwsh.errors import FdwshError
from fdwsh.exec.copy_format import UnquotedCarriageReturn, csv_fields, text_fields
from fdwsh.exec.copy_options import CopyOptions

BAD_COPY_FILE_FORMAT = "22P04"
#: PostgreSQL's MAX_COPY_DATA_DISPLAY: longer lines and values are cut in CONTEXT lines.
MAX_DISPLAY = 100
SENT_WINDOW = 10_000


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
        self.first_line = (0, "")
        #: (line number, line) of the last rows sent, the remote's row n being sent row n: a
        #: remote error names its line with them (older rows: their number only).
        self.sent_lines: deque[tuple[int, str]] = deque(maxlen=SENT_WINDOW)
        self.sent = 0
        self.current = (0, "")
        #: Lines end in CR LF (None: not known before the first record ends).
        self.crlf: bool | None = None
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
        """(line text, raw fields) of each record; a CSV record may span several lines, and
        counts as one line (as PostgreSQL 15 numbers them)."""
        for line in _numbered_errors(lines, self):
            advance(len(line) + 1)
            self.lineno += 1
            at = _end_marker(line) if not self.opts.csv and "\\." in line else None
            if at is not None:  # the server's end of data, inside a text-format line
                if line[at + 2:]:
                    raise self._bare_error("end-of-copy marker corrupt")
                if at:
                    yield line[:at], self._split(line[:at]) or []
                return
            yield self._record(line, lines, advance)

    def _record(self, line: str, lines: Iterator[str], advance: Callable[[int], None]
                ) -> tuple[str, list[str | None]]:
        """One whole record from ``line`` on, its end of line removed (CopyReadLineText): the
        first record says whether lines end in CR LF; a carriage return elsewhere outside a
        quoted CSV field is an error."""
        while True:
            stripped = line[:-1] if self.crlf is not False and line.endswith("\r") else line
            if self.crlf is None and not self.opts.csv and "\r" in stripped:
                raise self._lone_carriage_return(stripped)
            try:
                fields = self._split(stripped)
            except FdwshError:
                if self.crlf is None and self.opts.csv:
                    raise self._lone_carriage_return(stripped) from None
                raise
            if fields is not None:
                if self.crlf is None:
                    self.crlf = stripped is not line
                return stripped, fields
            more = next(lines, None)  # a quoted CSV field continues on the next line
            if more is None:
                ending = "\\.\n" if self.end_marker_seen() else ""
                raise self._line_error("unterminated CSV quoted field", f"{line}\n{ending}")
            advance(len(more) + 1)
            line = f"{line}\n{more}"

    def line_context(self) -> str:
        """``COPY ft, line n: "…"`` of the current row (a row refused here)."""
        lineno, line = self.current
        return f'COPY {self.relname}, line {lineno}: "{_display(line)}"'

    def note_sent(self) -> None:
        """The current row goes to the remote server."""
        self.sent_lines.append(self.current)
        self.sent += 1

    def local_context(self, remote: str | None) -> str | None:
        """A remote error's CONTEXT as postgres_fdw shows it for COPY: ``remote SQL command:
        …`` first, then the COPY line, named by the local table, line number and text (for a
        row older than the last :data:`SENT_WINDOW` sent, the remote's text of it)."""
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
        lineno = row + int(self.opts.header)  # older: as many lines as rows (no WHERE)
        copy_line = f"COPY {self.relname}, line {lineno}{match.group(2)}"
        return "\n".join([*lines[1:], copy_line])

    def _split(self, line: str) -> list[str | None] | None:
        if not self.opts.csv:
            if "\r" in line:
                raise self._bare_error("literal carriage return found in data",
                                       'Use "\\r" to represent carriage return.')
            return text_fields(line, self.opts)
        try:
            return csv_fields(line, self.opts)
        except UnquotedCarriageReturn:
            raise self._bare_error("unquoted carriage return found in data",
                                   "Use quoted CSV field to represent carriage return.") from None

    def _lone_carriage_return(self, line: str) -> FdwshError:
        """A carriage return inside the first line makes CR the end of line for PostgreSQL
        (old Mac files), so the newline that follows is data it refuses: its error, at the
        line it counts (fdwsh reads such files no further)."""
        self.lineno += line.count("\r")
        if self.opts.csv:
            return self._bare_error("unquoted newline found in data",
                                    "Use quoted CSV field to represent newline.")
        return self._bare_error("literal newline found in data",
                                'Use "\\n" to represent newline.')

    def _bare_error(self, message: str, hint: str | None = None) -> FdwshError:
        """An error found while the line is read (its CONTEXT names the line, not its text)."""
        return FdwshError(message, sqlstate=BAD_COPY_FILE_FORMAT, hint=hint,
                          context=f"COPY {self.relname}, line {self.lineno}")

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


def _numbered_errors(lines: Iterator[str], reader: RecordReader) -> Iterator[str]:
    """``lines``; an error reading the next one (an invalid byte) gets ``COPY ft, line N``."""
    while True:
        try:
            line = next(lines)
        except StopIteration:
            return
        except FdwshError as err:
            err.context = f"COPY {reader.relname}, line {reader.lineno + 1}"
            raise
        yield line


def _end_marker(line: str) -> int | None:
    """Where an unescaped ``\\.`` starts in a text-format line (CopyReadLineText ends the
    data there), or None."""
    i = line.find("\\")
    while i != -1 and i + 1 < len(line):
        if line[i + 1] == ".":
            return i
        i = line.find("\\", i + 2)
    return None
