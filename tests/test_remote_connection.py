"""Remote connections behave as postgres_fdw 15's connection.c: oracle and behaviour tests.

The remote servers are databases of real throwaway clusters.  Where postgres_fdw prints
something (connection failures, a missing user mapping, remote errors), the same server
definitions go through psql + postgres_fdw on the shared cluster and through fdwsh's
ConnectionCache, and the rendered errors must be identical (VERBOSITY verbose, so the SQLSTATE
is compared too; psql's LOCATION line names postgres_fdw's C source and is dropped).
"""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pglast import parse_sql

from fdwsh.catalog import ddl
from fdwsh.catalog.context import DdlContext
from fdwsh.catalog.store import CatalogStore
from fdwsh.errors import FdwshError
from fdwsh.output.errors import format_error
from fdwsh.remote import functions
from fdwsh.remote.connection import ConnectionCache
from fdwsh.remote.params import connection_params
from tests.conftest import ROOT
from tests.pgcluster import Cluster, free_port

USER = "postgres"  # the local user: the oracle's psql runs as postgres too
REMOTE_DB = "remote_conn"


def catalog(sql: str) -> CatalogStore:
    """A fresh in-memory catalog after running ``sql`` (catalog DDL)."""
    store = CatalogStore(":memory:")
    for raw in parse_sql("CREATE EXTENSION postgres_fdw;" + sql):
        ddl.execute(raw.stmt, DdlContext(store, USER, sql))
    return store


def server_sql(cluster: Cluster, name: str = "s", dbname: str = REMOTE_DB, **extra: str) -> str:
    opts = {"host": cluster.host, "port": str(cluster.port), "dbname": dbname, **extra}
    listed = ", ".join(f"{k} '{v}'" for k, v in opts.items())
    return f"CREATE SERVER {name} FOREIGN DATA WRAPPER postgres_fdw OPTIONS ({listed});\n"


def one(conn: object, sql: str) -> str | None:
    """The single value a remote query returns."""
    rows = list(conn.stream(sql))  # type: ignore[attr-defined]
    assert len(rows) == 1 and len(rows[0]) == 1, rows
    return rows[0][0]


def fdwsh_error(setup: str, remote_sql: str, user: str = USER) -> str:
    """What fdwsh prints when a statement reaches ``remote_sql`` under the catalog ``setup``."""
    cache = ConnectionCache(catalog(setup), user)
    try:
        with pytest.raises(FdwshError) as info:
            list(cache.get("s").stream(remote_sql))
        return format_error(info.value, verbosity="verbose")
    finally:
        cache.close_all()


def oracle_error(pg: Cluster, db: str, setup: str, foreign_table: str, query: str) -> str:
    """What psql + postgres_fdw print for ``query`` after ``setup`` (+ the foreign table)."""
    script = ("\\set VERBOSITY verbose\nSET client_min_messages = warning;\n"
              "CREATE EXTENSION IF NOT EXISTS postgres_fdw;\n" + setup
              + foreign_table + ";\n" + query + ";\n")
    out = pg.psql(script, db, "-q").stdout
    return "".join(line for line in out.splitlines(keepends=True)
                   if not line.startswith("LOCATION:  "))


@pytest.fixture(autouse=True)
def remote_user_default(monkeypatch: pytest.MonkeyPatch) -> None:
    """libpq's default user is the OS user: postgres inside the oracle's server, so here too;
    and remote sessions are named by fdwsh's default (PGAPPNAME would override it)."""
    monkeypatch.setenv("PGUSER", "postgres")
    monkeypatch.delenv("PGAPPNAME", raising=False)


@pytest.fixture(scope="module")
def remote(pg: Cluster) -> Cluster:
    """The shared cluster, with a database playing the remote server."""
    pg.psql(f'DROP DATABASE IF EXISTS "{REMOTE_DB}"', check=True)
    pg.create_database(REMOTE_DB)
    pg.psql("CREATE TABLE t (a int, b text); INSERT INTO t VALUES (1, 'one'), (2, 'two');"
            "CREATE ROLE bob LOGIN; GRANT SELECT ON t TO bob;"
            "CREATE FUNCTION boom() RETURNS int LANGUAGE plpgsql AS $$BEGIN "
            "RAISE EXCEPTION 'boom' USING DETAIL = 'a detail', HINT = 'a hint'; END$$;"
            "CREATE VIEW v_boom AS SELECT boom() AS a;", REMOTE_DB, check=True)
    return pg


