"""The window functions over one partition (windowfuncs.c of PostgreSQL 15) and window
aggregates (nodeWindowAgg.c's eval_windowaggregates).

A :class:`Partition` holds its rows in window order, their peer groups and — computed when a
function first asks — every row's frame.  Ranking functions read the peer groups; lag/lead,
ntile and the row number count rows of the partition; first_value, last_value, nth_value and
aggregates read the frame (EXCLUDE applied).  An aggregate folds the frame's rows into its
:class:`~fdwsh.exec.aggregate.Aggregate` state (FILTER and strictness as grouping does);
while the frame's head stays and its tail only grows (the default frame, ROWS UNBOUNDED
PRECEDING, a whole partition) the state is carried from row to row instead of refolded, and
a frame equal to the previous row's (peers under the default frame) reuses its result.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fdwsh.exec import pgerrors as PE
from fdwsh.exec.aggregate import Aggregate, build_aggregate
from fdwsh.exec.eval import EvalContext
from fdwsh.exec.window_frame import FrameSpec, Peers, excluded, frame_bounds, peer_groups
from fdwsh.sql.typecheck_window import WindowFunc

Row = tuple[Any, ...]


@dataclass(slots=True)
class Call:
    """One window call: its result slot and the input columns of its arguments/FILTER."""

    node: WindowFunc
    slot: int
    args: list[int]
    filter: int | None


class Partition:
    """A partition's rows in window order, with peers and (computed when first needed)
    frames."""

    def __init__(self, rows: list[Row], frame: FrameSpec, peer_key: Callable[[Row], Any],
                 order_column: int | None) -> None:
        self.rows = rows
        self.n = len(rows)
        self.frame = frame
        self.peers: Peers = peer_groups([peer_key(r) for r in rows])
        self._order_column = order_column
        self._bounds: tuple[list[int], list[int]] | None = None

    def bounds(self, p: int) -> tuple[int, int]:
        if self._bounds is None:
            col = self._order_column
            values = [r[col] for r in self.rows] if col is not None else []
            self._bounds = frame_bounds(self.frame, self.peers, values)
        return self._bounds[0][p], self._bounds[1][p]

    def positions(self, p: int) -> list[int]:
        """The frame of position p, EXCLUDE applied."""
        head, tail = self.bounds(p)
        if not self.frame.exclusion:
            return list(range(head, tail))
        out = excluded(self.frame, self.peers, p)
        return [q for q in range(head, tail) if not out(q)]


Function = Callable[[Partition], list[Any]]


def window_function(call: Call, ctx: EvalContext) -> Function:
    node = call.node
    if node.agg is not None:
        spec = build_aggregate(node.agg, list(node.argtypes), ctx)
        return lambda part: _aggregate(part, call, spec)
    name = node.func.name
    simple = _SIMPLE.get(name)
    if simple is not None:
        return lambda part: [simple(part, p) for p in range(part.n)]
    if name in ("lag", "lead"):
        return lambda part: _lag_lead(part, call.args, name == "lead")
    return lambda part: _BY_NAME[name](part, call.args)


def _percent_rank(part: Partition, p: int) -> float:
    return part.peers.start(p) / (part.n - 1) if part.n > 1 else 0.0


_SIMPLE: dict[str, Callable[[Partition, int], Any]] = {
    "row_number": lambda part, p: p + 1,
    "rank": lambda part, p: part.peers.start(p) + 1,
    "dense_rank": lambda part, p: part.peers.gid[p] + 1,
    "percent_rank": _percent_rank,
    "cume_dist": lambda part, p: part.peers.end(p) / part.n,
}


def _ntile(part: Partition, args: list[int]) -> list[Any]:
    """window_ntile(): the bucket count is read at the partition's first row (again at the
    next while it is NULL); leading buckets take one row more when rows do not divide."""
    out: list[Any] = []
    ntile = per_bucket = boundary = remainder = 0
    for row in part.rows:
        if ntile == 0:
            buckets = row[args[0]]
            if buckets is None:
                out.append(None)
                continue
            if buckets <= 0:
                raise PE.invalid("argument of ntile must be greater than zero", "22014")
            ntile, per_bucket = 1, 0
            boundary, remainder = divmod(part.n, buckets)
            if boundary <= 0:
                boundary, remainder = 1, 0
            elif remainder:
                boundary += 1
        per_bucket += 1
        if boundary < per_bucket:
            if remainder and ntile == remainder:
                remainder, boundary = 0, boundary - 1
            ntile, per_bucket = ntile + 1, 1
        out.append(ntile)
    return out


def _lag_lead(part: Partition, args: list[int], forward: bool) -> list[Any]:
    """leadlag_common(): the offset and default are read at the current row."""
    rows, out = part.rows, []
    for p, row in enumerate(rows):
        offset = row[args[1]] if len(args) > 1 else 1
        if offset is None:
            out.append(None)
            continue
        q = p + offset if forward else p - offset
        if 0 <= q < part.n:
            out.append(rows[q][args[0]])
        else:
            out.append(row[args[2]] if len(args) > 2 else None)
    return out


def _first_value(part: Partition, args: list[int]) -> list[Any]:
    out = []
    for p in range(part.n):
        frame = part.positions(p)
        out.append(part.rows[frame[0]][args[0]] if frame else None)
    return out


def _last_value(part: Partition, args: list[int]) -> list[Any]:
    out = []
    for p in range(part.n):
        frame = part.positions(p)
        out.append(part.rows[frame[-1]][args[0]] if frame else None)
    return out


def _nth_value(part: Partition, args: list[int]) -> list[Any]:
    out = []
    for p, row in enumerate(part.rows):
        nth = row[args[1]]
        if nth is None:
            out.append(None)
            continue
        if nth <= 0:
            raise PE.invalid("argument of nth_value must be greater than zero", "22016")
        frame = part.positions(p)
        out.append(part.rows[frame[nth - 1]][args[0]] if nth <= len(frame) else None)
    return out


_BY_NAME: dict[str, Callable[[Partition, list[int]], list[Any]]] = {
    "ntile": _ntile, "first_value": _first_value, "last_value": _last_value,
    "nth_value": _nth_value,
}


def _aggregate(part: Partition, call: Call, spec: Aggregate) -> list[Any]:
    """The aggregate over each row's frame; the state carries on while the head stays and
    the tail grows, and a frame equal to the previous row's reuses its result."""
    rows, cols, filt, strict = part.rows, call.args, call.filter, spec.strict

    def fold(state: Any, positions: Any) -> Any:
        for q in positions:
            row = rows[q]
            if filt is not None and not row[filt]:
                continue
            values = [row[c] for c in cols]
            if strict and None in values:
                continue
            state = spec.step(state, *values)
        return state

    out: list[Any] = []
    state, head, tail, last, started = None, 0, 0, None, False
    for p in range(part.n):
        if part.frame.exclusion:
            out.append(_final(spec, fold(spec.init(), part.positions(p))))
            continue
        h, t = part.bounds(p)
        if started and (h, t) == (head, tail):
            out.append(last)
            continue
        if not started or h != head or t < tail:
            state, head, tail, started = spec.init(), h, h, True
        if t > tail:
            state, tail = fold(state, range(tail, t)), t
        last = _final(spec, state)
        out.append(last)
    return out


def _final(spec: Aggregate, state: Any) -> Any:
    """final() of a state that may still grow: a list result (array_agg) is copied."""
    value = spec.final(state)
    return list(value) if isinstance(value, list) else value
