r"""Variables, echoing and leaving: ``\set``, ``\unset``, ``\echo``, ``\qecho``, ``\warn``,
``\getenv``, ``\setenv``, ``\q`` (psql 15's exec_command_X for each).

Variable changes go through :func:`fdwsh.meta.varhooks.assign_variable`, so special variables
are validated and substituted exactly as psql does.  ``\echo`` writes to standard output,
``\qecho`` to the query output (the ``\o`` target), ``\warn`` to standard error.
"""

from __future__ import annotations

import os
from typing import IO

from fdwsh.meta.registry import MetaCall, MetaStatus, meta_command
from fdwsh.meta.slashargs import next_is_quoted, read_all
from fdwsh.meta.varhooks import VariableError, assign_variable


def _set(call: MetaCall, name: str, value: str | None) -> MetaStatus:
    try:
        assign_variable(call.session.variables, name, value)
    except VariableError as exc:
        call.session.warn(str(exc))
        return MetaStatus.ERROR
    return MetaStatus.SKIP_LINE


@meta_command("set", syntax="\\set [NAME [VALUE]]",
              help="set internal variable, or list all if no parameters", group="Variables")
def cmd_set(call: MetaCall) -> MetaStatus:
    r"""``\set`` lists; ``\set NAME [VALUE ...]`` sets NAME to the values run together."""
    name = call.args.next()
    session = call.session
    if name is None:
        listing = "".join(f"{var} = '{value}'\n" for var, value in session.variables)
        session.stdout.write(listing)
        session.stdout.flush()
        return MetaStatus.SKIP_LINE
    return _set(call, name, "".join(read_all(call.args)))


@meta_command("unset", syntax="\\unset NAME", help="unset (delete) internal variable",
              group="Variables")
def cmd_unset(call: MetaCall) -> MetaStatus:
    name = call.args.next()
    if name is None:
        call.session.warn("\\unset: missing required argument")
        return MetaStatus.ERROR
    return _set(call, name, None)


def _echo(call: MetaCall, out: IO[str]) -> MetaStatus:
    r"""Arguments joined by one space; a bare leading ``-n`` drops the final newline."""
    option_allowed = not next_is_quoted(call.args)  # '-n' in quotes is printed
    words = read_all(call.args)
    newline = not (option_allowed and words[:1] == ["-n"])
    words = words if newline else words[1:]
    out.write(" ".join(words) + ("\n" if newline else ""))
    out.flush()
    return MetaStatus.SKIP_LINE


@meta_command("echo", syntax="\\echo [-n] [STRING]",
              help="write string to standard output (-n for no newline)", group="Input/Output")
def cmd_echo(call: MetaCall) -> MetaStatus:
    return _echo(call, call.session.stdout)


@meta_command("qecho", syntax="\\qecho [-n] [STRING]",
              help="write string to \\o output stream (-n for no newline)", group="Input/Output")
def cmd_qecho(call: MetaCall) -> MetaStatus:
    return _echo(call, call.session.out)


@meta_command("warn", syntax="\\warn [-n] [STRING]",
              help="write string to standard error (-n for no newline)", group="Input/Output")
def cmd_warn(call: MetaCall) -> MetaStatus:
    call.session.stdout.flush()  # keep the order psql's unbuffered stderr gives
    return _echo(call, call.session.stderr)


@meta_command("getenv", syntax="\\getenv PSQLVAR ENVVAR", help="fetch environment variable",
              group="Operating System")
def cmd_getenv(call: MetaCall) -> MetaStatus:
    name, env_name = call.args.next(), call.args.next()
    if name is None or env_name is None:
        call.session.warn(f"\\{call.name}: missing required argument")
        return MetaStatus.ERROR
    value = os.environ.get(env_name)
    return MetaStatus.SKIP_LINE if value is None else _set(call, name, value)


@meta_command("setenv", syntax="\\setenv NAME [VALUE]",
              help="set or unset environment variable", group="Operating System")
def cmd_setenv(call: MetaCall) -> MetaStatus:
    name, value = call.args.next(), call.args.next()
    if name is None:
        call.session.warn(f"\\{call.name}: missing required argument")
        return MetaStatus.ERROR
    if "=" in name:
        call.session.warn(f'\\{call.name}: environment variable name must not contain "="')
        return MetaStatus.ERROR
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = value
    return MetaStatus.SKIP_LINE


@meta_command("q", "quit", syntax="\\q", help="quit fdwsh", group="General")
def cmd_quit(call: MetaCall) -> MetaStatus:
    return MetaStatus.TERMINATE
