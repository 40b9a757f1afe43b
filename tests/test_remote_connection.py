"""Remote connections behave as postgres_fdw 15's connection.c: parameters, the cache, pinned
remote sessions, remote transactions and postgres_fdw's connection functions.  The remote server
is a database of the shared test cluster.  (Failures: test_remote_failures.py.)
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from pglast import parse_sql

from fdwsh.catalog import ddl
from fdwsh.catalog.context import DdlContext
from fdwsh.errors import FdwshError
from fdwsh.remote import functions
from fdwsh.remote.connection import ConnectionCache
from fdwsh.remote.params import build_conninfo, connection_params
from tests.conftest import ROOT
from tests.pgcluster import Cluster
from tests.remote_helpers import REMOTE_DB, USER, backend_count, catalog, one, server_sql
from tests.remote_helpers import cache, remote, remote_user_default  # noqa: F401, F811  (fixtures)


# -- parameters ---------------------------------------------------------------------------------

def test_only_libpq_options_reach_libpq_server_options_first_then_the_mapping() -> None:
    params = connection_params(
        [("host", "h"), ("fetch_size", "10"), ("keep_connections", "off"), ("sslcert", "a"),
         ("use_remote_estimate", "true"), ("fdw_tuple_cost", "1"), ("port", "5")],
        [("user", "u"), ("password", "p"), ("password_required", "false"), ("sslcert", "b")])
    assert params == {"host": "h", "port": "5", "user": "u", "password": "p", "sslcert": "b",
                      "fallback_application_name": "fdwsh", "client_encoding": "UTF8"}


def test_the_connection_string_is_quoted_by_libpqs_rules() -> None:
    from psycopg.conninfo import conninfo_to_dict

    odd = "p w'd\\ = x"
    conninfo = build_conninfo([("host", "h"), ("options", "-c geqo=off")], [("password", odd)])
    assert conninfo_to_dict(conninfo) == {
        "host": "h", "options": "-c geqo=off", "password": odd,
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
