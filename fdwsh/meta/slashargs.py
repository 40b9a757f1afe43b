r"""Small argument-reading helpers psql's commands need on top of :class:`ArgReader`.

psql_scan_slash_option takes two flags the reader does not model: ``semicolon`` (drop unquoted
trailing semicolons, so ``\x on;`` works as in psql) and the ``quoted`` out-parameter (``\echo``
treats ``-n`` as an option only when it was typed bare).  These helpers add them by looking at the
raw text of the argument.
"""

from __future__ import annotations

from fdwsh.input.args import ArgMode, ArgReader

_QUOTES = ("'", '"', "`")


def next_arg(args: ArgReader, mode: ArgMode = ArgMode.NORMAL, *, semicolon: bool = False
             ) -> str | None:
    """The next argument; with ``semicolon``, unquoted trailing ``;`` removed (None if that
    leaves nothing, as psql returns no argument then)."""
    if args.at_end():
        return None
    start = args.pos
    value = args.next(mode)
    if value is None or not semicolon:
        return value
    raw = args.line[start:args.pos]
    trailing = len(raw) - len(raw.rstrip(";"))
    while trailing > 0 and value.endswith(";"):
        value = value[:-1]
        trailing -= 1
    return value or None


def next_is_quoted(args: ArgReader) -> bool:
    """Whether the next argument starts with a quote (psql's ``quoted`` flag, near enough)."""
    return not args.at_end() and args.line[args.pos] in _QUOTES


def read_all(args: ArgReader) -> list[str]:
    """Every remaining argument (normal mode)."""
    values = []
    while (value := args.next()) is not None:
        values.append(value)
    return values
