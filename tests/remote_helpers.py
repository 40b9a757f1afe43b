"""Shared pieces of the remote-layer tests: catalogs built by fdwsh's own DDL, a remote database,
and the two sides of an oracle comparison (what fdwsh renders, what psql + postgres_fdw print).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator

import pytest
from pglast import parse_sql

from fdwsh.catalog import ddl
from fdwsh.catalog.context import DdlContext
from fdwsh.catalog.store import CatalogStore
from fdwsh.errors import FdwshError
from fdwsh.output.errors import format_error
from fdwsh.remote.connection import ConnectionCache
from tests.pgcluster import Cluster

USER = "postgres"  # the local user: the oracle's psql runs as postgres too
REMOTE_DB = "remote_conn"
REMOTE_SETUP = (
    "CREATE TABLE t (a int, b text); INSERT INTO t VALUES (1, 'one'), (2, 'two');"
    "DO $$BEGIN CREATE ROLE bob LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END$$;"
    "GRANT SELECT ON t TO bob;"
    "CREATE FUNCTION boom() RETURNS int LANGUAGE plpgsql AS $$BEGIN "
    "RAISE EXCEPTION 'boom' USING DETAIL = 'a detail', HINT = 'a hint'; END$$;"
    "CREATE VIEW v_boom AS SELECT boom() AS a;")


def remote_database(pg: Cluster, name: str = REMOTE_DB, setup: str = REMOTE_SETUP) -> Cluster:
    """(Re)create database ``name`` on ``pg`` to play a remote server."""
    pg.psql(f'DROP DATABASE IF EXISTS "{name}"', check=True)
    pg.create_database(name)
    pg.psql(setup, name, check=True)
    return pg


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


def backend_count(cluster: Cluster, application_name: str = "fdwsh",
                  dbname: str = REMOTE_DB) -> int:
    """How many sessions named ``application_name`` are connected to ``dbname``."""
    out = cluster.psql("SELECT count(*) FROM pg_stat_activity WHERE application_name = "
                       f"'{application_name}' AND datname = '{dbname}'", "postgres",
                       "-At").stdout
    return int(out)


def terminate_fdwsh_backends(cluster: Cluster, dbname: str = REMOTE_DB) -> None:
    """Kill fdwsh's sessions on ``dbname`` (pg_terminate_backend, as an administrator would)."""
    cluster.psql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                 f"WHERE application_name = 'fdwsh' AND datname = '{dbname}'", "postgres",
                 check=True)


def interrupt_main_after(seconds: float) -> threading.Thread:
    """Deliver SIGINT (Ctrl-C) to the main thread after ``seconds``."""
    main = threading.main_thread().ident
    assert main is not None
    thread = threading.Timer(seconds, signal.pthread_kill, (main, signal.SIGINT))
    thread.start()
    return thread


# -- fixtures shared by the remote-layer test files ----------------------------------------------

@pytest.fixture(autouse=True)
def remote_user_default(monkeypatch: pytest.MonkeyPatch) -> None:
    """libpq's default user is the OS user: postgres inside the oracle's server, so here too;
    and remote sessions are named by fdwsh's default (PGAPPNAME would override it)."""
    monkeypatch.setenv("PGUSER", "postgres")
    monkeypatch.delenv("PGAPPNAME", raising=False)


@pytest.fixture(scope="module")
def remote(pg: Cluster) -> Cluster:
    """The shared cluster, with a database playing the remote server."""
    return remote_database(pg)


@pytest.fixture
def cache(remote: Cluster) -> Iterator[ConnectionCache]:
    """A cache over a catalog with server ``s`` (the remote database) and a PUBLIC mapping."""
    cache = ConnectionCache(catalog(server_sql(remote) + "CREATE USER MAPPING FOR public SERVER s"
                                    " OPTIONS (user 'postgres');"), USER)
    yield cache
    cache.close_all()
