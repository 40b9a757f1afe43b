"""psql's ``FETCH_COUNT``: a query's rows printed batch by batch, in bounded memory.

Contract: with ``\\set FETCH_COUNT n`` (n > 0) psql runs a query that starts with SELECT or VALUES
through a cursor (ExecQueryUsingCursor in src/bin/psql/common.c) and prints every ``FETCH
FORWARD n`` as one part of a single table (printTableOpt ``start_table`` / ``stop_table`` /
``prior_records``).  :func:`print_batches` does the same with the result's row iterator, so an
aligned or expanded listing of a huge remote result never holds more than ``n`` rows:

* each batch is sized on its own rows, so later, wider values overflow the first batch's widths;
* only the first batch prints title and headers; the batch with fewer than ``n`` rows (possibly
  none: a row count that is a multiple of ``n`` ends with an empty fetch) prints the bottom rule
  and footers, and "(N rows)" counts all rows; expanded record numbers run on across batches;
* when a batch is full psql opens its pager (``PageOutput``, even when no pager runs): from that
  batch on ``\\x auto`` always prints expanded and the target width is ``\\pset columns``, else
  $COLUMNS, else the terminal's, also when output is not a terminal.  That only happens when
  the table goes to standard output (not to ``\\o``/``\\g`` files).

Unaligned and csv output stream anyway; ``print.py`` covers their one difference in batches.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from itertools import islice
from typing import TextIO

from fdwsh.output.aligned import print_aligned_text
from fdwsh.output.content import TableContent
from fdwsh.output.vertical import print_aligned_vertical

_SPACE = " \t\n\v\f\r"


def batch_size(fetch_count: str | None, query: str) -> int:
    """The rows per batch psql would use for ``query`` (0: print the result in one go).

    ``fetch_count`` is the FETCH_COUNT variable (an integer as C's strtol reads it; its hook
    refuses anything else).  psql only fetches in batches when it is positive and the query
    text begins with SELECT or VALUES (after white space, comments and opening parentheses):
    not WITH, TABLE, EXPLAIN, SHOW or RETURNING.
    """
    count = _strtol(fetch_count or "")
    return count if count > 0 and is_select_command(query) else 0


def _strtol(text: str) -> int:
    """C's ``strtol(text, NULL, 0)`` for a whole valid number (``0x10``, ``010``); else 0."""
    body = text.strip(_SPACE)
    sign = 1
    if body[:1] in ("+", "-"):
        sign, body = (-1 if body[0] == "-" else 1), body[1:]
    if body[:2].lower() == "0x":
        base, digits = 16, body[2:]
    else:
        base, digits = (8 if body.startswith("0") else 10), body
    try:
        return sign * int(digits, base) if digits.isascii() and digits.isalnum() else 0
    except ValueError:
        return 0


def is_select_command(query: str) -> bool:
    """psql's is_select_command(): the first word is ``select`` or ``values``."""
    pos = _skip_white_space(query, 0)
    while query.startswith("(", pos):
        pos = _skip_white_space(query, pos + 1)
    end = pos
    while end < len(query) and query[end].isascii() and query[end].isalpha():
        end += 1
    return query[pos:end].lower() in ("select", "values")


def _skip_white_space(query: str, pos: int) -> int:
    """psql's skip_white_space(): white space, ``--`` comments and nested ``/* */`` comments."""
    depth = 0
    while pos < len(query):
        if query[pos] in _SPACE:
            pos += 1
        elif query.startswith("/*", pos):
            depth += 1
            pos += 2
        elif depth > 0 and query.startswith("*/", pos):
            depth -= 1
            pos += 2
        elif depth == 0 and query.startswith("--", pos):
            newline = query.find("\n", pos)
            pos = len(query) if newline < 0 else newline + 1
        elif depth > 0:
            pos += 1
        else:
            break
    return pos


def print_batches(cont: TableContent, rows: Iterator[list[str]], fetch_count: int,
                  out: TextIO, *, to_stdout: bool, width: Callable[[bool], int]) -> None:
    """Print ``rows`` as psql prints a cursor's ``FETCH FORWARD fetch_count`` results.

    ``cont`` carries headers, options, title and footers (its rows are ignored); ``width(paged)``
    is the target width psql would use with or without its pager (see the module docstring).
    """
    paged = False
    prior = 0
    while True:
        batch = list(islice(rows, fetch_count))
        last = len(batch) < fetch_count
        if not last and to_stdout:
            paged = True
        part = TableContent(cont.headers, cont.aligns, batch, cont.opts, cont.title,
                            cont.footers, cont.default_footer, start_table=prior == 0,
                            stop_table=last, prior_records=prior)
        _print_part(part, out, width(paged), paged)
        out.flush()  # as psql's fflush: each batch is visible before the next is fetched
        if last:
            return
        prior += len(batch)  # a full batch: never 0, so only the first part starts the table


def _print_part(part: TableContent, out: TextIO, columns: int, paged: bool) -> None:
    """psql's printTable for aligned/wrapped: with a pager, ``\\x auto`` means expanded."""
    expanded = part.opts.expanded
    if expanded == "on" or (expanded == "auto" and paged):
        print_aligned_vertical(part, out, columns)
    else:
        print_aligned_text(part, out, columns)

