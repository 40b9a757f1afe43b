r"""``\ping`` (servers and user mappings checked by connecting) and ``\dconn`` (the open
remote connections), against real servers: a good one, one refusing a wrong password, one
stopped, one without a user mapping.

``\ping``'s error cells must hold exactly what psql + postgres_fdw print when a query meets the
same server (the oracle), never a password; the command fails (exit status 1) when any server
failed, after printing every row.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from fdwsh.session import Session
from fdwsh.settings import Settings
from tests.conftest import fdwsh_env
from tests.pgcluster import Cluster

PASSWORD = "s3cret-Pa55"


@pytest.fixture(scope="module")
def own(pg: Cluster) -> Iterator[Cluster]:
    """A cluster of this module's own (it gets stopped), where role carol needs a password."""
    cluster = Cluster("fdwsh-ping")
    try:
        cluster.psql("SET password_encryption = 'scram-sha-256';"
                     f"CREATE ROLE carol LOGIN PASSWORD '{PASSWORD}';"
                     "CREATE TABLE t (a int); INSERT INTO t VALUES (1); GRANT SELECT ON t TO carol",
                     check=True)
        hba = cluster.datadir / "pg_hba.conf"
        hba.write_text(f"host all carol {cluster.host}/32 scram-sha-256\n" + hba.read_text())
        cluster.psql("SELECT pg_reload_conf()", check=True)
        yield cluster
    finally:
        cluster.destroy()


def servers(cluster: Cluster, password: str = PASSWORD) -> str:
    """Catalog DDL (psql and fdwsh alike): ok, badpw (wrong password), nomap (no mapping)."""
    where = f"host '{cluster.host}', port '{cluster.port}', dbname 'postgres'"
    return (
        "CREATE EXTENSION postgres_fdw;\n"
        f"CREATE SERVER ok FOREIGN DATA WRAPPER postgres_fdw OPTIONS ({where});\n"
        f"CREATE USER MAPPING FOR CURRENT_USER SERVER ok OPTIONS (user 'carol', "
        f"password '{password}');\n"
        f"CREATE SERVER badpw FOREIGN DATA WRAPPER postgres_fdw OPTIONS ({where});\n"
        "CREATE USER MAPPING FOR public SERVER badpw OPTIONS (user 'carol', "
        "password 'wrong-one');\n"
        f"CREATE SERVER nomap FOREIGN DATA WRAPPER postgres_fdw OPTIONS ({where});\n")


def fdwsh(tmp_path: Path, *args: str, input: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "fdwsh", "-X", "-U", "postgres", *args,
                           "--catalog", str(tmp_path / "catalog.db")], input=input, text=True,
                          env=fdwsh_env(tmp_path), stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, timeout=60)


def oracle_error(pg: Cluster, oracle_db: str, own: Cluster, server: str) -> str:
    """What psql + postgres_fdw print when a query reaches ``server``."""
    script = ("BEGIN;\n" + servers(own) + f"CREATE FOREIGN TABLE ft (a int) SERVER {server} "
              "OPTIONS (table_name 't');\nSELECT * FROM ft;\nROLLBACK;\n")
    return pg.psql(script, oracle_db, "-q").stdout


def cells(output: str) -> dict[str, list[str]]:
    r"""``\ping``'s aligned table as {server: [cells...]} (continuation lines joined with \n)."""
    rows: dict[str, list[str]] = {}
    last = ""
    for line in output.splitlines()[3:]:
        if line.startswith("("):
            break
        parts = line.split(" | ")
        parts = [p.strip() for p in parts[:-1]] + [parts[-1].rstrip().removesuffix("+").rstrip()]
        if parts[0]:
            last = parts[0]
            rows[last] = parts
        else:
            rows[last][-1] += "\n" + parts[-1]
    return rows


def test_ping_reports_each_server_as_a_query_would_meet_it(
        pg: Cluster, own: Cluster, oracle_db: str, tmp_path: Path) -> None:
    assert fdwsh(tmp_path, "-q", "-f", "-", input=servers(own)).stdout == ""
    run = fdwsh(tmp_path, "-c", r"\ping")
    assert run.returncode == 1
    assert run.stdout.splitlines()[0].strip() == "Check of foreign servers"
    assert [c.strip() for c in run.stdout.splitlines()[1].split("|")] == [
        "Server", "User name", "Status", "Version", "Connect", "Round trip", "Error"]
    rows = cells(run.stdout)
    assert list(rows) == ["badpw", "nomap", "ok"]
    version = own.psql("SHOW server_version", "postgres", "-At").stdout.strip()
    name, user, status, shown, connect, round_trip, error = rows["ok"]
    assert (user, status, shown, error) == ("postgres", "ok", version, "")
    assert re.fullmatch(r"\d+\.\d{3} ms", connect) and re.fullmatch(r"\d+\.\d{3} ms", round_trip)
    assert rows["badpw"][1:6] == ["public", "failed", "", "", ""]
    assert rows["badpw"][6] + "\n" == oracle_error(pg, oracle_db, own, "badpw").replace(
        "\t", " ")
    assert 'password authentication failed for user "carol"' in rows["badpw"][6]
    assert rows["nomap"][1:] == ["", "failed", "", "", "", 'ERROR:  user mapping not found '
                                 'for "postgres"']
    assert rows["nomap"][6] + "\n" == oracle_error(pg, oracle_db, own, "nomap")
    assert PASSWORD not in run.stdout and "wrong-one" not in run.stdout


