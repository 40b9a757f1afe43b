"""Streaming joins and spilling with foreign tables: a hash join keeps only its build side
and streams its probe side, so LIMIT stops a big scan early (its remote query cancelled), a
build side past WORK_MEM spills instead of growing the process, and the spill files are
removed even when Ctrl-C stops the statement.

``random() >= 0`` in an ON condition keeps a join of one server's tables local (a volatile
function is not sent).  The remote tables are this module's own (created and dropped here)."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pexpect
import pytest

from tests.conftest import ROOT
from tests.remote_bed import QueryBed, query_bed, run_measured  # noqa: F401
from tests.test_query_interrupt import LINE_READ, PROMPT, plain, remote_activity, run

ROWS = 300_000
#: 100 000 rows, each costing the remote a pg_sleep: reading them all takes minutes.
SLOW = ("CREATE VIEW spill_slow AS SELECT g AS id, g % 10 AS grp FROM generate_series(1, 100000) g "
        "WHERE pg_sleep(0.0005) IS NOT NULL")
TABLES = {
    "spill_big": ("SELECT g AS id, g % 1000 AS grp, md5(g::text) AS label "
                  f"FROM generate_series(1, {ROWS}) g", "id int, grp int, label text"),
    "spill_small": ("SELECT g AS k, 'r' || g AS name FROM generate_series(0, 9) g",
                    "k int, name text"),
}


@pytest.fixture(scope="module")
def catalog(query_bed: QueryBed, tmp_path_factory: pytest.TempPathFactory  # noqa: F811
            ) -> Iterator[Path]:
    """The tables above and the slow view on the remote, declared in a copy of the catalog."""
    for name, (select, _) in TABLES.items():
        query_bed.remote(f"DROP TABLE IF EXISTS {name}; CREATE TABLE {name} AS {select}")
    query_bed.remote(f"DROP VIEW IF EXISTS spill_slow; {SLOW}")
    path = query_bed.catalog_copy(tmp_path_factory.mktemp("spill"))
    declared = query_bed.fdwsh(
        *(arg for name, (_, cols) in TABLES.items()
          for arg in ("-c", f"CREATE FOREIGN TABLE {name} ({cols}) SERVER loopback")),
        "-c", "CREATE FOREIGN TABLE spill_slow (id int, grp int) SERVER loopback",
        catalog=path)
    assert declared.stdout == "CREATE FOREIGN TABLE\n" * 3
    yield path
    query_bed.remote("DROP VIEW spill_slow; DROP TABLE spill_big, spill_small")


def test_limit_over_a_join_stops_the_streamed_scan_and_cancels_it(
        query_bed: QueryBed, catalog: Path) -> None:  # noqa: F811
    sql = ("SELECT s.id, r.name FROM spill_slow s JOIN spill_small r "
           "ON s.grp = r.k AND random() >= 0 LIMIT 5;")
    with _shell(query_bed, catalog) as shell:
        started = time.monotonic()
        out = run(shell, sql)
        assert time.monotonic() - started < 10  # all rows would take minutes
        assert out.strip().splitlines()[-7:] == [
            "----+------", "  1 | r1", "  2 | r2", "  3 | r3", "  4 | r4", "  5 | r5",
            "(5 rows)"]
        assert remote_activity(query_bed) == ["idle"]  # the scan was cancelled, not drained


def test_a_join_whose_build_side_exceeds_work_mem_runs_in_bounded_memory(
        query_bed: QueryBed, catalog: Path, tmp_path: Path) -> None:  # noqa: F811
    sql = "SELECT a.id, b.label FROM spill_big a JOIN spill_big b ON a.id = b.id AND random() >= 0"
    held = run_measured(query_bed, catalog, tmp_path / "held.csv", "--csv", "-c", sql)
    spilled = run_measured(query_bed, catalog, tmp_path / "spilled.csv", "--csv",
                           "-v", "WORK_MEM=4MB", "-c", sql)
    assert spilled < 130 * 1024, f"peak RSS {spilled} KB with WORK_MEM=4MB"
    assert held - spilled > 50 * 1024, f"{held} KB held, {spilled} KB spilled"
    for name in ("held.csv", "spilled.csv"):
        lines = (tmp_path / name).read_text().splitlines()
        assert lines[0] == "id,label" and len(lines) == ROWS + 1
        assert sum(int(line.split(",")[0]) for line in lines[1:]) == ROWS * (ROWS + 1) // 2
    assert sorted((tmp_path / "held.csv").read_text().splitlines()) == \
        sorted((tmp_path / "spilled.csv").read_text().splitlines())


def test_ctrl_c_while_a_join_spills_removes_its_files(
        query_bed: QueryBed, catalog: Path, tmp_path: Path) -> None:  # noqa: F811
    spill_dir = tmp_path / "tmp"
    spill_dir.mkdir()
    with _shell(query_bed, catalog, TMPDIR=str(spill_dir)) as shell:
        run(shell, "\\set WORK_MEM 64kB")
        # the build side (20 000 generated rows) spills at once; the probe side then streams
        # from the slow view into partition files until Ctrl-C
        shell.send("SELECT s.id, b.t FROM spill_slow s JOIN (SELECT g, md5(g::text) AS t "
                   "FROM generate_series(1, 20000) g) b ON s.id = b.g AND random() >= 0;\r")
        shell.expect_exact(LINE_READ)
        deadline = time.monotonic() + 20
        while not any(spill_dir.iterdir()):  # the spill directory exists: the join spills
            assert time.monotonic() < deadline
            time.sleep(0.1)
        shell.sendcontrol("c")
        shell.expect_exact(PROMPT)
        assert plain(shell.before).strip().endswith(
            "ERROR:  canceling statement due to user request")
        assert list(spill_dir.iterdir()) == []
        # no query left running (Ctrl-C outside a remote read closes the connection)
        assert "active" not in remote_activity(query_bed)
        assert "(1 row)" in run(shell, "SELECT count(*) FROM spill_small;")


class _shell:
    """An interactive fdwsh on ``catalog`` (``with``: at its first prompt, closed after)."""

    def __init__(self, bed: QueryBed, catalog: Path, **env: str) -> None:  # noqa: F811
        self.env = {**bed.fdwsh_env(), "PROMPT_TOOLKIT_NO_CPR": "1", "TERM": "xterm-256color",
                    "COLUMNS": "100", "LINES": "30", **env}
        self.argv = bed.fdwsh_command(catalog=catalog)[1:]

    def __enter__(self) -> pexpect.spawn:
        self.child = pexpect.spawn(sys.executable, self.argv, env=self.env, cwd=str(ROOT),
                                   encoding="utf-8", timeout=30, dimensions=(30, 100))
        self.child.expect_exact(PROMPT)
        return self.child

    def __exit__(self, *exc: object) -> None:
        self.child.close(force=True)
