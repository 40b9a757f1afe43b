"""DML inside transaction blocks, checked on the remote tables: writes run in the connection's
remote transaction (invisible to others until COMMIT, gone after ROLLBACK), a failing write
aborts the block as in PostgreSQL, and every successful write marks its connection as modified
(what the commit uses to decide on two-phase commit)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from fdwsh.session import Session
from fdwsh.settings import Settings
from tests.dml_bed import DmlBed
from tests.pgcluster import Cluster


@pytest.fixture
def bed(pg: Cluster, tmp_path: Path) -> DmlBed:
    return DmlBed.create(pg, tmp_path)


def test_writes_of_a_block_are_seen_by_others_only_after_commit(bed: DmlBed) -> None:
    session = Session(Settings(catalog_path=str(bed.catalog), user="postgres"),
                      stdout=io.StringIO(), stderr=io.StringIO())
    try:
        for sql in ("BEGIN;", "INSERT INTO ft (id, a) VALUES (90, 'new');",
                    "UPDATE ft SET b = -1 WHERE id = 1;", "DELETE FROM ft WHERE id = 2;"):
            assert session.run_sql(sql)
        assert bed.remote("SELECT count(*), sum(b) FROM t") == "8|360\n"  # nothing visible yet
        assert session.remote().get("s").modified
        assert session.run_sql("COMMIT;")
    finally:
        session.close()
    assert bed.remote("SELECT id, b FROM t WHERE id IN (1, 2, 90) ORDER BY id") == \
        "1|-1\n90|42\n"


def test_rollback_undoes_every_write_of_the_block(bed: DmlBed) -> None:
    before = bed.remote("SELECT * FROM t ORDER BY id")
    out = bed.fdwsh(input="BEGIN;\nINSERT INTO ft (id, a) SELECT g, 'x' FROM generate_series("
                    "100, 120) g;\nUPDATE ft SET b = b + (random() * 0)::int + 1;\n"
                    "DELETE FROM ft USING cust c WHERE c.id = ft.id;\nROLLBACK;\n").stdout
    assert out == "BEGIN\nINSERT 0 21\nUPDATE 29\nDELETE 8\nROLLBACK\n"
    assert bed.remote("SELECT * FROM t ORDER BY id") == before


def test_a_failing_write_aborts_the_block_until_rollback(bed: DmlBed) -> None:
    out = bed.fdwsh("-v", "ON_ERROR_STOP=0", input="BEGIN;\n"
                    "INSERT INTO ft (id, a) VALUES (91, 'kept until the failure');\n"
                    "INSERT INTO ft (id, a) VALUES (1, 'duplicate');\n"
                    "UPDATE ft SET b = 0;\nCOMMIT;\n").stdout
    assert "duplicate key value violates unique constraint" in out
    assert "ERROR:  current transaction is aborted, commands ignored until end of " \
           "transaction block" in out
    assert out.endswith("ROLLBACK\n")
    assert bed.remote("SELECT count(*) FROM t WHERE id = 91 OR b = 0") == "0\n"


def test_reads_after_a_write_in_a_block_see_it(bed: DmlBed) -> None:
    out = bed.fdwsh(input="BEGIN;\nUPDATE ft SET a = 'changed' WHERE id = 3;\n"
                    "SELECT a FROM ft WHERE id = 3;\nCOMMIT;\n").stdout
    assert "changed" in out and out.endswith("COMMIT\n")
