"""Fresh remote tables for the DML tests: each test (or oracle script) gets its own two remote
databases (servers ``s`` and ``s2``) on the session cluster, so that no test sees another's writes
and the shared query bed is never changed.  The same foreign-data DDL serves postgres_fdw (the
oracle database) and fdwsh (a catalog file)."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import ROOT, fdwsh_env
from tests.pgcluster import Cluster
from tests.remote_bed import psql_env

_counter = itertools.count()

REMOTE_A = """
SET client_min_messages = warning;
CREATE TABLE t (id int PRIMARY KEY, a text NOT NULL, b int DEFAULT 7, c numeric(5,2));
INSERT INTO t SELECT g, 'a' || g, g * 10, g / 4.0 FROM generate_series(1, 8) g;
CREATE TABLE n (id int, v text);
CREATE SCHEMA "S 1";
CREATE TABLE "S 1"."T 1" ("C 1" int PRIMARY KEY, c2 int NOT NULL, c3 text);
INSERT INTO "S 1"."T 1" SELECT g, g % 3, 'x' || g FROM generate_series(1, 6) g;
CREATE TABLE many (id int PRIMARY KEY, v int CHECK (v < 1000000));
INSERT INTO many SELECT g, g FROM generate_series(1, 30000) g;
CREATE TABLE mm (id int, val text);
INSERT INTO mm VALUES (1, '12'), (2, 'abc');
CREATE TABLE arr (id int, xs int[], ts text[], d date, j jsonb);
INSERT INTO arr VALUES (1, '{1,2}', '{"a b",NULL}', '2024-02-29', '{"k": [1]}'), (2, NULL, '{}', NULL, 'null');
CREATE TABLE gen (id int, a int, g int GENERATED ALWAYS AS (a * 2) STORED, b text DEFAULT 'rd');
INSERT INTO gen (id, a, b) VALUES (1, 1, 'x'), (2, 2, 'y');
CREATE TABLE genp (id int, a int, g int, b text DEFAULT 'rd');
INSERT INTO genp VALUES (1, 1, 1, 'x'), (2, 2, 2, 'y');
"""
REMOTE_B = """
CREATE TABLE cust (id int PRIMARY KEY, tier int);
INSERT INTO cust SELECT g, g % 3 FROM generate_series(1, 10) g;
"""
FDW_DDL = """\
CREATE EXTENSION postgres_fdw;
CREATE SERVER s FOREIGN DATA WRAPPER postgres_fdw
    OPTIONS (host '{host}', port '{port}', dbname '{a}');
CREATE USER MAPPING FOR CURRENT_USER SERVER s OPTIONS (user 'postgres');
CREATE SERVER s2 FOREIGN DATA WRAPPER postgres_fdw
    OPTIONS (host '{host}', port '{port}', dbname '{b}');
CREATE USER MAPPING FOR CURRENT_USER SERVER s2 OPTIONS (user 'postgres');
CREATE FOREIGN TABLE ft (id int, a text NOT NULL, b int DEFAULT 42, c numeric(5,2))
    SERVER s OPTIONS (table_name 't');
CREATE FOREIGN TABLE fn (id int NOT NULL, v text) SERVER s OPTIONS (table_name 'n');
CREATE FOREIGN TABLE ft1 (c1 int OPTIONS (column_name 'C 1'), c2 int, c3 text)
    SERVER s OPTIONS (schema_name 'S 1', table_name 'T 1');
CREATE FOREIGN TABLE many (id int, v int) SERVER s;
CREATE FOREIGN TABLE ro (id int, a text) SERVER s OPTIONS (table_name 't', updatable 'false');
CREATE FOREIGN TABLE nope (id int) SERVER s OPTIONS (table_name 'no_such_table');
CREATE FOREIGN TABLE cust (id int, tier int) SERVER s2;
CREATE FOREIGN TABLE farr (id int, xs int[], ts text[], d date, j jsonb) SERVER s
    OPTIONS (table_name 'arr');
CREATE FOREIGN TABLE ftm (id int, val int) SERVER s OPTIONS (table_name 'mm');
CREATE FOREIGN TABLE fgen (id int, a int, g int GENERATED ALWAYS AS (a * 2) STORED, b text)
    SERVER s OPTIONS (table_name 'gen');
CREATE FOREIGN TABLE fgenp (id int, a int, g int GENERATED ALWAYS AS (a * 3) STORED, b text)
    SERVER s OPTIONS (table_name 'genp');
"""


@dataclass(frozen=True)
class DmlBed:
    """Two fresh remote databases, an oracle database with postgres_fdw and an fdwsh catalog."""

    pg: Cluster
    a: str
    b: str
    oracle: str
    catalog: Path

    @classmethod
    def create(cls, pg: Cluster, directory: Path) -> DmlBed:
        tag = f"{os.getpid()}_{next(_counter)}"
        bed = cls(pg, f"dml_a_{tag}", f"dml_b_{tag}", f"dml_o_{tag}", directory / "catalog.db")
        bed.reset()
        pg.create_database(bed.oracle)
        pg.psql(bed.ddl(), bed.oracle, "-q", "-v", "ON_ERROR_STOP=1", check=True)
        made = bed.fdwsh("-q", "-v", "ON_ERROR_STOP=1", input=bed.ddl())
        assert made.returncode == 0 and not made.stdout, made.stdout
        return bed

    def ddl(self) -> str:
        return FDW_DDL.format(host=self.pg.host, port=self.pg.port, a=self.a, b=self.b)

    def reset(self) -> None:
        """(Re)create the remote databases with their tables and rows."""
        for name, setup in ((self.a, REMOTE_A), (self.b, REMOTE_B)):
            self.pg.psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', check=True)
            self.pg.create_database(name)
            self.pg.psql(setup, name, "-q", "-v", "ON_ERROR_STOP=1", check=True)

    def remote(self, sql: str, db: str | None = None) -> str:
        """What a query on the remote database returns (``psql -At``)."""
        return self.pg.psql(sql, db or self.a, "-At", check=True).stdout

    def psql(self, *args: str, input: str | None = None, cwd: Path | None = None
             ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["psql", "-X", *args], input=input, text=True, cwd=cwd,
                              env=psql_env(self.pg, self.oracle), stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, timeout=120)

    def fdwsh(self, *args: str, input: str | None = None, cwd: Path | None = None
              ) -> subprocess.CompletedProcess[str]:
        env = fdwsh_env()
        env["PYTHONPATH"] = str(ROOT)
        return subprocess.run([sys.executable, "-m", "fdwsh", "-X", "-U", "postgres",
                               "--catalog", str(self.catalog), *args], input=input, text=True,
                              cwd=cwd, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, timeout=120)
