"""Print a :class:`Result` exactly as psql 15 prints a query result (psql's PrintQueryResult).

Contract: :func:`print_result` writes either the command tag (``CREATE SERVER``) or the table in
the format ``PrintOptions`` asks for, byte for byte as psql would: aligned / wrapped (see
``aligned.py``), expanded (``vertical.py``), unaligned (``-A``: field and record separators), csv
(``--csv``), each with ``tuples_only``, titles, footers and ``\\x on|auto``.  Unaligned and csv
output is streamed row by row as rows arrive; aligned output needs every row to size its columns,
unless ``fetch_count`` (psql's FETCH_COUNT) asks for batches of that many rows (``fetchcount.py``).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from typing import TextIO

from fdwsh.output.aligned import print_aligned_text
from fdwsh.output.content import TableContent, display_rows, footers_with_default
from fdwsh.output.fetchcount import print_batches
from fdwsh.output.result import Result
from fdwsh.output.vertical import print_aligned_vertical
from fdwsh.settings import PrintOptions

#: Command tags psql prints after the rows of a RETURNING query.
_RETURNING_TAGS = ("INSERT", "UPDATE", "DELETE", "MERGE")
FORMATS = ("aligned", "wrapped", "unaligned", "csv")


def print_result(result: Result, opts: PrintOptions, out: TextIO, *, quiet: bool = False,
                 term_width: int | None = None, fetch_count: int = 0,
                 to_stdout: bool = True) -> None:
    """Print one statement's result the way psql does.

    A result without columns prints its command tag (unless ``quiet``, psql's ``-q``).  A result
    with columns prints the table; INSERT/UPDATE/DELETE/MERGE ... RETURNING then also print
    their tag, as psql does.  ``term_width`` is the screen width when the caller knows it (e.g.
    output goes to a pager); otherwise it is taken from the terminal only when ``out`` is one.
    ``fetch_count`` > 0 prints the rows in batches as psql's FETCH_COUNT does; ``to_stdout``
    says whether ``out`` is standard output (psql then pages batched output, which changes
    ``\\x auto`` and the target width).
    """
    if result.columns is None:
        if result.status and not quiet:
            out.write(result.status + "\n")
        return
    print_table(result, opts, out, term_width=term_width, fetch_count=fetch_count,
                to_stdout=to_stdout)
    if result.status and result.status.startswith(_RETURNING_TAGS) and not quiet:
        out.write(result.status + "\n")


def print_table(result: Result, opts: PrintOptions, out: TextIO, *,
                term_width: int | None = None, fetch_count: int = 0,
                to_stdout: bool = True) -> None:
    """psql's printTable dispatch: pick the printer for format × expanded mode."""
    if opts.format not in FORMATS:
        raise ValueError(f"unsupported output format: {opts.format}")
    columns = result.columns or ()
    headers = [col.name for col in columns]
    aligns = ["r" if col.right_aligned else "l" for col in columns]
    rows = display_rows(result.rows, aligns, opts)
    title = result.title if result.title is not None else opts.title
    footers = list(result.footers) if result.footers else None
    default_footer = opts.footer and result.default_footer
    expanded = opts.expanded == "on"
    if opts.format == "unaligned":
        printer = print_unaligned_vertical if expanded else print_unaligned_text
        printer(headers, rows, opts, out, title=title, footers=footers,
                default_footer=default_footer, fetch_count=fetch_count)
        return
    if opts.format == "csv":
        (print_csv_vertical if expanded else print_csv_text)(headers, rows, opts, out)
        return
    if fetch_count > 0:
        shell = TableContent(headers, aligns, [], opts, title, footers, default_footer)
        print_batches(shell, rows, fetch_count, out, to_stdout=to_stdout,
                      width=lambda paged: output_columns(opts, out, term_width, paged=paged))
        return
    cont = TableContent(headers, aligns, list(rows), opts, title, footers, default_footer)
    width = output_columns(opts, out, term_width)
    if expanded:
        print_aligned_vertical(cont, out, width)
    else:
        print_aligned_text(cont, out, width)


def output_columns(opts: PrintOptions, out: TextIO, term_width: int | None = None, *,
                   paged: bool = False) -> int:
    """psql's target width: ``\\pset columns``, else (only on a terminal, or when psql has
    opened its pager, ``paged``) $COLUMNS or the tty's.

    0 means "unknown": no wrapping and no switch to expanded mode in ``\\x auto``.
    """
    if opts.columns > 0:
        return opts.columns
    if term_width is not None:
        return term_width
    if not paged and not _isatty(out):
        return 0
    env = os.environ.get("COLUMNS", "")
    if env.isdigit() and int(env) > 0:
        return int(env)
    try:
        return os.get_terminal_size(out.fileno()).columns
    except (OSError, ValueError, AttributeError):
        return 0


def _isatty(out: TextIO) -> bool:
    try:
        return out.isatty()
    except (AttributeError, ValueError):
        return False


def _final_newline(opts: PrintOptions) -> str:
    """The last record ends with a newline, or a NUL when the record separator is NUL (-0)."""
    return "\0" if opts.recordsep == "\0" else "\n"


def print_unaligned_text(headers: Sequence[str], rows: Iterable[list[str]], opts: PrintOptions,
                         out: TextIO, *, title: str | None = None,
                         footers: list[str] | None = None, default_footer: bool = True,
                         fetch_count: int = 0) -> None:
    """psql's print_unaligned_text, streaming: header line, one line per row, "(N rows)".

    Batches (``fetch_count``) print the same bytes, but for one corner that
    :func:`_continued` covers.
    """
    fs, rs = opts.fieldsep, opts.recordsep
    need_recordsep = False
    if not opts.tuples_only:
        if title is not None:
            out.write(title + rs)
        out.write(fs.join(headers))
        need_recordsep = True
    nrows = 0
    for row in rows:
        nrows += 1
        if not headers:
            continue
        if need_recordsep:
            out.write(rs)
        out.write(fs.join(row))
        need_recordsep = True
    need_recordsep = need_recordsep or _continued(nrows, fetch_count)
    shown = footers_with_default(footers, default_footer, nrows)
    if not opts.tuples_only and shown:
        for footer in shown:
            if need_recordsep:
                out.write(rs)
            out.write(footer)
            need_recordsep = True
    if need_recordsep:
        out.write(_final_newline(opts))


def print_unaligned_vertical(headers: Sequence[str], rows: Iterable[list[str]],
                             opts: PrintOptions, out: TextIO, *, title: str | None = None,
                             footers: list[str] | None = None,
                             default_footer: bool = True, fetch_count: int = 0) -> None:
    """psql's print_unaligned_vertical: ``name|value`` lines, records split by a blank line."""
    del default_footer  # vertical formats number their records: no "(N rows)"
    fs, rs = opts.fieldsep, opts.recordsep
    need_recordsep = False
    if not opts.tuples_only and title is not None:
        out.write(title)
        need_recordsep = True
    last = len(headers) - 1
    nrows = 0
    for row in rows:
        nrows += 1
        for c, cell in enumerate(row):
            if need_recordsep:
                out.write(rs + rs)
                need_recordsep = False
            out.write(headers[c] + fs + cell)
            if c < last:
                out.write(rs)
            else:
                need_recordsep = True
    need_recordsep = need_recordsep or _continued(nrows, fetch_count)
    if not opts.tuples_only and footers:
        out.write(rs)
        for footer in footers:
            out.write(rs + footer)
    if need_recordsep:
        out.write(_final_newline(opts))


def _continued(nrows: int, fetch_count: int) -> bool:
    """Whether psql printed these rows in more than one batch.

    A batch that continues a printout assumes a record separator is pending, so the output
    ends with a newline even when nothing was printed: a result without columns (``SELECT FROM
    ...``) of at least ``fetch_count`` rows, with ``tuples_only`` or in expanded mode.
    """
    return 0 < fetch_count <= nrows


def csv_field(value: str, sep: str) -> str:
    """psql's csv_print_field: quote when needed so that COPY ... CSV reads the value back."""
    if (sep in value or "\r" in value or "\n" in value or '"' in value or value == "\\."
            or sep in ("\\", ".")):
        return '"' + value.replace('"', '""') + '"'
    return value


def print_csv_text(headers: Sequence[str], rows: Iterable[list[str]], opts: PrintOptions,
                   out: TextIO) -> None:
    """psql's print_csv_text: header unless tuples_only, never a title or footer."""
    sep = opts.csv_fieldsep[:1] or ","
    if not opts.tuples_only:
        out.write(sep.join(csv_field(h, sep) for h in headers) + "\n")
    for row in rows:
        if headers:
            out.write(sep.join(csv_field(cell, sep) for cell in row) + "\n")


def print_csv_vertical(headers: Sequence[str], rows: Iterable[list[str]], opts: PrintOptions,
                       out: TextIO) -> None:
    """psql's print_csv_vertical: one ``name,value`` line per field, tuples_only or not."""
    sep = opts.csv_fieldsep[:1] or ","
    names = [csv_field(h, sep) for h in headers]
    for row in rows:
        for name, cell in zip(names, row):
            out.write(name + sep + csv_field(cell, sep) + "\n")
