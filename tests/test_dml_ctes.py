"""Data-modifying WITH queries (``WITH d AS (DELETE … RETURNING …) SELECT …``): results are
compared with psql + postgres_fdw in tests/oracle/dml/ctes.sql; here, the statements fdwsh
refuses because it runs the change before the query, so that the query would see the change
where PostgreSQL's single snapshot does not."""

from __future__ import annotations

from pathlib import Path

from tests.dml_bed import DmlBed
from tests.pgcluster import Cluster


def test_a_change_whose_table_the_query_reads_too_is_refused_and_changes_nothing(
        pg: Cluster, tmp_path: Path) -> None:
    bed = DmlBed.create(pg, tmp_path)
    before = bed.remote("SELECT count(*), sum(b) FROM t")
    out = bed.fdwsh("-c", "WITH d AS (DELETE FROM ft WHERE id = 2 RETURNING id) "
                          "SELECT count(*) FROM ft").stdout
    assert out.splitlines() == [
        'ERROR:  a data-modifying WITH query on "ft" in a statement that also reads "ft" is '
        "not supported with foreign tables",
        "LINE 1: ...E FROM ft WHERE id = 2 RETURNING id) SELECT count(*) FROM ft",
        "                                                                     ^",
        "HINT:  Run the change and the query as two statements in one transaction."]
    out = bed.fdwsh("-c", "WITH u AS (UPDATE ft SET b = 0 RETURNING id) "
                          "SELECT * FROM u JOIN ft f ON f.id = u.id").stdout
    assert "not supported with foreign tables" in out
    assert bed.remote("SELECT count(*), sum(b) FROM t") == before
