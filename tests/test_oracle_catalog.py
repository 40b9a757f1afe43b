"""Oracle tests for the catalog: the same DDL scripts through real psql (PostgreSQL 15 with
postgres_fdw) and through fdwsh give byte-identical output — command tags, notices, every error
message with its DETAIL/HINT/LINE/caret, and the ``\\d``-family listings.

fdwsh runs with ``-U postgres`` so that owners match the oracle's (which runs as postgres).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import run_fdwsh
from tests.pgcluster import Cluster

ORACLE_DIR = Path(__file__).parent / "oracle"


def run_psql_file(pg: Cluster, db: str, path: Path) -> str:
    env = {**os.environ, "PGHOST": pg.host, "PGPORT": str(pg.port), "PGUSER": pg.user,
           "PGDATABASE": db, "LC_ALL": "C.UTF-8", "COLUMNS": "200", "PAGER": ""}
    proc = subprocess.run(["psql", "-X", "-f", str(path)], text=True, env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    return proc.stdout


@pytest.mark.parametrize("script", sorted(p.name for p in ORACLE_DIR.glob("*.sql")))
def test_script_output_matches_psql(pg, oracle_db, catalog, script):
    path = ORACLE_DIR / script
    expected = run_psql_file(pg, oracle_db, path).replace("psql:", "fdwsh:")
    got = run_fdwsh("-X", "-U", "postgres", "-f", str(path), catalog=catalog).stdout
    assert got.splitlines() == expected.splitlines()
    assert got == expected
