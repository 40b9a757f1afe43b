"""``INSERT INTO ft SELECT * FROM <a table of another server>`` streams: 500,000 rows go from
one server to the other in bounded memory (relayed as remote text, sent by COPY in chunks),
close to what the same statement needs for 10 rows, and all of them arrive."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT, fdwsh_env
from tests.dml_bed import DmlBed
from tests.pgcluster import Cluster
from tests.remote_bed import _MEASURE

ROWS = 500_000
GROWTH_BOUND_KB = 40 * 1024


def _peak_kb(bed: DmlBed, sql: str) -> tuple[int, str]:
    env = {**fdwsh_env(), "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-c", _MEASURE, sys.executable, "-m", "fdwsh", "-X",
                           "-U", "postgres", "--catalog", str(bed.catalog), "-c", sql],
                          env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout
    return int(proc.stderr), proc.stdout


def test_half_a_million_rows_move_between_servers_in_bounded_memory(
        pg: Cluster, tmp_path: Path) -> None:
    bed = DmlBed.create(pg, tmp_path)
    pg.psql(f"CREATE TABLE src AS SELECT g AS id, md5(g::text) AS label,"
            f" (g * 1.5)::numeric(12,1) AS amount FROM generate_series(1, {ROWS}) g",
            bed.b, check=True)
    bed.remote("CREATE TABLE dst (id int, label text, amount numeric(12,1))")
    made = bed.fdwsh("-c", "CREATE FOREIGN TABLE src (id int, label text, amount numeric(12,1))"
                     " SERVER s2", "-c", "CREATE FOREIGN TABLE dst (id int, label text,"
                     " amount numeric(12,1)) SERVER s").stdout
    assert made == "CREATE FOREIGN TABLE\nCREATE FOREIGN TABLE\n"
    small, out = _peak_kb(bed, "INSERT INTO dst SELECT * FROM src WHERE id <= 10")
    assert out == "INSERT 0 10\n"
    peak, out = _peak_kb(bed, "INSERT INTO dst SELECT * FROM src WHERE id > 10")
    assert out == f"INSERT 0 {ROWS - 10}\n"
    assert peak - small < GROWTH_BOUND_KB, f"peak RSS {peak} KB, {small} KB for 10 rows"
    assert bed.remote("SELECT count(*), sum(id), sum(amount), count(DISTINCT label) FROM dst") == \
        pg.psql("SELECT count(*), sum(id), sum(amount), count(DISTINCT label) FROM src", bed.b,
                "-At", check=True).stdout
