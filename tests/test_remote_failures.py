"""Remote failures read as postgres_fdw 15 reports them: oracle and behaviour tests.

Where postgres_fdw prints something (connection failures, a missing user mapping, remote errors,
a lost connection), the same server definitions go through psql + postgres_fdw on the shared
cluster and through fdwsh's ConnectionCache, and the rendered errors must be identical
(VERBOSITY verbose, so the SQLSTATE is compared too; psql's LOCATION line names postgres_fdw's C
source and is dropped).  Cancel, Ctrl-C, lost and stopped servers leave the cache usable.
"""

from __future__ import annotations

import os
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from fdwsh.catalog.store import CatalogStore
from fdwsh.errors import FdwshError
from fdwsh.output.errors import format_error
from fdwsh.remote import functions
from fdwsh.remote.connection import ConnectionCache
from tests.pgcluster import Cluster, free_port
from tests.remote_helpers import (REMOTE_DB, USER, catalog, fdwsh_error, interrupt_main_after, one,
                                  oracle_error, server_sql, terminate_fdwsh_backends)
from tests.remote_helpers import cache, remote, remote_user_default  # noqa: F401, F811  (fixtures)


def test_no_user_mapping_is_postgres_fdw_error(remote: Cluster, oracle_db: str) -> None:
    setup = server_sql(remote)
    assert (fdwsh_error(setup, "SELECT a FROM public.t")
            == oracle_error(remote, oracle_db, setup,
                            "CREATE FOREIGN TABLE ft (a int) SERVER s OPTIONS (table_name 't')",
                            "SELECT * FROM ft")
            == 'ERROR:  42704: user mapping not found for "postgres"\n')


def test_unknown_server() -> None:
    cache = ConnectionCache(catalog(""), USER)
    with pytest.raises(FdwshError, match='^server "nope" does not exist$'):
        cache.get("nope")


@pytest.fixture(scope="module")
def auth_cluster() -> Iterator[Cluster]:
    """A cluster of our own where role alice must log in with a SCRAM password."""
    cluster = Cluster("fdwsh-auth")
    try:
        cluster.psql("SET password_encryption = 'scram-sha-256';"
                     "CREATE ROLE alice LOGIN PASSWORD 'secret'", check=True)
        hba = cluster.datadir / "pg_hba.conf"
        rules = hba.read_text()
        hba.write_text(f"host all alice {cluster.host}/32 scram-sha-256\n" + rules)
        cluster.psql("SELECT pg_reload_conf()", check=True)
        yield cluster
    finally:
        cluster.destroy()


def alice_catalog(cluster: Cluster, password: str | None = None) -> CatalogStore:
    opts = "user 'alice'" + (f", password '{password}'" if password else "")
    return catalog(server_sql(cluster, dbname="postgres")
                   + f"CREATE USER MAPPING FOR public SERVER s OPTIONS ({opts});")


def test_password_from_the_mapping(auth_cluster: Cluster) -> None:
    cache = ConnectionCache(alice_catalog(auth_cluster, "secret"), USER)
    assert one(cache.get("s"), "SELECT current_user") == "alice"
    cache.close_all()


@pytest.mark.parametrize("via", ["home", "PGPASSFILE"])
def test_password_from_pgpass(auth_cluster: Cluster, tmp_path: Path,
                              monkeypatch: pytest.MonkeyPatch, via: str) -> None:
    passfile = tmp_path / (".pgpass" if via == "home" else "passwords")
    passfile.write_text(f"{auth_cluster.host}:{auth_cluster.port}:*:alice:secret\n")
    passfile.chmod(0o600)
    monkeypatch.delenv("PGPASSWORD", raising=False)
    if via == "home":
        monkeypatch.delenv("PGPASSFILE", raising=False)
        monkeypatch.setenv("HOME", str(tmp_path))
    else:
        monkeypatch.setenv("PGPASSFILE", str(passfile))
    cache = ConnectionCache(alice_catalog(auth_cluster), USER)
    assert one(cache.get("s"), "SELECT current_user") == "alice"
    cache.close_all()


