r"""The query buffer and sending it: ``\p``, ``\r``, ``\w``, ``\g``, ``\gx`` (psql 15).

``\g`` alone returns MetaStatus.SEND and the session sends the buffer (or the previous query).
``\g (OPTIONS) FILE`` and ``\gx`` run that one query here, with the ``\pset`` options changed
and/or its rows sent to FILE or ``|command``, then put everything back -- also when the query
fails or ON_ERROR_STOP ends the script.  As in psql 15, only rows go to the ``\g`` file, which is
opened when the first rows arrive; command tags still go to the usual query output.
"""

from __future__ import annotations

import copy
import dataclasses
import subprocess
from typing import IO

from fdwsh.input.args import ArgMode
from fdwsh.meta.io_cmds import canonicalize, expand_tilde
from fdwsh.meta.psetopts import PsetError, do_pset
from fdwsh.meta.registry import MetaCall, MetaStatus, meta_command
from fdwsh.meta.slashargs import next_arg
from fdwsh.settings import PrintOptions


def buffer_text(call: MetaCall) -> str:
    """The query buffer as psql holds it: without the newline added for the current line."""
    text = call.session.scanner.buffer
    return text[:-1] if text.endswith("\n") else text


def current_or_previous(call: MetaCall) -> str:
    """What ``\\g`` would send: the buffer, else the previous query."""
    return buffer_text(call) or call.session.previous_query


@meta_command("p", "print", syntax="\\p", help="show the contents of the query buffer",
              group="Query Buffer")
def cmd_print(call: MetaCall) -> MetaStatus:
    session = call.session
    text = current_or_previous(call)
    if text:
        session.stdout.write(text + "\n")
    elif not session.quiet:
        session.stdout.write("Query buffer is empty.\n")
    session.stdout.flush()
    return MetaStatus.SKIP_LINE


@meta_command("r", "reset", syntax="\\r", help="reset (clear) the query buffer",
              group="Query Buffer")
def cmd_reset(call: MetaCall) -> MetaStatus:
    session = call.session
    session.scanner.reset()
    if not session.quiet:
        session.stdout.write("Query buffer reset (cleared).\n")
        session.stdout.flush()
    return MetaStatus.SKIP_LINE


@meta_command("w", "write", syntax="\\w FILE", help="write query buffer to file",
              group="Query Buffer")
def cmd_write(call: MetaCall) -> MetaStatus:
    r"""``\w FILE`` / ``\w |command``: the buffer (or previous query) and a newline."""
    target = next_arg(call.args, ArgMode.FILEPIPE, semicolon=True)
    if target is None:
        call.session.warn(f"\\{call.name}: missing required argument")
        return MetaStatus.ERROR
    sink = QueryFile(call, target, canonical=True)
    stream = sink.stream()
    if stream is None:
        return MetaStatus.ERROR
    text = current_or_previous(call)
    if text:
        stream.write(text + "\n")
    sink.close()
    return MetaStatus.SKIP_LINE


class QueryFile:
    """A ``\\g``/``\\w`` target: a file or ``|command``, opened on first use (psql's
    openQueryOutputFile); an open failure is reported once and remembered."""

    def __init__(self, call: MetaCall, target: str, *, canonical: bool = False) -> None:
        self.session = call.session
        self.pipe = target.startswith("|")
        self.name = target if self.pipe else expand_tilde(target)
        if canonical and not self.pipe:
            self.name = canonicalize(self.name)  # \w does, \g does not
        self.failed = False
        self._handle: IO[str] | None = None
        self._proc: subprocess.Popen[str] | None = None

    def stream(self) -> IO[str] | None:
        if self._handle is None and not self.failed:
            try:
                self._open()
            except OSError as exc:
                self.failed = True
                self.session.warn(f"{self.name}: {exc.strerror}")
        return self._handle

    def _open(self) -> None:
        if self.pipe:
            self.session.stdout.flush()
            self._proc = subprocess.Popen(["sh", "-c", self.name[1:]], executable="/bin/sh",
                                          stdin=subprocess.PIPE, text=True)
            self._handle = self._proc.stdin
        else:
            self._handle = open(self.name, "w", encoding="utf-8")

    def close(self) -> None:
        if self._handle is not None:
            try:
                self._handle.close()
            except BrokenPipeError:
                pass
        if self._proc is not None:
            self._proc.wait()


def _g_options(call: MetaCall, first: str) -> bool:
    """Apply ``(name=value ...)`` to the session's print options, quietly; psql's
    process_command_g_options.  False (after reporting) when one is refused."""
    token: str | None = first[1:]
    while True:
        if token is None:
            call.session.warn(f"\\{call.name}: missing right parenthesis")
            return False
        closed = token.endswith(")")
        token = token[:-1] if closed else token
        if token:
            name, sep, value = token.partition("=")
            try:
                do_pset(call.session.popt, name, value if sep else None)
            except PsetError as exc:
                call.session.warn(str(exc))
                return False
        if closed:
            return True
        token = call.args.next()


def _restore(options: PrintOptions, saved: PrintOptions) -> None:
    """Put the saved values back into the session's own PrintOptions object (shared with the
    settings, so it is updated in place)."""
    for field in dataclasses.fields(PrintOptions):
        setattr(options, field.name, getattr(saved, field.name))


@meta_command("g", syntax="\\g [(OPTIONS)] [FILE]", group="General", help=(
    "execute query (and send result to file or |pipe);\n"
    "\\g with no arguments is equivalent to a semicolon"))
@meta_command("gx", syntax="\\gx [(OPTIONS)] [FILE]", group="General",
              help="as \\g, but forces expanded output mode")
def cmd_go(call: MetaCall) -> MetaStatus:
    r"""Send the query buffer, optionally with one-off print options and output target."""
    session = call.session
    target = next_arg(call.args, ArgMode.FILEPIPE)
    saved = copy.copy(session.popt)
    if target is not None and target.startswith("("):
        if not _g_options(call, target):
            _restore(session.popt, saved)
            return MetaStatus.ERROR
        target = next_arg(call.args, ArgMode.FILEPIPE)
    if call.name == "gx":
        session.popt.expanded = "on"
    if target is None and session.popt == saved:
        return MetaStatus.SEND
    return _send_once(call, target, saved)


def _send_once(call: MetaCall, target: str | None, saved: PrintOptions) -> MetaStatus:
    session = call.session
    text = session.scanner.take_buffer() or session.previous_query
    sink = QueryFile(call, target) if target is not None else None
    session.tuples_out = sink.stream if sink is not None else None
    try:
        if text:
            session.run_sql(text)
    finally:
        session.tuples_out = None
        if sink is not None:
            sink.close()
        _restore(session.popt, saved)
    return MetaStatus.ERROR if sink is not None and sink.failed else MetaStatus.SKIP_LINE
