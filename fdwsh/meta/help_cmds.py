r"""Help meta-commands: ``\?`` (``commands``, ``options``, ``variables``) and ``\h``/``\help``.

``\?`` is built from the registry (see :mod:`fdwsh.meta.slashhelp`), so every registered command
shows up; on a terminal it is coloured with rich, elsewhere it is plain text.  ``\h`` prints
psql 15's SQL syntax help (:mod:`fdwsh.meta.sqlhelp`).  All of it goes to standard output.
"""

from __future__ import annotations

import os
from typing import IO

from fdwsh.meta import slashhelp
from fdwsh.meta.registry import MetaCall, MetaSpec, MetaStatus, meta_command
from fdwsh.meta.slashvars import VARIABLES_HELP

#: psql shows the current state after these commands' help: "(currently off)".
_STATE = {
    "t": lambda s: s.popt.tuples_only,
    "x": lambda s: {"on": True, "off": False}.get(s.popt.expanded, "auto"),
    "timing": lambda s: s.timing,
}

#: The other two lines psql prints after "\? [commands]".
_HELP_EXTRA = {"?": [("\\? options", "show help on fdwsh command-line options"),
                     ("\\? variables", "show help on special variables")]}


def _isatty(out: IO[str]) -> bool:
    try:
        return out.isatty()
    except (AttributeError, ValueError):
        return False


def _write(call: MetaCall, text: str) -> None:
    call.session.stdout.write(text)
    call.session.stdout.flush()


@meta_command("?", syntax="\\? [commands]", help="show help on backslash commands", group="Help")
def cmd_slash_help(call: MetaCall) -> MetaStatus:
    r"""``\?`` [commands|options|variables]; anything else shows the commands, as psql."""
    topic = call.args.next()
    if topic == "options":
        _write(call, options_help())
    elif topic == "variables":
        _write(call, VARIABLES_HELP)
    else:
        _print_commands(call)
    return MetaStatus.SKIP_LINE


def _print_commands(call: MetaCall) -> None:
    session = call.session

    def dynamic(spec: MetaSpec) -> str:
        state = _STATE.get(spec.names[0])
        if state is None:
            return ""
        value = state(session)
        return f" (currently {value if isinstance(value, str) else 'on' if value else 'off'})"

    lines = slashhelp.usage_lines(dynamic, _HELP_EXTRA)
    if _isatty(session.stdout):
        _print_coloured(session.stdout, lines)
    else:
        _write(call, slashhelp.plain(lines))


def _print_coloured(out: IO[str], lines: list[slashhelp.Line]) -> None:
    """Group headings bold, command syntax cyan; the text itself is exactly the plain one."""
    from rich.console import Console
    from rich.text import Text

    console = Console(file=out, highlight=False, soft_wrap=True)
    for kind, text in lines:
        line = Text(text)
        if kind == "group":
            line.stylize("bold")
        elif kind == "syntax":
            line.stylize("cyan", 2)
        elif kind == "syntax+help":
            line.stylize("cyan", 2, 2 + len(text[2:2 + slashhelp.SYNTAX_WIDTH].rstrip()))
        elif kind == "note":
            line.stylize("dim")
        console.print(line)


#: psql's names for option values where ours would be unclear.
_METAVARS = {"file": "FILENAME", "variable": "NAME=VALUE", "field_separator": "STRING",
             "record_separator": "STRING", "output": "FILENAME", "catalog": "FILENAME"}


def options_help() -> str:
    """``\\? options``: fdwsh's command-line options, laid out as psql's usage()."""
    import typer.main

    from fdwsh.cli import app

    command = typer.main.get_command(app)
    lines = [command.help or "", "", "Usage:", "  fdwsh [OPTION]...", "", "Options:"]
    for param in command.params:
        opts = ", ".join(param.opts)
        if not getattr(param, "is_flag", False):
            name = param.name or "value"
            opts += "=" + _METAVARS.get(name, name.upper())
        text = ("      " if opts.startswith("--") else "  ") + opts  # psql's column for long-only
        help_text = getattr(param, "help", "") or ""
        lines.append(f"{text:<26} {help_text}" if len(text) <= 26
                     else f"{text}\n{' ' * 27}{help_text}")
    return "\n".join(lines) + "\n"


def _screen_width(out: IO[str]) -> int:
    """psql asks the terminal (TIOCGWINSZ) and assumes 80 when there is none."""
    try:
        return os.get_terminal_size(out.fileno()).columns if _isatty(out) else 80
    except (OSError, ValueError, AttributeError):
        return 80


@meta_command("h", "help", syntax="\\h [NAME]",
              help="help on syntax of SQL commands, * for all commands", group="Help")
def cmd_sql_help(call: MetaCall) -> MetaStatus:
    r"""``\h [TOPIC]``: the rest of the line, trailing blanks and semicolons dropped."""
    from fdwsh.meta.sqlhelp import help_sql  # every statement's synopsis: only for \h

    topic = call.args.rest_of_line().rstrip(" \t\n\r\f\v;")
    _write(call, help_sql(topic or None, _screen_width(call.session.stdout)))
    return MetaStatus.SKIP_LINE
