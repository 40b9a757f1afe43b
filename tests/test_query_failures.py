"""Queries on foreign tables that fail: each failure prints the error psql + postgres_fdw print
for the same situation, and the next statement of the same fdwsh run works.

Each test declares the bed's foreign tables (tests/remote_bed.py) plus the servers and tables
of its situation twice — in a fresh database of the oracle cluster with postgres_fdw, and in a
fresh fdwsh catalog, from the same DDL text — then runs one script through ``psql -f -`` and
``fdwsh -f -``.  Both outputs must be identical once the ``psql:`` prefixes read ``fdwsh:`` and
the remote SQL text of ``CONTEXT:  remote SQL command:`` lines is blanked (the two deparse
different, equivalent SQL).  Every script ends with ``SELECT count(*) FROM regions`` on the
working server: the session carries on.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.pgcluster import Cluster
from tests.remote_bed import QueryBed, normalise_remote_sql, query_bed  # noqa: F401
from tests.test_remote_failures import auth_cluster  # noqa: F401  (SCRAM role alice)

NEXT_STATEMENT = "SELECT count(*) FROM regions;\n"
NEXT_RESULT = " count \n-------\n     5\n(1 row)\n\n"


@dataclass(frozen=True)
class Situation:
    """One failure situation declared on both sides."""

    bed: QueryBed
    oracle_db: str
    catalog: Path

    def psql(self, script: str) -> str:
        """psql's output for ``script``, with fdwsh's prefixes and the remote SQL blanked."""
        out = self.bed.psql("-f", "-", input=script, dbname=self.oracle_db).stdout
        return normalise_remote_sql(out.replace("psql:", "fdwsh:"))

    def fdwsh(self, script: str) -> str:
        """fdwsh's output for ``script``, the remote SQL blanked."""
        out = self.bed.fdwsh("-f", "-", input=script, catalog=self.catalog).stdout
        return normalise_remote_sql(out)

    def outputs(self, script: str) -> tuple[str, str]:
        """(psql's output, fdwsh's output) for ``script``."""
        return self.psql(script), self.fdwsh(script)


def declare(bed: QueryBed, oracle_db: str, catalog: Path, ddl: str) -> Situation:  # noqa: F811
    """The bed's foreign tables plus ``ddl``, through psql and through fdwsh."""
    script = bed.fdw_ddl + ddl
    oracle = bed.psql("-q", "-v", "ON_ERROR_STOP=1", input=script, dbname=oracle_db)
    assert oracle.returncode == 0, oracle.stdout
    mine = bed.fdwsh("-q", "-v", "ON_ERROR_STOP=1", "-f", "-", input=script, catalog=catalog)
    assert mine.returncode == 0 and mine.stdout == "", mine.stdout
    return Situation(bed, oracle_db, catalog)


def server_ddl(name: str, cluster: Cluster, dbname: str, mapping: str = "") -> str:
    return (f"CREATE SERVER {name} FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host "
            f"'{cluster.host}', port '{cluster.port}', dbname '{dbname}');\n"
            f"CREATE USER MAPPING FOR CURRENT_USER SERVER {name} {mapping};\n")


def stop_command(cluster: Cluster) -> str:
    """A shell command that stops ``cluster`` quietly (run from ``\\!``)."""
    cmd = f"{cluster.bindir / 'pg_ctl'} -D {cluster.datadir} -m fast -w stop >/dev/null 2>&1"
    return f"runuser -u postgres -- {cmd}" if os.geteuid() == 0 else cmd


@pytest.fixture(scope="module")
def flaky() -> Iterator[Cluster]:
    """A cluster of its own, stopped and started by the tests."""
    cluster = Cluster("fdwsh-flaky")
    try:
        cluster.psql("CREATE TABLE t (a int); INSERT INTO t VALUES (1), (2), (3);", check=True)
        yield cluster
    finally:
        cluster.destroy()


