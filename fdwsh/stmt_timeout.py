"""The local ``statement_timeout``: a statement running longer is cancelled, as PostgreSQL does.

postgres_fdw's local server enforces ``SET statement_timeout``: its timer cancels the statement,
the foreign scans' remote commands are cancelled in the abort cleanup, and psql shows ``ERROR:
canceling statement due to statement timeout``.  fdwsh is that local server, so the session runs
each statement under :func:`statement_timeout`: an interval timer (SIGALRM) whose handler raises
:class:`~fdwsh.errors.StatementTimeout` in the main thread.  A signal interrupts the poll() a
remote wait blocks in, so a stalled server cannot hold the statement past its time; from there
the path is Ctrl-C's (cancel, drain or give the connection up, roll back).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from fdwsh.errors import StatementTimeout


def _expired(signum: int, frame: object) -> None:
    raise StatementTimeout()


@contextmanager
def statement_timeout(milliseconds: int) -> Iterator[None]:
    """Raise StatementTimeout in the block once ``milliseconds`` pass (0: never, as in PG)."""
    if milliseconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGALRM, _expired)
    signal.setitimer(signal.ITIMER_REAL, milliseconds / 1000)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
