"""Command line: psql's flags (typer/click), turned into Settings and a list of actions.

No logic lives here beyond the order of work psql follows: rc file, then every ``-c``/``-f`` in
the order given (click loses the order between two repeatable options, so the parser records
it), else the interactive prompt on a terminal, else a script from standard input.
"""

# No ``from __future__ import annotations`` here: typer reads run()'s parameters with
# typing.get_type_hints, and evaluating 20 stringified annotations costs ~4 ms per start.

import gc
import getpass
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer
import typer.core

from fdwsh import __version__
from fdwsh.errors import FatalError
from fdwsh.settings import Settings

if TYPE_CHECKING:  # typer runs on its bundled click (typer._click); importing click costs 12 ms
    import click

EXIT_FAILURE = 1


class OrderedCommand(typer.core.TyperCommand):
    """Records the order in which options occurred (for interleaved ``-c`` and ``-f``)."""

    def make_parser(self, ctx: "click.Context") -> Any:
        parser = super().make_parser(ctx)
        parse = parser.parse_args

        def parse_args(args: list[str]) -> Any:
            opts, largs, order = parse(args=args)
            ctx.meta["fdwsh.order"] = [p.name for p in order]
            return opts, largs, order

        parser.parse_args = parse_args
        return parser


app = typer.Typer(add_completion=False, context_settings={"help_option_names": ["-?", "--help"]})


def _version(value: bool) -> None:
    if value:
        print(f"fdwsh {__version__}")
        raise typer.Exit()


@app.command(cls=OrderedCommand, help="fdwsh is a psql-style shell that federates PostgreSQL "
             "servers through a local postgres_fdw-style catalog.")
def run(
    command: Annotated[Optional[list[str]], typer.Option(
        "-c", "--command", help="run only single command (SQL or internal) and exit")] = None,
    file: Annotated[Optional[list[str]], typer.Option(
        "-f", "--file", help="execute commands from file, then exit (- for stdin)")] = None,
    variable: Annotated[Optional[list[str]], typer.Option(
        "-v", "--set", "--variable", help="set psql-style variable NAME to VALUE")] = None,
    no_align: Annotated[bool, typer.Option("-A", "--no-align", help="unaligned table output mode")] = False,
    tuples_only: Annotated[bool, typer.Option("-t", "--tuples-only", help="print rows only")] = False,
    field_separator: Annotated[Optional[str], typer.Option(
        "-F", "--field-separator", help='field separator for unaligned output (default: "|")')] = None,
    record_separator: Annotated[Optional[str], typer.Option(
        "-R", "--record-separator", help="record separator for unaligned output (default: newline)")] = None,
    expanded: Annotated[bool, typer.Option("-x", "--expanded", help="turn on expanded table output")] = False,
    csv: Annotated[bool, typer.Option("--csv", help="CSV (Comma-Separated Values) table output mode")] = False,
    quiet: Annotated[bool, typer.Option("-q", "--quiet", help="run quietly (no messages, only query output)")] = False,
    no_rc: Annotated[bool, typer.Option("-X", "--no-psqlrc", help="do not read startup file (~/.fdwshrc)")] = False,
    output: Annotated[Optional[str], typer.Option("-o", "--output", help="send query results to file (or |pipe)")] = None,
    single_transaction: Annotated[bool, typer.Option(
        "-1", "--single-transaction", help="execute as a single transaction (if non-interactive)")] = False,
    echo_queries: Annotated[bool, typer.Option("-e", "--echo-queries", help="echo commands sent to server")] = False,
    echo_all: Annotated[bool, typer.Option("-a", "--echo-all", help="echo all input from script")] = False,
    username: Annotated[Optional[str], typer.Option(
        "-U", "--username", help="local user name that user mappings are matched against")] = None,
    catalog: Annotated[Optional[str], typer.Option(
        "--catalog", help="catalog file (default $FDWSH_CATALOG, else $XDG_DATA_HOME/fdwsh/catalog.db)")] = None,
    demo: Annotated[bool, typer.Option(
        "--demo", help="start two throwaway PostgreSQL servers with sample data and a catalog "
        "declaring them; everything is removed on exit")] = False,
    version: Annotated[bool, typer.Option(
        "-V", "--version", callback=_version, is_eager=True, help="output version information, then exit")] = False,
) -> None:
    settings = Settings(
        catalog_path=catalog or "",
        user=username or _os_user(),
        single_transaction=single_transaction,
        no_rc=no_rc,
        output_path=output,
    )
    popt = settings.print
    if no_align:
        popt.format = "unaligned"
    if csv:
        popt.format = "csv"
    popt.tuples_only = tuples_only
    popt.expanded = "on" if expanded else "off"
    if field_separator is not None:
        popt.fieldsep = field_separator
    if record_separator is not None:
        popt.recordsep = record_separator
    settings.variables.update(_parse_variables(variable or []))
    if quiet:
        settings.variables["QUIET"] = "on"
    if echo_queries:
        settings.variables["ECHO"] = "queries"
    if echo_all:
        settings.variables["ECHO"] = "all"
    order = _current_context().meta.get("fdwsh.order", [])
    actions = _ordered_actions(order, command or [], file or [])
    raise typer.Exit(_start_demo(settings, actions) if demo else _start(settings, actions))


