r"""The ``\d`` family: fdwsh's listings are byte-for-byte psql 15's.

Oracle tests run one DDL script through PostgreSQL 15 (with postgres_fdw, as the postgres user)
and through fdwsh's session (user postgres), then the same backslash commands through real psql
and through fdwsh; standard output and standard error must be identical.  The remaining tests pin
what psql cannot show: the password masking of ``\deu+``, QUIET, and the storage column's source.
"""

from __future__ import annotations

import io
import os
import subprocess
from pathlib import Path

import psycopg
import pytest

from fdwsh.catalog.store import CatalogStore
from fdwsh.meta import describe
from fdwsh.meta.describe import DescribeEnv, DescribeNotFound
from fdwsh.meta.describe_table import type_storage
from fdwsh.session import InputSource, Session
from fdwsh.settings import PrintOptions, Settings
from tests.pgcluster import Cluster

# Objects with the features the listings show: options needing quote_ident/quote_literal,
# comments, NOT NULL, defaults, collations, column options, mixed-case and spaced names,
# a second schema, a mapping for PUBLIC and for another role.
SETUP = """\
CREATE EXTENSION postgres_fdw;
CREATE SERVER s1 FOREIGN DATA WRAPPER postgres_fdw
    OPTIONS (host 'localhost', dbname 'x', port '5432');
CREATE SERVER "S two" TYPE 'pg' VERSION '15' FOREIGN DATA WRAPPER postgres_fdw;
CREATE SERVER "s-3" FOREIGN DATA WRAPPER postgres_fdw OPTIONS (fetch_size '50');
COMMENT ON SERVER s1 IS 'first server';
CREATE USER MAPPING FOR postgres SERVER s1 OPTIONS (user 'bob', password 'se''cret');
CREATE USER MAPPING FOR PUBLIC SERVER "S two";
CREATE USER MAPPING FOR alice SERVER s1 OPTIONS (user 'al\\ice');
CREATE USER MAPPING FOR alice SERVER "s-3";
CREATE SCHEMA sch;
CREATE FOREIGN TABLE ft1 (
    a int NOT NULL DEFAULT 3,
    b text OPTIONS (column_name 'B'),
    c varchar(10) COLLATE "C",
    d numeric(10,2),
    e timestamp(3) with time zone,
    f double precision[]
) SERVER s1 OPTIONS (schema_name 'remote', table_name 'T''1');
CREATE FOREIGN TABLE sch."Ft2" (x numeric(10,2), "Mixed Col" char(3)) SERVER "S two";
CREATE FOREIGN TABLE sch.ft1 (y int) SERVER "s-3" OPTIONS (updatable 'false');
CREATE FOREIGN TABLE "Spaced Name" () SERVER s1;
COMMENT ON FOREIGN TABLE ft1 IS 'ft one';
COMMENT ON COLUMN ft1.a IS 'col a';
"""

LISTINGS = r"""
\dew
\dew+
\dew postgres*
\des
\des+
\des s*
\des "S two"
\des nosuch
\deu
\deu+
\deu s1
\deu alice
\deu+ "S*"
\det
\det+
\det sch.*
\det *.*
\det+ *.F*
\det nosuch
\dn
\dn+
\dn s*
\dE
\dE+
\dE *.*
\dE+ sch.*
\dE nosuch
\d
\d+
\dt
\di
\dv+
\d ft1
\d+ ft1
\d sch.*
\d+ public.*
\d "Spaced Name"
\d+ "Spaced Name"
\d nosuch
\d+ no*such
\det a.b.c.d
\des a.b
\dn a.b
\d other.public.ft1
\des (
"""


