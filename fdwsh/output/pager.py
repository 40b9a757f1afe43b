"""psql's pager (fe_utils/print.c PageOutput): a result taller than the screen is shown through
``$PSQL_PAGER``, else ``$PAGER``, else ``less`` (with ``LESS=-FRSX`` unless LESS is set: quit
when it fits, keep colours, chop long lines, leave the screen as it was).

Only interactive output pages: standard input and the output are terminals, ``\\pset pager`` is
not off, and a pager variable is not set empty.  ``\\pset pager always`` pages every table;
``\\pset pager_min_lines N`` lets shorter tables through.  The table is rendered first (psql
measures it the same way, from the content), so what the pager shows is byte for byte what the
terminal would.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Callable
from typing import TextIO

from fdwsh.output.print import output_columns
from fdwsh.settings import PrintOptions

DEFAULT_PAGER = "less"
DEFAULT_LESS = "-FRSX"


def pager_command() -> str:
    """The pager to run ('' for none)."""
    for name in ("PSQL_PAGER", "PAGER"):
        value = os.environ.get(name)
        if value is not None:
            return value.strip()
    return DEFAULT_PAGER


def wants_pager(opts: PrintOptions, out: TextIO) -> bool:
    """Whether output to ``out`` may go through a pager at all."""
    return opts.pager != 0 and _isatty(sys.stdin) and _isatty(out) and bool(pager_command())


def print_paged(render: Callable[[TextIO, int], None], opts: PrintOptions, out: TextIO) -> None:
    """Render (``render(stream, width)``) and show it: through the pager when it is taller than
    the screen (or always), else directly on ``out``."""
    width = output_columns(opts, out)
    buffer = io.StringIO()
    render(buffer, width)
    text = buffer.getvalue()
    lines = text.count("\n")
    try:
        rows = os.get_terminal_size(out.fileno()).lines
    except (OSError, ValueError):
        rows = 0
    tall = lines >= rows and lines >= opts.pager_min_lines
    if opts.pager == 2 or tall:
        run_pager(text, out)
    else:
        out.write(text)


def run_pager(text: str, out: TextIO) -> None:
    """Pipe ``text`` to the pager and wait for it; Ctrl-C belongs to the pager meanwhile."""
    out.flush()
    env = dict(os.environ)
    env.setdefault("LESS", DEFAULT_LESS)
    proc = subprocess.Popen(pager_command(), shell=True, stdin=subprocess.PIPE, text=True,
                            env=env)
    try:
        assert proc.stdin is not None
        proc.stdin.write(text)
        proc.stdin.close()
    except BrokenPipeError:  # the user quit the pager before reading everything
        pass
    while True:
        try:
            proc.wait()
            return
        except KeyboardInterrupt:
            continue


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
