"""COPY FROM's progress bar (rich, on stderr), drawn only when stderr is a terminal and the
input's size is known (a file, standard input redirected from one): never in pipes or tests.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

#: Redraw at most this often (bytes between updates), so the bar costs nothing measurable.
STEP = 1 << 20


def _nothing(nbytes: int) -> None:
    pass


@contextmanager
def progress(channel: Any) -> Iterator[Callable[[int], None]]:
    """A function to call with each line's size in bytes while the data is read."""
    stream = channel.progress_stream
    size = channel.input_size() if stream is not None else None
    if stream is None or not size:
        yield _nothing
        return
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TransferSpeedColumn

    bar = Progress("COPY", BarColumn(), DownloadColumn(), TransferSpeedColumn(),
                   console=Console(file=stream), transient=True)
    task = bar.add_task("copy", total=size)
    pending = [0]

    def advance(nbytes: int) -> None:
        pending[0] += nbytes
        if pending[0] >= STEP:
            bar.update(task, advance=pending[0])
            pending[0] = 0

    with bar:
        yield advance
