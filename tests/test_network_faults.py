"""Network faults between fdwsh and its server: stalls and dropped connections (issue 7).

fdwsh's server ``s`` points at a loopback proxy (tests/fault_proxy.py) in front of the shared
cluster, and so does postgres_fdw's in the oracle database: the same fault lands on the same
bytes for both.  A stall is ended by fdwsh's own ``statement_timeout`` or by Ctrl-C, in bounded
time even though the cancel request stalls too; a dropped connection is postgres_fdw's error,
the remote table (read directly, not through the proxy) holds all of a statement or none of it,
and the session's next statement connects again.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pexpect
import pytest

from tests.conftest import ROOT, fdwsh_env, run_fdwsh
from tests.fault_proxy import (LOST, FaultProxy, PipedShell, declare_both, fdwsh_command,
                               fdwsh_shell)
from tests.pgcluster import Cluster
from tests.test_query_interrupt import LINE_READ, PROMPT, plain

REMOTE = "netf_remote"
ORACLE = "netf_oracle"
REMOTE_SETUP = """
CREATE TABLE big AS SELECT g AS id, repeat('x', 100) AS pad FROM generate_series(1, 100000) g;
CREATE TABLE t (id int PRIMARY KEY, v int NOT NULL);
INSERT INTO t SELECT g, 0 FROM generate_series(1, 1000) g;
CREATE VIEW slow AS SELECT pg_sleep(30)::text AS s;
CREATE FUNCTION nap() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.id = 500 AND current_setting('application_name') LIKE 'nap%' THEN
    PERFORM pg_sleep(1);
  END IF;
  RETURN NEW;
END$$;
CREATE TRIGGER nap BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION nap();
"""
FDW_DDL = """\
CREATE EXTENSION postgres_fdw;
CREATE SERVER s FOREIGN DATA WRAPPER postgres_fdw
    OPTIONS (host '127.0.0.1', port '{port}', dbname '{db}', connect_timeout '2');
CREATE USER MAPPING FOR CURRENT_USER SERVER s OPTIONS (user 'postgres');
CREATE FOREIGN TABLE big (id int, pad text) SERVER s;
CREATE FOREIGN TABLE t (id int, v int) SERVER s;
CREATE FOREIGN TABLE slow (s text) SERVER s;
"""
#: Reads every row of ``big`` (random() is not shipped, so the filter runs locally).
SCAN = "SELECT count(*) FROM big WHERE random() >= 0;"
#: postgres_fdw's words for a connection the proxy closed (libpq's message).
CLOSED = ("ERROR:  server closed the connection unexpectedly\n\tThis probably means the server "
          "terminated abnormally\n\tbefore or while processing the request.\n")


@dataclass
class Bed:
    pg: Cluster
    proxy: FaultProxy
    catalog: Path

    def remote(self, sql: str) -> str:
        """A query on the remote database itself (not through the proxy)."""
        return self.pg.psql(sql, REMOTE, "-At", check=True).stdout

    def oracle(self, sql: str) -> str:
        """psql + postgres_fdw, its server behind the same proxy."""
        return self.pg.psql(sql, ORACLE).stdout

    def command(self, *args: str) -> list[str]:
        return [*fdwsh_command(self.catalog), *args]

    def fdwsh(self, script: str) -> tuple[str, float]:
        started = time.monotonic()
        out = run_fdwsh("-X", "-U", "postgres", input=script, catalog=self.catalog)
        return out.stdout, time.monotonic() - started

    def shell(self, appname: str = "fdwsh") -> PipedShell:
        return fdwsh_shell(self.catalog, PGAPPNAME=appname)


@pytest.fixture(scope="module")
def module_bed(pg: Cluster, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bed]:
    pg.psql(f'DROP DATABASE IF EXISTS "{REMOTE}" WITH (FORCE)', check=True)
    pg.create_database(REMOTE)
    pg.psql(REMOTE_SETUP, REMOTE, "-q", "-v", "ON_ERROR_STOP=1", check=True)
    with FaultProxy(pg.port) as proxy:
        catalog = tmp_path_factory.mktemp("netf") / "catalog.db"
        declare_both(pg, ORACLE, FDW_DDL.format(port=proxy.port, db=REMOTE), catalog)
        yield Bed(pg, proxy, catalog)


@pytest.fixture
def bed(module_bed: Bed) -> Iterator[Bed]:
    """The bed with a healthy proxy and ``t`` as set up; connections dropped afterwards."""
    module_bed.remote("DELETE FROM t WHERE id > 1000; UPDATE t SET v = 0 WHERE v <> 0")
    yield module_bed
    proxy = module_bed.proxy
    proxy.arm("pause", nbytes=1 << 40)  # disarm whatever a test left armed
    proxy.resume()
    proxy.accept()
    proxy.drop()


def _t(bed: Bed) -> str:
    return bed.remote("SELECT count(*), sum(v) FROM t")


# -- stalls ---------------------------------------------------------------------------------------

def test_statement_timeout_cancels_a_slow_remote_query_as_postgres_fdw_does(bed: Bed) -> None:
    script = "SET statement_timeout = '500ms';\nSELECT * FROM slow;\nSELECT count(*) FROM t;\n"
    out, seconds = bed.fdwsh(script)
    assert out == bed.oracle(script) == (
        "SET\nERROR:  canceling statement due to statement timeout\n"
        " count \n-------\n  1000\n(1 row)\n\n")
    assert seconds < 10
    assert bed.remote("SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%slow%'"
                      " AND state = 'active' AND pid <> pg_backend_pid()") == "0\n"


def test_a_network_stall_mid_scan_ends_at_statement_timeout(bed: Bed) -> None:
    """psql + postgres_fdw 15 print the same error, then hang in the cancel request (which the
    stall holds too); fdwsh gives the connection up when its cancel cannot get through within
    the server's connect_timeout, and the next statement connects again."""
    shell = bed.shell()
    assert shell.run("SET statement_timeout = '1s';")[0] == "SET\n"
    stalled = bed.proxy.arm("pause", nbytes=50_000)  # of 700 kB: well before the timeout
    out, seconds = shell.run(SCAN)
    assert stalled.is_set()
    assert out == LOST + "ERROR:  canceling statement due to statement timeout\n"
    assert 1 <= seconds < 6  # the timeout, then at most connect_timeout (2 s) for the cancel
    bed.proxy.resume()
    out, _ = shell.run("SELECT count(*) FROM t;")
    assert out == " count \n-------\n  1000\n(1 row)\n\n"
    assert shell.close() == 0


