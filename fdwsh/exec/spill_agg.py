"""Hash aggregation that spills: the groups of the input rows, in WORK_MEM or partitions.

Rows are folded into one hash table per grouping set (:mod:`fdwsh.exec.hashagg`).  When the
tables' estimated size passes WORK_MEM, no new group is created any more (PostgreSQL 13's
spilling HashAgg does the same): a row of a group already held is still folded in, a row of
a new group is written to one of the set's partition files, by the hash of its group key.
Once the input ends, the groups held are handed out, and then each partition is aggregated
the same way on its own (splitting again, with another hash seed, if it too is too big).  A
group's rows thus all meet in one table: the held one, or one partition's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, Protocol

from fdwsh.exec.memory import RowMeter
from fdwsh.exec.spill import SpillDir, SpillFile, SpillStats, partition_count, partition_of

Row = tuple[Any, ...]
#: A grouping set's groups: key → (key values, aggregate states).
Table = dict[Any, tuple[list[Any], list[Any]]]
#: Depth past which a partition is aggregated in memory whatever its size.
MAX_DEPTH = 3


class Accumulator(Protocol):
    def new_state(self) -> Any: ...

    def accumulate(self, state: Any, row: Row) -> Any: ...


def hash_groups(rows: Iterable[Row], key_fns: list[Callable[[Row], Any]],
                calls: list[Accumulator], hashers: list[Callable[[list[Any]], Any]],
                stats: SpillStats | None = None) -> Iterator[tuple[int, Table]]:
    """(grouping set index, its groups) for each set, then for each spilled partition."""
    yield from _groups(rows, key_fns, calls, list(enumerate(hashers)), stats, 0)


def _groups(rows: Iterable[Row], key_fns: list[Callable[[Row], Any]],
            calls: list[Accumulator], hashers: list[tuple[int, Callable[[list[Any]], Any]]],
            stats: SpillStats | None, depth: int) -> Iterator[tuple[int, Table]]:
    tables: list[Table] = [{} for _ in hashers]
    meter = RowMeter()
    spill: SpillDir | None = None
    parts: list[list[SpillFile]] = []
    count = 0
    steps = list(enumerate(_stepper(c) for c in calls))
    try:
        for row in rows:
            values = [fn(row) for fn in key_fns]
            for (_, hasher), table, files in zip(hashers, tables, parts or [()] * len(tables)):
                k = hasher(values)
                entry = table.get(k)
                if entry is None:
                    if files:
                        files[partition_of(k, depth, count)].write(row)
                        continue
                    entry = table[k] = (values, [c.new_state() for c in calls])
                    if meter.add(tuple(values)) and depth < MAX_DEPTH and spill is None:
                        spill = SpillDir()
                        count = partition_count(meter.bytes, meter.limit)
                        parts = [[spill.new_file() for _ in range(count)] for _ in tables]
                states = entry[1]
                for i, step in steps:
                    states[i] = step(states[i], row)
        if stats is not None:
            stats.memory_kb = max(stats.memory_kb, meter.peak_kb)
        for (index, _), table in zip(hashers, tables):
            yield index, table
        tables.clear()
        if spill is not None:
            yield from _partitions(spill, parts, key_fns, calls, hashers, stats, depth)
    finally:
        if spill is not None:
            spill.close()


def _stepper(call: Accumulator) -> Callable[[Any, Row], Any]:
    """The call's accumulate function, specialised where it can be (hashagg.AggCall)."""
    stepper = getattr(call, "stepper", None)
    return stepper() if stepper is not None else call.accumulate


def _partitions(spill: SpillDir, parts: list[list[SpillFile]],
                key_fns: list[Callable[[Row], Any]], calls: list[Accumulator],
                hashers: list[tuple[int, Callable[[list[Any]], Any]]],
                stats: SpillStats | None, depth: int) -> Iterator[tuple[int, Table]]:
    """Each partition's groups, aggregated one partition at a time."""
    if stats is not None:
        stats.spilled = True
        stats.disk_kb = max(stats.disk_kb, spill.disk_kb)
    for hasher, files in zip(hashers, parts):
        for part in files:
            if part.rows:
                if stats is not None:
                    stats.batches += 1
                for found in _groups(part.read(), key_fns, calls, [hasher], stats, depth + 1):
                    if found[1]:
                        yield found
            spill.drop(part)
