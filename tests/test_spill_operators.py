"""Each spilling operator on its own, with NULLs and empty inputs: the hash join of every
kind, the hash aggregate's grouping and the sort give the same rows whether they fit in
memory (WORK_MEM 256MB) or spill (64kB), and a spilled operator leaves no file."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from fdwsh.exec import joins
from fdwsh.exec.memory import limited
from fdwsh.exec.sorting import SortSpec, sort_stream
from fdwsh.exec.spill import SpillStats
from fdwsh.exec.spill_agg import hash_groups
from fdwsh.sql import ir
from fdwsh.sql import oids as T

SMALL, LARGE = 64, 256 * 1024


@pytest.fixture(autouse=True)
def temp_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    return tmp_path


def rows(n: int, seed: int, nulls: bool = True) -> list[tuple[Any, ...]]:
    rnd = random.Random(seed)
    return [(None if nulls and i % 11 == 0 else rnd.randrange(n // 3 + 1), f"v{i}" * 3)
            for i in range(n)]


def key(row: tuple[Any, ...]) -> Any:
    return None if row[0] is None else (row[0],)


def join(kind: str, outer: list[Any], inner: list[Any], kb: int) -> tuple[Counter[Any], Any]:
    stats = SpillStats()
    match = (lambda left, right: len(left[1]) + len(right[1]) != 13)  # a join filter too
    with limited(kb):
        out = Counter(joins.hash_join(kind, iter(outer), iter(inner), key, key, match, (2, 2),
                                      stats))
    return out, stats


@pytest.mark.parametrize("kind", [joins.INNER, joins.LEFT, joins.RIGHT, joins.FULL])
@pytest.mark.parametrize("sizes", [(3000, 2000), (0, 2000), (3000, 0), (0, 0)],
                         ids=["both", "empty outer", "empty inner", "both empty"])
def test_a_spilled_hash_join_gives_the_in_memory_rows(
        temp_dir: Path, kind: str, sizes: tuple[int, int]) -> None:
    outer, inner = rows(sizes[0], 1), rows(sizes[1], 2)
    expected, kept = join(kind, outer, inner, LARGE)
    got, spilled = join(kind, outer, inner, SMALL)
    assert got == expected
    assert not kept.spilled and spilled.spilled == (len(inner) > 0)
    assert list(temp_dir.iterdir()) == []


def test_null_keys_never_match_but_outer_joins_keep_them() -> None:
    outer, inner = [(None, "a"), (1, "b")], [(None, "c"), (1, "d")]
    for kb in (LARGE, SMALL):
        got, _ = join(joins.FULL, outer * 500, inner * 500, kb)
        assert got[(None, "a", None, None)] == 500 and got[(None, None, None, "c")] == 500
        assert got[(1, "b", 1, "d")] == 500 * 500


class Count:
    """count(*) and a list of the values seen, as aggregate states."""

    def new_state(self) -> Any:
        return [0, []]

    def accumulate(self, state: Any, row: tuple[Any, ...]) -> Any:
        state[0] += 1
        state[1].append(row[1])
        return state


def groups(data: list[Any], kb: int, stats: SpillStats) -> dict[tuple[int, Any], Any]:
    hashers = [lambda values: (values[0],), lambda values: ()]  # GROUP BY k, and ()
    with limited(kb):
        return {(index, k): (state[0], sorted(state[1]))
                for index, table in hash_groups(iter(data), [lambda r: r[0]], [Count()],
                                                hashers, stats)
                for k, (_, (state,)) in table.items()}


@pytest.mark.parametrize("n", [0, 1, 5000])
def test_a_spilled_hash_aggregate_gives_the_in_memory_groups(temp_dir: Path, n: int) -> None:
    data = rows(n, 3)
    kept, spilled = SpillStats(), SpillStats()
    assert groups(data, SMALL, spilled) == groups(data, LARGE, kept)
    assert spilled.spilled == (n > 1000) and not kept.spilled
    if n > 1000:
        assert spilled.batches > 1 and spilled.disk_kb > 0
    assert list(temp_dir.iterdir()) == []


@pytest.mark.parametrize("n", [0, 1, 6000])
def test_an_external_sort_gives_the_in_memory_order(temp_dir: Path, n: int) -> None:
    data = rows(n, 4)
    specs = [SortSpec(0, ir.Var(0, T.INT4), True, False, False, None),  # DESC NULLS LAST
             SortSpec(1, ir.Var(1, T.TEXT), False, True, False, None)]
    stats = SpillStats()
    with limited(SMALL):
        got = list(sort_stream(iter(data), specs, stats))
    with limited(LARGE):
        expected = list(sort_stream(iter(data), specs))
    assert got == expected and len(got) == n
    assert stats.spilled == (n > 1000)
    assert [r[0] for r in got if r[0] is not None] == \
        sorted((r[0] for r in data if r[0] is not None), reverse=True)
    assert all(r[0] is None for r in got[len(got) - sum(r[0] is None for r in data):])
    assert list(temp_dir.iterdir()) == []
