"""Oracle tests for queries that read no foreign table: every script in ``tests/local_sql``
runs through the real psql (PostgreSQL 15) and through ``fdwsh -X -f``; the outputs (rows,
headers, alignment, errors with their LINE/caret, notices) must be byte-identical, with
psql's ``psql:`` message prefix read as ``fdwsh:``.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import run_fdwsh
from tests.pgcluster import Cluster

SQL_DIR = Path(__file__).parent / "local_sql"


def psql_output(pg: Cluster, path: Path) -> str:
    env = {**os.environ, "PGHOST": pg.host, "PGPORT": str(pg.port), "PGUSER": pg.user,
           "PGDATABASE": "postgres", "LC_ALL": "C.UTF-8", "COLUMNS": "200", "PAGER": ""}
    for var in ("PGTZ", "PGDATESTYLE", "PGOPTIONS", "PGCLIENTENCODING"):
        env.pop(var, None)
    proc = subprocess.run(["psql", "-X", "-f", str(path)], text=True, env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    return proc.stdout.replace("psql:", "fdwsh:")


def corpus_size() -> int:
    return sum(1 for p in SQL_DIR.glob("*.sql") for line in p.read_text().splitlines()
               if line.strip() and not line.startswith("--"))


def test_corpus_is_large_enough() -> None:
    assert corpus_size() >= 150


@pytest.mark.parametrize("script", sorted(p.name for p in SQL_DIR.glob("*.sql")))
def test_script_matches_psql(pg: Cluster, catalog: Path, script: str) -> None:
    path = SQL_DIR / script
    expected = psql_output(pg, path)
    got = run_fdwsh("-X", "-U", "postgres", "-f", str(path), catalog=catalog).stdout
    assert got.splitlines() == expected.splitlines()
    assert got == expected
