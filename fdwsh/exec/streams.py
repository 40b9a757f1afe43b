"""Streaming through the local executor: which FROM rows flow without being kept.

A foreign table in a join is read as a stream (:meth:`ForeignScan.stream`: rows as they
arrive, none kept by the scan) when its FROM clause is read once and nothing else needs the
scan's rows afterwards, so that a hash join keeps only its build side (within WORK_MEM, else
spilled) and streams its probe side through, and LIMIT stops the scans early.  The scan
keeps its rows as before (:meth:`ForeignScan.rows`) where

- the FROM clause is computed again for an enclosing level's values (correlated),
- the query level can run more than once (a sub-select in an expression, a WITH body),
- a scan yet to run may take its join keys from it (dynamic filtering reads its rows), or
- the query level reads tables of several servers: its scans are then fetched at the same
  time (:mod:`fdwsh.exec.parallel`), which a stream read in turn would serialise.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fdwsh.exec.from_foreign import ForeignScan
    from fdwsh.exec.local_select import Analyzer

Row = tuple[Any, ...]


def read_once(an: Analyzer) -> bool:
    """Whether the query level being analysed runs at most once per statement."""
    return not an._frames and not an.ctes


def scan_rows(an: Analyzer, scan: ForeignScan, kept: Callable[[Row], Iterable[Row]],
              reread: Callable[[], bool]) -> Callable[[Row], Iterable[Row]]:
    """A FROM node's rows for ``scan``: streamed where that is safe (see the module
    docstring), else ``kept`` (``reread``: whether the FROM clause is computed again)."""
    once = read_once(an)

    def rows(prefix: Row) -> Iterable[Row]:
        if once and not reread():
            return _when_read(an, scan, kept, prefix)
        return kept(prefix)
    return rows


def _when_read(an: Analyzer, scan: ForeignScan, kept: Callable[[Row], Iterable[Row]],
               prefix: Row) -> Iterator[Row]:
    """The rows, streamed or kept as decided when the first is read (a join asks both sides
    for their rows before it reads either: by then, the partner scan of a dynamic filter may
    have run)."""
    yield from scan.stream(an) if _streamable(scan, an.ps.services) else kept(prefix)


def _streamable(scan: ForeignScan, services: Any) -> bool:
    from fdwsh.exec.dynamic_filter import goes_first

    plan = scan.plan
    if plan is None or scan.fetched is not None:
        return False
    partners = [plan.scans.get(id(link.probe.node)) for link in plan.links
                if id(link.build.node) == scan.node_id]
    if any(p is not None and p.fetched is None and plan.key_limit > 0
           and goes_first(scan, p, plan.key_limit, services) for p in partners):
        return False  # a scan yet to run will take its join keys from this one's rows
    level = plan.levels.get(scan.node_id)
    servers = {s.server for node, s in plan.scans.items() if plan.levels.get(node) == level}
    return len(servers) <= 1


def closing_slice(rows: Iterator[Row], start: int, stop: int | None) -> Iterator[Row]:
    """``rows[start:stop]``, closing ``rows`` as soon as the slice is done (LIMIT: the scans
    under it stop, their remote queries are cancelled, spill files removed)."""
    try:
        yield from itertools.islice(rows, start, stop)
    finally:
        close = getattr(rows, "close", None)
        if close is not None:
            close()


def level_stream(evaluate: Callable[[], Iterator[Row]], specs: list[Any], width: int,
                 offset: int | None, limit: int | None) -> Callable[[], Iterator[Row]]:
    """A query level's rows as a stream: its evaluated rows (select list and ORDER BY
    columns), sorted (an external merge sort past WORK_MEM), OFFSET and LIMIT applied."""
    from fdwsh.exec.sorting import sort_stream

    def stream() -> Iterator[Row]:
        rows = evaluate()
        if specs:
            rows = (row[:width] for row in sort_stream(rows, specs))
        end = None if limit is None else (offset or 0) + limit
        return closing_slice(rows, offset or 0, end)
    return stream