def test_ctrl_c_ends_a_stalled_scan_at_the_prompt(bed: Bed) -> None:
    env = {**fdwsh_env(), "PYTHONPATH": str(ROOT), "PROMPT_TOOLKIT_NO_CPR": "1",
           "TERM": "xterm-256color"}
    child = pexpect.spawn(sys.executable, bed.command()[1:], env=env, encoding="utf-8",
                          timeout=20, dimensions=(30, 100))
    try:
        child.expect_exact(PROMPT)
        stalled = bed.proxy.arm("pause", nbytes=200_000)
        child.send(SCAN + "\r")
        child.expect_exact(LINE_READ)
        deadline = time.monotonic() + 10
        while not stalled.is_set():
            assert time.monotonic() < deadline, "the scan never stalled"
            time.sleep(0.05)
        started = time.monotonic()
        child.sendintr()
        child.expect_exact(PROMPT)
        assert time.monotonic() - started < 5
        assert (f"Cancel request sent\n{LOST}ERROR:  canceling statement due to user request\n"
                in plain(child.before))
        bed.proxy.resume()
        child.send("SELECT count(*) FROM t;\r")
        child.expect_exact("(1 row)")
        assert "1000" in plain(child.before)
    finally:
        child.close(force=True)


def test_a_stalled_connect_is_bounded_by_connect_timeout(bed: Bed) -> None:
    bed.proxy.pause()  # accepts the connection, forwards nothing: the startup never answers
    out, seconds = bed.fdwsh("SELECT count(*) FROM t;\n")
    assert out == bed.oracle("SELECT count(*) FROM t;\n") == (
        'ERROR:  could not connect to server "s"\nDETAIL:  connection to server at '
        f'"127.0.0.1", port {bed.proxy.port} failed: timeout expired\n')
    assert 1.9 < seconds < 6


def test_a_refused_connection_then_the_server_back(bed: Bed) -> None:
    shell = bed.shell()
    bed.proxy.refuse()
    out, _ = shell.run("SELECT count(*) FROM t;")
    assert out.startswith('ERROR:  could not connect to server "s"\nDETAIL:  connection to '
                          f'server at "127.0.0.1", port {bed.proxy.port} failed: Connection '
                          "refused\n"), out
    bed.proxy.accept()
    assert shell.run("SELECT count(*) FROM t;")[0].endswith("  1000\n(1 row)\n\n")
    assert shell.close() == 0