def test_connection_failures_read_as_postgres_fdw_reports_them(
        remote: Cluster, auth_cluster: Cluster, oracle_db: str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))  # no ~/.pgpass on either side
    monkeypatch.delenv("PGPASSFILE", raising=False)
    closed_port = free_port()
    cases = {
        "closed port": f"CREATE SERVER s FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host "
                       f"'127.0.0.1', port '{closed_port}', dbname 'postgres');"
                       "CREATE USER MAPPING FOR public SERVER s;",
        "wrong password": server_sql(auth_cluster, dbname="postgres")
        + "CREATE USER MAPPING FOR public SERVER s OPTIONS (user 'alice', password 'wrong');",
        "no password": server_sql(auth_cluster, dbname="postgres")
        + "CREATE USER MAPPING FOR public SERVER s OPTIONS (user 'alice');",
        "no such role": server_sql(remote)
        + "CREATE USER MAPPING FOR public SERVER s OPTIONS (user 'nosuchrole');",
        "no such database": server_sql(remote, dbname="nosuchdb")
        + "CREATE USER MAPPING FOR public SERVER s;",
        "bad port": "CREATE SERVER s FOREIGN DATA WRAPPER postgres_fdw OPTIONS (port 'abc');"
                    "CREATE USER MAPPING FOR public SERVER s;",
    }
    for case, setup in cases.items():
        expected = oracle_error(remote, oracle_db, setup,
                                "CREATE FOREIGN TABLE ft (a int) SERVER s", "SELECT * FROM ft")
        remote.psql("DROP SERVER s CASCADE", oracle_db, "-q")
        assert expected.startswith('ERROR:  08001: could not connect to server "s"\nDETAIL:  ')
        assert fdwsh_error(setup, "SELECT a FROM public.ft") == expected, case


def test_connect_timeout_gives_up_with_libpqs_message() -> None:
    with socket.socket() as silent:  # accepts the TCP connection, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]
        setup = (f"CREATE SERVER s FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host 'localhost', "
                 f"port '{port}', connect_timeout '1'); CREATE USER MAPPING FOR public SERVER s;")
        started = time.monotonic()
        text = fdwsh_error(setup, "SELECT 1")
    assert 1.9 < time.monotonic() - started < 5  # libpq waits at least 2 s
    assert text == ('ERROR:  08001: could not connect to server "s"\nDETAIL:  connection to '
                    f'server at "localhost" (127.0.0.1), port {port} failed: timeout expired\n')


def test_ctrl_c_interrupts_a_hanging_connect() -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]
        cache = ConnectionCache(catalog(
            f"CREATE SERVER s FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '127.0.0.1', "
            f"port '{port}'); CREATE USER MAPPING FOR public SERVER s;"), USER)
        started = time.monotonic()
        interrupt_main_after(0.3)
        with pytest.raises(KeyboardInterrupt):
            cache.get("s")
        assert time.monotonic() - started < 2
        assert functions.get_connections(cache) == []


# -- remote errors ------------------------------------------------------------------------------

@pytest.mark.parametrize("table, remote_sql", [
    ("nosuch", "SELECT a FROM public.nosuch"),
    ("v_boom", "SELECT a FROM public.v_boom"),
])
def test_remote_errors_keep_sqlstate_and_name_the_remote_sql(
        remote: Cluster, oracle_db: str, table: str, remote_sql: str) -> None:
    setup = server_sql(remote) + "CREATE USER MAPPING FOR public SERVER s;"
    expected = oracle_error(remote, oracle_db, setup,
                            f"CREATE FOREIGN TABLE ft (a int) SERVER s OPTIONS "
                            f"(table_name '{table}')", "SELECT * FROM ft")
    assert expected.count("CONTEXT:  ") == 1 and "remote SQL command: " in expected
    assert fdwsh_error(setup, remote_sql) == expected


def test_after_a_remote_error_the_connection_serves_the_next_statement(
        cache: ConnectionCache) -> None:
    conn = cache.get("s")
    pid = one(conn, "SELECT pg_backend_pid()")
    cache.end_of_statement()
    with pytest.raises(FdwshError, match="division by zero"):
        list(conn.stream("SELECT 1/0"))
    cache.end_of_statement(ok=False)
    assert cache.get("s") is conn and one(conn, "SELECT pg_backend_pid()") == pid


# -- cancel and lost connections ----------------------------------------------------------------

def test_cancel_from_another_thread(cache: ConnectionCache) -> None:
    conn = cache.get("s")
    threading.Timer(0.3, conn.cancel).start()
    started = time.monotonic()
    with pytest.raises(FdwshError) as info:
        list(conn.stream("SELECT pg_sleep(30)"))
    assert time.monotonic() - started < 5
    err = info.value
    assert (err.sqlstate, err.message, err.context) == (
        "57014", "canceling statement due to user request",
        "remote SQL command: SELECT pg_sleep(30)")
    cache.end_of_statement(ok=False)
    assert one(cache.get("s"), "SELECT 42") == "42"


def test_ctrl_c_cancels_the_remote_query(cache: ConnectionCache, remote: Cluster) -> None:
    conn = cache.get("s")
    pid = one(conn, "SELECT pg_backend_pid()")
    cache.end_of_statement()
    interrupt_main_after(0.3)
    with pytest.raises(FdwshError) as info:
        list(conn.stream("SELECT pg_sleep(30)"))
    assert format_error(info.value) == "ERROR:  canceling statement due to user request\n"
    cache.end_of_statement(ok=False)
    state = remote.psql(f"SELECT state FROM pg_stat_activity WHERE pid = {pid}", "postgres",
                        "-At").stdout.strip()
    assert state == "idle"
    assert cache.get("s") is conn and one(conn, "SELECT pg_backend_pid()") == pid


