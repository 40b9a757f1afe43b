"""The query test bed: a "remote" database full of data, and the same foreign tables declared twice.

On the session cluster ``pg`` (tests/conftest.py):

- database ``qbed_remote`` plays the remote server.  It holds a table of every type fdwsh must
  print (integers, numeric with scales, real/double with NaN and infinities, boolean, text with
  newlines/tabs/unicode/empty, char(n), varchar(n), bytea, date/time/timetz/timestamp/timestamptz,
  interval, uuid, json, jsonb, int[] and text[] with NULL elements and quoting), NULLs
  everywhere, odd names (schema ``"S 1"``, table ``"T 1"``, columns with spaces, upper case,
  quotes, keywords) and a regions/customers/orders trio for joins and aggregates.  All data is
  deterministic (generate_series arithmetic, no random()).
- database ``qbed_oracle`` has ``postgres_fdw`` with server ``loopback`` pointing at the remote
  database: psql on it is the oracle.
- a catalog file gets the very same DDL script (:data:`FDW_DDL`) through ``fdwsh -U postgres``
  (so owners and the CURRENT_USER mapping match the oracle, which runs as postgres).

After both catalogs exist, the remote table ``dropped_later`` is dropped, so that one foreign
table names a remote table that is gone.  Tests must not change either catalog (copy
:attr:`QueryBed.catalog` with :meth:`QueryBed.catalog_copy` to alter one).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import fdwsh_env
from tests.pgcluster import Cluster

REMOTE_DB = "qbed_remote"
ORACLE_DB = "qbed_oracle"

REMOTE_DDL = r"""
SET client_min_messages = warning;