def run_psql(pg: Cluster, db: str, script: str, *args: str) -> tuple[str, str]:
    """Real psql -X reading ``script`` from stdin; (stdout, stderr) kept apart, because psql
    buffers stdout on a pipe and would interleave the two differently than it does on a tty."""
    env = {**os.environ, "PGHOST": pg.host, "PGPORT": str(pg.port), "PGUSER": pg.user,
           "PGDATABASE": db, "LC_ALL": "C.UTF-8", "COLUMNS": "200", "PAGER": ""}
    proc = subprocess.run(["psql", "-X", *args], input=script, text=True, env=env,
                          capture_output=True)
    return proc.stdout, proc.stderr


def run_fdwsh(catalog: Path, script: str, **variables: str) -> tuple[str, str]:
    """The same script through fdwsh's session (in-process), as user postgres."""
    out, err = io.StringIO(), io.StringIO()
    settings = Settings(catalog_path=str(catalog), user="postgres", variables=variables,
                        print=PrintOptions(null="(null)"))
    session = Session(settings, stdout=out, stderr=err)
    try:
        session.run_lines(script.splitlines(), InputSource(None, Path.cwd()))
    finally:
        session.close()
    return out.getvalue(), err.getvalue()


def prepare(pg: Cluster, db: str, catalog: Path, setup: str) -> None:
    """Run the DDL script on both sides; both must accept all of it."""
    run_psql(pg, db, "DO $$BEGIN CREATE ROLE alice; EXCEPTION WHEN duplicate_object THEN"
                     " NULL; END$$;\n", "-q")
    out, err = run_psql(pg, db, setup, "-q", "-v", "ON_ERROR_STOP=1")
    assert err == "", err
    out, err = run_fdwsh(catalog, setup, QUIET="on")
    assert err == "", err


def assert_same(pg: Cluster, db: str, catalog: Path, commands: str, *psql_args: str,
                **variables: str) -> None:
    r"""``commands`` print the same on both sides (``\pset null (null)`` on both, to show that
    listings print NULL as an empty cell whatever null display says)."""
    expected = run_psql(pg, db, commands, "-P", "null=(null)", *psql_args)
    got = run_fdwsh(catalog, commands, **variables)
    assert got[1] == expected[1]
    assert got[0].splitlines() == expected[0].splitlines()
    assert got[0] == expected[0]


def test_listings_match_psql(pg: Cluster, oracle_db: str, catalog: Path):
    prepare(pg, oracle_db, catalog, SETUP)
    # psql shows a user mapping's password to its owner; fdwsh does when asked to.
    assert_same(pg, oracle_db, catalog, LISTINGS, SHOW_PASSWORDS="on")


def test_listings_of_an_empty_catalog_match_psql(pg: Cluster, oracle_db: str, catalog: Path):
    commands = "\\dew+\n\\des+\n\\deu+\n\\det+\n\\dn+\n\\dE\n\\d\n\\d+ x\n\\dE x\n"
    prepare(pg, oracle_db, catalog, "")
    assert_same(pg, oracle_db, catalog, commands)


def test_a_schema_named_after_the_user_comes_first_on_the_search_path(
        pg: Cluster, oracle_db: str, catalog: Path):
    setup = SETUP + "CREATE SCHEMA postgres;\nCREATE FOREIGN TABLE postgres.ft1 (z int) SERVER s1;\n"
    prepare(pg, oracle_db, catalog, setup)
    assert_same(pg, oracle_db, catalog, "\\det\n\\dE\n\\d ft1\n\\d+ public.ft1\n\\dn+\n")


def test_quiet_and_hide_tableam_change_what_psql_prints(pg: Cluster, oracle_db: str,
                                                         catalog: Path):
    prepare(pg, oracle_db, catalog, SETUP)
    commands = "\\dE nosuch\n\\d nosuch\n\\d+\n\\det nosuch\n\\di\n\\di+\n\\dt+\n\\dv+\n\\dE+\n"
    assert_same(pg, oracle_db, catalog, commands, "-v", "QUIET=on", QUIET="on")
    assert_same(pg, oracle_db, catalog, commands, "-v", "QUIET=on", "-v", "HIDE_TABLEAM=on",
                QUIET="on", HIDE_TABLEAM="on")


