"""WORK_MEM: how much memory one operator of the local executor may hold before it spills.

``\\set WORK_MEM 64MB`` takes PostgreSQL's ``work_mem`` spellings (a plain number is kB; units
``B``, ``kB``, ``MB``, ``GB``, ``TB``; 64 kB at least) and its error messages.  As in
PostgreSQL the limit applies to each hash table and sort of a query, not to the query as a
whole; the default, 256MB, suits a machine that runs fdwsh as its one big process.

The limit in force is read when a statement is analysed (:func:`use_work_mem`) and kept in a
context variable, so the operators (:mod:`fdwsh.exec.spill`, the hash join, the hash
aggregate, the sort) need no extra parameter from every caller.

Memory is estimated, not measured: :class:`RowMeter` sizes a sample of the rows an operator
keeps (the 1st, 2nd, 4th … up to every 1024th) and multiplies their average by the count, so
metering costs a counter increment per row.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from fdwsh.errors import FdwshError

DEFAULT_WORK_MEM_KB = 256 * 1024
MIN_WORK_MEM_KB = 64
MAX_WORK_MEM_KB = 2_147_483_647
_UNITS = {"B": 1 / 1024, "kB": 1, "MB": 1024, "GB": 1024 ** 2, "TB": 1024 ** 3}
_VALUE = re.compile(r"\s*([-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))\s*([A-Za-z]*)\s*")
#: Bytes a kept row costs besides its values: the list slot, a hash-table entry.
ROW_OVERHEAD = 64
#: What a hash table adds per row it holds: the key tuple, the dict entry, the row list
#: (measured: a hash join's peak grew ~2.5x faster than its rows' size alone).
HASH_ENTRY = 240
#: Rows between two size samples once the first 1024 have been sampled.
SAMPLE_EVERY = 1024

_work_mem_kb: ContextVar[int] = ContextVar("fdwsh_work_mem_kb", default=DEFAULT_WORK_MEM_KB)


def parse_work_mem(text: str) -> int:
    """``text`` as kB, or PostgreSQL's error for ``SET work_mem = text``."""
    found = _VALUE.fullmatch(text)
    if found is None:
        raise _invalid(text)
    number, unit = found.groups()
    if unit and unit not in _UNITS:
        raise _invalid(text, 'Valid units for this parameter are "B", "kB", "MB", "GB", '
                             'and "TB".')
    kb = round(float(number) * _UNITS[unit or "kB"])
    if kb > MAX_WORK_MEM_KB:
        raise _invalid(text, "Value exceeds integer range.")
    if kb < MIN_WORK_MEM_KB:
        raise FdwshError(f'{kb} kB is outside the valid range for parameter "work_mem" '
                         f"({MIN_WORK_MEM_KB} .. {MAX_WORK_MEM_KB})", sqlstate="22023")
    return kb


def _invalid(text: str, hint: str | None = None) -> FdwshError:
    return FdwshError(f'invalid value for parameter "work_mem": "{text}"', sqlstate="22023",
                      hint=hint)


def use_work_mem(services: Any) -> None:
    """Put the session's ``WORK_MEM`` in force for the statement being run (raises on a value
    PostgreSQL would reject, before anything runs)."""
    variables = getattr(services, "variables", None)
    text = variables.get("WORK_MEM") if variables is not None else None
    _work_mem_kb.set(DEFAULT_WORK_MEM_KB if text is None else parse_work_mem(text))


@contextmanager
def limited(kb: int) -> Iterator[None]:
    """Run with WORK_MEM ``kb`` (tests of single operators)."""
    token = _work_mem_kb.set(kb)
    try:
        yield
    finally:
        _work_mem_kb.reset(token)


def work_mem_bytes() -> int:
    """The limit in force, in bytes."""
    return _work_mem_kb.get() * 1024


def value_size(value: Any) -> int:
    """Rough bytes of a value: itself, and one level of what it contains."""
    size = sys.getsizeof(value)
    if isinstance(value, (tuple, list)):
        size += sum(sys.getsizeof(v) for v in value)
    return size


def row_size(row: Iterable[Any]) -> int:
    """Rough bytes of a row (a tuple of values), with its share of the container."""
    return sys.getsizeof(row) + ROW_OVERHEAD + sum(value_size(v) for v in row)


class RowMeter:
    """The estimated bytes of the rows an operator keeps, against a limit."""

    __slots__ = ("limit", "rows", "_sampled", "_sample_bytes", "peak", "extra")

    def __init__(self, limit: int | None = None, extra: int = 0) -> None:
        self.limit = work_mem_bytes() if limit is None else limit
        self.extra = extra  # bytes per row besides the row (a hash table's entry)
        self.rows = 0
        self._sampled = 0
        self._sample_bytes = 0
        self.peak = 0

    def add(self, row: Any) -> bool:
        """Count one more kept row; whether the estimate now exceeds the limit."""
        self.rows = n = self.rows + 1
        if n & (n - 1) == 0 or n % SAMPLE_EVERY == 0:  # powers of two, then every 1024th
            self._sampled += 1
            self._sample_bytes += row_size(row) if isinstance(row, tuple) else value_size(row)
        return self.bytes > self.limit

    @property
    def bytes(self) -> int:
        if not self._sampled:
            return 0
        return self.rows * (self._sample_bytes // self._sampled + self.extra)

    def reset(self) -> None:
        """The rows were let go (written out): note the peak, count from zero again."""
        self.peak = max(self.peak, self.bytes)
        self.rows = 0

    @property
    def peak_kb(self) -> int:
        return (max(self.peak, self.bytes) + 1023) // 1024