def _current_context() -> Any:
    """The running command's context: typer >= 0.29 runs on its own bundled copy of click."""
    try:
        from typer._click.globals import get_current_context
    except ImportError:  # an older typer on the real click
        import click

        get_current_context = click.get_current_context
    return get_current_context()


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "fdwsh"


def _parse_variables(items: list[str]) -> dict[str, str]:
    """``-v NAME=VALUE`` (``-v NAME`` sets it empty, as psql)."""
    out: dict[str, str] = {}
    for item in items:
        name, _, value = item.partition("=")
        out[name] = value
    return out


def _ordered_actions(order: list[str], commands: list[str], files: list[str]
                     ) -> list[tuple[str, str]]:
    """Interleave -c and -f values in the order they appeared on the command line."""
    cmds, fls = iter(commands), iter(files)
    actions = []
    for name in order:
        if name == "command":
            actions.append(("c", next(cmds)))
        elif name == "file":
            actions.append(("f", next(fls)))
    return actions


def _start(settings: Settings, actions: list[tuple[str, str]]) -> int:
    """Run the session; a fatal error prints ``fdwsh: error: ...`` and exits 1."""
    from fdwsh.session import Session

    session = Session(settings)
    try:
        if settings.output_path:
            session.set_output(settings.output_path)
        return _run_actions(session, settings, actions)
    except FatalError as exc:
        sys.stderr.write(f"fdwsh: error: {exc}\n")
        return EXIT_FAILURE
    except KeyboardInterrupt:
        return EXIT_FAILURE
    finally:
        session.close()


def _start_demo(settings: Settings, actions: list[tuple[str, str]]) -> int:
    """``--demo``: the session runs on the demo's catalog while its servers live."""
    from fdwsh.demo import demo_environment

    try:
        with demo_environment() as demo:
            settings.catalog_path = str(demo.catalog)
            if not actions and not settings.variables.get("QUIET"):
                sys.stdout.write(demo.intro)
                sys.stdout.flush()
            return _start(settings, actions)
    except FatalError as exc:
        sys.stderr.write(f"fdwsh: error: {exc}\n")
        return EXIT_FAILURE
    except KeyboardInterrupt:
        return EXIT_FAILURE


def _run_actions(session: Any, settings: Settings, actions: list[tuple[str, str]]) -> int:
    from fdwsh.session import EXIT_SUCCESS, InputSource

    if not settings.no_rc:
        _run_rc_file(session)
    if not actions:
        if sys.stdin.isatty() and sys.stdout.isatty():
            from fdwsh.input.repl import run_repl

            return run_repl(session)
        actions = [("f", "")]
    if settings.single_transaction:
        session.begin_single_transaction()
    status = EXIT_SUCCESS
    for kind, value in actions:
        if kind == "c":
            status = session.run_command(value)
        else:
            status = _run_script(session, value, InputSource)
        if status != EXIT_SUCCESS and session.variables.is_on("ON_ERROR_STOP"):
            break
    if settings.single_transaction:
        session.end_single_transaction()
    return status


def _run_script(session: Any, path: str, input_source: Any) -> int:
    """``-f FILE`` (``-`` or no -c/-f: standard input)."""
    if path == "-":
        return int(session.run_top(sys.stdin, input_source("<stdin>", Path.cwd())))
    if path == "":  # no -c/-f: a script on standard input, reported without a location
        return int(session.run_top(sys.stdin, input_source(None, Path.cwd())))
    try:
        handle = open(os.path.expanduser(path), encoding="utf-8", errors="surrogateescape")
    except OSError as exc:
        raise FatalError(f"{path}: {exc.strerror}") from None
    with handle:
        return int(session.run_top(handle, input_source(path, Path(path).parent)))


def _run_rc_file(session: Any) -> None:
    """Run ``~/.fdwshrc`` if it exists (psql's ~/.psqlrc), before any other input."""
    from fdwsh.session import InputSource

    rc = Path(os.path.expanduser("~/.fdwshrc"))
    if rc.is_file():
        with open(rc, encoding="utf-8", errors="surrogateescape") as handle:
            session.run_top(handle, InputSource(str(rc), rc.parent))


def main() -> None:
    """Console-script entry point.

    When the run is over (the session closed its connections, catalog and output), what is
    still alive is moved out of the garbage collector's reach: the interpreter's teardown
    otherwise runs full collections over the ~50,000 objects of the loaded modules, ~50 ms of
    every ``fdwsh -c`` (atexit handlers still run).
    """
    try:
        app(prog_name="fdwsh")
    finally:
        gc.freeze()