# -- dropped connections --------------------------------------------------------------------------

def _error_part(out: str) -> str:
    """The error up to its CONTEXT (postgres_fdw's remote SQL differs: FETCH), the cleanup's
    warning left out (psql prints it before or after the error, as the messages arrive)."""
    assert out.count(LOST) == 1, out
    out = out.replace(LOST, "")
    return out[:out.index("CONTEXT:  ")]


def test_a_connection_dropped_mid_scan(bed: Bed) -> None:
    script = SCAN + "\nSELECT count(*) FROM t;\n"
    results = []
    for run in (bed.oracle, lambda s: bed.fdwsh(s)[0]):
        dropped = bed.proxy.arm("drop", nbytes=200_000)
        results.append(run(script))
        assert dropped.is_set(), results
    psql, fdwsh = results
    assert _error_part(fdwsh) == _error_part(psql) == CLOSED
    assert fdwsh.startswith(LOST + CLOSED)
    assert "CONTEXT:  remote SQL command: SELECT FROM public.big\n" in fdwsh
    assert fdwsh.endswith(" count \n-------\n  1000\n(1 row)\n\n")  # connected again


def test_a_connection_dropped_mid_copy_from_stdin_keeps_no_row(bed: Bed) -> None:
    rows = "".join(f"{i}\t1\n" for i in range(2000, 12000))
    script = f"COPY t FROM STDIN;\n{rows}\\.\nSELECT count(*) FROM t;\n"
    dropped = bed.proxy.arm("drop", direction="up", nbytes=20_000)
    out, _ = bed.fdwsh(script)
    assert dropped.is_set()
    assert out == (LOST + CLOSED + "CONTEXT:  remote SQL command: COPY public.t (id, v) FROM STDIN\n"
                   " count \n-------\n  1000\n(1 row)\n\n")
    assert _t(bed) == "1000|0\n"


def test_a_connection_dropped_mid_update_changes_no_row(bed: Bed) -> None:
    """The remote UPDATE is at row 500 (its trigger naps there) when the proxy drops both
    sides: the backend finds its client gone and rolls the half-done UPDATE back."""
    shell = bed.shell("nap-fdwsh")
    bed.proxy.wait_for_connections(0)
    writing = bed.proxy.arm("pause", direction="up", pattern=b"UPDATE")
    bed.proxy.resume()
    shell.child.send("UPDATE t SET v = v + 1;\n\\echo @@done@@\n")
    deadline = time.monotonic() + 10
    while not writing.is_set():
        assert time.monotonic() < deadline
        time.sleep(0.02)
    bed.proxy.resume()  # let the UPDATE through, then drop while it naps at row 500
    while bed.remote("SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'PgSleep'"
                     " AND application_name LIKE 'nap%'") != "1\n":
        assert time.monotonic() < deadline, "the UPDATE never reached row 500"
        time.sleep(0.02)
    bed.proxy.drop()
    shell.child.expect_exact("@@done@@\n")
    out = shell.child.before
    assert out.startswith(LOST + CLOSED), out
    assert "CONTEXT:  remote SQL command: UPDATE public.t AS t SET v = v + 1\n" in out
    time.sleep(1.5)  # the backend ends its nap, finds the client gone, rolls back
    assert _t(bed) == "1000|0\n"
    assert shell.run("SELECT sum(v) FROM t;")[0] == " sum \n-----\n   0\n(1 row)\n\n"
    assert shell.close() == 0


def test_a_connection_dropped_at_commit_of_a_block_that_wrote(bed: Bed) -> None:
    script = ("BEGIN;\nUPDATE t SET v = v + 1;\nINSERT INTO t VALUES (1001, 1);\nCOMMIT;\n"
              "SELECT count(*), sum(v) FROM t;\n")
    results = []
    for run in (bed.oracle, lambda s: bed.fdwsh(s)[0]):
        dropped = bed.proxy.arm("drop", pattern=b"COMMIT TRANSACTION")
        results.append(run(script))
        assert dropped.is_set()
        assert _t(bed) == "1000|0\n"
    psql, fdwsh = results
    assert fdwsh == psql, (fdwsh, psql)
    assert fdwsh.startswith("BEGIN\nUPDATE 1000\nINSERT 0 1\n" + CLOSED
                            + "CONTEXT:  remote SQL command: COMMIT TRANSACTION\n"), fdwsh
