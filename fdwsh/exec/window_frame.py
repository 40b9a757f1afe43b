"""Window frames: where each row's frame starts and ends within its partition
(nodeWindowAgg.c update_frameheadpos / update_frametailpos of PostgreSQL 15), the EXCLUDE
options, and the in_range support functions RANGE offsets compare with.

A partition is a list of rows already in window order with their peer groups (rows equal
under ORDER BY).  :func:`frame_bounds` gives, per position, the head (first row of the frame)
and the tail (one past the last), both clamped to the partition: ROWS counts rows, GROUPS
counts peer groups, RANGE compares the single ORDER BY value with in_range(), scanning
forward from the previous row's bound exactly as the executor does, so NULL ordering values
(a peer group of their own, first or last) frame the same way.  An empty frame has
head >= tail.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pglast import enums as E

from fdwsh.exec import pgerrors as PE
from fdwsh.sql import oids as T
from fdwsh.sql.pstate import error

InRange = Callable[[Any, Any, Any, bool, bool], bool]


@dataclass(slots=True)
class Peers:
    """A partition's peer groups: ``gid[p]`` the group of position p, ``groups[g]`` its
    (start, end) positions."""

    gid: list[int]
    groups: list[tuple[int, int]]

    def start(self, p: int) -> int:
        return self.groups[self.gid[p]][0]

    def end(self, p: int) -> int:
        return self.groups[self.gid[p]][1]


def peer_groups(keys: list[Any]) -> Peers:
    """Consecutive equal ORDER BY keys form a peer group."""
    gid: list[int] = []
    groups: list[tuple[int, int]] = []
    for p, key in enumerate(keys):
        if p == 0 or key != keys[p - 1]:
            if groups:
                groups[-1] = (groups[-1][0], p)
            groups.append((p, p))
        gid.append(len(groups) - 1)
    if groups:
        groups[-1] = (groups[-1][0], len(keys))
    return Peers(gid, groups)


@dataclass(slots=True)
class FrameSpec:
    """A window's frame options with its offsets' values (computed once per scan)."""

    options: int
    start: Any = None
    end: Any = None
    in_range: InRange | None = None
    ascending: bool = True
    nulls_first: bool = False

    @property
    def exclusion(self) -> int:
        return self.options & (E.FRAMEOPTION_EXCLUDE_CURRENT_ROW | E.FRAMEOPTION_EXCLUDE_GROUP
                               | E.FRAMEOPTION_EXCLUDE_TIES)


def frame_bounds(spec: FrameSpec, peers: Peers, values: list[Any]
                 ) -> tuple[list[int], list[int]]:
    """(heads, tails) of every position; ``values`` are the RANGE ORDER BY column's."""
    n = len(peers.gid)
    opts = spec.options
    ranged = bool(opts & E.FRAMEOPTION_RANGE)
    if ranged and opts & (E.FRAMEOPTION_START_OFFSET_PRECEDING
                          | E.FRAMEOPTION_START_OFFSET_FOLLOWING):
        heads = _range_heads(spec, values, bool(opts & E.FRAMEOPTION_START_OFFSET_PRECEDING))
    else:
        heads = [_head(spec, peers, p, n) for p in range(n)]
    if ranged and opts & (E.FRAMEOPTION_END_OFFSET_PRECEDING
                          | E.FRAMEOPTION_END_OFFSET_FOLLOWING):
        tails = _range_tails(spec, values, bool(opts & E.FRAMEOPTION_END_OFFSET_PRECEDING))
    else:
        tails = [_tail(spec, peers, p, n) for p in range(n)]
    return heads, tails


def _head(spec: FrameSpec, peers: Peers, p: int, n: int) -> int:
    opts = spec.options
    if opts & E.FRAMEOPTION_START_UNBOUNDED_PRECEDING:
        return 0
    if opts & E.FRAMEOPTION_START_CURRENT_ROW:
        return p if opts & E.FRAMEOPTION_ROWS else peers.start(p)
    back = opts & E.FRAMEOPTION_START_OFFSET_PRECEDING
    if opts & E.FRAMEOPTION_ROWS:
        return max(p - spec.start, 0) if back else min(p + spec.start, n)
    g = peers.gid[p] + (-spec.start if back else spec.start)  # GROUPS
    if g < 0:
        return 0
    return peers.groups[g][0] if g < len(peers.groups) else n


def _tail(spec: FrameSpec, peers: Peers, p: int, n: int) -> int:
    opts = spec.options
    if opts & E.FRAMEOPTION_END_UNBOUNDED_FOLLOWING:
        return n
    if opts & E.FRAMEOPTION_END_CURRENT_ROW:
        return p + 1 if opts & E.FRAMEOPTION_ROWS else peers.end(p)
    back = opts & E.FRAMEOPTION_END_OFFSET_PRECEDING
    if opts & E.FRAMEOPTION_ROWS:
        return max(p - spec.end + 1, 0) if back else min(p + spec.end + 1, n)
    g = peers.gid[p] + (-spec.end if back else spec.end)  # GROUPS
    if g < 0:
        return 0
    return peers.groups[g][1] if g < len(peers.groups) else n


def _range_heads(spec: FrameSpec, values: list[Any], preceding: bool) -> list[int]:
    """The first row satisfying in_range relative to the current row (sort-direction
    relative); NULLs are only ever in range of NULLs."""
    sub, less = preceding, False
    if not spec.ascending:
        sub, less = not sub, True
    check = spec.in_range
    assert check is not None
    heads, h, n = [], 0, len(values)
    for cur in values:
        while h < n:
            v = values[h]
            if v is None or cur is None:
                if spec.nulls_first:
                    if v is not None or cur is None:
                        break
                elif v is None or cur is not None:
                    break
            elif check(v, cur, spec.start, sub, less):
                break
            h += 1
        heads.append(h)
    return heads


