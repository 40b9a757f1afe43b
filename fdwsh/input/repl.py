"""The interactive prompt: psql's MainLoop on a terminal, reading lines with prompt_toolkit.

Contract: :func:`run_repl` reads one line per prompt (PROMPT1 for a new statement, PROMPT2 while
one is being continued), hands every line to :meth:`Session.process_line` and returns the exit
status.  It adds what psql does only interactively: the banner, the words ``help``, ``quit`` and
``exit``, Ctrl-C clearing the query buffer, Ctrl-D leaving (``IGNOREEOF``), and a history file
whose entries are whole statements.  Nothing is printed while the prompt is active, so session
output never mixes with prompt_toolkit's drawing.
"""

from __future__ import annotations

import datetime
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

from prompt_toolkit import PromptSession
from prompt_toolkit.application import get_app
from prompt_toolkit.completion import Completer, DynamicCompleter
from prompt_toolkit.enums import DEFAULT_BUFFER
from prompt_toolkit.filters import Condition, has_focus
from prompt_toolkit.formatted_text import ANSI
from prompt_toolkit.history import FileHistory
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent

from fdwsh import __version__
from fdwsh.catalog.store import data_dir
from fdwsh.input.highlight import StatementLexer, has_meta_command
from fdwsh.input.prompt import current_prompt
from fdwsh.input.redact import redact_passwords
from fdwsh.input.scanner import Quote
from fdwsh.meta import registry
from fdwsh.session import EXIT_SUCCESS, InputSource, StopScript, Terminate

if TYPE_CHECKING:
    from fdwsh.input.completer import SessionNames
    from fdwsh.session import Session

BANNER = f'fdwsh ({__version__})\nType "help" for help.\n\n'

#: psql's "help" text; a line is shown only when its command exists.
HELP_LINES = (
    ("copyright", "for distribution terms"),
    ("h", "for help with SQL commands"),
    ("?", "for help with fdwsh commands"),
    ("g", "or terminate with semicolon to execute query"),
    ("q", "to quit"),
)

#: ``\001...\002`` (readline's invisible markers, ``%[ %]``) around nothing but SGR colour codes.
_MARKED_COLOURS = re.compile(r"\x01((?:\x1b\[[0-9;]*m)*)\x02")

#: Quote states in which ``\\q`` and ``quit`` are text, not commands (psql's PROMPT_*QUOTE...).
_QUOTED = (Quote.SINGLE, Quote.DOUBLE, Quote.DOLLAR, Quote.COMMENT)


def run_repl(session: Session) -> int:
    """Run the interactive loop until ``\\q``, ``quit``/``exit`` or Ctrl-D; return 0."""
    return Repl(session).run()


class StatementHistory(FileHistory):
    """prompt_toolkit's history file, holding what psql's history holds: whole statements.

    prompt_toolkit appends every accepted line by itself; those calls are ignored here, and the
    REPL calls :meth:`add_entry` once a statement or backslash command has been completed.
    """

    def __init__(self, path: Path) -> None:
        _create_private_file(path)
        super().__init__(str(path))

    def append_string(self, string: str) -> None:
        """Ignored: prompt_toolkit calls this per input line (see :meth:`add_entry`)."""

    def add_entry(self, text: str, histcontrol: str) -> None:
        """Record ``text`` unless HISTCONTROL (ignorespace/ignoredups/ignoreboth) rules it out.

        Passwords are masked first (:mod:`fdwsh.input.redact`): the file outlives the session.
        """
        text = redact_passwords(text.rstrip("\n"))
        if not text:
            return
        if histcontrol in ("ignorespace", "ignoreboth") and text.startswith(" "):
            return
        if histcontrol in ("ignoredups", "ignoreboth") and self.get_strings()[-1:] == [text]:
            return
        super().append_string(text)

    def trim(self, limit: int) -> None:
        """Keep only the newest ``limit`` entries in the file (psql's HISTSIZE, applied on exit)."""
        path = Path(str(self.filename))
        if not path.is_file():  # e.g. HISTFILE=/dev/null
            return
        entries = list(self.load_history_strings())  # newest first
        if len(entries) <= limit:
            return
        temp = path.with_name(path.name + ".tmp")
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            for entry in reversed(entries[:limit]):
                out.write(_history_record(entry))
        os.replace(temp, path)


def _history_record(entry: str) -> str:
    """One entry in prompt_toolkit's FileHistory format."""
    lines = "".join(f"+{line}\n" for line in entry.split("\n"))
    return f"\n# {datetime.datetime.now()}\n{lines}"


