"""Streaming: ``COPY (SELECT * FROM big) TO STDOUT`` writes a 1M-row foreign table in bounded
memory — rows are written as they arrive, never all held at once.

The peak resident set size of fdwsh (as in tests/test_query_memory.py) must stay under a fixed
bound, and close to what the same COPY of 10 rows needs.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.remote_bed import (QueryBed, big_remote_table, query_bed,  # noqa: F401
                              run_measured)

ROWS = 1_000_000
PEAK_BOUND_KB = 150 * 1024
GROWTH_BOUND_KB = 40 * 1024


@pytest.fixture(scope="module")
def big_catalog(query_bed: QueryBed, tmp_path_factory: pytest.TempPathFactory  # noqa: F811
                ) -> Iterator[Path]:
    with big_remote_table(query_bed, tmp_path_factory.mktemp("copybig"), "copy_big",
                          "SELECT g AS id, md5(g::text) AS label, (g * 1.5)::numeric(12,1) AS"
                          f" amount FROM generate_series(1, {ROWS}) g",
                          "id int, label text, amount numeric(12,1)") as catalog:
        yield catalog


@pytest.mark.parametrize("options", ["", "(FORMAT csv, HEADER)"])
def test_a_million_rows_copy_to_stdout_in_bounded_memory(
        query_bed: QueryBed, big_catalog: Path, tmp_path: Path,  # noqa: F811
        options: str) -> None:
    big_out, small_out = tmp_path / "big.out", tmp_path / "small.out"
    big = run_measured(query_bed, big_catalog, big_out, "-c",
                       f"COPY (SELECT * FROM copy_big) TO STDOUT {options}")
    small = run_measured(query_bed, big_catalog, small_out, "-c",
                         f"COPY (SELECT * FROM copy_big WHERE id <= 10) TO STDOUT {options}")
    with big_out.open() as handle:
        lines = sum(1 for _ in handle)
    assert lines == ROWS + (1 if options else 0)
    assert big < PEAK_BOUND_KB, f"peak RSS {big} KB"
    assert big - small < GROWTH_BOUND_KB, f"peak RSS {big} KB vs {small} KB for 10 rows"
