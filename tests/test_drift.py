r"""``\drift`` and ``\refresh`` against a real remote database of this module's own.

A remote table is imported (and one declared by hand, with local names, options and comments),
then altered on the remote with ALTER TABLE: ``\drift`` must list each difference; ``\refresh``
must re-declare the tables in one catalog transaction, keeping local names, options, defaults
and comments, so that a table imported untouched ends exactly as a fresh IMPORT FOREIGN SCHEMA
by psql + postgres_fdw declares it (the oracle).  Failures — a server that is down, a remote
type fdwsh does not know, an unknown server — change nothing.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.pgcluster import Cluster, free_port
from tests.remote_bed import QueryBed

DRIFT_DB = "drift_remote"
REMOTE = '''
CREATE TABLE orders (id int NOT NULL, name text, amount numeric(10,2), gone int);
CREATE TABLE "Odd ""T""" ("K ey" int, v varchar(5));
CREATE TABLE steady (a int);
CREATE SCHEMA "S; 2";
CREATE TABLE "S; 2".other (x int);
'''
ALTER = '''
ALTER TABLE orders ALTER amount TYPE numeric(12,3), DROP COLUMN gone,
    ADD COLUMN "New col" text COLLATE "C" NOT NULL DEFAULT 'n', ALTER name SET NOT NULL;
ALTER TABLE "Odd ""T""" ALTER v TYPE varchar(9), ALTER "K ey" SET NOT NULL;
DROP TABLE "S; 2".other;
'''


def catalog_ddl(cluster: Cluster, port: int | None = None) -> str:
    return (
        "CREATE EXTENSION postgres_fdw;\n"
        f"CREATE SERVER s FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '{cluster.host}', "
        f"port '{port or cluster.port}', dbname '{DRIFT_DB}');\n"
        "CREATE USER MAPPING FOR CURRENT_USER SERVER s OPTIONS (user 'postgres');\n")


LOCAL = '''
IMPORT FOREIGN SCHEMA public LIMIT TO (orders, steady) FROM SERVER s INTO public;
CREATE SCHEMA "Loc 2";
IMPORT FOREIGN SCHEMA "S; 2" FROM SERVER s INTO "Loc 2";
CREATE FOREIGN TABLE odd (k int OPTIONS (column_name 'K ey') DEFAULT 5, v varchar(5))
    SERVER s OPTIONS (table_name 'Odd "T"', fetch_size '7');