def test_ping_of_good_servers_succeeds_and_a_pattern_picks_servers(
        own: Cluster, tmp_path: Path) -> None:
    fdwsh(tmp_path, "-q", "-f", "-", input=servers(own))
    run = fdwsh(tmp_path, "-c", r"\ping o*")
    assert run.returncode == 0, run.stdout
    assert list(cells(run.stdout)) == ["ok"]
    assert run.stdout.endswith("(1 row)\n\n")
    none = fdwsh(tmp_path, "-c", r"\ping nosuch")
    assert none.returncode == 0 and "(0 rows)" in none.stdout


def test_ping_of_a_stopped_server(pg: Cluster, own: Cluster, oracle_db: str,
                                  tmp_path: Path) -> None:
    fdwsh(tmp_path, "-q", "-f", "-", input=servers(own))
    own.stop()
    try:
        expected = oracle_error(pg, oracle_db, own, "ok")
        run = fdwsh(tmp_path, "-c", r"\ping ok")
    finally:
        own.start()
    assert run.returncode == 1
    assert 'ERROR:  could not connect to server "ok"' in expected
    assert cells(run.stdout)["ok"][2] == "failed"
    assert cells(run.stdout)["ok"][6] + "\n" == expected.replace("\t", " ")


def session(tmp_path: Path) -> tuple[Session, io.StringIO]:
    out = io.StringIO()
    return Session(Settings(catalog_path=str(tmp_path / "catalog.db"), user="postgres"),
                   stdout=out, stderr=out), out


def test_dconn_lists_the_connection_a_query_opened(own: Cluster, tmp_path: Path) -> None:
    fdwsh(tmp_path, "-q", "-f", "-",
          input=servers(own) + "CREATE FOREIGN TABLE ft (a int) SERVER ok OPTIONS (table_name 't');")
    s, out = session(tmp_path)
    try:
        s.process_line(r"\dconn")
        assert out.getvalue().endswith("(0 rows)\n\n")
        s.run_sql("SELECT * FROM ft;")
        out.truncate(0), out.seek(0)
        s.process_line(r"\dconn")
        pid = own.psql("SELECT pid FROM pg_stat_activity WHERE usename = 'carol'",
                       "postgres", "-At").stdout.strip()
        version = own.psql("SHOW server_version", "postgres", "-At").stdout.strip()
        lines = out.getvalue().splitlines()
        assert lines[0].strip() == "Remote connections"
        assert [c.strip() for c in lines[1].split("|")] == [
            "Server", "User name", "Valid", "Backend PID", "Transaction", "Version"]
        assert [c.strip() for c in lines[3].split("|")] == [
            "ok", "postgres", "t", pid, "idle", version]
        assert lines[4] == "(1 row)"
        s.run_sql("SELECT postgres_fdw_disconnect_all();")
        out.truncate(0), out.seek(0)
        s.process_line(r"\dconn")
        assert out.getvalue().endswith("(0 rows)\n\n")
    finally:
        s.close()


BLOCK = """\
BEGIN;
SELECT * FROM ft;
{listing}
ALTER SERVER ok OPTIONS (ADD fetch_size '10');
{listing}
ROLLBACK;
{listing}
"""


def test_dconn_in_a_transaction_block_agrees_with_postgres_fdw_get_connections(
        pg: Cluster, own: Cluster, oracle_db: str, tmp_path: Path) -> None:
    """Inside a block the connection is in its remote transaction; a changed server makes it
    invalid until the block ends, which closes it — as postgres_fdw_get_connections() says."""
    ddl = servers(own) + "CREATE FOREIGN TABLE ft (a int) SERVER ok OPTIONS (table_name 't');\n"
    oracle = pg.psql(ddl + BLOCK.format(
        listing="SELECT server_name, valid FROM postgres_fdw_get_connections();"),
        oracle_db, "-q", "-At").stdout.splitlines()
    assert oracle == ["1", "ok|t", "ok|f"]
    fdwsh(tmp_path, "-q", "-f", "-", input=ddl)
    out = fdwsh(tmp_path, "-q", "-At", "-f", "-", input=BLOCK.format(listing="\\dconn")
                ).stdout.splitlines()
    rows = [line.split("|") for line in out[1:]]
    assert [f"{r[0]}|{r[2]}" for r in rows] == oracle[1:]
    assert [r[4] for r in rows] == ["in transaction", "in transaction"]
