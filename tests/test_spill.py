"""WORK_MEM and spilling (fdwsh.exec.memory, fdwsh.exec.spill): with ``\\set WORK_MEM 64kB``
hash joins, hash aggregates and sorts write their excess rows to temporary files, and the
results stay PostgreSQL's (the same query run by PostgreSQL with ``work_mem = 64kB``); the
files are gone after the statement, whether it finished, failed or stopped early.

The queries read generate_series, so fdwsh's executor runs them in-process."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pglast
import psycopg
import pytest

from fdwsh.errors import FdwshError
from fdwsh.exec import spill
from fdwsh.exec.local_query import run_local_select
from fdwsh.exec.memory import parse_work_mem
from fdwsh.settings import Variables
from tests.local_eval import Outcome, pg_outcome, text_connection
from tests.pgcluster import Cluster

SMALL = "64kB"


class _Ctx:
    user = "postgres"

    def __init__(self, source: str, work_mem: str | None) -> None:
        self.source = source
        self.notices: list[object] = []
        self.variables = Variables({"WORK_MEM": work_mem} if work_mem else {})


def fdwsh_rows(sql: str, work_mem: str | None = SMALL) -> list[tuple[str | None, ...]]:
    result = run_local_select(pglast.parse_sql(sql)[0].stmt, _Ctx(sql, work_mem))
    return [tuple(r) for r in result.rows]


def fdwsh_outcome(sql: str, work_mem: str | None = SMALL) -> Outcome:
    try:
        return Outcome((), tuple(fdwsh_rows(sql, work_mem)))
    except FdwshError as err:
        return Outcome(error=(err.sqlstate or "", err.message, None))


@pytest.fixture(scope="module")
def conn(pg: Cluster) -> Iterator[psycopg.Connection]:
    connection = text_connection(pg.dsn())
    connection.execute(f"SET work_mem = '{SMALL}'")
    yield connection
    connection.close()


@pytest.fixture
def temp_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where spill directories go during the test (tempfile's default directory)."""
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    return tmp_path


