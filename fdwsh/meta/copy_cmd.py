r"""``\copy``: psql 15's client-side COPY (copy.c parse_slash_copy and do_copy).

The line is split with psql's own tokenizer (:func:`strtokx`), so the same lines parse, fail
(``\copy: parse error at "frm"``) and become the same statement: ``COPY <what> FROM STDIN <rest>``
or ``COPY <what> TO STDOUT <rest>``, spaced exactly as psql builds it (errors with LINE/caret
show that text).  The statement runs like any other, its data read from or written to the
file, the program's pipe (``program 'cmd'``), the script (``stdin``/``stdout``) or fdwsh's own
standard input/output (``pstdin``/``pstdout``): see :mod:`fdwsh.exec.copy_channel`.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from typing import IO, Any

from fdwsh.meta.io_cmds import canonicalize, expand_tilde
from fdwsh.meta.registry import MetaCall, MetaStatus, meta_command

WHITESPACE = " \t\n\r"


class Tokens:
    """psql's strtokx(): successive tokens of one string, each call with its own rules."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def next(self, whitespace: str, delim: str = "", quote: str = "",
             escape: str = "", e_strings: bool = False) -> str | None:
        text, n = self.text, len(self.text)
        start = self.pos
        while start < n and text[start] in whitespace:
            start += 1
        if start >= n:
            self.pos = n
            return None
        if text[start] in delim:
            return self._take(start, start + 1, whitespace)
        p = start
        if e_strings and text[p] in "Ee" and text[p + 1:p + 2] == "'":
            quote, escape, p = "'", "\\", p + 1
        if text[p] in quote:
            closer = text[p]
            p += 1
            while p < n:
                if text[p] == escape and p + 1 < n:
                    p += 2
                elif text[p] == closer and text[p + 1:p + 2] == closer:
                    p += 2
                elif text[p] == closer:
                    p += 1
                    break
                else:
                    p += 1
            return self._take(start, p, whitespace)
        end = start
        while end < n and text[end] not in whitespace + delim + quote:
            end += 1
        return self._take(start, end, whitespace)

    def _take(self, start: int, end: int, whitespace: str) -> str:
        """The token; one whitespace character after it is consumed with it (as strtokx
        overwrites it with the terminating NUL)."""
        self.pos = end + 1 if end < len(self.text) and self.text[end] in whitespace else end
        return self.text[start:end]

    def rest(self) -> str | None:
        rest = self.text[self.pos:]
        self.pos = len(self.text)
        return rest or None


class ParseError(Exception):
    """``\\copy: parse error at …``: the token (None: the end of the line)."""

    def __init__(self, token: str | None) -> None:
        super().__init__(token)
        self.token = token


@dataclass(slots=True)
class CopyArgs:
    """What parse_slash_copy() finds (psql's struct copy_options)."""

    before_tofrom: str
    from_: bool
    file: str | None = None  # None: stdin/stdout (or pstdin/pstdout)
    program: bool = False
    psql_inout: bool = False
    after_tofrom: str | None = None

    def statement(self) -> str:
        """The COPY statement psql sends for these arguments."""
        direction = " FROM STDIN " if self.from_ else " TO STDOUT "
        return f"COPY {self.before_tofrom}{direction}{self.after_tofrom or ''}"


def _need(token: str | None) -> str:
    if token is None:
        raise ParseError(None)
    return token


def parse_slash_copy(args: str) -> CopyArgs:
    """psql's parse_slash_copy(): the table or query, the direction, the file and the rest."""
    tok = Tokens(args)
    words = ".,()"
    token = _need(tok.next(WHITESPACE, words, '"'))
    before = ""
    if token.lower() == "binary":  # the pre-7.3 syntax psql still takes
        before, token = token, _need(tok.next(WHITESPACE, words, '"'))
    if token.startswith("("):
        parens = 1
        while parens > 0:
            before += " " + token
            token = _need(tok.next(WHITESPACE, "()", "\"'", "", True))
            parens += 1 if token.startswith("(") else -1 if token.startswith(")") else 0
    before += " " + token
    token = _need(tok.next(WHITESPACE, words, '"'))
    if token.startswith("."):
        before += token + _need(tok.next(WHITESPACE, words, '"'))
        token = _need(tok.next(WHITESPACE, words, '"'))
    if token.startswith("("):
        while not token.startswith(")"):
            before += " " + token
            token = _need(tok.next(WHITESPACE, "()", '"'))
        before += " " + token
        token = _need(tok.next(WHITESPACE, words, '"'))
    if token.lower() not in ("from", "to"):
        raise ParseError(token)
    result = CopyArgs(before, token.lower() == "from")
    _read_target(tok, result)
    result.after_tofrom = tok.rest()
    return result


