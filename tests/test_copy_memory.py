"""Streaming: ``COPY (SELECT * FROM big) TO STDOUT`` writes a 1M-row foreign table in bounded
memory — rows are written as they arrive, never all held at once (text and CSV).

fdwsh's peak resident set size (measured as in tests/test_query_memory.py) must stay under a
fixed bound, and close to what the same COPY of 10 rows needs.
"""

from __future__ import annotations

from pathlib import Path

from tests.copy_bed import CopyBed, copy_bed  # noqa: F401
from tests.remote_bed import run_measured

ROWS = 1_000_000
PEAK_BOUND_KB = 150 * 1024
GROWTH_BOUND_KB = 40 * 1024


def test_a_million_rows_copy_to_stdout_in_bounded_memory(
        copy_bed: CopyBed, tmp_path: Path) -> None:  # noqa: F811
    copy_bed.reset()
    copy_bed.remote(f"INSERT INTO big SELECT g, md5(g::text) FROM generate_series(1, {ROWS}) g")
    for options, extra_lines in (("", 0), ("(FORMAT csv, HEADER)", 1)):
        big_out, small_out = tmp_path / "big.out", tmp_path / "small.out"
        big = run_measured(copy_bed, copy_bed.catalog, big_out, "-c",
                           f"COPY (SELECT * FROM big) TO STDOUT {options}")
        small = run_measured(copy_bed, copy_bed.catalog, small_out, "-c",
                             f"COPY (SELECT * FROM big WHERE id <= 10) TO STDOUT {options}")
        with big_out.open() as handle:
            assert sum(1 for _ in handle) == ROWS + extra_lines
        assert big < PEAK_BOUND_KB, f"peak RSS {big} KB"
        assert big - small < GROWTH_BOUND_KB, f"{big} KB vs {small} KB for 10 rows"
    copy_bed.reset()
