r"""Where COPY's data comes from and goes to: psql's copy streams (common.c HandleCopyResult,
copy.c handleCopyIn/handleCopyOut), as a statement's executor sees them.

Contract:

- ``COPY … FROM STDIN`` reads the lines that follow the statement in the script being run (``-f``
  file, piped standard input), each one counted in the script's line number, up to a line
  ``\.`` or the end of the input; with ``-c`` it reads standard input; interactively it prints
  psql's "Enter data to be copied …" (unless quiet) and prompts with PROMPT3 (``>> ``) for
  each line.
- ``COPY … TO STDOUT`` writes to the query output (``\o``), or to ``\g FILE``'s file.  Its
  tag is printed only when the data went elsewhere (psql suppresses it when it would go where the data just went).
- ``\copy`` sets :attr:`Redirect` on the session (psql's ``pset.copyStream``) for the one
  statement it sends: a file, a program's pipe, or psql's own stdin/stdout (``pstdin``,
  ``pstdout``); ``stream=None`` keeps the defaults above.
"""

from __future__ import annotations

import io
import os
import stat
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

END_OF_DATA = "\\."
ENTER_DATA = ("Enter data to be copied followed by a newline.\n"
              "End with a backslash and a period on a line by itself, or an EOF signal.\n")


@dataclass(slots=True)
class Redirect:
    """``\\copy``'s stream for the statement it sends (see the module docstring)."""

    stream: IO[Any] | None
    #: A regular file's size in bytes (a progress bar can show how far COPY FROM got).
    size: int | None = None
    #: The stream is a terminal (``pstdin`` typed at): prompt for each line, as psql does.
    prompt: bool = False


class CopyChannel:
    """The copy streams of one statement of ``session`` (a :class:`fdwsh.session.Session`)."""

    def __init__(self, session: Any) -> None:
        self._session = session
        #: The data ended with a ``\.`` line (psql sends it on; a CSV quote left open at the
        #: end shows it in its error).
        self.end_marker_seen = False

    @property
    def _redirect(self) -> Redirect | None:
        return getattr(self._session, "copy_redirect", None)

    # -- COPY FROM STDIN ------------------------------------------------------------------------

    def data_lines(self, encoding: str | None = None) -> Iterator[str]:
        """The data lines (without their newline) up to ``\\.`` or the end of the input; bytes
        are decoded from ``encoding`` (:mod:`fdwsh.exec.copy_encoding`)."""
        for line in self._raw_lines(encoding):
            text = line[:-1] if line.endswith("\n") else line  # a CR stays: see copy_records
            if text in (END_OF_DATA, END_OF_DATA + "\r"):
                self.end_marker_seen = True
                return
            yield text

    def _raw_lines(self, encoding: str | None) -> Iterator[str]:
        redirect = self._redirect
        if redirect is not None and redirect.prompt:
            yield from self._prompted_lines()
            return
        if redirect is not None and redirect.stream is not None:
            yield from _text_lines(redirect.stream, encoding)
            return
        session = self._session
        source = session.source
        lines = getattr(source, "lines", None)
        if lines is not None:
            for line in lines:
                session.scanner.lineno += 1
                yield line
            return
        if source.interactive and sys.stdin.isatty():
            yield from self._prompted_lines()
            return
        # -c: standard input, read as bytes (its line ends and ENCODING kept, as for \copy)
        yield from _text_lines(getattr(sys.stdin, "buffer", sys.stdin), encoding)

    def _prompted_lines(self) -> Iterator[str]:
        session = self._session
        if not session.quiet:
            session.stdout.write(ENTER_DATA)
        prompt = session.variables.get("PROMPT3") or ""
        while True:
            session.stdout.write(prompt)
            session.stdout.flush()
            line = sys.stdin.readline()
            if not line:
                return
            yield line

    def binary_chunks(self, size: int = 128 * 1024) -> Iterator[bytes] | None:
        """The raw bytes of a ``\\copy`` stream (or of standard input under ``-c``) in chunks;
        None when the data would be the script's own lines."""
        redirect = self._redirect
        stream = redirect.stream if redirect is not None else None
        if stream is None and getattr(self._session.source, "lines", None) is None:
            stream = getattr(sys.stdin, "buffer", None)
        if stream is None or isinstance(stream, io.TextIOBase):
            return None
        return iter(lambda: stream.read(size), b"")

    def input_size(self) -> int | None:
        """The size of what COPY FROM reads, when it is a regular file (else None)."""
        redirect = self._redirect
        if redirect is not None:
            return redirect.size
        session = self._session
        if getattr(session.source, "lines", None) is None and not session.source.interactive:
            try:
                st = os.fstat(sys.stdin.fileno())
            except (OSError, ValueError, AttributeError):
                return None
            return st.st_size if stat.S_ISREG(st.st_mode) else None
        return None

    @property
    def progress_stream(self) -> IO[str] | None:
        """stderr when it is a terminal (a progress bar may be drawn there), else None."""
        err = self._session.stderr
        return err if hasattr(err, "isatty") and err.isatty() else None

    # -- COPY TO STDOUT ----------------------------------------------------------------------

    @property
    def out(self) -> IO[Any]:
        """Where COPY TO STDOUT writes."""
        redirect = self._redirect
        if redirect is not None and redirect.stream is not None:
            return redirect.stream
        query_file = getattr(self._session, "tuples_out", None)  # \g FILE
        stream = query_file() if query_file is not None else None
        return stream if stream is not None else self._session.out

    def warn(self, message: str) -> None:
        """A client-side error message (psql's pg_log_error), the statement going on."""
        self._session.warn(message)

    @property
    def shows_tag(self) -> bool:
        """Whether COPY TO prints its tag (not when the data went to the query output)."""
        return self.out is not self._session.out


def _text_lines(stream: IO[Any], encoding: str | None) -> Iterator[str]:
    """Lines of a text or binary stream, as text."""
    from fdwsh.exec.copy_encoding import decoder

    decode = decoder(encoding)
    for line in stream:
        yield decode(line) if isinstance(line, bytes) else line
