"""Rows received from each server, for benchmarks: ``FDWSH_ROW_COUNTS=FILE``.

When the variable names a file, every row a remote query returns is counted per server, and at
exit one ``server<TAB>rows`` line per server is appended to that file (scripts/bench_executor.py
reports them next to postgres_fdw's EXPLAIN ANALYZE counts).  Without it counting costs one
``None`` test per chunk of rows.
"""

from __future__ import annotations

import atexit
import os

_FILE = os.environ.get("FDWSH_ROW_COUNTS")
_COUNTS: dict[str, int] | None = {} if _FILE else None


def received(server: str, rows: int) -> None:
    """Count ``rows`` more rows received from ``server`` (when counting)."""
    if _COUNTS is not None:
        _COUNTS[server] = _COUNTS.get(server, 0) + rows


def _write() -> None:
    if _FILE and _COUNTS:
        with open(_FILE, "a", encoding="utf-8") as out:
            out.writelines(f"{server}\t{rows}\n" for server, rows in sorted(_COUNTS.items()))


if _FILE:
    atexit.register(_write)