@pytest.fixture
def cache(remote: Cluster) -> Iterator[ConnectionCache]:
    """A cache over a catalog with server ``s`` (the remote database) and a PUBLIC mapping."""
    cache = ConnectionCache(catalog(server_sql(remote) + "CREATE USER MAPPING FOR public SERVER s"
                                    " OPTIONS (user 'postgres');"), USER)
    yield cache
    cache.close_all()


def backend_count(cluster: Cluster, application_name: str = "fdwsh") -> int:
    out = cluster.psql("SELECT count(*) FROM pg_stat_activity WHERE application_name = "
                       f"'{application_name}'", "postgres", "-At").stdout
    return int(out)


# -- parameters ---------------------------------------------------------------------------------

def test_only_libpq_options_reach_libpq_server_options_first_then_the_mapping() -> None:
    params = connection_params(
        [("host", "h"), ("fetch_size", "10"), ("keep_connections", "off"), ("sslcert", "a"),
         ("use_remote_estimate", "true"), ("fdw_tuple_cost", "1"), ("port", "5")],
        [("user", "u"), ("password", "p"), ("password_required", "false"), ("sslcert", "b")])
    assert params == {"host": "h", "port": "5", "user": "u", "password": "p", "sslcert": "b",
                      "fallback_application_name": "fdwsh", "client_encoding": "UTF8"}


def test_importing_the_cache_does_not_import_psycopg() -> None:
    code = ("import sys, fdwsh.remote.connection, fdwsh.remote.functions, fdwsh.remote.errors;"
            "sys.exit('psycopg' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0


# -- connecting ---------------------------------------------------------------------------------

def test_server_and_mapping_options_choose_database_and_role(remote: Cluster) -> None:
    cache = ConnectionCache(catalog(
        server_sql(remote, fetch_size="50", keep_connections="on", use_remote_estimate="true")
        + "CREATE USER MAPPING FOR public SERVER s OPTIONS (user 'bob');"), USER)
    try:
        conn = cache.get("s")
        assert one(conn, "SELECT current_database() || ' ' || current_user") == f"{REMOTE_DB} bob"
    finally:
        cache.close_all()


def test_the_local_users_mapping_wins_over_public(remote: Cluster) -> None:
    store = catalog(server_sql(remote)
                    + "CREATE USER MAPPING FOR public SERVER s OPTIONS (user 'postgres');"
                    + "CREATE USER MAPPING FOR carol SERVER s OPTIONS (user 'bob');")
    for local_user, remote_user in (("carol", "bob"), ("dave", "postgres")):
        cache = ConnectionCache(store, local_user)
        assert one(cache.get("s"), "SELECT current_user") == remote_user
        cache.close_all()


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


def test_remote_session_settings_are_pinned(cache: ConnectionCache) -> None:
    conn = cache.get("s")
    shown = {name: one(conn, f"SHOW {name}") for name in (
        "search_path", "timezone", "datestyle", "intervalstyle", "extra_float_digits",
        "client_encoding")}
    assert shown == {"search_path": "pg_catalog", "timezone": "UTC", "datestyle": "ISO, MDY",
                     "intervalstyle": "postgres", "extra_float_digits": "3",
                     "client_encoding": "UTF8"}
    assert one(conn, "SHOW transaction_isolation") == "repeatable read"


def test_application_name_is_fdwsh_unless_the_server_says_otherwise(remote: Cluster) -> None:
    cache = ConnectionCache(catalog(
        server_sql(remote) + server_sql(remote, "named", application_name="reports")
        + "CREATE USER MAPPING FOR public SERVER s; CREATE USER MAPPING FOR public SERVER named;"),
        USER)
    try:
        cache.get("s")
        cache.get("named")
        assert backend_count(remote, "fdwsh") == 1
        assert backend_count(remote, "reports") == 1
    finally:
        cache.close_all()
    assert backend_count(remote, "fdwsh") == 0


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


def interrupt_main_after(seconds: float) -> threading.Thread:
    """Deliver SIGINT (Ctrl-C) to the main thread after ``seconds``."""
    main = threading.main_thread().ident
    assert main is not None
    thread = threading.Timer(seconds, signal.pthread_kill, (main, signal.SIGINT))
    thread.start()
    return thread


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


def terminate_fdwsh_backends(cluster: Cluster) -> None:
    cluster.psql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                 "WHERE application_name = 'fdwsh'", "postgres", check=True)


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
            "WHERE application_name = 'postgres_fdw'")
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


