"""Streaming: ``COPY (SELECT * FROM big) TO STDOUT`` writes a 1M-row foreign table in bounded
memory — rows are written as they arrive, never all held at once (text and CSV).

fdwsh's peak resident set size (measured as in tests/test_query_memory.py) must stay under a
fixed bound, and close to what the same COPY of 10 rows needs.
"""

from __future__ import annotations

from pathlib import Path

from tests.remote_bed import QueryBed, big_remote_table, query_bed, run_measured  # noqa: F401

ROWS = 1_000_000
PEAK_BOUND_KB = 150 * 1024
GROWTH_BOUND_KB = 40 * 1024
SELECT = ("SELECT g AS id, md5(g::text) AS label, (g * 1.5)::numeric(12,1) AS amount "
          f"FROM generate_series(1, {ROWS}) g")


def test_a_million_rows_copy_to_stdout_in_bounded_memory(
        query_bed: QueryBed, tmp_path: Path) -> None:  # noqa: F811
    with big_remote_table(query_bed, tmp_path, "copy_big", SELECT,
                          "id int, label text, amount numeric(12,1)") as catalog:
        for options, extra_lines in (("", 0), ("(FORMAT csv, HEADER)", 1)):
            big_out, small_out = tmp_path / "big.out", tmp_path / "small.out"
            big = run_measured(query_bed, catalog, big_out, "-c",
                               f"COPY (SELECT * FROM copy_big) TO STDOUT {options}")
            small = run_measured(query_bed, catalog, small_out, "-c",
                                 f"COPY (SELECT * FROM copy_big WHERE id <= 10) TO STDOUT "
                                 f"{options}")
            with big_out.open() as handle:
                assert sum(1 for _ in handle) == ROWS + extra_lines
            assert big < PEAK_BOUND_KB, f"peak RSS {big} KB"
            assert big - small < GROWTH_BOUND_KB, f"{big} KB vs {small} KB for 10 rows"