def test_a_server_that_goes_down_mid_session(
        query_bed: QueryBed, oracle_db: str, tmp_path: Path, flaky: Cluster) -> None:  # noqa: F811
    situation = declare(query_bed, oracle_db, tmp_path / "catalog.db",
                        server_ddl("flaky", flaky, "postgres", "OPTIONS (user 'postgres')")
                        + "CREATE FOREIGN TABLE ft_flaky (a int) SERVER flaky "
                          "OPTIONS (table_name 't');\n")
    script = ("SELECT count(*) FROM ft_flaky;\n"
              f"\\! {stop_command(flaky)}\n"
              "SELECT count(*) FROM ft_flaky;\n"
              + NEXT_STATEMENT +
              "SELECT a FROM ft_flaky ORDER BY a;\n"
              + NEXT_STATEMENT)
    try:
        expected = situation.psql(script)  # each run finds the server up, then stops it
        flaky.start()
        got = situation.fdwsh(script)
    finally:
        flaky.start()
    refused = (f'ERROR:  could not connect to server "flaky"\nDETAIL:  connection to server at '
               f'"{flaky.host}", port {flaky.port} failed: Connection refused')
    assert expected.count(refused) == 2 and expected.endswith(NEXT_RESULT)
    assert got == expected


def test_a_server_that_is_down_from_the_start(
        query_bed: QueryBed, oracle_db: str, tmp_path: Path, flaky: Cluster) -> None:  # noqa: F811
    situation = declare(query_bed, oracle_db, tmp_path / "catalog.db",
                        server_ddl("flaky", flaky, "postgres")
                        + "CREATE FOREIGN TABLE ft_flaky (a int) SERVER flaky "
                          "OPTIONS (table_name 't');\n")
    flaky.stop()
    try:
        expected, got = situation.outputs(
            "SELECT * FROM ft_flaky;\n" + NEXT_STATEMENT
            + "SELECT a FROM ft_flaky WHERE a = 1;\n" + NEXT_STATEMENT)
    finally:
        flaky.start()
    assert 'could not connect to server "flaky"' in expected
    assert got == expected


@pytest.mark.parametrize("password", ["wrong", None])
def test_a_refused_password(query_bed: QueryBed, oracle_db: str, tmp_path: Path,  # noqa: F811
                            auth_cluster: Cluster, password: str | None) -> None:  # noqa: F811
    options = "user 'alice'" + (f", password '{password}'" if password else "")
    situation = declare(query_bed, oracle_db, tmp_path / "catalog.db",
                        server_ddl("guarded", auth_cluster, "postgres", f"OPTIONS ({options})")
                        + "CREATE FOREIGN TABLE ft_guarded (oid oid) SERVER guarded "
                          "OPTIONS (schema_name 'pg_catalog', table_name 'pg_database');\n")
    expected, got = situation.outputs("SELECT count(*) FROM ft_guarded;\n" + NEXT_STATEMENT)
    assert expected.startswith('fdwsh:<stdin>:1: ERROR:  could not connect to server "guarded"\n'
                               'DETAIL:  connection to server at ')
    assert expected.endswith(NEXT_RESULT)
    assert got == expected


def test_the_right_password_lets_the_query_through(
        query_bed: QueryBed, oracle_db: str, tmp_path: Path,  # noqa: F811
        auth_cluster: Cluster) -> None:  # noqa: F811
    situation = declare(query_bed, oracle_db, tmp_path / "catalog.db",
                        server_ddl("guarded", auth_cluster, "postgres",
                                   "OPTIONS (user 'alice', password 'secret')")
                        + "CREATE FOREIGN TABLE ft_guarded (datname name) SERVER guarded "
                          "OPTIONS (schema_name 'pg_catalog', table_name 'pg_database');\n")
    expected, got = situation.outputs(
        "SELECT datname FROM ft_guarded WHERE datname = 'postgres';\n" + NEXT_STATEMENT)
    assert "postgres\n(1 row)" in expected
    assert got == expected


