"""Session: the state one fdwsh run keeps (settings, variables, catalog, transaction, output)
and psql's MainLoop that sends every input line through scanner → meta-command | SQL → printer.

The front ends (``-c``, ``-f``, stdin, the interactive prompt) all feed lines through
:meth:`Session.process_line`, so every statement travels the same road.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from fdwsh import __version__, psqltxn
from fdwsh.catalog.store import CatalogStore, default_catalog_path
from fdwsh.errors import FatalError, FdwshError, Notice, StatementTimeout, stack_depth_exceeded
from fdwsh.input.lines import psql_lines
from fdwsh.input.scanner import MetaCommand, Scanner
from fdwsh.meta import registry
from fdwsh.meta.conditional import BRANCHING, ConditionalStack
from fdwsh.meta.registry import MetaCall, MetaStatus
from fdwsh.output.errors import format_error, format_notice
from fdwsh.output.pager import print_paged, wants_pager
from fdwsh.output.print import print_result
from fdwsh.output.result import Result
from fdwsh.output.target import OutputTarget
from fdwsh.remote.errors import STATEMENT_TIMEOUT, query_canceled
from fdwsh.remote.xact import RemoteTransactions
from fdwsh.settings import Settings, Variables
from fdwsh.stmt_timeout import statement_timeout
from fdwsh.txn import CatalogParticipant, SettingsParticipant, Transaction

EXIT_SUCCESS = 0
EXIT_FAILURE = 1
EXIT_USER = 3  # an error in a script with ON_ERROR_STOP set
QUERY_CANCELED = "57014"


def _timed_out(exc: BaseException) -> bool:
    """The statement ran out of statement_timeout (no cancel request of the user's)."""
    return isinstance(exc, StatementTimeout) or (
        isinstance(exc, FdwshError) and exc.message == STATEMENT_TIMEOUT)


class Terminate(Exception):
    """``\\q``: leave fdwsh (from any depth of ``\\i``)."""


class StopScript(Exception):
    """ON_ERROR_STOP: abandon every script being run; exit with :data:`EXIT_USER`."""


@dataclass(slots=True)
class InputSource:
    """Where lines come from: names the ``fdwsh:FILE:LINE:`` prefix and ``\\ir``'s directory."""

    name: str | None  # None: no prefix (interactive, -c)
    directory: Path
    interactive: bool = False
    #: The lines being run (COPY FROM STDIN reads its data from them; None: standard input).
    lines: Iterator[str] | None = None


def default_variables(settings: Settings) -> dict[str, str]:
    """The variables psql sets at start-up, with fdwsh's values."""
    return {
        "AUTOCOMMIT": "on", "COMP_KEYWORD_CASE": "preserve-upper", "ECHO": "none",
        "ECHO_HIDDEN": "off", "ENCODING": "UTF8", "FETCH_COUNT": "0", "HISTCONTROL": "none",
        "HISTSIZE": "500", "LAST_ERROR_MESSAGE": "", "LAST_ERROR_SQLSTATE": "00000",
        "ON_ERROR_ROLLBACK": "off", "ON_ERROR_STOP": "off", "PROMPT1": "%/%R%x%# ",
        "PROMPT2": "%/%R%x%# ", "PROMPT3": ">> ", "QUIET": "off", "SHOW_CONTEXT": "errors",
        "SINGLELINE": "off", "SINGLESTEP": "off", "USER": settings.user, "DBNAME": "fdwsh",
        "VERBOSITY": "default", "VERSION": f"fdwsh {__version__}", "VERSION_NAME": __version__,
        "VERSION_NUM": "".join(f"{int(p):02d}" for p in __version__.split(".")),
    }


class Session:
    """One fdwsh run."""

    def __init__(self, settings: Settings, stdout: IO[str] | None = None,
                 stderr: IO[str] | None = None) -> None:
        self.settings = settings
        self.popt = settings.print
        self.stdout = stdout or sys.stdout
        self.stderr = stderr or sys.stderr
        self.output = OutputTarget(self.stdout)  # query output; \o and -o move it
        #: ``\g FILE``: where the rows of the query being sent go (opened lazily; None when it
        #: could not be opened, already reported).  Command tags still go to ``out``.
        self.tuples_out: Callable[[], IO[str] | None] | None = None
        #: ``\\c SERVER``: the server statements go to as typed (None: the federated catalog).
        self.passthrough: Any = None
        #: The interactive prompt's yes/no question (None: never ask, e.g. in scripts).
        self.ask: Callable[[str], str] | None = None
        #: ``\\gset``: takes the rows of the query being sent instead of the formatter.
        self.capture: Callable[[Result], None] | None = None
        self.variables = Variables({**default_variables(settings), **settings.variables})
        self._gucs: Any = None
        self.remote_xact = RemoteTransactions(
            lambda: self._remote, lambda: self.gucs.show("transaction_isolation"),
            lambda: self.variables.is_on("TWO_PHASE_COMMIT"), self.notice)
        self.txn = Transaction([CatalogParticipant(lambda: self.store),
                                SettingsParticipant(lambda: self.gucs), self.remote_xact],
                               gucs=lambda: self.gucs)
        self.timing = False
        self.conditions = ConditionalStack()  # the open \if blocks of the current input
        self.scanner = Scanner(self._variable)
        self.source = InputSource(None, Path.cwd())
        self.previous_query = ""
        self._store: CatalogStore | None = None
        self._remote: Any = None
        self.had_error = False

    # -- state used by meta-commands and the prompt ------------------------------------------------

    @property
    def store(self) -> CatalogStore:
        """The catalog, opened on first use (so ``\\?`` or ``\\echo`` never touch it)."""
        if self._store is None:
            self._store = CatalogStore(self.settings.catalog_path or default_catalog_path())
            for warning in self._store.warnings:  # e.g. a catalog others can read
                self.notice(Notice(warning, "WARNING"))
            from fdwsh.remote.twophase_resolve import in_doubt_resolved

            for notice in in_doubt_resolved(self._store, self.remote):  # earlier sessions' 2PC
                self.notice(notice)
        return self._store

    @property
    def gucs(self) -> Any:
        """The server-side session settings (SET/SHOW), from the libpq environment at first use."""
        if self._gucs is None:
            from fdwsh.sql.guc import Gucs

            self._gucs = Gucs()
        return self._gucs

    @property
    def user(self) -> str:
        return self.settings.user

    @property
    def quiet(self) -> bool:
        return self.variables.is_on("QUIET")

    @property
    def out(self) -> IO[str]:
        """Where query results go now (standard output unless ``\\o``/``-o`` moved it)."""
        return self.output.stream

    def set_output(self, target: str | None) -> None:
        """``\\o``: send query output to a file, to ``|command``, or back to standard output."""
        self.output.switch(target)

    def remote(self) -> Any:
        """The remote connection cache, created on first use (psycopg loads only then)."""
        if self._remote is None:
            from fdwsh.remote.connection import ConnectionCache

            self._remote = ConnectionCache(self.store, self.user)
            self._remote.on_use = self.remote_xact.touch
        return self._remote

    def _end_remote_statement(self, ok: bool) -> None:
        """End the statement's implicit remote transactions (postgres_fdw's xact callback)."""
        if self._remote is not None:
            try:
                for notice in self.remote_xact.end_statement(ok):
                    self.notice(notice)
            except FdwshError as err:
                if ok:
                    raise
                self.report_error(err)

    def close(self) -> None:
        """Release the output target, the remote connections and the catalog (rolling back an
        open block)."""
        if self.passthrough is not None:
            self.passthrough.close()
            self.passthrough = None
        if self._remote is not None:
            self._remote.close_all()
            self._remote = None
        self.set_output(None)
        if self._store is not None:
            if self._store.db.in_transaction:
                self._store.db.execute("ROLLBACK")
            self._store.close()
            self._store = None

    # -- printing --------------------------------------------------------------------------------

    def print_result(self, result: Result) -> None:
        out: IO[str] | None = self.out
        if result.columns is not None and self.capture is not None:
            self.capture(result)
            return
        if result.columns is not None and self.tuples_out is not None:
            out = self.tuples_out()
            if out is None:
                return
        fetch = 0
        if result.columns is not None and result.title is None:  # a query's rows, not a listing
            from fdwsh.output.fetchcount import batch_size

            fetch = batch_size(self.variables.get("FETCH_COUNT"), self.previous_query)
        if fetch == 0 and result.columns is not None and wants_pager(self.popt, out):
            print_paged(lambda stream, width: print_result(
                result, self.popt, stream, quiet=self.quiet, term_width=width), self.popt, out)
        else:
            print_result(result, self.popt, out, quiet=self.quiet, fetch_count=fetch,
                         to_stdout=out is self.stdout)
        out.flush()

    def _prefix(self) -> str:
        src = self.source
        if src.interactive or src.name is None:
            return ""
        return f"fdwsh:{src.name}:{self.scanner.lineno}: "

    def notice(self, notice: Notice) -> None:
        self.stderr.write(format_notice(notice, prefix=self._prefix()))
        self.stderr.flush()

    def report_error(self, err: FdwshError, statement: str | None = None) -> None:
        """Print ``err`` as psql prints a server error and remember it in LAST_ERROR_*."""
        self.stderr.write(format_error(err, statement, prefix=self._prefix(),
                                       verbosity=self.variables.get("VERBOSITY") or "default"))
        self.stderr.flush()
        self.variables.set("LAST_ERROR_MESSAGE", err.message)
        self.variables.set("LAST_ERROR_SQLSTATE", err.sqlstate)

    def warn(self, message: str, level: str = "error") -> None:
        """A client-side message (psql's pg_log_error/pg_log_warning).

        In a script file psql prefixes it with the location and the level
        (``fdwsh:FILE:LINE: error: ...``); elsewhere it prints the bare message.
        """
        prefix = self._prefix()
        self.stderr.write(f"{prefix}{level}: {message}\n" if prefix else f"{message}\n")
        self.stderr.flush()

    # -- MainLoop --------------------------------------------------------------------------------

    def run_lines(self, lines: Iterable[str], source: InputSource) -> int:
        """psql's MainLoop over ``lines`` from ``source``; return the exit status."""
        saved = (self.scanner, self.source, self.conditions)
        self.scanner, self.source = Scanner(self._variable), source
        self.conditions = ConditionalStack()
        source.lines = psql_lines(lines)  # a NUL ends its line, as in psql
        try:
            for line in source.lines:
                self.process_line(line.rstrip("\n"))
            leftover = self.scanner.flush()
            if leftover is not None and self.conditions.active:
                self.run_sql(leftover.text)
            if not self.conditions.empty:
                self.warn("reached EOF without finding closing \\endif(s)")
                self._error_happened()
        finally:
            self.scanner, self.source, self.conditions = saved
        return EXIT_SUCCESS

    def run_top(self, lines: Iterable[str], source: InputSource) -> int:
        """Run a whole script (``-f``, stdin) and map ``\\q`` and ON_ERROR_STOP to exit codes."""
        try:
            return self.run_lines(lines, source)
        except Terminate:
            return EXIT_SUCCESS
        except StopScript:
            return EXIT_USER

    def process_line(self, line: str) -> None:
        """Feed one input line; run what it completes.  Raises Terminate on ``\\q``."""
        if self.variables.get("ECHO") == "all" and not self.source.interactive:
            self.stdout.write(line + "\n")
        events = self.scanner.feed(line)
        for event in events:
            if isinstance(event, MetaCommand):
                self.run_meta(event)
            elif self.conditions.active:
                self.run_sql(event.text)
            elif self.source.interactive:
                self.warn("query ignored; use \\endif or Ctrl-C to exit current \\if block")

    def _variable(self, name: str) -> str | None:
        """A variable's value for ``:name`` in input; none inside a skipped ``\\if`` branch."""
        return self.variables.get(name) if self.conditions.active else None

    def run_meta(self, cmd: MetaCommand) -> MetaStatus:
        """Dispatch one backslash command (and send the buffer if it says so)."""
        spec = registry.lookup(cmd.name)
        if not self.conditions.active and cmd.name not in BRANCHING:
            if self.source.interactive:
                self.warn(f"\\{cmd.name} command ignored; use \\endif or Ctrl-C to exit "
                          "current \\if block", "warning")
            cmd.args.rest_of_line()
            return MetaStatus.SKIP_LINE
        if spec is None:
            self.warn(f"invalid command \\{cmd.name}")
            if self.source.interactive:
                self.stderr.write("Try \\? for help.\n")
            cmd.args.rest_of_line()
            status = MetaStatus.ERROR
        else:
            status = self._call_meta(spec, cmd)
        if status is MetaStatus.ERROR:
            cmd.args.rest_of_line()  # psql silently drops the rest of a failed command's line
        for extra in cmd.args.remaining():
            self.warn(f'\\{cmd.name}: extra argument "{extra}" ignored', "warning")
        if status is MetaStatus.SEND:
            text = self.scanner.take_buffer() or self.previous_query
            if text:
                self.run_sql(text)
        elif status is MetaStatus.NEWEDIT:
            self._rescan(self.scanner.take_buffer())
        elif status is MetaStatus.TERMINATE:
            raise Terminate()
        elif status is MetaStatus.ERROR:
            self._error_happened()
        return status

    def _rescan(self, text: str) -> None:
        """Input an edited buffer again (``\\e``): what it completes runs, the rest stays in
        the buffer, which the prompt shows."""
        lineno = self.scanner.lineno  # the edited lines are not lines of the input
        for line in text.split("\n"):
            self.process_line(line)
        self.scanner.lineno = lineno
        if self.source.interactive and self.scanner.pending:
            self.stdout.write(self.scanner.buffer.rstrip("\n") + "\n")
            self.stdout.flush()

    def _call_meta(self, spec: registry.MetaSpec, cmd: MetaCommand) -> MetaStatus:
        try:
            outcome = spec.handler(MetaCall(self, cmd.name, cmd.args))
        except FdwshError as err:
            self.report_error(err)
            return MetaStatus.ERROR
        except (Terminate, StopScript):
            raise
        except (FatalError, OSError, sqlite3.Error) as exc:
            self.warn(f"\\{cmd.name}: {exc}")
            return MetaStatus.ERROR
        results = outcome if isinstance(outcome, list) else [outcome]
        for item in results:
            if isinstance(item, Result):
                self.print_result(item)
        return outcome if isinstance(outcome, MetaStatus) else MetaStatus.SKIP_LINE

    def run_sql(self, text: str) -> bool:
        """Parse and execute SQL text (one or more statements); True when all succeeded."""
        self.previous_query = text
        if not self._may_run(text):
            return True
        echo = self.variables.get("ECHO")
        if echo == "queries":
            self.stdout.write(text + "\n")
            self.stdout.flush()
        started = time.perf_counter()
        ok = psqltxn.send_query(self, text, self._execute_text)
        if self.timing:
            self._print_timing(time.perf_counter() - started)
        if not ok:
            if echo == "errors":
                self.stderr.write(f"STATEMENT:  {text}\n")
            self._error_happened()
        return ok

    def _execute_text(self, text: str) -> bool:
        if self.passthrough is not None:
            return self._execute_passthrough(text)
        from fdwsh.exec.copy_channel import CopyChannel
        from fdwsh.sql import route  # SQL machinery loads with the first statement
        from fdwsh.sql.parse import parse

        notices: list[Notice] = []
        try:
            for raw in parse(text):
                ctx = route.StatementContext(self.store, self.user, self.txn, text, notices,
                                             remote=self.remote, gucs=self.gucs,
                                             variables=self.variables,
                                             copy=CopyChannel(self))
                with statement_timeout(self.gucs.statement_timeout_ms):
                    result = route.execute(raw.stmt, ctx)
                    self._flush_notices(notices)
                    self.print_result(result)
                self._end_remote_statement(ok=True)
            return True
        except FatalError:
            raise  # the catalog cannot be opened: the run ends (exit 1)
        except (Exception, KeyboardInterrupt) as exc:
            err = self._as_error(exc)
            self._flush_notices(notices)
            self.txn.failed()
            self._end_remote_statement(ok=False)  # cancels what still runs remotely
            self.report_error(err, text if isinstance(exc, FdwshError) else None)
        return False

    def _may_run(self, text: str) -> bool:
        """At the prompt, DROP/TRUNCATE/DELETE or UPDATE without WHERE need a yes first
        (``\\set DESTRUCTIVE_WARNING off`` stops asking)."""
        if self.ask is None or self.variables.get("DESTRUCTIVE_WARNING") == "off":
            return True
        from fdwsh.input import destructive

        if not destructive.destructive(text):
            return True
        ok = destructive.confirmed(self.ask(destructive.PROMPT))
        self.stdout.write((destructive.CONFIRMED if ok else destructive.DECLINED) + "\n")
        return ok

    def _execute_passthrough(self, text: str) -> bool:
        """``\\c SERVER``: the statement runs on the server as typed."""
        try:
            for result in self.passthrough.run(text, self.notice):
                self.print_result(result)
            return True
        except (Exception, KeyboardInterrupt) as exc:
            err = self._as_error(exc)
            self.report_error(err, text if isinstance(exc, FdwshError) else None)
            if self.passthrough.conn.closed:
                self.passthrough = None
                self.stdout.write("The connection to the server was lost; back in the "
                                  "federated catalog.\n")
            return False

    def _as_error(self, exc: BaseException) -> FdwshError:
        """Any failure of a statement as the one error the user sees (never a traceback)."""
        canceled = isinstance(exc, KeyboardInterrupt) or (
            isinstance(exc, FdwshError) and exc.sqlstate == QUERY_CANCELED)
        if canceled and not _timed_out(exc):  # Ctrl-C: psql reports the cancel request it
            self.stderr.write("Cancel request sent\n")  # sent, then the error
        if isinstance(exc, FdwshError):
            return exc
        if isinstance(exc, KeyboardInterrupt):  # while rows were being printed
            return query_canceled(exc)
        if isinstance(exc, sqlite3.Error):
            return FdwshError(f"catalog error: {exc}", sqlstate="58000")
        if isinstance(exc, RecursionError):  # nested deeper than fdwsh's Python stack
            return stack_depth_exceeded()
        if os.environ.get("FDWSH_DEBUG"):
            traceback.print_exception(exc, file=self.stderr)
        return FdwshError(f"internal error: {exc!r}")

    def _flush_notices(self, notices: list[Notice]) -> None:
        for n in notices:
            self.notice(n)
        notices.clear()

    def _error_happened(self) -> None:
        self.had_error = True
        if self.variables.is_on("ON_ERROR_STOP") and not self.source.interactive:
            raise StopScript()

    def _print_timing(self, seconds: float) -> None:
        ms = seconds * 1000
        text = f"Time: {ms:.3f} ms"
        if ms >= 1000:
            whole = int(seconds)
            text += f" ({whole // 60:02d}:{seconds - whole // 60 * 60:06.3f})"
        self.stdout.write(text + "\n")  # psql prints it with printf, never to the \o file
        self.stdout.flush()

    def run_command(self, text: str) -> int:
        """``-c``: one SQL string (sent whole, no variable interpolation, as psql does) or a
        backslash command line; returns the exit status."""
        self.had_error = False
        try:
            if text.lstrip().startswith("\\"):
                self.run_lines(text.splitlines(), InputSource(None, Path.cwd()))
            else:
                self.run_sql(text)
        except Terminate:
            return EXIT_SUCCESS
        except StopScript:
            return EXIT_FAILURE
        return EXIT_FAILURE if self.had_error else EXIT_SUCCESS

    def begin_single_transaction(self) -> None:
        """``-1``: open the block silently (psql runs BEGIN without printing its tag)."""
        self.txn.execute_silently("BEGIN")

    def end_single_transaction(self) -> None:
        """``-1``: COMMIT (which rolls back a failed block), silently."""
        psqltxn.end_single_transaction(self)

    # -- files -----------------------------------------------------------------------------------

    def run_file(self, path: str, *, relative: bool = False) -> None:
        """``\\i`` / ``\\ir``: run a file's lines in a nested MainLoop (psql process_file)."""
        target = Path(os.path.expanduser(path))
        if relative and not target.is_absolute():
            target = self.source.directory / target
        if path == "-":
            self.run_lines(sys.stdin, InputSource("<stdin>", Path.cwd()))
            return
        with open(target, encoding="utf-8", errors="surrogateescape") as handle:
            self.run_lines(handle, InputSource(path, target.parent))
