r"""Formatting meta-commands: ``\pset``, ``\a``, ``\C``, ``\f``, ``\t``, ``\x``, ``\timing``.

Each is psql 15's exec_command_X over :mod:`fdwsh.meta.psetopts`: the shortcuts are ``\pset``
with a fixed option name, confirmations go to standard output unless QUIET is on, refusals are
reported through Session.warn and make the command fail (so ON_ERROR_STOP stops a script).
"""

from __future__ import annotations

from fdwsh.input.args import ArgMode
from fdwsh.meta.psetopts import PsetError, do_pset, pset_info, pset_listing
from fdwsh.meta.registry import MetaCall, MetaStatus, meta_command
from fdwsh.meta.slashargs import next_arg
from fdwsh.meta.varhooks import VariableError, parse_variable_bool

GROUP = "Formatting"


def apply_pset(call: MetaCall, param: str, value: str | None) -> MetaStatus:
    """psql's do_pset with the session's QUIET: set, confirm, or report the refusal."""
    session = call.session
    try:
        confirm = do_pset(session.popt, param, value)
    except PsetError as exc:
        session.warn(str(exc))
        return MetaStatus.ERROR
    if confirm and not session.quiet:
        write_stdout(call, pset_info(session.popt, param) + "\n")
    return MetaStatus.SKIP_LINE


def write_stdout(call: MetaCall, text: str) -> None:
    """Messages psql prints with printf: standard output, never the ``\\o`` file."""
    call.session.stdout.write(text)
    call.session.stdout.flush()


@meta_command("pset", syntax="\\pset [NAME [VALUE]]", group=GROUP, help=(
    "set table output option\n"
    "(border|columns|csv_fieldsep|expanded|fieldsep|\n"
    "fieldsep_zero|footer|format|linestyle|null|\n"
    "numericlocale|pager|pager_min_lines|recordsep|\n"
    "recordsep_zero|tableattr|title|tuples_only|\n"
    "unicode_border_linestyle|unicode_column_linestyle|\n"
    "unicode_header_linestyle)"))
def cmd_pset(call: MetaCall) -> MetaStatus:
    r"""``\pset`` lists every option; ``\pset NAME [VALUE]`` sets or toggles one."""
    name = call.args.next()
    if name is None:
        write_stdout(call, pset_listing(call.session.popt))
        return MetaStatus.SKIP_LINE
    return apply_pset(call, name, call.args.next())


@meta_command("a", syntax="\\a", help="toggle between unaligned and aligned output mode",
              group=GROUP)
def cmd_a(call: MetaCall) -> MetaStatus:
    r"""``\a``: any format but aligned becomes aligned; aligned becomes unaligned."""
    target = "unaligned" if call.session.popt.format == "aligned" else "aligned"
    return apply_pset(call, "format", target)


@meta_command("C", syntax="\\C [STRING]", help="set table title, or unset if none",
              group=GROUP)
def cmd_title(call: MetaCall) -> MetaStatus:
    return apply_pset(call, "title", next_arg(call.args, semicolon=True))


@meta_command("f", syntax="\\f [STRING]",
              help="show or set field separator for unaligned query output", group=GROUP)
def cmd_fieldsep(call: MetaCall) -> MetaStatus:
    return apply_pset(call, "fieldsep", call.args.next())


@meta_command("t", syntax="\\t [on|off]", help="show only rows", group=GROUP)
def cmd_tuples_only(call: MetaCall) -> MetaStatus:
    return apply_pset(call, "tuples_only", next_arg(call.args, semicolon=True))


@meta_command("x", syntax="\\x [on|off|auto]", help="toggle expanded output", group=GROUP)
def cmd_expanded(call: MetaCall) -> MetaStatus:
    return apply_pset(call, "expanded", next_arg(call.args, semicolon=True))


@meta_command("timing", syntax="\\timing [on|off]", help="toggle timing of commands",
              group="Operating System")
def cmd_timing(call: MetaCall) -> MetaStatus:
    r"""``\timing [on|off]``: psql reports the state even after refusing a value."""
    session = call.session
    value = call.args.next(ArgMode.NORMAL)
    status = MetaStatus.SKIP_LINE
    if value is None:
        session.timing = not session.timing
    else:
        try:
            session.timing = parse_variable_bool(value, "\\timing")
        except VariableError as exc:
            session.warn(str(exc))
            status = MetaStatus.ERROR
    if not session.quiet:
        write_stdout(call, f"Timing is {'on' if session.timing else 'off'}.\n")
    return status