def test_ctrl_c_while_the_query_waits_for_a_lock_before_any_row(
        cache: ConnectionCache, remote: Cluster) -> None:
    env = {**os.environ, "PGHOST": remote.host, "PGPORT": str(remote.port), "PGUSER": USER,
           "PGAPPNAME": "locker"}
    locker = subprocess.Popen(
        ["psql", "-X", "-q", "-d", REMOTE_DB, "-c",
         "BEGIN; LOCK TABLE t IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(10)"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(0.5)
        interrupt_main_after(0.3)
        with pytest.raises(FdwshError) as info:
            one(cache.get("s"), "SELECT a FROM public.t")  # parsing it waits for the lock
        assert info.value.sqlstate == "57014" and info.value.context is None
        cache.end_of_statement(ok=False)
    finally:
        remote.psql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE application_name = 'locker'", check=True)
        locker.wait()
    assert one(cache.get("s"), "SELECT count(*) FROM public.t") == "2"


def test_a_connection_lost_mid_query_is_an_error_then_replaced(
        cache: ConnectionCache, remote: Cluster) -> None:
    conn = cache.get("s")
    pid = one(conn, "SELECT pg_backend_pid()")
    cache.end_of_statement()
    threading.Timer(0.3, terminate_fdwsh_backends, (remote,)).start()
    with pytest.raises(FdwshError) as info:
        list(conn.stream("SELECT pg_sleep(30)"))
    err = info.value
    assert err.sqlstate == "08006"
    assert err.message.startswith("FATAL:  terminating connection due to administrator command")
    assert err.context == "remote SQL command: SELECT pg_sleep(30)"
    assert conn.broken
    cache.end_of_statement(ok=False)
    assert functions.get_connections(cache) == []
    assert one(cache.get("s"), "SELECT pg_backend_pid()") != pid


def test_a_connection_lost_inside_a_transaction_reads_as_postgres_fdws_error(
        cache: ConnectionCache, remote: Cluster, oracle_db: str) -> None:
    setup = server_sql(remote) + "CREATE USER MAPPING FOR public SERVER s;"
    kill = ("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            f"WHERE application_name = 'postgres_fdw' AND datname = '{REMOTE_DB}'")
    out = oracle_error(remote, oracle_db, setup,
                       "CREATE FOREIGN TABLE ft (a int) SERVER s OPTIONS (table_name 't')",
                       f"BEGIN; SELECT count(*) FROM ft; {kill}; SELECT * FROM ft; ROLLBACK")
    expected = out[out.index("ERROR:  "):out.index("CONTEXT:  ")]
    conn = cache.get("s")
    conn.begin()
    one(conn, "SELECT 1")
    terminate_fdwsh_backends(remote)
    with pytest.raises(FdwshError) as info:
        one(conn, "SELECT a FROM public.t")
    assert format_error(info.value, verbosity="verbose") == (
        expected + "CONTEXT:  remote SQL command: SELECT a FROM public.t\n")
    assert conn.closed
    conn.rollback()  # nothing left to roll back
    assert one(cache.get("s"), "SELECT 1") == "1"


def test_an_idle_connection_found_dead_is_reopened_silently(
        cache: ConnectionCache, remote: Cluster) -> None:
    conn = cache.get("s")
    pid = one(conn, "SELECT pg_backend_pid()")
    cache.end_of_statement()
    terminate_fdwsh_backends(remote)
    assert one(cache.get("s"), "SELECT pg_backend_pid()") != pid


def test_a_stopped_server(tmp_path: Path) -> None:
    own = Cluster("fdwsh-stop")
    try:
        cache = ConnectionCache(catalog(server_sql(own, dbname="postgres")
                                        + "CREATE USER MAPPING FOR public SERVER s;"), USER)
        assert one(cache.get("s"), "SELECT 1") == "1"
        cache.end_of_statement()
        own.stop()
        with pytest.raises(FdwshError) as info:
            one(cache.get("s"), "SELECT 1")
        assert format_error(info.value) == (
            'ERROR:  could not connect to server "s"\nDETAIL:  connection to server at '
            f'"127.0.0.1", port {own.port} failed: Connection refused\n\tIs the server running '
            'on that host and accepting TCP/IP connections?\n')
        cache.end_of_statement(ok=False)
        own.start()
        assert one(cache.get("s"), "SELECT 2") == "2"
        cache.close_all()
    finally:
        own.destroy()


