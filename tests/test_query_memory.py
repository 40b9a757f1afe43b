"""Streaming: ``fdwsh -c "SELECT * FROM big" --csv > file`` writes a 1M-row foreign table in
bounded memory — rows go to the output as they arrive, never all held at once.

The peak resident set size (the kernel's VmHWM, as ``getrusage(RUSAGE_CHILDREN).ru_maxrss``
of a wrapper process whose only child is fdwsh) must stay under a fixed bound, and close to
what the same fdwsh needs for a 10-row result.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.remote_bed import (QueryBed, big_remote_table, query_bed,  # noqa: F401
                              run_measured)

ROWS = 1_000_000
PEAK_BOUND_KB = 150 * 1024
#: How much more than a 10-row query the 1M-row one may need (a full result held in memory
#: would take several hundred MB).
GROWTH_BOUND_KB = 40 * 1024

@pytest.fixture(scope="module")
def big_catalog(query_bed: QueryBed, tmp_path_factory: pytest.TempPathFactory  # noqa: F811
                ) -> Iterator[Path]:
    """A remote table ``big`` of 1M rows (4 columns), declared in a copy of the bed's catalog."""
    with big_remote_table(query_bed, tmp_path_factory.mktemp("big"), "big",
                          "SELECT g AS id, g % 1000 AS grp, md5(g::text) AS label,"
                          f" (g * 1.5)::numeric(12,1) AS amount FROM generate_series(1, {ROWS}) g",
                          "id int, grp int, label text, amount numeric(12,1)") as catalog:
        yield catalog


@pytest.mark.parametrize("flags, header, footer", [
    (["--csv"], "id,grp,label,amount", None),
    (["-A"], "id|grp|label|amount", f"({ROWS} rows)"),
], ids=["csv", "unaligned"])
def test_a_million_rows_stream_to_a_file_in_bounded_memory(
        query_bed: QueryBed, big_catalog: Path, tmp_path: Path,  # noqa: F811
        flags: list[str], header: str, footer: str | None) -> None:
    small = run_measured(query_bed, big_catalog, tmp_path / "small.out", *flags,
                         "-c", "SELECT * FROM big WHERE id <= 10")
    peak = run_measured(query_bed, big_catalog, tmp_path / "big.out", *flags,
                        "-c", "SELECT * FROM big")
    assert peak < PEAK_BOUND_KB, f"peak RSS {peak} KB"
    assert peak - small < GROWTH_BOUND_KB, f"peak RSS {peak} KB, {small} KB for 10 rows"

    with (tmp_path / "big.out").open() as f:
        lines = f.read().splitlines()
    assert lines[0] == header
    if footer is not None:
        assert lines[-1] == footer
        lines.pop()
    rows = lines[1:]
    assert len(rows) == ROWS
    ids = [int(line.split(header[2], 1)[0]) for line in rows]
    assert sum(ids) == ROWS * (ROWS + 1) // 2 and min(ids) == 1 and max(ids) == ROWS
    sample = next(line for line in rows if line.startswith(f"777{header[2]}"))
    assert sample == header[2].join(["777", "777", "f1c1592588411002af340cbaedd6fc33", "1165.5"])


def test_a_query_fdwsh_runs_itself_streams_in_bounded_memory_too(
        query_bed: QueryBed, big_catalog: Path, tmp_path: Path) -> None:  # noqa: F811
    """random() keeps the query local: the scan's rows go through fdwsh's executor, one pass,
    none kept."""
    sql = "SELECT id, label, random() >= 0 AS ok FROM big WHERE grp < 500"
    small = run_measured(query_bed, big_catalog, tmp_path / "small.out", "--csv",
                         "-c", sql + " AND id <= 10")
    peak = run_measured(query_bed, big_catalog, tmp_path / "big.out", "--csv", "-c", sql)
    assert peak < PEAK_BOUND_KB, f"peak RSS {peak} KB"
    assert peak - small < GROWTH_BOUND_KB, f"peak RSS {peak} KB, {small} KB for 10 rows"
    with (tmp_path / "big.out").open() as f:
        lines = f.read().splitlines()
    assert lines[0] == "id,label,ok" and len(lines) == ROWS // 2 + 1
    assert all(line.endswith(",t") for line in lines[1:])
