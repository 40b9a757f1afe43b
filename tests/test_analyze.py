"""ANALYZE of foreign tables against real servers: its messages compared with psql +
postgres_fdw 15 (``tests/oracle/analyze/analyze.sql``), the statistics it stores (read from the
catalog file), how it samples, that a failure stores nothing, and ``\\d+``.

The remote database (``tests/oracle/analyze/remote.sql``, this module's own) has autovacuum off,
so a table has remote statistics only where the script made them: ``analyzed`` (its pg_stats
are taken as they are), ``fresh`` (never analyzed: read whole) and ``vacuumed`` (reltuples
known, no pg_stats: sampled remotely by ``analyze_sampling``).
"""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path
from string import Template

import pytest

from tests.pgcluster import Cluster, free_port
from tests.remote_bed import QueryBed
from tests.remote_helpers import remote_database

ORACLE = Path(__file__).parent / "oracle" / "analyze"
ANALYZE_DB = "analyze_remote"


@pytest.fixture(scope="module")
def analyze_remote(pg: Cluster) -> Cluster:
    """The remote database of ``remote.sql`` (created afresh for this module)."""
    return remote_database(pg, ANALYZE_DB, "\\set ON_ERROR_STOP 1\n"
                           + (ORACLE / "remote.sql").read_text())


def script(cluster: Cluster, name: str = "analyze.sql") -> str:
    return Template((ORACLE / name).read_text()).substitute(
        host=cluster.host, port=cluster.port, dbname=ANALYZE_DB, badport=free_port())


@pytest.fixture
def bed(analyze_remote: Cluster, tmp_path: Path, oracle_db: str) -> QueryBed:
    """psql on a fresh oracle database and fdwsh on a fresh catalog, both reaching the remote."""
    return QueryBed(analyze_remote, tmp_path / "catalog.db", tmp_path, remote_db=ANALYZE_DB,
                    oracle_db=oracle_db)


@pytest.fixture
def catalog(bed: QueryBed, tmp_path: Path) -> Path:
    """A catalog with the oracle script's servers and foreign tables, nothing analyzed."""
    setup = "\n".join(line for line in script(bed.cluster).splitlines()
                      if line.startswith(("CREATE", "    ")))
    (tmp_path / "setup.sql").write_text(setup + "\n"
                                        "CREATE FOREIGN TABLE vacuumed (id int, grp int) SERVER s;\n")
    out = bed.fdwsh("-v", "ON_ERROR_STOP=1", "-q", "-f", "setup.sql", cwd=tmp_path)
    assert out.returncode == 0, out.stdout
    return bed.catalog


def fdwsh(bed: QueryBed, sql: str) -> str:
    return bed.fdwsh("-c", sql).stdout


def stored(catalog: Path, table: str) -> tuple[tuple, dict[str, dict]]:
    """The table_stats row and the column_stats rows (by column name) of ``table``."""
    db = sqlite3.connect(catalog)
    db.row_factory = sqlite3.Row
    table_id = db.execute("SELECT id FROM foreign_table WHERE name = ?", (table,)).fetchone()[0]
    row = db.execute("SELECT reltuples, relpages, analyzed_at FROM table_stats "
                     "WHERE table_id = ?", (table_id,)).fetchone()
    columns = {r["name"]: dict(r) for r in db.execute(
        "SELECT c.name, s.* FROM column_stats s JOIN foreign_column c "
        "ON c.table_id = s.table_id AND c.attnum = s.attnum WHERE s.table_id = ?", (table_id,))}
    db.close()
    return (tuple(row) if row is not None else ()), columns


def test_analyze_messages_match_postgres_fdw(bed: QueryBed, tmp_path: Path) -> None:
    (tmp_path / "script.sql").write_text(script(bed.cluster))
    expected = bed.psql("-f", "script.sql", cwd=tmp_path).stdout.replace("psql:", "fdwsh:")
    got = bed.fdwsh("-f", "script.sql", cwd=tmp_path).stdout
    (tmp_path / "expected.out").write_text(expected)
    (tmp_path / "got.out").write_text(got)
    for sign in ('INFO:  "analyzed": table contains 40000 rows, 30000 rows in sample',
                 'INFO:  "fresh": table contains 35000 rows, 30000 rows in sample',
                 'INFO:  "empty": table contains 0 rows, 0 rows in sample',
                 'INFO:  analyzing "public.odd"', 'INFO:  analyzing "other.fresh"',
                 'column "nosuch" of relation "fresh" does not exist',
                 'column "id" of relation "fresh" appears more than once',
                 'relation "nosuch" does not exist', 'schema "nosuch" does not exist',
                 'unrecognized ANALYZE option "bogus"', "verbose requires a Boolean value",
                 'could not connect to server "down"',
                 'WARNING:  skipping "fresh" --- cannot vacuum non-tables',
                 "ANALYZE option must be specified when a column list is provided",
                 "VACUUM cannot run inside a transaction block"):
        assert sign in expected, sign
    assert got == expected


