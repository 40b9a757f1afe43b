"""Temporary files for operators that outgrow WORK_MEM (:mod:`fdwsh.exec.memory`).

Each spilling operator opens one :class:`SpillDir`: a private directory (``tempfile.mkdtemp``,
mode 0700, under ``$TMPDIR``) created at the first spilled row, removed with everything in it
when the operator ends — its generator finishing, failing, being closed early (LIMIT) or
interrupted (Ctrl-C raises KeyboardInterrupt through it).  Directories still open when the
process exits are removed then too.

A :class:`SpillFile` holds rows pickled in batches: Python values round-trip exactly (Decimal
scale, NaN, infinities, datetimes with tzinfo, fdwsh's own value types), and the files never
leave this process.  :func:`merge_sorted` merges sorted runs (external merge sort), at most
:data:`MERGE_FAN_IN` files at a time.
"""

from __future__ import annotations

import atexit
import heapq
import os
import pickle
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any

Row = tuple[Any, ...]

#: Rows per pickled batch (one ``pickle.dump`` per batch keeps the per-row cost low).
BATCH_ROWS = 256
#: Runs merged at once; more runs are merged in several passes (bounded open files).
MERGE_FAN_IN = 64

_open_dirs: set[str] = set()


@dataclass(slots=True)
class SpillStats:
    """What an operator did with its memory, for EXPLAIN ANALYZE."""

    batches: int = 1
    memory_kb: int = 0
    disk_kb: int = 0
    spilled: bool = False


class SpillFile:
    """Rows written once, then read back (any number of times) in the order written."""

    __slots__ = ("_file", "_batch", "rows")

    def __init__(self, handle: IO[bytes]) -> None:
        self._file = handle
        self._batch: list[Any] = []
        self.rows = 0

    def write(self, row: Any) -> None:
        self._batch.append(row)
        self.rows += 1
        if len(self._batch) >= BATCH_ROWS:
            self._flush()

    def _flush(self) -> None:
        if self._batch:
            pickle.dump(self._batch, self._file, pickle.HIGHEST_PROTOCOL)
            self._batch = []

    @property
    def size(self) -> int:
        """Bytes written so far."""
        self._flush()
        return self._file.tell()

    def read(self) -> Iterator[Any]:
        self._flush()
        end = self._file.tell()
        self._file.seek(0)
        try:
            while self._file.tell() < end:
                yield from pickle.load(self._file)
        finally:
            self._file.seek(end)

    def close(self) -> None:
        self._file.close()


class SpillDir:
    """One operator's temporary files; ``close()`` (or ``with``) removes them all."""

    def __init__(self) -> None:
        self.path: str | None = None
        self._files: list[SpillFile] = []
        self.written = 0  # bytes of the files closed so far

    def new_file(self) -> SpillFile:
        if self.path is None:
            self.path = tempfile.mkdtemp(prefix="fdwsh-spill-")  # mode 0700
            _open_dirs.add(self.path)
        fd, name = tempfile.mkstemp(dir=self.path, suffix=".rows")
        spill = SpillFile(os.fdopen(fd, "w+b"))
        self._files.append(spill)
        return spill

    def drop(self, spill: SpillFile) -> None:
        """A file read for the last time: close it (its space is counted as used)."""
        self.written += spill.size
        spill.close()
        self._files.remove(spill)

    @property
    def disk_kb(self) -> int:
        return (self.written + sum(f.size for f in self._files) + 1023) // 1024

    def close(self) -> None:
        for spill in self._files:
            spill.close()
        self._files.clear()
        if self.path is not None:
            shutil.rmtree(self.path, ignore_errors=True)
            _open_dirs.discard(self.path)
            self.path = None

    def __enter__(self) -> SpillDir:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@atexit.register
def _remove_leftovers() -> None:
    for path in list(_open_dirs):
        shutil.rmtree(path, ignore_errors=True)


def partition_of(key: Any, seed: int, count: int) -> int:
    """The partition of a (non-NULL, hashable) key; ``seed`` differs per recursion level so
    that a partition split again spreads over new partitions."""
    return hash((seed, key)) % count


def partition_count(estimated_bytes: int, limit: int) -> int:
    """Enough partitions (a power of two, 4 to 256) for each to fit in ``limit``."""
    count = 4
    while count < 256 and estimated_bytes > count * limit // 2:
        count *= 2
    return count


def merge_sorted(spill: SpillDir, runs: list[SpillFile], key: Callable[[Row], Any]
                 ) -> Iterator[Row]:
    """The rows of sorted runs in one sorted stream (stable: ties keep run order)."""
    while len(runs) > MERGE_FAN_IN:
        merged: list[SpillFile] = []
        for start in range(0, len(runs), MERGE_FAN_IN):
            group = runs[start:start + MERGE_FAN_IN]
            out = spill.new_file()
            for row in heapq.merge(*(r.read() for r in group), key=key):
                out.write(row)
            for r in group:
                spill.drop(r)
            merged.append(out)
        runs = merged
    yield from heapq.merge(*(r.read() for r in runs), key=key)


def write_run(spill: SpillDir, rows: Iterable[Row]) -> SpillFile:
    out = spill.new_file()
    for row in rows:
        out.write(row)
    return out