def _create_private_file(path: Path) -> None:
    """Create the history file readable by its owner only (it may hold passwords in DDL)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))


def history_path(session: Session) -> Path:
    """``HISTFILE`` if set (psql's variable), else ``history`` in fdwsh's data directory."""
    configured = session.variables.get("HISTFILE")
    if configured:
        return Path(os.path.expanduser(configured))
    return data_dir() / "history"


def session_names(session: Session) -> SessionNames:
    """The names completion offers, read from the session when a completion is asked for."""
    from fdwsh.input.completer import SessionNames

    def meta_commands() -> list[str]:
        registry.lookup("?")  # loads the command modules
        return ["\\" + name for spec in registry.ORDERED for name in spec.names]

    def search_path() -> list[str]:
        path = session.gucs.search_path
        return [session.user if name == "$user" else name for name in path]

    return SessionNames(
        db=lambda: session.store.db, search_path=search_path,
        variables=lambda: [name for name, _ in session.variables],
        meta_commands=meta_commands,
        keyword_case=lambda: session.variables.get("COMP_KEYWORD_CASE") or "preserve-upper")


def formatted_prompt(prompt: str) -> ANSI:
    """The expanded prompt for prompt_toolkit, which draws what readline would.

    Colour sequences marked invisible with ``%[ %]`` are unwrapped so that prompt_toolkit styles
    the text after them (it would reset the style after a raw zero-width escape); any other
    invisible text, such as a window-title sequence, is written raw.
    """
    return ANSI(_MARKED_COLOURS.sub(r"\1", prompt))


def assistance_word(line: str) -> str | None:
    """psql's interactive words at the start of a line: ``help``, ``quit``/``exit``, ``\\q``.

    As in psql they must start the line and be followed only by whitespace and at most one
    semicolon, so an indented ``help`` (an identifier, perhaps) is left alone.
    """
    if line.startswith("\\q"):  # case matters for a backslash command, not for the words
        return "\\q"
    for word in ("help", "quit", "exit"):
        if line[:len(word)].lower() != word:
            continue
        rest = line[len(word):].strip()
        if rest in ("", ";"):
            return "quit" if word == "exit" else word
    return None


class Repl:
    """One interactive run over a session."""

    def __init__(self, session: Session) -> None:
        self.session = session
        session.source = InputSource(None, Path.cwd(), interactive=True)
        session.ask = _ask
        self.history = self._open_history()
        self.history_lines: list[str] = []  # psql's history_buf: lines of the pending statement
        self.eof_count = 0
        self._completion: Completer | None = None  # built at the first completion
        self.prompt_session: PromptSession[str] = PromptSession(
            history=self.history,
            lexer=StatementLexer(self._pending_text),
            key_bindings=_key_bindings(),
            completer=DynamicCompleter(self._completer),
            complete_while_typing=True,
        )

    def _completer(self) -> Completer:
        """The completer, built at the first completion: its SQL lexer (sqlparse) and
        suggestion tables would otherwise add ~20 ms to every interactive start."""
        if self._completion is None:
            from fdwsh.input.completer import FdwshCompleter

            self._completion = FdwshCompleter(session_names(self.session), self._pending_text)
        return self._completion

    def _open_history(self) -> StatementHistory | None:
        try:
            return StatementHistory(history_path(self.session))
        except OSError as exc:
            self.session.warn(f"could not open history file: {exc}")
            return None

    def _pending_text(self) -> str:
        scanner = self.session.scanner
        return scanner.buffer if scanner.pending else ""

    # -- the loop ------------------------------------------------------------------------------

    def run(self) -> int:
        if not self.session.quiet:
            self._say(BANNER)
        try:
            self._loop()
        finally:
            self._trim_history()
        return EXIT_SUCCESS

    def _loop(self) -> None:
        """Read and run lines until the user leaves (Terminate ends the loop)."""
        while True:
            try:
                text = self.prompt_session.prompt(formatted_prompt(current_prompt(self.session)))
            except KeyboardInterrupt:
                self._forget_buffer()
                continue
            except EOFError:
                if self._leave_on_eof():
                    return
                continue
            self.eof_count = 0
            try:
                for line in text.split("\n"):
                    self._handle_line(line)
            except Terminate:
                return
            except KeyboardInterrupt:  # Ctrl-C while a statement was running
                self._cancelled()

    def _handle_line(self, line: str) -> None:
        """psql's MainLoop body for one interactive line."""
        scanner = self.session.scanner
        if not line and scanner.state not in _QUOTED:
            return  # psql drops empty lines outside quotes (they are not even in the statement)
        word = assistance_word(line)
        if word is not None and self._assist(word):
            return
        self.history_lines.append(line)
        ends_entry = has_meta_command(self._pending_text(), line)
        try:
            self.session.process_line(line)
        except Terminate:
            self._record_history()
            raise
        except StopScript:  # ON_ERROR_STOP in an \i script: back to the prompt, as psql
            pass
        if ends_entry or not scanner.pending:
            self._record_history()

    def _assist(self, word: str) -> bool:
        """Act on an interactive word; True when the line is used up (not fed to the scanner)."""
        scanner = self.session.scanner
        if word == "help":
            if scanner.pending:
                self._say("Use \\? for help or press control-C to clear the input buffer.\n")
                return False
            self._say(_help_text())
            return True
        if word == "quit" and not scanner.pending:
            raise Terminate()
        if scanner.pending and scanner.state in _QUOTED:
            self._say("Use control-D to quit.\n")
        elif word == "quit":
            self._say("Use \\q to quit.\n")
        return False

    # -- leaving, interrupting -----------------------------------------------------------------

    def _leave_on_eof(self) -> bool:
        """Ctrl-D on an empty line: leave, printing ``\\q``, unless IGNOREEOF asks for more."""
        self.eof_count += 1
        if self.eof_count < _ignoreeof(self.session.variables.get("IGNOREEOF")):
            if not self.session.quiet:
                self._say('Use "\\q" to leave fdwsh.\n')
            return False
        self._say("\n" if self.session.quiet else "\\q\n")
        return True

    def _forget_buffer(self) -> None:
        """Ctrl-C at the prompt: psql forgets the query buffer and the pending history."""
        self.session.scanner.reset()
        self.history_lines.clear()
        self.eof_count = 0

    def _cancelled(self) -> None:
        """Ctrl-C while a line was running (a ``\\!`` command, say): back to the prompt.

        Whatever was running has already cleaned up after itself; statements that must report
        a cancellation (remote queries) do so as errors before this is reached.
        """
        self._forget_buffer()

    # -- output and history --------------------------------------------------------------------

    def _say(self, text: str) -> None:
        self.session.stdout.write(text)
        self.session.stdout.flush()

    def _record_history(self) -> None:
        """A statement or backslash command is complete: store the lines typed since the last
        entry as one entry (psql's history_buf).  Unlike psql, a line that ends one statement
        and starts another stays with the second."""
        if self.history is not None and self.history_lines:
            histcontrol = (self.session.variables.get("HISTCONTROL") or "none").lower()
            self.history.add_entry("\n".join(self.history_lines), histcontrol)
        self.history_lines.clear()

    def _trim_history(self) -> None:
        size = _int_or_none(self.session.variables.get("HISTSIZE"))
        if self.history is None or size is None or size < 0:
            return
        try:
            self.history.trim(size)
        except OSError as exc:
            self.session.warn(f'could not save history to file "{self.history.filename}": {exc}')


def _key_bindings() -> KeyBindings:
    """Ctrl-C and Ctrl-D leave the line as readline leaves it in psql.

    prompt_toolkit's own bindings grey the abandoned line out; readline shows ``^C`` after it.
    """
    bindings = KeyBindings()
    at_prompt = has_focus(DEFAULT_BUFFER)

    @bindings.add("c-c", filter=at_prompt)
    def _interrupt(event: KeyPressEvent) -> None:
        buffer = event.current_buffer
        buffer.cursor_position = len(buffer.text)
        buffer.insert_text("^C")
        event.app.exit(exception=KeyboardInterrupt)

    @bindings.add("c-d", filter=at_prompt & Condition(lambda: not get_app().current_buffer.text))
    def _end_of_file(event: KeyPressEvent) -> None:
        event.app.exit(exception=EOFError)

    return bindings


def _ask(question: str) -> str:
    """A yes/no question at the terminal (the prompt is not active while statements run)."""
    try:
        return input(question)
    except EOFError:
        return ""


def _help_text() -> str:
    """psql's answer to ``help``, listing the commands fdwsh has."""
    lines = [f"\\{name} {text}" for name, text in HELP_LINES if registry.lookup(name)]
    body = "\n".join(("Type:  " if i == 0 else "       ") + line for i, line in enumerate(lines))
    return f"You are using fdwsh, the command-line interface to federated PostgreSQL.\n{body}\n"


def _ignoreeof(value: str | None) -> int:
    """psql's IGNOREEOF: unset → 0; a number → that many; anything else → 10."""
    if value is None:
        return 0
    number = _int_or_none(value)
    return 10 if number is None else number


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None