def test_remote_statistics_are_taken_as_the_remote_has_them(bed: QueryBed, catalog: Path
                                                            ) -> None:
    assert fdwsh(bed, "ANALYZE analyzed") == "ANALYZE\n"
    (reltuples, relpages, analyzed_at), columns = stored(catalog, "analyzed")
    assert reltuples == 40000 and relpages > 0
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\+00", analyzed_at)
    remote = bed.remote("COPY (SELECT attname, null_frac, n_distinct, "
                        "array_to_json(most_common_vals::text::text[]) FROM pg_stats "
                        "WHERE tablename = 'analyzed' ORDER BY attname) TO STDOUT")
    for line in remote.splitlines():
        name, null_frac, n_distinct, mcv = line.split("\t")
        assert columns[name]["null_frac"] == pytest.approx(float(null_frac))
        assert columns[name]["n_distinct"] == pytest.approx(float(n_distinct))
        assert json.loads(columns[name]["most_common_vals"] or "null") == \
            (None if mcv == "\\N" else json.loads(mcv))
    assert json.loads(columns["tier"]["most_common_vals"]) == ["1", "2", "3"]


def test_a_table_read_whole_gets_statistics_computed_by_fdwsh(bed: QueryBed, catalog: Path
                                                              ) -> None:
    assert fdwsh(bed, "ANALYZE fresh") == "ANALYZE\n"
    (reltuples, _, _), columns = stored(catalog, "fresh")
    assert reltuples == 35000
    assert columns["id"]["n_distinct"] == -1.0 and columns["id"]["null_frac"] == 0.0
    assert columns["day"]["n_distinct"] == 366
    assert columns["amount"]["n_distinct"] == 1000
    bounds = json.loads(columns["id"]["histogram_bounds"])
    assert len(bounds) == 101 and int(bounds[0]) < 400 and int(bounds[-1]) > 34600
    assert columns["id"]["avg_width"] == 4 and columns["day"]["avg_width"] == 4


def test_a_column_list_analyzes_those_columns_and_keeps_the_others(bed: QueryBed,
                                                                   catalog: Path) -> None:
    assert fdwsh(bed, "ANALYZE odd (c2)") == "ANALYZE\n"
    assert set(stored(catalog, "odd")[1]) == {"c2"}
    assert fdwsh(bed, "ANALYZE odd (c1)") == "ANALYZE\n"
    (reltuples, _, _), columns = stored(catalog, "odd")
    assert set(columns) == {"c1", "c2"} and reltuples == 100
    assert columns["c1"]["n_distinct"] == -1.0  # the remote column "C 1"


@pytest.mark.parametrize("method, in_sample", [("off", (30000, 30000)),
                                               ("bernoulli", (27000, 30000)),
                                               ("auto", (27000, 30000)),
                                               ("system", (1, 30000)),
                                               ("random", (27000, 30000))])
def test_analyze_sampling_samples_on_the_remote(bed: QueryBed, catalog: Path, method: str,
                                                in_sample: tuple[int, int]) -> None:
    out = fdwsh(bed, f"ALTER FOREIGN TABLE vacuumed OPTIONS (ADD analyze_sampling '{method}');"
                     "ANALYZE VERBOSE vacuumed")
    found = re.search(r'"vacuumed": table contains (\d+) rows, (\d+) rows in sample', out)
    assert found, out
    assert int(found.group(1)) == 100000  # read whole, or the remote's reltuples
    assert in_sample[0] <= int(found.group(2)) <= in_sample[1]
    (_, _, _), columns = stored(catalog, "vacuumed")
    assert columns["grp"]["n_distinct"] == 50
    assert json.loads(columns["grp"]["most_common_vals"])[:1] != []


def test_analyze_sampling_is_validated(bed: QueryBed, catalog: Path) -> None:
    out = fdwsh(bed, "ALTER SERVER s OPTIONS (ADD analyze_sampling 'sometimes')")
    assert out == 'ERROR:  invalid value for string option "analyze_sampling": sometimes\n'
    assert fdwsh(bed, "ALTER SERVER s OPTIONS (ADD analyze_sampling 'SYSTEM')") == \
        "ALTER SERVER\n"
    out = fdwsh(bed, "ALTER USER MAPPING FOR CURRENT_USER SERVER s "
                     "OPTIONS (ADD analyze_sampling 'off')")
    assert out.startswith('ERROR:  invalid option "analyze_sampling"\nHINT:  Valid options in '
                          "this context are: user, password")