# --- what the oracle cannot show --------------------------------------------------------------

@pytest.fixture
def store(pg: Cluster, oracle_db: str, catalog: Path) -> CatalogStore:
    """A catalog holding SETUP (checked against PostgreSQL by prepare())."""
    prepare(pg, oracle_db, catalog, SETUP)
    opened = CatalogStore(catalog)
    yield opened
    opened.close()


def test_user_mapping_passwords_are_masked_unless_asked_for(store: CatalogStore):
    masked = describe.list_user_mappings(store, "s1", verbose=True)
    shown = describe.list_user_mappings(store, "s1", verbose=True, show_passwords=True)
    assert [r[2] for r in masked.rows] == ["(\"user\" E'al\\\\ice')",
                                           "(\"user\" 'bob', password '********')"]
    assert [r[2] for r in shown.rows][1] == "(\"user\" 'bob', password 'se''cret')"
    assert describe.list_user_mappings(store).rows == \
        describe.list_user_mappings(store, show_passwords=True).rows


def test_describe_returns_one_result_per_table_without_a_row_count(store: CatalogStore):
    results = describe.describe_table(store, "*.ft1")
    assert [r.title for r in results] == ['Foreign table "public.ft1"', 'Foreign table "sch.ft1"']
    assert all(r.default_footer is False for r in results)
    assert results[1].footers == ["Server: s-3", "FDW options: (updatable 'false')"]


def test_not_found_is_a_failure_for_describe_but_not_for_lists(store: CatalogStore):
    with pytest.raises(DescribeNotFound) as describe_error:
        describe.describe_table(store, "nosuch")
    with pytest.raises(DescribeNotFound) as list_error:
        describe.list_tables(store, "nosuch", kinds="E")
    assert describe_error.value.failed and not list_error.value.failed
    assert list_error.value.message == 'Did not find any relation named "nosuch".'
    quiet = DescribeEnv(quiet=True)
    assert list(describe.list_tables(store, "nosuch", kinds="E", env=quiet).rows) == []
    with pytest.raises(DescribeNotFound) as silent:
        describe.describe_table(store, "nosuch", env=quiet)
    assert silent.value.message == "" and silent.value.failed


def test_a_three_part_pattern_must_name_the_current_database(store: CatalogStore):
    env = DescribeEnv(dbname="fdwsh")
    assert [r.title for r in describe.describe_table(store, "fdwsh.sch.ft1", env=env)] == \
        ['Foreign table "sch.ft1"']


def test_the_storage_column_is_the_types_default_storage(pg: Cluster):
    """Every built-in type of PostgreSQL 15 (arrays included), and columns with modifiers."""
    names = {"p": "plain", "m": "main", "x": "extended", "e": "external"}
    declared = ["varchar(10)", "numeric(10,2)", "timestamp(3) with time zone", "bit(4)",
                "interval day to second(2)", "interval(3)", "time(1)", "char(3)", "int[]",
                "varbit(5)", "numeric(5)[]", "character varying(3)[]"]
    columns = ", ".join(f"c{i} {t}" for i, t in enumerate(declared))
    with psycopg.connect(pg.dsn()) as conn:
        rows = conn.execute(
            "SELECT format_type(t.oid, NULL), t.typstorage FROM pg_type t"
            " WHERE t.typnamespace = 'pg_catalog'::regnamespace AND t.typtype IN ('b', 'r', 'm')"
            " AND t.typisdefined").fetchall()
        conn.execute(f"CREATE TEMP TABLE storage_probe ({columns})")
        rows += conn.execute(
            "SELECT format_type(atttypid, atttypmod), attstorage FROM pg_attribute"
            " WHERE attrelid = 'storage_probe'::regclass AND attnum > 0").fetchall()
        conn.rollback()
    assert len(rows) > 150
    for type_text, storage in rows:
        assert type_storage(type_text) == names[storage], type_text
