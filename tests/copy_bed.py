"""A writable bed for COPY and TRUNCATE tests: its own remote database (the shared query bed
must not change) with an oracle database whose postgres_fdw declares the same foreign tables
as an fdwsh catalog.

:func:`copy_bed` makes it once per test module; :meth:`CopyBed.reset` empties the remote
tables (and restarts their sequences) before each test that writes.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.pgcluster import Cluster
from tests.remote_bed import QueryBed

REMOTE_TABLES = """
SET client_min_messages = warning;
CREATE TABLE items (id int, name text, price numeric(6,2), born date);
CREATE TABLE items2 (id int, name text, price numeric(6,2), born date);
CREATE TABLE tagged (id serial, label varchar(5), flag boolean);
CREATE TABLE frozen (z int);
CREATE SCHEMA "S 1";
CREATE TABLE "S 1"."T 1" ("C 1" int, c2 text);
CREATE TABLE strict (id int NOT NULL, v int CHECK (v > 0));
CREATE TABLE big (id int, payload text);
"""

FDW_DDL = """\
CREATE EXTENSION postgres_fdw;
CREATE SERVER src FOREIGN DATA WRAPPER postgres_fdw
    OPTIONS (host '{host}', port '{port}', dbname '{dbname}');
CREATE USER MAPPING FOR CURRENT_USER SERVER src OPTIONS (user 'postgres');
CREATE SERVER other FOREIGN DATA WRAPPER postgres_fdw
    OPTIONS (host '{host}', port '{port}', dbname '{dbname}', truncatable 'false');
CREATE USER MAPPING FOR CURRENT_USER SERVER other OPTIONS (user 'postgres');
CREATE FOREIGN TABLE items (id int, name text, price numeric(6,2), born date) SERVER src;
CREATE FOREIGN TABLE tagged (id int, label varchar(5), flag boolean) SERVER src;
CREATE FOREIGN TABLE frozen (z int) SERVER src OPTIONS (truncatable 'false');
CREATE FOREIGN TABLE odd (c1 int OPTIONS (column_name 'C 1'), c2 text) SERVER src
    OPTIONS (schema_name 'S 1', table_name 'T 1');
CREATE FOREIGN TABLE strict (id int, v int) SERVER src;
CREATE FOREIGN TABLE big (id int, payload text) SERVER src;
CREATE FOREIGN TABLE gone (id int) SERVER src;
CREATE FOREIGN TABLE loose (z text) SERVER src OPTIONS (table_name 'frozen');
CREATE FOREIGN TABLE defaulted (id int, name text DEFAULT 'un' || 'named',
    price numeric(6,2) DEFAULT 2.5 * 2.001, born date DEFAULT date '2020-01-01' + 1)
    SERVER src OPTIONS (table_name 'items');
CREATE FOREIGN TABLE other_items (id int, name text, price numeric(6,2), born date)
    SERVER other OPTIONS (table_name 'items2', truncatable 'true');
CREATE FOREIGN TABLE other_tagged (id int, label varchar(5), flag boolean) SERVER other
    OPTIONS (table_name 'tagged');
"""

WRITABLE = ("items", "items2", "tagged", "frozen", '"S 1"."T 1"', "strict", "big")


class CopyBed(QueryBed):
    """The bed (see the module docstring)."""

    @property
    def fdw_ddl(self) -> str:
        return FDW_DDL.format(host=self.cluster.host, port=self.cluster.port,
                              dbname=self.remote_db)

    def reset(self) -> None:
        self.remote(f"TRUNCATE {', '.join(WRITABLE)} RESTART IDENTITY")

    def rows(self, sql: str) -> str:
        """A remote query's rows, unaligned (``|`` between values), read directly."""
        return self.cluster.psql(sql, self.remote_db, "-At", check=True).stdout


def make_copy_bed(pg: Cluster, work: Path, prefix: str) -> CopyBed:
    remote_db, oracle_db = f"{prefix}_remote", f"{prefix}_oracle"
    for db in (remote_db, oracle_db):
        pg.psql(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE);\nCREATE DATABASE "{db}";',
                "postgres", "-q", "-v", "ON_ERROR_STOP=1", check=True)
    pg.psql(REMOTE_TABLES, remote_db, "-q", "-v", "ON_ERROR_STOP=1", check=True)
    bed = CopyBed(pg, work / "catalog.db", work, remote_db=remote_db, oracle_db=oracle_db)
    oracle = bed.psql("-q", "-v", "ON_ERROR_STOP=1", input=bed.fdw_ddl)
    assert oracle.returncode == 0, oracle.stdout
    mine = bed.fdwsh("-q", "-v", "ON_ERROR_STOP=1", "-f", "-", input=bed.fdw_ddl)
    assert mine.returncode == 0 and mine.stdout == "", mine.stdout
    return bed


@pytest.fixture(scope="module")
def copy_bed(pg: Cluster, tmp_path_factory: pytest.TempPathFactory,
             request: pytest.FixtureRequest) -> Iterator[CopyBed]:
    """A fresh bed for the test module (databases named after it)."""
    prefix = request.module.__name__.rsplit(".", 1)[-1]
    yield make_copy_bed(pg, tmp_path_factory.mktemp(prefix), prefix)