def test_a_failure_on_any_table_stores_nothing(bed: QueryBed, catalog: Path, tmp_path: Path
                                               ) -> None:
    assert fdwsh(bed, "ANALYZE fresh") == "ANALYZE\n"
    before = catalog.read_bytes(), stored(catalog, "fresh")
    fdwsh(bed, "CREATE FOREIGN TABLE gone (a int) SERVER s OPTIONS (table_name 'no_such')")
    out = fdwsh(bed, "ANALYZE odd, fresh, gone")
    assert out.startswith('ERROR:  relation "public.no_such" does not exist\n'
                          "CONTEXT:  remote SQL command: SELECT pg_catalog.pg_relation_size(")
    out = fdwsh(bed, "ANALYZE odd, fresh, unreachable")
    assert out.startswith('ERROR:  could not connect to server "down"\nDETAIL:  ')
    assert stored(catalog, "fresh") == before[1]
    assert stored(catalog, "odd") == ((), {})


def test_analyze_without_tables_skips_unreachable_servers(bed: QueryBed, catalog: Path
                                                          ) -> None:
    out = fdwsh(bed, "ANALYZE")
    assert out == ('WARNING:  skipping "unreachable" --- could not connect to server "down"\n'
                   "ANALYZE\n")
    for table, rows in (("analyzed", 40000), ("fresh", 35000), ("empty", 0), ("odd", 100),
                        ("vacuumed", 100000)):
        assert stored(catalog, table)[0][0] == rows, table
    assert stored(catalog, "empty")[1] == {}  # no rows: no column statistics
    assert stored(catalog, "unreachable") == ((), {})


def test_a_remote_value_the_declared_type_rejects_fails_the_analyze(bed: QueryBed,
                                                                    catalog: Path) -> None:
    fdwsh(bed, "CREATE FOREIGN TABLE odd_typed (c1 int OPTIONS (column_name 'C 1'), c2 int) "
               "SERVER s OPTIONS (schema_name 'Odd S', table_name 'T 1')")
    out = fdwsh(bed, "ANALYZE odd_typed")
    assert out.startswith('ERROR:  invalid input syntax for type integer: "v1"'), out
    assert stored(catalog, "odd_typed") == ((), {})


def test_describe_plus_shows_rows_and_time_once_analyzed(bed: QueryBed, catalog: Path) -> None:
    before = fdwsh(bed, "\\d+ fresh")
    assert "Statistics" not in before
    fdwsh(bed, "ANALYZE fresh")
    _, _, analyzed_at = stored(catalog, "fresh")[0]
    after = fdwsh(bed, "\\d+ fresh")
    assert after == before.replace(
        "Server: s\n", f"Server: s\nStatistics: 35000 rows, analyzed {analyzed_at}\n")
    assert "Statistics" not in fdwsh(bed, "\\d fresh")


def test_columns_the_remote_user_may_not_read(bed: QueryBed, catalog: Path) -> None:
    """pg_stats shows the remote user only the columns it may read: those are taken from
    there; asking for another makes ANALYZE read the table, which the remote refuses."""
    fdwsh(bed, f"CREATE SERVER limited FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host "
               f"'{bed.cluster.host}', port '{bed.cluster.port}', dbname '{ANALYZE_DB}');"
               "CREATE USER MAPPING FOR CURRENT_USER SERVER limited OPTIONS (user 'analyst');"
               "CREATE FOREIGN TABLE lim (id int, tier int) SERVER limited "
               "OPTIONS (table_name 'analyzed')")
    assert fdwsh(bed, "ANALYZE VERBOSE lim (id)") == (
        'INFO:  analyzing "public.lim"\n'
        'INFO:  "lim": table contains 40000 rows, 30000 rows in sample\nANALYZE\n')
    assert set(stored(catalog, "lim")[1]) == {"id"}
    before = stored(catalog, "lim")
    out = fdwsh(bed, "ANALYZE lim")
    assert out.startswith("ERROR:  permission denied for table analyzed\n"
                          "CONTEXT:  remote SQL command: SELECT id, tier FROM public.analyzed"), out
    assert stored(catalog, "lim") == before


def test_analyze_in_a_transaction_block_goes_with_the_block(bed: QueryBed, catalog: Path,
                                                            tmp_path: Path) -> None:
    (tmp_path / "block.sql").write_text("BEGIN;\nANALYZE odd;\nROLLBACK;\n")
    assert bed.fdwsh("-f", "block.sql", cwd=tmp_path).stdout == "BEGIN\nANALYZE\nROLLBACK\n"
    assert stored(catalog, "odd") == ((), {})
    (tmp_path / "block.sql").write_text("BEGIN;\nANALYZE odd;\nCOMMIT;\n")
    assert bed.fdwsh("-f", "block.sql", cwd=tmp_path).stdout == "BEGIN\nANALYZE\nCOMMIT\n"
    assert stored(catalog, "odd")[0][0] == 100
