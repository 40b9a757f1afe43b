"""Oracle tests for INSERT/UPDATE/DELETE on foreign tables: every script of ``tests/oracle/dml``
runs through ``psql -X -f`` on a database whose postgres_fdw declares the DML bed's foreign
tables (tests/dml_bed.py), and — on freshly recreated remote tables — through ``fdwsh -X -f``
on a catalog made from the same DDL.  Outputs (rows, RETURNING tables, command tags, errors
with LINE/caret, the remote rows each script reads back) must be byte-identical once psql's
``psql:`` prefixes read ``fdwsh:`` and the remote SQL in CONTEXT lines is blanked (fdwsh's
remote statements are its own)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.dml_bed import DmlBed
from tests.pgcluster import Cluster
from tests.remote_bed import normalise_remote_sql

DML_DIR = Path(__file__).parent / "oracle" / "dml"
SCRIPTS = sorted(p.name for p in DML_DIR.glob("*.sql"))


@pytest.mark.parametrize("script", SCRIPTS)
def test_dml_script_output_matches_psql_with_postgres_fdw(
        pg: Cluster, tmp_path: Path, script: str) -> None:
    bed = DmlBed.create(pg, tmp_path)
    expected = bed.psql("-f", script, cwd=DML_DIR).stdout
    bed.reset()
    got = bed.fdwsh("-f", script, cwd=DML_DIR).stdout
    expected = normalise_remote_sql(expected.replace("psql:", "fdwsh:"))
    assert normalise_remote_sql(got).splitlines() == expected.splitlines()
