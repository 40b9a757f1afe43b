"""Input lines as psql reads them.

psql reads a script with ``fgets`` into a C string: a NUL byte ends the string, so the rest of
that line (its newline included) is lost and the next line continues it.  fdwsh reads the same
files through Python, which keeps NULs; :func:`psql_lines` gives back what psql would see, so a
NUL can neither reach the parser nor make fdwsh run something psql would not.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator


def psql_lines(lines: Iterable[str]) -> Iterator[str]:
    """``lines`` with each one cut at its first NUL and joined to the line after it."""
    pending = ""
    for line in lines:
        if "\0" in line:
            pending += line.split("\0", 1)[0]
            continue
        yield pending + line
        pending = ""
    if pending:
        yield pending
