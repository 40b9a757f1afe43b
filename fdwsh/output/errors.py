"""Render errors and notices exactly as psql 15 prints a server's ErrorResponse/NoticeResponse.

Contract: :func:`format_error` and :func:`format_notice` return the complete text psql writes to
stderr (libpq's pqBuildErrorMessage3 + reportErrorPosition in fe-protocol3.c), ending with a
newline: ``ERROR:  message``, the ``LINE n: ...`` excerpt with its ``^`` cursor when the error
carries a position, then ``DETAIL:  ``, ``HINT:  `` and (errors only) ``CONTEXT:  `` lines.
``prefix`` (psql's ``psql:FILE:LINE: `` in -f mode) goes before the first line only, as psql's
pg_log_info does with a multi-line message.
"""

from __future__ import annotations

from fdwsh.errors import FdwshError, Notice
from fdwsh.output.textwidth import char_width

DISPLAY_SIZE = 60  # screen width limit of the LINE excerpt, in columns
MIN_RIGHT_CUT = 10  # try to keep the cursor this far away from the end of the excerpt

VERBOSITIES = ("default", "verbose", "terse", "sqlstate")


def format_error(err: FdwshError, statement: str | None = None, *, prefix: str = "",
                 verbosity: str = "default") -> str:
    """The text psql prints for ``err`` raised by ``statement`` (\\set VERBOSITY aware).

    ``err.position`` is a 1-based character position in ``statement``; without a statement
    (or in terse mode) it is reported as `` at character N`` after the message, as libpq does.
    verbose adds the SQLSTATE; LOCATION and the SCHEMA/TABLE/COLUMN/DATATYPE/CONSTRAINT NAME
    lines are not printed (an FdwshError does not carry those fields).
    """
    head = f"{prefix}{err.severity}:  "
    if verbosity == "sqlstate" and err.sqlstate:
        return f"{head}{err.sqlstate}\n"
    if verbosity == "sqlstate":
        verbosity = "terse"
    parts = [head]
    if verbosity == "verbose" and err.sqlstate:
        parts.append(f"{err.sqlstate}: ")
    parts.append(err.message)
    if err.internal_query is not None:
        statement = err.internal_query
    cursor = verbosity != "terse" and statement is not None
    if err.position is not None and not cursor:
        parts.append(f" at character {err.position}")
    parts.append("\n")
    if verbosity != "terse":
        if cursor and err.position is not None and err.position > 0:
            parts.append(error_position(statement or "", err.position))
        parts.append(_detail_lines(err.detail, err.hint))
        if err.internal_query is not None:
            parts.append(f"QUERY:  {err.internal_query}\n")
        if err.context:
            parts.append(f"CONTEXT:  {err.context}\n")
    return "".join(parts)


def format_notice(notice: Notice, prefix: str = "", *, verbosity: str = "default") -> str:
    """The text psql prints for a NOTICE/WARNING/INFO (no CONTEXT: psql shows it for errors)."""
    text = f"{prefix}{notice.severity}:  {notice.message}\n"
    if verbosity == "terse" or verbosity == "sqlstate":
        return text
    return text + _detail_lines(notice.detail, notice.hint)


def _detail_lines(detail: str | None, hint: str | None) -> str:
    out = ""
    if detail is not None:
        out += f"DETAIL:  {detail}\n"
    if hint is not None:
        out += f"HINT:  {hint}\n"
    return out


def _screen_width(ch: str) -> int:
    """Width of one character in the excerpt: control and zero-width characters count as 1."""
    return max(char_width(ch), 1)


def error_position(query: str, position: int) -> str:
    """libpq's reportErrorPosition: ``LINE n: <line>`` plus a ``^`` under character ``position``.

    Only the line holding the error is shown; a line wider than 60 columns is cut around the
    cursor and marked with ``...``.  Tabs become single spaces.  Returns "" when ``position``
    lies beyond the end of the query.
    """
    loc = position - 1
    if loc < 0:
        return ""
    text = query.replace("\t", " ")
    scr: list[int] = []  # starting screen column of each character
    col = 0
    loc_line, ibeg, iend = 1, 0, -1
    for cno, ch in enumerate(text):
        scr.append(col)
        if ch in "\r\n":
            if cno < loc:
                if ch == "\r" or cno == 0 or text[cno - 1] != "\r":
                    loc_line += 1
                ibeg = cno + 1
            else:
                iend = cno
                break
        col += _screen_width(ch)
    if iend < 0:
        iend = len(text)
        scr.append(col)
    if loc > iend and iend == len(text):
        return ""
    return _excerpt(text, scr, loc, loc_line, ibeg, iend)


def _excerpt(text: str, scr: list[int], loc: int, loc_line: int, ibeg: int, iend: int) -> str:
    """Cut the error line to DISPLAY_SIZE columns around ``loc`` and draw the cursor."""
    beg_trunc = end_trunc = False
    if scr[iend] - scr[ibeg] > DISPLAY_SIZE:
        if scr[ibeg] + DISPLAY_SIZE >= scr[loc] + MIN_RIGHT_CUT:
            while scr[iend] - scr[ibeg] > DISPLAY_SIZE:
                iend -= 1
            end_trunc = True
        else:
            while scr[loc] + MIN_RIGHT_CUT < scr[iend]:
                iend -= 1
                end_trunc = True
            while scr[iend] - scr[ibeg] > DISPLAY_SIZE:
                ibeg += 1
                beg_trunc = True
    lead = f"LINE {loc_line}: " + ("..." if beg_trunc else "")
    line = lead + text[ibeg:iend] + ("..." if end_trunc else "") + "\n"
    cursor = " " * (len(lead) + scr[loc] - scr[ibeg]) + "^\n"
    return line + cursor