def _range_tails(spec: FrameSpec, values: list[Any], preceding: bool) -> list[int]:
    """One past the last row satisfying in_range relative to the current row."""
    sub, less = preceding, True
    if not spec.ascending:
        sub, less = not sub, False
    check = spec.in_range
    assert check is not None
    tails, t, n = [], 0, len(values)
    for cur in values:
        while t < n:
            v = values[t]
            if v is None or cur is None:
                if spec.nulls_first:
                    if v is not None:
                        break
                elif cur is not None:
                    break
            elif not check(v, cur, spec.end, sub, less):
                break
            t += 1
        tails.append(t)
    return tails


def excluded(spec: FrameSpec, peers: Peers, p: int) -> Callable[[int], bool]:
    """Whether position q is left out of position p's frame by EXCLUDE."""
    how = spec.exclusion
    if how == E.FRAMEOPTION_EXCLUDE_CURRENT_ROW:
        return lambda q: q == p
    start, end = peers.start(p), peers.end(p)
    if how == E.FRAMEOPTION_EXCLUDE_GROUP:
        return lambda q: start <= q < end
    return lambda q: start <= q < end and q != p  # EXCLUDE TIES


# ---------------------------------------------------------------------------------------------
# in_range support functions


def _bad_size() -> Exception:
    return PE.invalid("invalid preceding or following size in window function", "22013")


def _compare(val: Any, total: Any, less: bool) -> bool:
    return val <= total if less else val >= total


def _in_range_int(val: int, base: int, offset: int, sub: bool, less: bool) -> bool:
    """in_range_int8_int8() and friends, whose overflow rule exact arithmetic agrees with."""
    if offset < 0:
        raise _bad_size()
    return _compare(val, base - offset if sub else base + offset, less)


def _in_range_float(val: float, base: float, offset: float, sub: bool, less: bool) -> bool:
    """in_range_float8_float8(): NaN sorts last; +inf infinitely precedes +inf."""
    if math.isnan(offset) or offset < 0:
        raise _bad_size()
    if math.isnan(val):
        return True if math.isnan(base) else not less
    if math.isnan(base):
        return less
    if math.isinf(offset) and math.isinf(base) and (base > 0 if sub else base < 0):
        return True
    return _compare(float(val), base - offset if sub else base + offset, less)


def _in_range_numeric(val: Decimal, base: Decimal, offset: Decimal, sub: bool, less: bool
                      ) -> bool:
    """in_range_numeric_numeric() with its NaN and infinity rules."""
    if offset.is_nan() or offset < 0:
        raise _bad_size()
    if val.is_nan():
        return True if base.is_nan() else not less
    if base.is_nan():
        return less
    if offset.is_infinite():
        if (base > 0 if sub else base < 0) and base.is_infinite():
            return True
        if sub:
            return val.is_infinite() and val < 0 if less else True
        return True if less else val.is_infinite() and val > 0
    if val.is_infinite():
        if val == base:
            return True
        return not less if val > 0 else less
    if base.is_infinite():
        return not less if base < 0 else less
    return _compare(val, base - offset if sub else base + offset, less)


def _operator(name: str, left: int, right: int, ctx: Any) -> Callable[..., Any]:
    from fdwsh.exec.functions import implementation
    from fdwsh.sql.pgproc import operator
    from fdwsh.sql import ir
    op = operator(name, left, right)
    assert op is not None
    return implementation(op, ir.OpExpr(op, (), op.result), ctx)  # factories read node.op


def _in_range_datetime(column: int, ctx: Any) -> InRange:
    """in_range_{date,timestamp,timestamptz,interval}_interval(): base ± offset with the
    type's own arithmetic (a date as the timestamp of its midnight)."""
    from fdwsh.exec.fn_compare import sort_key
    from fdwsh.types.interval import Interval
    plus = _operator("+", column, T.INTERVAL, ctx)
    minus = _operator("-", column, T.INTERVAL, ctx)
    result = T.TIMESTAMP if column == T.DATE else column
    key = sort_key(result) or (lambda v: v)
    zero = Interval()

    def check(val: Any, base: Any, offset: Any, sub: bool, less: bool) -> bool:
        if offset.cmp_key() < 0:
            raise _bad_size()
        total = minus(base, offset) if sub else plus(base, offset)
        if column == T.DATE:
            val = plus(val, zero)
        return _compare(key(val), key(total), less)
    return check


def in_range_function(column: int, ctx: Any) -> InRange:
    """The in_range comparison for RANGE offsets over an ORDER BY column of this type."""
    if column in (T.INT2, T.INT4, T.INT8):
        return _in_range_int  # type: ignore[return-value]
    if column in (T.FLOAT4, T.FLOAT8):
        return _in_range_float  # type: ignore[return-value]
    if column == T.NUMERIC:
        return _in_range_numeric  # type: ignore[return-value]
    if column in (T.DATE, T.TIMESTAMP, T.TIMESTAMPTZ, T.INTERVAL):
        return _in_range_datetime(column, ctx)
    from fdwsh.pgtypes import format_type
    raise error(f"RANGE with offset PRECEDING/FOLLOWING over type {format_type(column)} is "
                "not supported locally", "0A000")
