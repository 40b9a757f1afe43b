"""Join algorithms of the local executor: hash join and nested loop, inner and outer.

A join combines rows of its left (outer, probe) side with rows of its right (inner) side; an
output row is ``left + right``, and an outer join pads the side without a match with NULLs
(``LEFT``: unmatched left rows, ``RIGHT``: unmatched right rows, ``FULL``: both).  A pair
matches when every hash key is equal (a NULL key never matches, as ``=`` is never true on
NULL) and the join filter — the rest of the ON condition — is true; a filter that is false or
NULL leaves both rows unmatched, so an outer join still emits them NULL-extended.

The left side is consumed as a stream; the right side is materialised once (the hash table, or
the nested loop's inner list), unless it is LATERAL, when it is recomputed for each left row.

:func:`split_hash_keys` finds the conjuncts of a condition that a hash join can use:
``l = r`` with ``l`` reading only the left side and ``r`` only the right, under an ``=`` whose
equality agrees with a hashable normal form of the values (:func:`key_normaliser`, built on
the sort keys ORDER BY and set operations use, so ``1.0 = 1`` and ``'a '::bpchar = 'a'``).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fdwsh.exec.eval import EvalContext, compile_expr
from fdwsh.exec.fn_compare import comparison, sort_key
from fdwsh.exec.fold import fold_constants
from fdwsh.exec.memory import HASH_ENTRY, RowMeter
from fdwsh.exec.plan_tree import counting_function, hash_stats, join_node, recorder
from fdwsh.exec.spill import SpillDir, SpillFile, SpillStats, partition_count, partition_of
from fdwsh.sql import ir
from fdwsh.sql import oids as T
from fdwsh.sql.pgproc import Operator

if TYPE_CHECKING:
    from fdwsh.exec.local_from import Node

Row = tuple[Any, ...]
#: Whether a (left, right) pair satisfies the join filter (None: no filter).
Match = Callable[[Row, Row], bool] | None

INNER, LEFT, RIGHT, FULL = "inner", "left", "right", "full"

#: Cross-type equalities whose operands are Python values that compare and hash alike.
_SAME_DOMAIN = (frozenset({T.INT2, T.INT4, T.INT8}), frozenset({T.FLOAT4, T.FLOAT8}),
                frozenset({T.TEXT, T.NAME}))


@dataclass(frozen=True, slots=True)
class HashKey:
    """One ``left = right`` conjunct used as a hash key."""

    left: ir.Expr
    right: ir.Expr
    op: Operator


# -- the algorithms ----------------------------------------------------------------------------


def hash_join(kind: str, outer: Iterable[Row], inner: Iterable[Row],
              outer_key: Callable[[Row], Any], inner_key: Callable[[Row], Any], match: Match,
              widths: tuple[int, int], stats: SpillStats | None = None) -> Iterator[Row]:
    """Build a hash table on ``inner`` (rows with a NULL key, None, are left out of it but
    kept for RIGHT/FULL), probe it with each ``outer`` row as it streams in.  A build side
    past WORK_MEM makes it a Grace hash join (:func:`_grace_join`)."""
    build: list[Row] = []
    meter = RowMeter(extra=HASH_ENTRY)
    source = iter(inner)
    for row in source:
        build.append(row)
        if meter.add(row):
            yield from _grace_join(kind, outer, itertools.chain(build, source), outer_key,
                                   inner_key, match, widths, stats, meter, 0)
            return
    if stats is not None:
        stats.memory_kb = max(stats.memory_kb, meter.peak_kb)
    yield from _probe(kind, outer, build, outer_key, inner_key, match, widths)


def _probe(kind: str, outer: Iterable[Row], build: list[Row],
           outer_key: Callable[[Row], Any], inner_key: Callable[[Row], Any], match: Match,
           widths: tuple[int, int]) -> Iterator[Row]:
    """The in-memory hash join of the streamed ``outer`` rows with ``build``."""
    if kind == INNER and match is None:
        yield from _probe_inner(outer, build, outer_key, inner_key)
        return
    table: dict[Any, list[int]] = {}
    for i, row in enumerate(build):
        key = inner_key(row)
        if key is not None:
            table.setdefault(key, []).append(i)
    matched = [False] * len(build) if kind in (RIGHT, FULL) else None
    right_nulls = (None,) * widths[1]
    for left in outer:
        key = outer_key(left)
        found = False
        for i in table.get(key, ()) if key is not None else ():
            right = build[i]
            if match is None or match(left, right):
                found = True
                if matched is not None:
                    matched[i] = True
                yield left + right
        if not found and kind in (LEFT, FULL):
            yield left + right_nulls
    if matched is not None:
        yield from _unmatched_right(build, matched, widths[0])


def _probe_inner(outer: Iterable[Row], build: list[Row], outer_key: Callable[[Row], Any],
                 inner_key: Callable[[Row], Any]) -> Iterator[Row]:
    """The common case without the bookkeeping of outer joins and filters: an inner join on
    its keys alone, the table holding the rows themselves."""
    table: dict[Any, list[Row]] = {}
    for row in build:
        key = inner_key(row)
        if key is not None:
            found = table.get(key)
            if found is None:
                table[key] = [row]
            else:
                found.append(row)
    get = table.get
    for left in outer:
        key = outer_key(left)
        if key is not None:
            for right in get(key, ()):
                yield left + right


#: Recursion depth past which a partition that still does not fit is joined in memory (its
#: keys are too few to split: one key's rows cannot be spread).
MAX_GRACE_DEPTH = 3


def _grace_join(kind: str, outer: Iterable[Row], inner: Iterable[Row],
                outer_key: Callable[[Row], Any], inner_key: Callable[[Row], Any],
                match: Match, widths: tuple[int, int], stats: SpillStats | None,
                meter: RowMeter, depth: int) -> Iterator[Row]:
    """Grace hash join: both sides written to partitions by the hash of their key, then each
    pair of partitions joined (a build partition too large is split again).  Rows whose key
    is NULL match nothing: they are emitted (outer joins) or dropped at once."""
    with SpillDir() as spill:
        count = partition_count(meter.bytes, meter.limit)
        builds = [spill.new_file() for _ in range(count)]
        probes = [spill.new_file() for _ in range(count)]
        left_nulls, right_nulls = (None,) * widths[0], (None,) * widths[1]
        yield from _partition(inner, inner_key, builds, depth, kind in (RIGHT, FULL),
                              lambda row: left_nulls + row)
        yield from _partition(outer, outer_key, probes, depth, kind in (LEFT, FULL),
                              lambda row: row + right_nulls)
        if stats is not None:
            stats.spilled = True
            stats.batches = max(stats.batches, count)
            stats.disk_kb = max(stats.disk_kb, spill.disk_kb)
        for build, probe in zip(builds, probes):
            yield from _join_partition(kind, probe, build, outer_key, inner_key, match,
                                       widths, stats, depth)
            spill.drop(build)
            spill.drop(probe)


def _partition(rows: Iterable[Row], key_of: Callable[[Row], Any], files: list[SpillFile],
               depth: int, keep_null: bool, pad: Callable[[Row], Row]) -> Iterator[Row]:
    """Write each row to its key's partition; a row whose key is NULL matches nothing and is
    given back NULL-extended where the join keeps it (outer side)."""
    for row in rows:
        key = key_of(row)
        if key is not None:
            files[partition_of(key, depth, len(files))].write(row)
        elif keep_null:
            yield pad(row)


def _join_partition(kind: str, probe: SpillFile, build: SpillFile,
                    outer_key: Callable[[Row], Any], inner_key: Callable[[Row], Any],
                    match: Match, widths: tuple[int, int], stats: SpillStats | None,
                    depth: int) -> Iterator[Row]:
    if build.rows == 0 and kind in (INNER, RIGHT):
        return
    rows: list[Row] = []
    meter = RowMeter(extra=HASH_ENTRY)
    source = build.read()
    for row in source:
        rows.append(row)
        if meter.add(row) and depth < MAX_GRACE_DEPTH:
            yield from _grace_join(kind, probe.read(), itertools.chain(rows, source),
                                   outer_key, inner_key, match, widths, stats, meter,
                                   depth + 1)
            return
    if stats is not None:
        stats.memory_kb = max(stats.memory_kb, meter.peak_kb)
    yield from _probe(kind, probe.read(), rows, outer_key, inner_key, match, widths)


def nested_loop(kind: str, outer: Iterable[Row], inner: Callable[[Row], Iterable[Row]],
                lateral: bool, match: Match, widths: tuple[int, int]) -> Iterator[Row]:
    """Every pair; ``inner`` gives the right rows for a left row (called once, and only when
    there is a left row or the join must emit unmatched right rows, unless ``lateral``)."""
    if lateral:  # RIGHT/FULL JOIN cannot be LATERAL (rejected at parse time)
        yield from _lateral_loop(kind == LEFT, outer, inner, match, widths[1])
        return
    build: list[Row] | None = list(inner(())) if kind in (RIGHT, FULL) else None
    matched = [False] * len(build) if build is not None else None
    right_nulls = (None,) * widths[1]
    for left in outer:
        if build is None:
            build = list(inner(()))
        found = False
        for i, right in enumerate(build):
            if match is None or match(left, right):
                found = True
                if matched is not None:
                    matched[i] = True
                yield left + right
        if not found and kind in (LEFT, FULL):
            yield left + right_nulls
    if build is not None and matched is not None:
        yield from _unmatched_right(build, matched, widths[0])


def _lateral_loop(left_outer: bool, outer: Iterable[Row], inner: Callable[[Row], Iterable[Row]],
                  match: Match, right_width: int) -> Iterator[Row]:
    right_nulls = (None,) * right_width
    for left in outer:
        found = False
        for right in inner(left):
            if match is None or match(left, right):
                found = True
                yield left + right
        if left_outer and not found:
            yield left + right_nulls


def _unmatched_right(build: list[Row], matched: list[bool], left_width: int) -> Iterator[Row]:
    left_nulls = (None,) * left_width
    for right, seen in zip(build, matched):
        if not seen:
            yield left_nulls + right


# -- choosing the algorithm -----------------------------------------------------------------


def join_rows(ctx: EvalContext, kind: str, left: Node, right: Node, cond: ir.Expr | None
              ) -> Callable[[Row], Iterable[Row]]:
    """The join's rows for a prefix row: a hash join on the equality conjuncts between the
    sides when there are any and the right side is not LATERAL, else a nested loop.  The
    function returned carries the join's EXPLAIN node as ``plan`` (:mod:`fdwsh.exec.plan_tree`;
    None when the statement is not explained)."""
    keys, rest = split_hash_keys(
        cond, range(left.offset, right.offset), range(right.offset, right.offset + right.width))
    if right.lateral:
        keys, rest = [], conjuncts(cond)
    from fdwsh.exec.join_order import build_on_left

    # an inner join of two scans builds its hash table on the smaller (ANALYZE statistics)
    swap = bool(keys) and kind == INNER and build_on_left(left, right, ctx.services)
    rec = recorder(ctx)
    plan = None if rec is None else join_node(
        kind, bool(keys), [ir.OpExpr(k.op, (k.right, k.left) if swap else (k.left, k.right),
                                     T.BOOL) for k in keys], rest,  # the outer side first
        *((right.plan, left.plan) if swap else (left.plan, right.plan)))
    if plan is not None:
        plan.consumed = conjuncts(cond)
    rows = _hashed(ctx, kind, left, right, keys, rest, hash_stats(plan), swap) if keys else \
        _looped(ctx, kind, left, right, rest)
    counted_rows = counting_function(rec, plan, rows)
    counted_rows.plan = plan  # type: ignore[attr-defined]
    return counted_rows


def _hashed(ctx: EvalContext, kind: str, left: Node, right: Node, keys: list[HashKey],
            rest: list[ir.Expr], stats: SpillStats | None, swap: bool = False
            ) -> Callable[[Row], Iterator[Row]]:
    """The hash join's rows; ``swap`` (INNER only) builds on the left side and streams the
    right one, rows still ``left + right``."""
    test = _compile_all(ctx, rest)
    widths = (left.width, right.width)
    normal = key_normaliser([k.op for k in keys])
    lkeys = [compile_expr(fold_constants(k.left, ctx), ctx) for k in keys]
    rkeys = [compile_expr(fold_constants(k.right, ctx), ctx) for k in keys]
    pad = (None,) * right.offset
    fast_rkey = _slot_key(keys, "right", right.offset)

    def hashed(prefix: Row) -> Iterator[Row]:
        match = _matcher(test, prefix)
        lrows, rrows = left.rows(prefix), right.rows(prefix + (None,) * left.width)
        lkey = _slot_key(keys, "left", len(prefix)) if fast_rkey is not None else None
        rkey = fast_rkey if lkey is not None else None
        if lkey is None or rkey is None:  # both sides' keys must have one shape
            def lkey(row: Row) -> Any:
                return normal([fn(prefix + row) for fn in lkeys])

            def rkey(row: Row) -> Any:
                return normal([fn(pad + row) for fn in rkeys])
        if not swap:
            return hash_join(kind, lrows, rrows, lkey, rkey, match, widths, stats)
        back = None if match is None else (lambda r, left_row: match(left_row, r))
        out = hash_join(INNER, rrows, lrows, rkey, lkey, back, widths[::-1], stats)
        return (row[right.width:] + row[:right.width] for row in out)
    return hashed


def _looped(ctx: EvalContext, kind: str, left: Node, right: Node, rest: list[ir.Expr]
            ) -> Callable[[Row], Iterator[Row]]:
    test = _compile_all(ctx, rest)
    widths = (left.width, right.width)

    def looped(prefix: Row) -> Iterator[Row]:
        def inner(row: Row) -> Iterable[Row]:
            return right.rows(prefix + (row if right.lateral else (None,) * left.width))
        return nested_loop(kind, left.rows(prefix), inner, right.lateral,
                           _matcher(test, prefix), widths)
    return looped


def _compile_all(ctx: EvalContext, exprs: list[ir.Expr]) -> Callable[[Row], Any] | None:
    """One function testing every conjunct (true only when all are true)."""
    if not exprs:
        return None
    fns = [compile_expr(fold_constants(e, ctx), ctx) for e in exprs]
    if len(fns) == 1:
        return fns[0]
    return lambda row: all(fn(row) is True for fn in fns)


def _matcher(test: Callable[[Row], Any] | None, prefix: Row) -> Match:
    if test is None:
        return None
    return lambda left, right: test(prefix + left + right) is True


# -- hash keys ---------------------------------------------------------------------------------


def conjuncts(cond: ir.Expr | None) -> list[ir.Expr]:
    """The operands of a (nested) AND, or the condition itself."""
    if cond is None:
        return []
    if isinstance(cond, ir.BoolExpr) and cond.boolop == "and":
        return [c for arg in cond.args for c in conjuncts(arg)]
    return [cond]


def split_hash_keys(cond: ir.Expr | None, left: range, right: range
                    ) -> tuple[list[HashKey], list[ir.Expr]]:
    """The hashable equalities between the two sides (slots ``left`` and ``right`` of the
    combined row), and the remaining conjuncts (the join filter)."""
    keys: list[HashKey] = []
    rest: list[ir.Expr] = []
    for conj in conjuncts(cond):
        key = _hash_key(conj, left, right)
        if key is None:
            rest.append(conj)
        else:
            keys.append(key)
    return keys, rest


def hash_conjuncts(cond: ir.Expr | None, left: range, right: range) -> ir.Expr | None:
    """The conjuncts of ``cond`` a hash join of the two sides can use, as one condition
    (None: none) — how a WHERE equality between two comma-listed items becomes a hash join."""
    found = [c for c in conjuncts(cond) if _hash_key(c, left, right) is not None]
    if len(found) <= 1:
        return found[0] if found else None
    return ir.BoolExpr("and", tuple(found))


def _hash_key(conj: ir.Expr, left: range, right: range, comparison_only: bool = False
              ) -> HashKey | None:
    """``conj`` as a key, when it is ``=`` between the sides; ``comparison_only``: any
    btree equality (mergejoinable), not only those :func:`key_normaliser` can hash."""
    if not (isinstance(conj, ir.OpExpr) and conj.op.name == "=" and len(conj.args) == 2
            and conj.type == T.BOOL):
        return None
    if not (comparison(conj.op) is not None if comparison_only else _hashable(conj.op)):
        return None
    a, b = conj.args
    sa, sb = _slots(a), _slots(b)
    if not sa or not sb or _volatile(conj):
        return None
    if sa <= set(left) and sb <= set(right):
        return HashKey(a, b, conj.op)
    if sa <= set(right) and sb <= set(left):
        return HashKey(b, a, conj.op)
    return None


def full_join_plannable(cond: ir.Expr | None, lo: int, mid: int, hi: int) -> bool:
    """Whether PostgreSQL can plan a FULL JOIN on ``cond``: as a merge join (every conjunct a
    constant or a btree equality between the sides) or a hash join (one hashable equality);
    a nested loop cannot emit the unmatched rows of its inner side."""
    parts = conjuncts(cond)
    for part in parts:
        if isinstance(part, ir.Const):
            continue
        if _hash_key(part, range(lo, mid), range(mid, hi), comparison_only=True) is not None:
            return True
    return all(isinstance(p, ir.Const) for p in parts)


def _hashable(op: Operator) -> bool:
    """Whether equal values under ``op`` have equal normal forms (:func:`key_normaliser`)."""
    if op.left != op.right:
        return any({op.left, op.right} <= domain for domain in _SAME_DOMAIN)
    try:
        sort_key(op.left)
    except KeyError:
        return False
    return True


def _slots(expr: ir.Expr) -> set[int]:
    found = {expr.index} if isinstance(expr, ir.Var) else set()
    for child in expr.children():
        found |= _slots(child)
    return found


def _volatile(expr: ir.Expr) -> bool:
    """A volatile call (random()) or a sub-query is evaluated per pair, in the filter."""
    if isinstance(expr, ir.SubLink):
        return True
    if isinstance(expr, ir.FuncExpr) and expr.func.volatility == "v":
        return True
    return any(_volatile(c) for c in expr.children())


def key_normaliser(ops: list[Operator]) -> Callable[[list[Any]], Any]:
    """Turns the key values of a row into a hashable key (None when one is NULL): each value
    by its type's sort key (NaN, bpchar padding, numeric scale, arrays as tuples)."""
    keys = [None if op.left != op.right else sort_key(op.left) for op in ops]

    def normal(values: list[Any]) -> Any:
        out = []
        for k, v in zip(keys, values):
            if v is None:
                return None
            out.append(_freeze(k(v) if k else v))
        return tuple(out)
    return normal


def _slot_key(keys: list[HashKey], side: str, offset: int) -> Callable[[Row], Any] | None:
    """A side's key function read straight from its row's slots, where every key of that
    side is a column (None otherwise: the compiled expressions run on the combined row).
    Both sides of a join then get keys of one shape (the value itself for one key, else a
    tuple), equal exactly when :func:`key_normaliser`'s would be."""
    exprs = [getattr(k, side) for k in keys]
    if not all(isinstance(e, ir.Var) and e.index >= offset for e in exprs):
        return None
    slots = [e.index - offset for e in exprs]
    norms = [None if k.op.left != k.op.right else sort_key(k.op.left) for k in keys]
    if len(slots) == 1:
        (slot,), (norm,) = slots, norms
        if norm is None:
            return lambda row: row[slot]  # None for NULL: no match, as normal() gives
        return lambda row: None if row[slot] is None else _freeze(norm(row[slot]))
    normal = key_normaliser([k.op for k in keys])
    return lambda row: normal([row[s] for s in slots])


def _freeze(value: Any) -> Any:
    return tuple(_freeze(v) for v in value) if isinstance(value, list) else value
