"""Where query output goes: standard output, a file (``-o FILE``, ``\\o FILE``) or a pipe
(``\\o |command``).  Errors and notices never go here; they go to standard error."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from typing import IO


def open_target(target: str, stdout: IO[str]) -> tuple[IO[str], Callable[[], None]]:
    """Open ``target`` (a file name, or ``|command``); return the stream and its closer."""
    if target.startswith("|"):
        stdout.flush()  # what was printed before must come first
        proc = subprocess.Popen(target[1:], shell=True, stdin=subprocess.PIPE, text=True)
        assert proc.stdin is not None
        pipe = proc.stdin

        def close() -> None:
            pipe.close()
            proc.wait()

        return pipe, close
    handle = open(os.path.expanduser(target), "w", encoding="utf-8")
    return handle, handle.close


class OutputTarget:
    """The current query-output stream, switched by ``\\o`` and ``-o``."""

    def __init__(self, stdout: IO[str]) -> None:
        self.stdout = stdout
        self.stream: IO[str] = stdout
        self._close: Callable[[], None] | None = None

    def switch(self, target: str | None) -> None:
        """Send output to ``target`` (None or empty: back to standard output).

        The new target is opened before the old one is closed: when opening fails (OSError),
        output stays where it was, as in psql.
        """
        stream, close = open_target(target, self.stdout) if target else (self.stdout, None)
        self.close()
        self.stream, self._close = stream, close

    def close(self) -> None:
        if self._close is not None:
            self._close()
        self.stream, self._close = self.stdout, None