def _read_target(tok: Tokens, result: CopyArgs) -> None:
    """``'file' | PROGRAM 'command' | STDIN | STDOUT | PSTDIN | PSTDOUT``."""
    token = _need(tok.next(WHITESPACE, ";", "'"))
    word = token.lower()
    if word == "program":
        token = _need(tok.next(WHITESPACE, ";", "'"))
        if len(token) < 2 or token[0] != "'" or token[-1] != "'":
            raise ParseError(token)
        result.program, result.file = True, _strip_quotes(token)
    elif word in ("stdin", "stdout"):
        result.file = None
    elif word in ("pstdin", "pstdout"):
        result.psql_inout = True
    else:
        result.file = expand_tilde(_strip_quotes(token))


def _strip_quotes(token: str) -> str:
    """psql's strip_quotes(): remove single quotes, ``''`` inside stands for one."""
    out, i, n = [], 0, len(token)
    while i < n:
        c = token[i]
        if c == "'":
            if i + 1 < n and token[i + 1] == "'":
                out.append("'")
                i += 2
                continue
            i += 1
            continue
        out.append(c)
        i += 1
    return "".join(out)


def _open(call: MetaCall, args: CopyArgs) -> tuple[Any, Any]:
    """The stream for the data (None: the defaults) and what to close afterwards."""
    from fdwsh.exec.copy_channel import Redirect

    session = call.session
    if args.file is None:
        if not args.psql_inout:
            return Redirect(None), None
        if args.from_:
            return Redirect(_stdin_bytes(), prompt=sys.stdin.isatty()), None
        return Redirect(session.stdout), None
    if args.program:
        session.stdout.flush()
        session.out.flush()
        proc = subprocess.Popen(args.file, shell=True,
                                stdout=subprocess.PIPE if args.from_ else None,
                                stdin=None if args.from_ else subprocess.PIPE)
        stream = proc.stdout if args.from_ else proc.stdin
        return Redirect(stream), proc
    path = canonicalize(args.file)
    if os.path.isdir(path):
        raise IsADirectoryError(path)
    handle: IO[Any] = open(path, "rb" if args.from_ else "wb")  # bytes: COPY's ENCODING
    size = os.fstat(handle.fileno()).st_size if args.from_ else None
    return Redirect(handle, size), handle


def _stdin_bytes() -> Any:
    return getattr(sys.stdin, "buffer", sys.stdin)


@meta_command("copy", syntax="\\copy ...",
              help="perform SQL COPY with data stream to the client host", group="Input/Output")
def cmd_copy(call: MetaCall) -> MetaStatus:
    r"""psql's do_copy(): parse, open the data stream, send the COPY, close the stream."""
    session = call.session
    line = call.args.rest_of_line()
    if not line:
        session.warn("\\copy: arguments required")
        return MetaStatus.ERROR
    try:
        args = parse_slash_copy(line)
    except ParseError as err:
        at = "end of line" if err.token is None else f'"{err.token}"'
        session.warn(f"\\copy: parse error at {at}")
        return MetaStatus.ERROR
    try:
        redirect, closer = _open(call, args)
    except IsADirectoryError as exc:
        session.warn(f"{exc.args[0]}: cannot copy from/to a directory")
        return MetaStatus.ERROR
    except OSError as exc:
        if args.program:
            session.warn(f'could not execute command "{args.file}": {exc.strerror}')
        else:
            session.warn(f"{canonicalize(args.file or '')}: {exc.strerror}")
        return MetaStatus.ERROR
    session.copy_redirect = redirect
    try:
        sent = session.run_sql(args.statement())
    finally:
        session.copy_redirect = None
        closed = _close(call, args, closer)
    return MetaStatus.SKIP_LINE if sent and closed else MetaStatus.ERROR


def _close(call: MetaCall, args: CopyArgs, closer: Any) -> bool:
    """Close the file or wait for the program; psql reports a program's failure."""
    if closer is None:
        return True
    if isinstance(closer, subprocess.Popen):
        for stream in (closer.stdin, closer.stdout):
            if stream is not None:
                try:
                    stream.close()
                except BrokenPipeError:  # the program exited before reading everything
                    pass
        status = closer.wait()
        if status != 0:
            call.session.warn(f"{args.file}: {_wait_reason(status)}")
            return False
        return True
    closer.close()
    return True


def _wait_reason(status: int) -> str:
    """psql's wait_result_to_str() for a shell's exit status."""
    if status < 0:
        return f"child process was terminated by signal {-status}"
    if status == 127:
        return "command not found"
    if status == 126:
        return "command not executable"
    return f"child process exited with exit code {status}"