COMMENT ON FOREIGN TABLE odd IS 'kept';
COMMENT ON COLUMN odd.k IS 'the key';
'''


@pytest.fixture
def remote(pg: Cluster) -> Iterator[Cluster]:
    """A fresh remote database per test (the tests alter it)."""
    pg.psql(f'DROP DATABASE IF EXISTS "{DRIFT_DB}" WITH (FORCE)', check=True)
    pg.create_database(DRIFT_DB)
    pg.psql(REMOTE, DRIFT_DB, "-q", "-v", "ON_ERROR_STOP=1", check=True)
    yield pg


def bed(cluster: Cluster, tmp_path: Path, oracle_db: str = "postgres") -> QueryBed:
    b = QueryBed(cluster, tmp_path / "catalog.db", tmp_path, remote_db=DRIFT_DB,
                 oracle_db=oracle_db)
    out = b.fdwsh("-q", "-v", "ON_ERROR_STOP=1", "-f", "-", input=catalog_ddl(cluster) + LOCAL)
    assert out.stdout == "", out.stdout
    return b


def dump(path: Path) -> list[str]:
    db = sqlite3.connect(path)
    try:
        return list(db.iterdump())
    finally:
        db.close()


EMPTY = """\
                    Drift of foreign tables
 Schema | Table | Server | Column | Difference | Local | Remote 
--------+-------+--------+--------+------------+-------+--------
(0 rows)

"""

DRIFTED = """\
                                            Drift of foreign tables
 Schema | Table  | Server | Column  |         Difference         |        Local         |        Remote        
--------+--------+--------+---------+----------------------------+----------------------+----------------------
 Loc 2  | other  | s      |         | remote table missing       |                      | 
 public | odd    | s      | k       | NOT NULL differs           | nullable             | not null
 public | odd    | s      | v       | type differs               | character varying(5) | character varying(9)
 public | orders | s      | name    | NOT NULL differs           | nullable             | not null
 public | orders | s      | amount  | type differs               | numeric(10,2)        | numeric(12,3)
 public | orders | s      | gone    | column missing on remote   | integer              | 
 public | orders | s      | New col | remote column not declared |                      | text
(7 rows)

"""
LEFT_ALONE = """\
                         Drift of foreign tables
 Schema | Table | Server | Column |      Difference      | Local | Remote 
--------+-------+--------+--------+----------------------+-------+--------
 Loc 2  | other | s      |        | remote table missing |       | 
(1 row)

"""


def test_no_drift_right_after_import(remote: Cluster, tmp_path: Path) -> None:
    assert bed(remote, tmp_path).fdwsh("-c", r"\drift").stdout == EMPTY


def test_drift_lists_what_alter_table_changed_on_the_remote(remote: Cluster,
                                                            tmp_path: Path) -> None:
    b = bed(remote, tmp_path)
    b.remote(ALTER)
    before = dump(b.catalog)
    got = b.fdwsh("-c", r"\drift").stdout
    assert got == DRIFTED
    pattern = b.fdwsh("-c", r"\drift o*").stdout  # a pattern: visible tables, as \det's
    assert pattern.count("| odd ") == 2 and "Loc 2" not in pattern
    assert "(1 row)" in b.fdwsh("-c", r'\drift "Loc 2".*').stdout
    assert "| orders |" not in b.fdwsh("-c", r"\drift odd").stdout
    assert b.fdwsh("-c", r"\drift SERVER s").stdout == got
    assert dump(b.catalog) == before


def test_refresh_keeps_local_options_and_matches_a_fresh_import(
        remote: Cluster, tmp_path: Path, oracle_db: str) -> None:
    b = bed(remote, tmp_path, oracle_db)
    b.remote(ALTER)
    refreshed = b.fdwsh("-c", r"\refresh").stdout
    assert refreshed == DRIFTED.replace("   Drift of foreign tables", "  Refreshed foreign tables")
    assert b.fdwsh("-c", r"\drift").stdout == LEFT_ALONE  # its remote is gone: left as it was
    odd = b.fdwsh("-c", r"\d+ odd").stdout
    assert odd == (
        '                                                  Foreign table "public.odd"\n'
        " Column |         Type         | Collation | Nullable | Default |     FDW options      "
        "| Storage  | Stats target | Description \n"
        "--------+----------------------+-----------+----------+---------+----------------------"
        "+----------+--------------+-------------\n"
        " k      | integer              |           | not null | 5       | (column_name 'K ey') "
        "| plain    |              | the key\n"
        " v      | character varying(9) |           |          |         |                      "
        "| extended |              | \n"
        "Server: s\n"
        "FDW options: (table_name 'Odd \"T\"', fetch_size '7')\n\n")
    assert "| kept" in b.fdwsh("-c", r"\det+ odd").stdout
    oracle = b.psql("-q", input=catalog_ddl(remote) + "IMPORT FOREIGN SCHEMA public LIMIT TO "
                    "(orders) FROM SERVER s INTO public;\n\\d+ orders\n").stdout
    assert "numeric(12,3)" in oracle
    assert b.fdwsh("-c", r"\d+ orders").stdout == oracle


def test_refresh_in_a_transaction_block_is_undone_by_rollback(remote: Cluster,
                                                              tmp_path: Path) -> None:
    b = bed(remote, tmp_path)
    b.remote(ALTER)
    before = dump(b.catalog)
    out = b.fdwsh("-q", "-f", "-", input="BEGIN;\n\\refresh orders\n\\drift orders\nROLLBACK;\n"
                  "\\drift orders\n").stdout
    listings = out.split("\n\n")
    assert "(0 rows)" in listings[1] and "(4 rows)" in listings[2]
    assert dump(b.catalog) == before


def test_failures_change_nothing(remote: Cluster, tmp_path: Path) -> None:
    b = bed(remote, tmp_path)
    b.remote(ALTER + "CREATE DOMAIN posint AS int; ALTER TABLE steady ADD COLUMN p posint;")
    before = dump(b.catalog)
    unknown_type = b.fdwsh("-c", r"\refresh")
    assert unknown_type.returncode == 1
    assert unknown_type.stdout.startswith("ERROR:  type \"public.posint\" does not exist\n")
    assert 'CONTEXT:  refreshing foreign table "steady"\n' in unknown_type.stdout
    assert dump(b.catalog) == before
    no_server = b.fdwsh("-c", r"\drift SERVER nosuch")
    assert (no_server.returncode, no_server.stdout) == (
        1, 'ERROR:  server "nosuch" does not exist\n')
    b.fdwsh("-c", f"ALTER SERVER s OPTIONS (SET port '{free_port()}')")
    refresh_fails(b, 'ERROR:  could not connect to server "s"\nDETAIL:  ')


def refresh_fails(b: QueryBed, error: str) -> None:
    r"""``\refresh`` fails (exit status 1) with ``error`` and leaves the catalog file as it was."""
    before = dump(b.catalog)
    run = b.fdwsh("-c", r"\refresh")
    assert run.returncode == 1
    assert run.stdout.startswith(error), run.stdout
    assert dump(b.catalog) == before


def test_drift_warns_of_a_server_it_cannot_reach_and_lists_the_others(
        remote: Cluster, tmp_path: Path) -> None:
    b = bed(remote, tmp_path)
    b.remote(ALTER)
    port = free_port()
    b.fdwsh("-q", "-c", f"CREATE SERVER down FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host "
            f"'{remote.host}', port '{port}', dbname 'x'); CREATE USER MAPPING FOR public "
            "SERVER down; CREATE FOREIGN TABLE far (a int) SERVER down")
    run = b.fdwsh("-c", r"\drift")
    assert run.returncode == 0
    warning, listing = run.stdout.split("\n                 ", 1)[0], run.stdout
    assert warning.startswith('WARNING:  could not connect to server "down"\nDETAIL:  ')
    assert f"port {port} failed" in warning
    assert listing.endswith(DRIFTED.split("\n", 1)[1]) and "| far " not in listing
    assert b.fdwsh("-c", r"\drift SERVER down").stdout.endswith("(0 rows)\n\n")
    refresh_fails(b, 'ERROR:  could not connect to server "down"\n')


def test_drift_and_refresh_are_refused_in_a_failed_transaction_block(
        remote: Cluster, tmp_path: Path) -> None:
    b = bed(remote, tmp_path)
    out = b.fdwsh("-q", "-f", "-", input="BEGIN;\nSELECT 1/0;\n\\drift\n\\refresh\nROLLBACK;\n")
    aborted = ("ERROR:  current transaction is aborted, commands ignored until end of "
               "transaction block\n")
    assert out.stdout.count(aborted) == 2, out.stdout


def test_a_refreshed_generated_column_is_declared_as_a_fresh_import_declares_it(
        remote: Cluster, tmp_path: Path, oracle_db: str) -> None:
    b = bed(remote, tmp_path, oracle_db)
    b.remote("ALTER TABLE steady ADD COLUMN g bigint GENERATED ALWAYS AS (a + 1) STORED")
    assert "| g      | remote column not declared |" in b.fdwsh("-c", r"\refresh steady").stdout
    oracle = b.psql("-q", input=catalog_ddl(remote) + "IMPORT FOREIGN SCHEMA public LIMIT TO "
                    "(steady) FROM SERVER s INTO public;\n\\d+ steady\n").stdout
    assert "generated always as ((a + 1)) stored" in oracle
    assert b.fdwsh("-c", r"\d+ steady").stdout == oracle


def test_a_changed_collation_is_drift_and_refresh_takes_the_remote_one(
        remote: Cluster, tmp_path: Path) -> None:
    b = bed(remote, tmp_path)
    b.remote('ALTER TABLE "Odd ""T""" ALTER v TYPE varchar(5) COLLATE "C"')
    assert b.fdwsh("-c", r"\drift odd").stdout == (
        "                         Drift of foreign tables\n"
        " Schema | Table | Server | Column |    Difference     |  Local  | Remote \n"
        "--------+-------+--------+--------+-------------------+---------+--------\n"
        " public | odd   | s      | v      | collation differs | default | C\n"
        "(1 row)\n\n")
    b.fdwsh("-c", r"\refresh odd")
    assert "| character varying(5) | C         |" in b.fdwsh("-c", r"\d odd").stdout
    assert b.fdwsh("-c", r"\drift").stdout == EMPTY
