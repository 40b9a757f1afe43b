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


@pytest.mark.parametrize("sql, message", [
    ("SELECT count(*) OVER (ORDER BY t RANGE '1 hour' PRECEDING) FROM (VALUES ('10:00'::time)) "
     "v(t)", "RANGE with offset PRECEDING/FOLLOWING over type time without time zone is not "
     "supported locally"),
    ("SELECT json_agg(1)", "function json_agg(integer) is not supported locally"),
    ("SELECT (SELECT 1 LIMIT m) FROM (VALUES (5)) t(m)",
     "correlated references in the FROM clause, LIMIT or OFFSET of a sub-select are not "
     "supported locally"),
    ("SELECT mode() WITHIN GROUP (ORDER BY 1)",
     "function mode(integer) is not supported locally"),
    ("WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n FROM t) SEARCH DEPTH FIRST BY n "
     "SET s SELECT * FROM t", "SEARCH clauses of WITH queries are not supported locally"),
    ("SELECT ROW(1, 2)", "row constructors are not supported locally"),
    ("SELECT '{}'::json -> 'a'", "operator json -> text is not supported locally"),
    ("SELECT to_tsvector('a')", "function to_tsvector(unknown) is not supported locally"),
])
def test_unsupported_is_named(sql: str, message: str) -> None:
    """What fdwsh cannot evaluate itself fails with one clear error (SQLSTATE 0A000)."""
    from tests.local_eval import fdwsh_outcome

    found = fdwsh_outcome(sql)
    assert found.error is not None and found.error[:2] == ("0A000", message)