-- every type, one row per flavour of value (id 4: NULL everywhere)
CREATE TABLE types (
    id int PRIMARY KEY,
    c_int2 smallint, c_int4 integer, c_int8 bigint,
    c_num numeric, c_num2 numeric(10,2), c_num0 numeric(5,0),
    c_real real, c_double double precision,
    c_bool boolean,
    c_text text, c_char char(5), c_varchar varchar(10),
    c_bytea bytea,
    c_date date, c_time time, c_timetz timetz, c_ts timestamp, c_tstz timestamptz,
    c_interval interval,
    c_uuid uuid, c_json json, c_jsonb jsonb,
    c_intarr int[], c_textarr text[]
);
INSERT INTO types VALUES
 (1, 1, 42, 9000000000, 3.14159, 12.5, 7, 1.5, 2.25, true,
  'plain', 'ab', 'short', '\x0001ff', '2024-02-29', '13:45:10', '13:45:10+02',
  '2024-02-29 13:45:10.5', '2024-02-29 13:45:10.5+00', '1 year 2 mons 3 days 04:05:06',
  'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{"a": 1, "b": [1, 2]}', '{"b": [1, 2], "a": 1}',
  '{1,2,3}', '{a,b,c}'),
 (2, -32768, 2147483647, -9223372036854775808, 'NaN', -99999999.99, -99999, 'NaN',
  'Infinity', false,
  E'line one\nline two\ttabbed', 'abcde', 'x', '\x', 'infinity', '24:00:00',
  '23:59:59.999999-14', 'infinity', '-infinity', '-1 years -2 mons +3 days -04:05:06.789',
  '00000000-0000-0000-0000-000000000000', '  [1,  "two" , null ]  ', '[1, "two", null]',
  '{1,NULL,3}', '{"a b","with \"quote\"",NULL,"NULL","",back\\slash,"{braces}"}'),
 (3, 32767, -2147483648, 9223372036854775807, 123456789012345678901234567890.123456789,
  0.01, 0, '-Infinity', 1e-300, NULL,
  'héllo wörld ✓ 日本語', '日本', 'ñandú', '\xdeadbeef', '0044-03-15 BC', '00:00:00',
  '00:00:00+05:30', '1999-12-31 23:59:59.999999', '2000-01-01 00:00:00+00', '-00:00:01',
  'ffffffff-ffff-ffff-ffff-ffffffffffff', '{"unicode": "✓ é", "esc": "a\"b\\c"}',
  '{"nested": {"deep": [true, false, null]}, "num": 1.50}',
  '{}', '{}'),
 (4, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
 (5, 0, 0, 0, -0.000100, 1000, 12345, 3.4028235e38, '-0', true,
  '', '', '', '\x5c', '1970-01-01', '12:00:00.123456', '12:00:00-08', '1970-01-01 00:00:00',
  '1970-01-01 00:00:00-08', '00:00:00', '12345678-1234-5678-1234-567812345678', 'null',
  '"just a string"', '{{1,2},{3,4}}', '{{"x y",z},{NULL,"}"}}'),
 (6, 7, 100, 1, 0.1, 0.10, 1, 0.1, 0.1, false,
  E'  leading and trailing spaces  ', 'a b', 'tab	in', '\x0a0d09', '2000-02-29',
  '23:59:59.999999', '23:59:59.999999+00', '2000-02-29 12:00:00', '2000-02-29 12:00:00+00',
  '100 years 11 mons 29 days 23:59:59.999999', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a12',
  '{}', '{}', '{-1,0,1}', '{"comma,inside","semi;colon"}');

-- odd names: schema "S 1", table "T 1", a column "C 1" (postgres_fdw's regression layout)
CREATE SCHEMA "S 1";
CREATE TABLE "S 1"."T 1" (
    "C 1" int PRIMARY KEY, c2 int NOT NULL, c3 text, c4 timestamptz, c5 timestamp,
    c6 varchar(10), c7 char(10)
);
INSERT INTO "S 1"."T 1"
SELECT id, id % 10, to_char(id, 'FM00000'),
       '1970-01-01'::timestamptz + ((id % 100) || ' days')::interval,
       '1970-01-01'::timestamp + ((id % 100) || ' days')::interval,
       CASE WHEN id % 10 = 0 THEN NULL ELSE (id % 10)::text END,
       CASE WHEN id % 7 = 0 THEN NULL ELSE (id % 10)::text END
FROM generate_series(1, 120) id;

CREATE TABLE "Odd ""Name"" Table" (
    "Col A" int, "UPPER" text, "qu""ote" text, "select" int, "MiXeD Case" boolean
);
INSERT INTO "Odd ""Name"" Table" VALUES
 (1, 'one', 'it''s', 10, true), (2, 'TWO', '"dq"', 20, false), (3, NULL, NULL, NULL, NULL),
 (4, 'four', 'back\slash', 40, true);

-- joins and aggregates
CREATE TABLE regions (id int PRIMARY KEY, name text NOT NULL);
INSERT INTO regions VALUES (1, 'North'), (2, 'South'), (3, 'East'), (4, 'West'),
                           (5, 'Central');
CREATE TABLE customers (
    id int PRIMARY KEY, name text NOT NULL, region_id int, email text, signup date
);
INSERT INTO customers
SELECT id, 'Customer ' || lpad(id::text, 2, '0'),
       CASE WHEN id % 13 = 0 THEN NULL ELSE id % 4 + 1 END,
       CASE WHEN id % 7 = 0 THEN NULL ELSE 'c' || id || '@example.com' END,
       date '2020-01-01' + id * 11
FROM generate_series(1, 60) id;
CREATE TABLE orders (
    id int PRIMARY KEY, customer_id int, amount numeric(10,2), qty int, status text,
    ordered_at timestamp, note text
);
INSERT INTO orders
SELECT id,
       CASE WHEN id % 50 = 0 THEN NULL  -- customers 17, 34, 51: no orders; 61-68: none exist
            ELSE (id * 11) % 67 + 1 + ((id * 11) % 67 % 17 = 16)::int END,
       ((id * 37) % 1000) + (id % 100) / 100.0,
       id % 9 + 1,
       (ARRAY['new', 'paid', 'shipped', 'cancelled'])[id % 4 + 1],
       timestamp '2023-01-01' + id * interval '17 hours 13 minutes',
       CASE WHEN id % 40 = 0 THEN 'gift, wrap' WHEN id % 55 = 0 THEN E'two\nlines' END
FROM generate_series(1, 400) id;

-- small helpers: one row, a numbers table for long remote work
CREATE TABLE one_row (x int);
INSERT INTO one_row VALUES (1);
CREATE TABLE nums (n int);
INSERT INTO nums SELECT generate_series(1, 3000);

-- failure cases: a remote table dropped after it is declared (see QueryBed), a table
-- lacking a declared column, a text column declared int locally
CREATE TABLE dropped_later (id int);
CREATE TABLE narrow (id int, a text);
INSERT INTO narrow VALUES (1, 'x');
CREATE TABLE mismatch (id int, val text);
INSERT INTO mismatch VALUES (1, '12'), (2, 'abc');
ANALYZE;
"""

#: The foreign-data DDL: the same text runs through psql (postgres_fdw) and fdwsh.
FDW_DDL = """\
CREATE EXTENSION postgres_fdw;
CREATE SERVER loopback FOREIGN DATA WRAPPER postgres_fdw
    OPTIONS (host '{host}', port '{port}', dbname '{dbname}');
CREATE USER MAPPING FOR CURRENT_USER SERVER loopback OPTIONS (user 'postgres');
CREATE FOREIGN TABLE ft_types (
    id int, c_int2 smallint, c_int4 integer, c_int8 bigint,
    c_num numeric, c_num2 numeric(10,2), c_num0 numeric(5,0),
    c_real real, c_double double precision, c_bool boolean,
    c_text text, c_char char(5), c_varchar varchar(10), c_bytea bytea,
    c_date date, c_time time, c_timetz timetz, c_ts timestamp, c_tstz timestamptz,
    c_interval interval, c_uuid uuid, c_json json, c_jsonb jsonb,
    c_intarr int[], c_textarr text[]
) SERVER loopback OPTIONS (table_name 'types');
CREATE FOREIGN TABLE ft1 (
    c1 int OPTIONS (column_name 'C 1'), c2 int NOT NULL, c3 text, c4 timestamptz,
    c5 timestamp, c6 varchar(10), c7 char(10)
) SERVER loopback OPTIONS (schema_name 'S 1', table_name 'T 1');
CREATE FOREIGN TABLE "Odd Table" (
    "col a" int OPTIONS (column_name 'Col A'), "UPPER" text, "qu""ote" text, "select" int,
    "MiXeD Case" boolean
) SERVER loopback OPTIONS (table_name 'Odd "Name" Table');
CREATE SCHEMA "My Schema";
CREATE FOREIGN TABLE "My Schema"."T 1" (
    "C 1" int, c3 text
) SERVER loopback OPTIONS (schema_name 'S 1', table_name 'T 1');
CREATE FOREIGN TABLE regions (id int, name text) SERVER loopback;
CREATE FOREIGN TABLE customers (
    id int, name text, region_id int, email text, signup date
) SERVER loopback;
CREATE FOREIGN TABLE orders (
    id int, customer_id int, amount numeric(10,2), qty int, status text, ordered_at timestamp,
    note text
) SERVER loopback;
CREATE FOREIGN TABLE ft_one_row (x int) SERVER loopback OPTIONS (table_name 'one_row');
CREATE FOREIGN TABLE ft_nums (n int) SERVER loopback OPTIONS (table_name 'nums');
CREATE FOREIGN TABLE ft_dropped (id int) SERVER loopback OPTIONS (table_name 'dropped_later');
CREATE FOREIGN TABLE ft_narrow (id int, a text, b int) SERVER loopback
    OPTIONS (table_name 'narrow');
CREATE FOREIGN TABLE ft_mismatch (id int, val int) SERVER loopback
    OPTIONS (table_name 'mismatch');
-- a second server on the same database: queries joining its tables with loopback's are
-- cross-server queries (fdwsh's executor, postgres_fdw's local join) over the same data
CREATE SERVER loopback2 FOREIGN DATA WRAPPER postgres_fdw
    OPTIONS (host '{host}', port '{port}', dbname '{dbname}');
CREATE USER MAPPING FOR CURRENT_USER SERVER loopback2 OPTIONS (user 'postgres');
CREATE SCHEMA s2;
CREATE FOREIGN TABLE s2.regions (id int, name text) SERVER loopback2
    OPTIONS (schema_name 'public', table_name 'regions');
CREATE FOREIGN TABLE s2.customers (
    id int, name text, region_id int, email text, signup date
) SERVER loopback2 OPTIONS (schema_name 'public', table_name 'customers');
CREATE FOREIGN TABLE s2.ft1 (
    c1 int OPTIONS (column_name 'C 1'), c2 int NOT NULL, c3 text, c4 timestamptz,
    c5 timestamp, c6 varchar(10), c7 char(10)
) SERVER loopback2 OPTIONS (schema_name 'S 1', table_name 'T 1');
CREATE FOREIGN TABLE s2.ft_types (
    id int, c_int2 smallint, c_int4 integer, c_int8 bigint,
    c_num numeric, c_num2 numeric(10,2), c_num0 numeric(5,0),
    c_real real, c_double double precision, c_bool boolean,
    c_text text, c_char char(5), c_varchar varchar(10), c_bytea bytea,
    c_date date, c_time time, c_timetz timetz, c_ts timestamp, c_tstz timestamptz,
    c_interval interval, c_uuid uuid, c_json json, c_jsonb jsonb,
    c_intarr int[], c_textarr text[]
) SERVER loopback2 OPTIONS (schema_name 'public', table_name 'types');
CREATE FOREIGN TABLE s2.ft_mismatch (id int, val int) SERVER loopback2
    OPTIONS (schema_name 'public', table_name 'mismatch');
CREATE FOREIGN TABLE s2.ft_nums (n int) SERVER loopback2
    OPTIONS (schema_name 'public', table_name 'nums');
"""


# postgres_fdw and fdwsh deparse different (equivalent) remote SQL: postgres_fdw sends
# `SELECT "C 1" FROM "S 1"."T 1" WHERE ((("C 1" / 0) > 0))`, fdwsh the query with each foreign
# table replaced by a subquery of its remote columns.  So where outputs are compared, the
# remote SQL text is blanked on the lines postgres_fdw's pgfdw_report_error() writes it (the
# CONTEXT line, or the line after a remote context); the line itself must be on both sides.
_REMOTE_SQL = re.compile(r"^((?:CONTEXT:  )?remote SQL command: ).*$", re.MULTILINE)


def normalise_remote_sql(output: str) -> str:
    """``output`` with the text after ``remote SQL command: `` blanked (see above)."""
    return _REMOTE_SQL.sub(r"\1<remote SQL>", output)


def psql_env(cluster: Cluster, dbname: str) -> dict[str, str]:
    """psql's environment: the oracle database, C.UTF-8, no pager, no user files."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env.update(PGHOST=cluster.host, PGPORT=str(cluster.port), PGUSER=cluster.user,
               PGDATABASE=dbname, LC_ALL="C.UTF-8", COLUMNS="200", PAGER="",
               PSQL_PAGER="")
    return env


@dataclass(frozen=True)
class QueryBed:
    """The loaded bed: run the same input through psql (oracle) and fdwsh (catalog)."""

    cluster: Cluster
    catalog: Path
    home: Path
    remote_db: str = REMOTE_DB
    oracle_db: str = ORACLE_DB

    @property
    def fdw_ddl(self) -> str:
        return FDW_DDL.format(host=self.cluster.host, port=self.cluster.port,
                              dbname=self.remote_db)

    def psql(self, *args: str, input: str | None = None, dbname: str | None = None,
             cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        """``psql -X ARGS`` on the oracle database (stderr merged into stdout)."""
        return subprocess.run(["psql", "-X", *args], input=input, text=True, cwd=cwd,
                              env=psql_env(self.cluster, dbname or self.oracle_db),
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)

    def fdwsh_command(self, *args: str, catalog: Path | None = None) -> list[str]:
        """The command line of ``fdwsh -X -U postgres ARGS`` on the bed's catalog."""
        return [sys.executable, "-m", "fdwsh", "-X", "-U", "postgres", *args,
                "--catalog", str(catalog or self.catalog)]

    def fdwsh_env(self) -> dict[str, str]:
        return fdwsh_env(self.home)

    def fdwsh(self, *args: str, input: str | None = None, catalog: Path | None = None,
              cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        """``python -m fdwsh -X -U postgres ARGS`` on the bed's catalog (or ``catalog``),
        stderr merged into stdout."""
        return subprocess.run(self.fdwsh_command(*args, catalog=catalog), input=input,
                              text=True, cwd=cwd, env=self.fdwsh_env(), stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, timeout=120)

    def remote(self, sql: str) -> str:
        """Run SQL directly in the remote database (checked); its output."""
        return self.cluster.psql(sql, self.remote_db, "-q", check=True).stdout

    def catalog_copy(self, directory: Path) -> Path:
        """A private copy of the catalog, for tests that change it."""
        target = directory / "catalog-copy.db"
        shutil.copy(self.catalog, target)  # keeps the 0600 mode fdwsh expects of a catalog
        return target


# Runs its argv as a child with stdout inherited; prints the child's peak RSS (KB) to stderr.
_MEASURE = ("import resource, subprocess, sys\n"
            "status = subprocess.call(sys.argv[1:])\n"
            "sys.stderr.write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))\n"
            "sys.exit(status)\n")


def run_measured(bed: QueryBed, catalog: Path, out: Path, *args: str, timeout: int = 300
                 ) -> int:
    """Run fdwsh ARGS on ``catalog`` with stdout to ``out``; return its peak RSS in KB."""
    with out.open("w") as handle:
        proc = subprocess.run([sys.executable, "-c", _MEASURE,
                               *bed.fdwsh_command(*args, catalog=catalog)],
                              stdout=handle, stderr=subprocess.PIPE, text=True,
                              env=bed.fdwsh_env(), timeout=timeout)
    assert proc.returncode == 0
    return int(proc.stderr)


@contextmanager
def big_remote_table(bed: QueryBed, directory: Path, name: str, select: str, columns: str
                     ) -> Iterator[Path]:
    """A remote table ``name`` made by ``CREATE TABLE name AS select``, declared as a foreign
    table with ``columns`` in a copy of the bed's catalog (returned); dropped afterwards."""
    bed.remote(f"DROP TABLE IF EXISTS {name}; CREATE TABLE {name} AS {select}")
    catalog = bed.catalog_copy(directory)
    declared = bed.fdwsh("-c", f"CREATE FOREIGN TABLE {name} ({columns}) SERVER loopback",
                         catalog=catalog)
    assert declared.stdout == "CREATE FOREIGN TABLE\n"
    try:
        yield catalog
    finally:
        bed.remote(f"DROP TABLE {name}")


def _create_bed(cluster: Cluster, work: Path) -> QueryBed:
    for db in (REMOTE_DB, ORACLE_DB):
        cluster.psql(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE);\nCREATE DATABASE "{db}";',
                     "postgres", "-q", "-v", "ON_ERROR_STOP=1", check=True)
    cluster.psql(REMOTE_DDL, REMOTE_DB, "-q", "-v", "ON_ERROR_STOP=1", check=True)
    bed = QueryBed(cluster, work / "catalog.db", work)
    ddl = bed.fdw_ddl
    oracle = bed.psql("-q", "-v", "ON_ERROR_STOP=1", input=ddl)
    assert oracle.returncode == 0, oracle.stdout
    mine = bed.fdwsh("-q", "-v", "ON_ERROR_STOP=1", "-f", "-", input=ddl)
    assert mine.returncode == 0 and mine.stdout == "", mine.stdout
    bed.remote("DROP TABLE dropped_later")
    return bed


#: The bed made on each cluster.  Test modules import the fixture, which makes pytest hold one
#: fixture definition per module: this keeps the bed to one per session all the same.
_BEDS: dict[int, QueryBed] = {}


@pytest.fixture(scope="session")
def query_bed(pg: Cluster, tmp_path_factory: pytest.TempPathFactory) -> Iterator[QueryBed]:
    """The bed, created once per test session on the shared cluster."""
    if id(pg) not in _BEDS:
        _BEDS[id(pg)] = _create_bed(pg, tmp_path_factory.mktemp("query-bed"))
    yield _BEDS[id(pg)]