# -- the cache over time ------------------------------------------------------------------------

def test_statements_run_in_their_own_remote_transaction(cache: ConnectionCache) -> None:
    conn = cache.get("s")
    xid = one(conn, "SELECT txid_current()")
    assert one(conn, "SELECT txid_current()") == xid  # same statement, same transaction
    cache.end_of_statement()
    assert conn.xact_depth == 0
    assert one(conn, "SELECT txid_current()") != xid


def test_explicit_transactions_and_savepoints(cache: ConnectionCache, remote: Cluster) -> None:
    conn = cache.get("s")
    conn.begin()
    conn.execute("CREATE TEMP TABLE tt (a int)")
    conn.savepoint("s1")
    conn.execute("INSERT INTO tt VALUES ($1), ($2)", [1, 2])
    assert conn.xact_depth == 2
    conn.rollback_to_savepoint("s1")
    assert conn.execute("INSERT INTO tt VALUES ($1)", [3]) == "INSERT 0 1"
    cache.end_of_statement()  # an explicit transaction outlives the statement
    assert conn.xact_depth == 1
    conn.commit()
    assert one(conn, "SELECT string_agg(a::text, ',') FROM tt") == "3"


def test_keep_connections_off_closes_at_the_end_of_each_statement(remote: Cluster) -> None:
    cache = ConnectionCache(catalog(server_sql(remote, keep_connections="off")
                                    + "CREATE USER MAPPING FOR public SERVER s;"), USER)
    assert one(cache.get("s"), "SELECT 1") == "1"
    assert functions.get_connections(cache) == [("s", True)]
    cache.end_of_statement()
    assert functions.get_connections(cache) == []
    assert backend_count(remote) == 0


def test_changed_options_reconnect_when_idle_and_invalidate_when_in_use(
        cache: ConnectionCache) -> None:
    conn = cache.get("s")
    one(conn, "SELECT 1")
    alter = "ALTER SERVER s OPTIONS (ADD application_name 'changed')"
    ddl.execute(parse_sql(alter)[0].stmt, DdlContext(cache.store, USER, alter))
    assert functions.get_connections(cache) == [("s", False)]  # its transaction is open
    cache.end_of_statement()
    assert functions.get_connections(cache) == []
    assert one(cache.get("s"), "SHOW application_name") == "changed"


def test_connection_functions(cache: ConnectionCache) -> None:
    assert functions.get_connections(cache) == []
    assert functions.disconnect_all(cache) is False
    one(cache.get("s"), "SELECT 1")
    warnings: list[str] = []
    assert functions.disconnect(cache, "s", warnings.append) is False  # still in use
    assert warnings == ['cannot close connection for server "s" because it is still in use']
    cache.end_of_statement()
    assert functions.get_connections(cache) == [("s", True)]
    assert functions.disconnect(cache, "s") is True
    assert functions.disconnect(cache, "s") is False
    with pytest.raises(FdwshError, match='^server "x" does not exist$'):
        functions.disconnect(cache, "x")
    one(cache.get("s"), "SELECT 1")
    cache.end_of_statement()
    assert functions.disconnect_all(cache) is True
    assert functions.get_connections(cache) == []


def test_close_all(cache: ConnectionCache, remote: Cluster) -> None:
    one(cache.get("s"), "SELECT 1")
    cache.close_all()
    assert functions.get_connections(cache) == [] and backend_count(remote) == 0