def test_no_user_mapping(query_bed: QueryBed, oracle_db: str, tmp_path: Path) -> None:  # noqa: F811
    bed = query_bed
    situation = declare(
        bed, oracle_db, tmp_path / "catalog.db",
        f"CREATE SERVER unmapped FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host "
        f"'{bed.cluster.host}', port '{bed.cluster.port}', dbname '{bed.remote_db}');\n"
        "CREATE FOREIGN TABLE ft_unmapped (id int) SERVER unmapped "
        "OPTIONS (table_name 'regions');\n")
    expected, got = situation.outputs(
        "SELECT * FROM ft_unmapped;\n" + NEXT_STATEMENT
        + "CREATE USER MAPPING FOR PUBLIC SERVER unmapped OPTIONS (user 'postgres');\n"
        + "SELECT count(*) FROM ft_unmapped;\n")
    assert 'ERROR:  user mapping not found for "postgres"\n' in expected
    assert expected.endswith(" count \n-------\n     5\n(1 row)\n\n")
    assert got == expected


def test_a_remote_table_dropped_mid_session(
        query_bed: QueryBed, oracle_db: str, tmp_path: Path) -> None:  # noqa: F811
    bed = query_bed
    situation = declare(bed, oracle_db, tmp_path / "catalog.db",
                        "CREATE FOREIGN TABLE ft_victim (id int, label text) SERVER loopback "
                        "OPTIONS (table_name 'victim');\n")
    drop = (f"psql -X -q -h {bed.cluster.host} -p {bed.cluster.port} -U postgres "
            f"-d {bed.remote_db} -c 'DROP TABLE victim'")
    script = ("SELECT * FROM ft_victim ORDER BY id;\n"
              f"\\! {drop}\n"
              "SELECT * FROM ft_victim ORDER BY id;\n"
              + NEXT_STATEMENT +
              "BEGIN;\nSELECT count(*) FROM ft_victim;\n" + NEXT_STATEMENT + "ROLLBACK;\n"
              + NEXT_STATEMENT)
    victim = "CREATE TABLE victim (id int, label text); INSERT INTO victim VALUES (1, 'a');"
    bed.remote(victim)
    expected = situation.psql(script)  # each run finds the table, then drops it
    bed.remote(victim)
    got = situation.fdwsh(script)
    assert expected.count('ERROR:  relation "public.victim" does not exist\n'
                          'CONTEXT:  remote SQL command: <remote SQL>\n') == 2
    assert "current transaction is aborted" in expected and expected.endswith(NEXT_RESULT)
    assert got == expected


def test_a_declared_column_missing_remotely(
        query_bed: QueryBed, oracle_db: str, tmp_path: Path) -> None:  # noqa: F811
    situation = declare(query_bed, oracle_db, tmp_path / "catalog.db", "")
    expected, got = situation.outputs(
        "SELECT * FROM ft_narrow;\n" + NEXT_STATEMENT
        + "SELECT b FROM ft_narrow WHERE id = 1;\n" + NEXT_STATEMENT)
    assert expected.count('ERROR:  column "b" does not exist\n') == 2
    assert got == expected


@pytest.mark.parametrize("args", [
    ["-c", "SELECT * FROM ft_dropped"],
    ["-v", "ON_ERROR_STOP=1", "-f", "-"],
    ["-1", "-f", "-"],
], ids=["-c", "ON_ERROR_STOP", "single transaction"])
def test_a_remote_failure_sets_psqls_exit_status(
        query_bed: QueryBed, args: list[str]) -> None:  # noqa: F811
    script = "SELECT count(*) FROM regions;\nSELECT * FROM ft_dropped;\n" + NEXT_STATEMENT
    expected = query_bed.psql(*args, input=script)
    got = query_bed.fdwsh(*args, input=script)
    assert got.returncode == expected.returncode
    assert normalise_remote_sql(got.stdout) == normalise_remote_sql(
        expected.stdout.replace("psql:", "fdwsh:"))
