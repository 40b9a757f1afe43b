"""A remote server stopped with ``pg_ctl stop -m immediate`` and started again (issue 7).

The remote is a cluster of our own.  Two sessions go side by side, statement by statement: fdwsh,
and psql on the shared cluster whose postgres_fdw server points at the same remote (the oracle).
The stop lands while a scan runs on the remote, or inside a transaction block that wrote: each
session gets postgres_fdw's error, the remote holds none of the block's changes, and the next
statement, once the server is back, connects again.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.fault_proxy import LOST, PipedShell, declare_both, fdwsh_shell
from tests.pgcluster import Cluster
from tests.remote_bed import psql_env

REMOTE = "postgres"
ORACLE = "stops_oracle"
REMOTE_SETUP = """
CREATE TABLE t (id int, v text);  -- no key: the two sessions insert the same rows
CREATE VIEW slow AS SELECT pg_sleep(30)::text AS s;
"""
FDW_DDL = """\
CREATE EXTENSION postgres_fdw;
CREATE SERVER s FOREIGN DATA WRAPPER postgres_fdw
    OPTIONS (host '127.0.0.1', port '{port}', dbname '{db}', connect_timeout '2');
CREATE USER MAPPING FOR CURRENT_USER SERVER s OPTIONS (user 'postgres');
CREATE FOREIGN TABLE t (id int, v text) SERVER s;
CREATE FOREIGN TABLE slow (s text) SERVER s;
"""


@dataclass
class Bed:
    own: Cluster
    pg: Cluster
    catalog: Path

    def remote(self, sql: str) -> str:
        return self.own.psql(sql, REMOTE, "-At", check=True).stdout

    def shells(self) -> tuple[PipedShell, PipedShell]:
        """(psql + postgres_fdw, fdwsh), each at the start of a session."""
        return PipedShell(["psql", "-X"], psql_env(self.pg, ORACLE)), fdwsh_shell(self.catalog)

    def restart(self) -> None:
        self.own.stop("immediate")
        self.own.start()


@pytest.fixture(scope="module")
def bed(pg: Cluster, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bed]:
    own = Cluster("fdwsh-stops")
    try:
        own.psql(REMOTE_SETUP, REMOTE, "-q", "-v", "ON_ERROR_STOP=1", check=True)
        catalog = tmp_path_factory.mktemp("stops") / "catalog.db"
        declare_both(pg, ORACLE, FDW_DDL.format(port=own.port, db=REMOTE), catalog)
        yield Bed(own, pg, catalog)
    finally:
        own.destroy()


def _both(shells: tuple[PipedShell, PipedShell], sql: str) -> tuple[str, str]:
    psql, fdwsh = shells
    return psql.run(sql)[0], fdwsh.run(sql)[0]


def _wait_active(bed: Bed, count: int) -> None:
    deadline = time.monotonic() + 10
    while bed.remote("SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'PgSleep'"
                     ) != f"{count}\n":  # postgres_fdw's query there is FETCH 100 FROM c1
        assert time.monotonic() < deadline, "the scans never started"
        time.sleep(0.05)


def test_a_server_stopped_mid_scan_then_back(bed: Bed) -> None:
    shells = bed.shells()
    for shell in shells:
        shell.child.send("SELECT * FROM slow;\n\\echo @@done@@\n")
    _wait_active(bed, 2)
    started = time.monotonic()
    bed.own.stop("immediate")
    outs = []
    for shell in shells:
        shell.child.expect_exact("@@done@@\n", timeout=10)
        outs.append(shell.child.before)
    assert time.monotonic() - started < 5
    psql, fdwsh = outs
    error = ("ERROR:  server closed the connection unexpectedly\n\tThis probably means the "
             "server terminated abnormally\n\tbefore or while processing the request.\n")
    assert psql.replace(LOST, "") == error + "CONTEXT:  remote SQL command: FETCH 100 FROM c1\n"
    assert fdwsh == LOST + error + ("CONTEXT:  remote SQL command: SELECT * FROM (SELECT s FROM "
                                    "public.slow) AS slow\n")
    bed.own.start()
    assert _both(shells, "SELECT count(*) FROM t;") == (" count \n-------\n     0\n(1 row)\n\n",) * 2
    for shell in shells:
        assert shell.close() == 0


def test_a_server_stopped_inside_a_block_that_wrote_keeps_none_of_it(bed: Bed) -> None:
    shells = bed.shells()
    for sql, tag in (("BEGIN;", "BEGIN\n"), ("INSERT INTO t VALUES (1, 'a'), (2, 'b');",
                                              "INSERT 0 2\n"),
                     ("UPDATE t SET v = 'c';", "UPDATE 2\n")):
        assert _both(shells, sql) == (tag, tag)
    bed.restart()
    psql, fdwsh = _both(shells, "COMMIT;")
    assert fdwsh == psql, (fdwsh, psql)
    assert fdwsh.startswith("ERROR:  ") and "CONTEXT:  remote SQL command: COMMIT TRANSACTION\n" \
        in fdwsh, fdwsh
    assert bed.remote("SELECT count(*) FROM t") == "0\n"
    assert _both(shells, "SELECT count(*) FROM t;") == (" count \n-------\n     0\n(1 row)\n\n",) * 2
    for shell in shells:
        assert shell.close() == 0


def test_a_statement_inside_the_block_after_the_restart(bed: Bed) -> None:
    shells = bed.shells()
    assert _both(shells, "BEGIN;") == ("BEGIN\n",) * 2
    assert _both(shells, "INSERT INTO t VALUES (3, 'x');") == ("INSERT 0 1\n",) * 2
    bed.restart()
    psql, fdwsh = _both(shells, "INSERT INTO t VALUES (4, 'y');")
    assert psql.count(LOST) == 1 and fdwsh.startswith(LOST), (psql, fdwsh)  # psql: in any order
    assert (fdwsh.replace(LOST, "").split("CONTEXT:  ")[0]
            == psql.replace(LOST, "").split("CONTEXT:  ")[0]), (fdwsh, psql)
    assert _both(shells, "ROLLBACK;") == ("ROLLBACK\n",) * 2
    assert bed.remote("SELECT count(*) FROM t") == "0\n"
    assert _both(shells, "SELECT count(*) FROM t;") == (" count \n-------\n     0\n(1 row)\n\n",) * 2
    for shell in shells:
        assert shell.close() == 0