@pytest.fixture
def spilled(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the temporary files operators open (one list item, incremented)."""
    count = [0]
    opened = spill.SpillDir.new_file

    def counting(self: spill.SpillDir) -> spill.SpillFile:
        count[0] += 1
        return opened(self)
    monkeypatch.setattr(spill.SpillDir, "new_file", counting)
    return count


def rows_of(conn: psycopg.Connection, sql: str) -> list[tuple[str | None, ...]]:
    outcome = pg_outcome(conn, sql)
    assert outcome.error is None, outcome.error
    return list(outcome.rows)


# a build side of 20 000 rows is some megabytes: far past 64kB
BIG = "(SELECT g AS y, g % 97 AS k, md5(g::text) AS t FROM generate_series(1, 20000) g) b"
NULLS = ("(SELECT CASE WHEN g % 10 = 0 THEN NULL ELSE g END AS x, g AS n "
         "FROM generate_series(1, 15000) g) a")

SPILLING = {
    "inner hash join":
        f"SELECT a.x, b.y, b.t FROM {NULLS} JOIN {BIG} ON a.x = b.y ORDER BY 1, 2",
    "join on a skewed key (many rows per key)":
        f"SELECT count(*), sum(a.n), sum(b.y) FROM {NULLS} JOIN {BIG} ON a.n % 97 = b.k",
    "left join with NULL keys":
        f"SELECT a.n, a.x, b.y FROM {NULLS} LEFT JOIN {BIG} ON a.x = b.y * 2 ORDER BY 1",
    "right join":
        f"SELECT a.n, b.y FROM {NULLS} RIGHT JOIN {BIG} ON a.x = b.y + 10000 ORDER BY 2, 1",
    "full join with a join filter":
        f"SELECT a.n, b.y FROM {NULLS} FULL JOIN {BIG} ON a.x = b.y AND b.k < 50 "
        "ORDER BY 1 NULLS FIRST, 2",
    "join in USING and a filter above it":
        "SELECT count(*), min(t), max(t) FROM (SELECT g AS id FROM generate_series(1, 30000) g) a "
        "JOIN (SELECT g AS id, md5(g::text) AS t FROM generate_series(1, 30000, 3) g) b "
        "USING (id) WHERE t > '8'",
    "comma join by a WHERE equality":
        f"SELECT count(*), sum(a.n) FROM {NULLS}, {BIG} WHERE a.x = b.y AND b.k <> 3",
    "hash aggregate with many groups":
        "SELECT g % 9000 AS k, count(*), sum(g), avg(g), min(md5(g::text)) "
        "FROM generate_series(1, 40000) g GROUP BY 1 ORDER BY 1",
    "aggregates with DISTINCT and string_agg order":
        "SELECT g % 3000 AS k, count(DISTINCT g % 7), string_agg(g::text, ',' ORDER BY g DESC), "
        "array_agg(DISTINCT g % 4 ORDER BY g % 4) FROM generate_series(1, 30000) g "
        "GROUP BY 1 ORDER BY 1",
    "grouping sets":
        "SELECT g % 2000 AS a, g % 3 AS b, count(*) FROM generate_series(1, 30000) g "
        "GROUP BY GROUPING SETS ((1), (1, 2), ()) ORDER BY 1, 2",
    "GROUP BY a NULL-able key":
        f"SELECT a.x % 1000, count(*) FROM {NULLS} GROUP BY 1 ORDER BY 1 NULLS FIRST",
    "multi-key sort, NULLS FIRST/LAST":
        "SELECT g % 7 AS a, CASE WHEN g % 5 = 0 THEN NULL ELSE md5(g::text) END AS b, g "
        "FROM generate_series(1, 20000) g ORDER BY 1 DESC, 2 NULLS FIRST, 3",
    "sort by text (C collation) descending NULLS LAST":
        "SELECT md5(g::text) || ' ' || g FROM generate_series(1, 20000) g "
        "ORDER BY 1 DESC NULLS LAST",
    "DISTINCT":
        "SELECT DISTINCT g % 5000, (g % 5000) * 2 FROM generate_series(1, 30000) g ORDER BY 1",
    "DISTINCT ON":
        "SELECT DISTINCT ON (g % 3000) g % 3000, g FROM generate_series(1, 30000) g "
        "ORDER BY g % 3000, g DESC",
    "UNION and EXCEPT over a sort":
        "SELECT * FROM (SELECT g % 6000 FROM generate_series(1, 20000) g UNION "
        "SELECT g FROM generate_series(5000, 9000) g EXCEPT SELECT 17) s ORDER BY 1",
    "window over a big partition":
        "SELECT g, sum(g) OVER (PARTITION BY g % 3 ORDER BY g) FROM generate_series(1, 20000) g "
        "ORDER BY 1",
    "every value type round-trips through the files":
        "SELECT a.n, b.* FROM (SELECT g AS n FROM generate_series(1, 300) g) a JOIN "
        "(SELECT g AS k, (g / 7.0)::numeric(20,8) AS num, 'NaN'::numeric AS nan, "
        "'-Infinity'::float8 AS inf, g * 0.1::float8 AS f, '2020-02-29 12:00:00+03'::timestamptz "
        "+ g * interval '1 day 3 hours' AS ts, interval '1 mon -2 days' * g AS iv, "
        "('\\x' || md5(g::text))::bytea AS by, ARRAY[g, NULL, -g] AS arr, "
        "('{\"k\": ' || g || '}')::jsonb AS js, 'é' || repeat('x', g % 40) AS tx, "
        "'2000-01-01'::date + g AS d, g % 2 = 0 AS flag, ('1.'||g)::money AS m "
        "FROM generate_series(1, 300) g, generate_series(1, 40) r) b ON a.n = b.k "
        "ORDER BY 1, 2, 3",
}


@pytest.mark.parametrize("sql", SPILLING.values(), ids=SPILLING.keys())
def test_spilling_queries_return_postgresql_s_rows(
        conn: psycopg.Connection, temp_dir: Path, spilled: list[int], sql: str) -> None:
    assert fdwsh_rows(sql) == rows_of(conn, sql)
    assert spilled[0] > 0, "WORK_MEM 64kB made nothing spill"
    assert list(temp_dir.iterdir()) == []


def test_with_the_default_work_mem_nothing_spills(
        conn: psycopg.Connection, spilled: list[int]) -> None:
    sql = SPILLING["inner hash join"]
    assert fdwsh_rows(sql, work_mem=None) == rows_of(conn, sql)
    assert spilled[0] == 0


def test_empty_inputs_and_all_null_keys(conn: psycopg.Connection, spilled: list[int]) -> None:
    for sql in [
        f"SELECT a.n, b.y FROM {NULLS} FULL JOIN (SELECT 1 AS y WHERE false) b ON a.x = b.y "
        "ORDER BY 1",
        f"SELECT a.n, b.y FROM (SELECT 1 AS n, NULL::int AS x WHERE false) a RIGHT JOIN {BIG} "
        "ON a.x = b.y ORDER BY 2",
        "SELECT a.n, b.y FROM (SELECT g AS n, NULL::int AS x FROM generate_series(1, 9000) g) a "
        "FULL JOIN (SELECT NULL::int AS y FROM generate_series(1, 9000)) b ON a.x = b.y "
        "ORDER BY 1",
        "SELECT count(*), sum(g) FROM generate_series(1, 0) g",
        "SELECT g, count(*) FROM generate_series(1, 0) g GROUP BY g",
        "SELECT NULL::int AS k, count(*) FROM generate_series(1, 20000) g GROUP BY 1",
    ]:
        assert fdwsh_rows(sql) == rows_of(conn, sql), sql
    assert spilled[0] > 0


def test_a_failure_after_spilling_leaves_no_file(
        conn: psycopg.Connection, temp_dir: Path, spilled: list[int]) -> None:
    # the division fails on the 14999th row of the join, after the build side spilled
    sql = f"SELECT a.x, 1 / (b.y - 14999) FROM {NULLS} JOIN {BIG} ON a.x = b.y"
    expected = pg_outcome(conn, sql)
    assert expected.error is not None and expected.error[1] == "division by zero"
    got = fdwsh_outcome(sql)
    assert got.error is not None and got.error[:2] == expected.error[:2]
    assert spilled[0] > 0
    assert list(temp_dir.iterdir()) == []


def test_stopping_early_removes_the_files(temp_dir: Path, spilled: list[int]) -> None:
    sql = f"SELECT a.x, b.y FROM {NULLS} JOIN {BIG} ON a.x = b.y ORDER BY 1"
    result = run_local_select(pglast.parse_sql(sql)[0].stmt, _Ctx(sql, SMALL))
    rows = iter(result.rows)
    assert next(rows) == ("1", "1")
    del rows, result
    assert spilled[0] > 0
    assert list(temp_dir.iterdir()) == []


@pytest.mark.parametrize("text, kb", [
    ("64kB", 64), ("64", 64), ("1MB", 1024), ("1 GB", 1024 ** 2), ("1.5MB", 1536),
    ("65536B", 64), ("2TB", None), (" 300 kB ", 300)])
def test_work_mem_takes_postgresql_s_units(text: str, kb: int | None) -> None:
    if kb is None:
        with pytest.raises(FdwshError) as err:
            parse_work_mem(text)
        assert err.value.hint == "Value exceeds integer range."
    else:
        assert parse_work_mem(text) == kb


@pytest.mark.parametrize("text", ["abc", "10", "10 mb", "-1", "3000000MB", "1.5MB"])
def test_a_bad_work_mem_is_postgresql_s_error_and_runs_nothing(
        conn: psycopg.Connection, text: str) -> None:
    try:
        conn.execute(f"SET work_mem = '{text}'")
        expected = None
    except psycopg.Error as exc:
        expected = (exc.diag.sqlstate, exc.diag.message_primary, exc.diag.message_hint)
    finally:
        conn.execute(f"SET work_mem = '{SMALL}'")
    try:
        parse_work_mem(text)
        got = None
    except FdwshError as err:
        got = (err.sqlstate, err.message, err.hint)
    assert got == expected
    if expected is not None:
        outcome = fdwsh_outcome("SELECT 1", work_mem=text)
        assert outcome.error is not None and outcome.error[1] == expected[1]
