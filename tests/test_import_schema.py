"""IMPORT FOREIGN SCHEMA against real servers, compared with psql + postgres_fdw 15.

The remote database (``tests/oracle/import/remote.sql``, a database of this module's own) has
odd names everywhere and every column form: typmods, arrays, collations, defaults, NOT NULL,
serial, a dropped column, views, a materialized view, a partitioned table with a partition,
remote-only types (a domain, an enum), a generated column.  ``import_schema.sql`` imports it in
every form and every failing way; psql on a fresh database with postgres_fdw and fdwsh on a
fresh catalog must print the same ``\\det+``/``\\d+`` listings, command tags and errors, byte
for byte; so must ``generated.sql`` and ``defaults.sql``, the column forms IMPORT declares.  The last
test pins what the oracle cannot see: a failed import leaves the catalog file untouched.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from string import Template

import pytest

from tests.pgcluster import Cluster, free_port
from tests.remote_bed import QueryBed

ORACLE = Path(__file__).parent / "oracle" / "import"
IMPORT_DB = "import_remote"


@pytest.fixture(scope="module")
def import_remote(pg: Cluster) -> Cluster:
    """The remote database of ``remote.sql`` (created afresh for this module)."""
    pg.psql(f'DROP DATABASE IF EXISTS "{IMPORT_DB}" WITH (FORCE)', check=True)
    pg.create_database(IMPORT_DB)
    pg.psql((ORACLE / "remote.sql").read_text(), IMPORT_DB, "-q", "-v", "ON_ERROR_STOP=1",
            check=True)
    return pg


def bed(cluster: Cluster, tmp_path: Path, oracle_db: str) -> QueryBed:
    """psql on ``oracle_db`` and fdwsh on a fresh catalog, both reaching the import remote."""
    return QueryBed(cluster, tmp_path / "catalog.db", tmp_path, remote_db=IMPORT_DB,
                    oracle_db=oracle_db)


def script(cluster: Cluster, name: str) -> str:
    return Template((ORACLE / name).read_text()).substitute(
        host=cluster.host, port=cluster.port, dbname=IMPORT_DB, badport=free_port())


def both(b: QueryBed, text: str, tmp_path: Path) -> tuple[str, str]:
    """(psql's output, fdwsh's output) of ``text`` run as a script file."""
    (tmp_path / "script.sql").write_text(text)
    expected = b.psql("-f", "script.sql", cwd=tmp_path).stdout.replace("psql:", "fdwsh:")
    got = b.fdwsh("-f", "script.sql", cwd=tmp_path).stdout
    (tmp_path / "expected.out").write_text(expected)  # for a diff when they differ
    (tmp_path / "got.out").write_text(got)
    return expected, got


def test_import_foreign_schema_matches_postgres_fdw(import_remote: Cluster, oracle_db: str,
                                                    tmp_path: Path) -> None:
    expected, got = both(bed(import_remote, tmp_path, oracle_db),
                         script(import_remote, "import_schema.sql"), tmp_path)
    for sign in ('Foreign table "imp.typed"', "numeric(10,2)", "timestamp(3) without time zone",
                 "character varying(5)[]", "POSIX",
                 'schema "nosuch" is not present on foreign server "Rem; "S""',
                 'relation "T; x" already exists', 'importing foreign table "T; x"',
                 'schema "dom" does not exist', "QUERY:  CREATE FOREIGN TABLE withdomain",
                 'user mapping not found for "postgres"', 'could not connect to server "down"',
                 "import_default requires a Boolean value", 'invalid option "bogus"',
                 "(column_name 'ünï ✓')"):
        assert sign in expected, sign
    assert got.splitlines() == expected.splitlines()
    assert got == expected


SETUP = """\
CREATE EXTENSION postgres_fdw;
CREATE SERVER s FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '{host}', port '{port}',
    dbname '{db}');
CREATE USER MAPPING FOR CURRENT_USER SERVER s OPTIONS (user 'postgres');
"""


@pytest.mark.parametrize(("name", "signs"), [
    ("generated.sql", ("both default and generation expression specified",
                       "cannot use generated column", "generation expression is not immutable",
                       "generated always as ((a + 1) * 2) stored", "is a generated column")),
    ("defaults.sql", ('relation "seq" does not exist', 'schema "nosuch" does not exist',
                      "invalid name syntax", "cross-database references")),
])
def test_what_imported_columns_declare_is_checked_as_postgresql_checks_it(
        import_remote: Cluster, oracle_db: str, tmp_path: Path, name: str,
        signs: tuple[str, ...]) -> None:
    """The column forms IMPORT declares, typed directly: generated columns (import_generated:
    the checks of a generation expression, \\d, ALTER on them) and defaults naming relations
    (import_default: a serial's nextval('seq'::regclass))."""
    expected, got = both(bed(import_remote, tmp_path, oracle_db),
                         (ORACLE / name).read_text(), tmp_path)
    for sign in signs:
        assert sign in expected, sign
    assert got == expected


def _dump(path: Path) -> list[str]:
    db = sqlite3.connect(path)
    try:
        return list(db.iterdump())
    finally:
        db.close()


@pytest.mark.parametrize("statement", [
    "IMPORT FOREIGN SCHEMA clash FROM SERVER s INTO public",
    "IMPORT FOREIGN SCHEMA dom FROM SERVER s INTO public",
    "IMPORT FOREIGN SCHEMA nosuch FROM SERVER s INTO public",
    "IMPORT FOREIGN SCHEMA clash FROM SERVER s INTO public OPTIONS (import_collate 'x')",
    "IMPORT FOREIGN SCHEMA clash FROM SERVER s INTO public OPTIONS (importdefault 'true')",
    "IMPORT FOREIGN SCHEMA clash FROM SERVER s INTO nosuch",
    "IMPORT FOREIGN SCHEMA clash FROM SERVER s INTO public; -- and then a typo: SELEC",
    "IMPORT FOREIGN SCHEMA clash LIMIT TO (aaa FROM SERVER s INTO public",
])
def test_a_failed_import_leaves_the_catalog_file_as_it_was(
        import_remote: Cluster, tmp_path: Path, statement: str) -> None:
    b = bed(import_remote, tmp_path, "postgres")
    setup = SETUP.format(host=import_remote.host, port=import_remote.port, db=IMPORT_DB)
    assert b.fdwsh("-q", "-c", setup + 'CREATE FOREIGN TABLE "T; x" (b int) SERVER s;'
                   ).stdout == ""
    before = _dump(b.catalog)
    if "SELEC" in statement:
        statement = statement.replace("; -- and then a typo: ", ";\n") + ";"
        out = b.fdwsh("-1", "-f", "-", input=statement).stdout
    else:
        out = b.fdwsh("-c", statement).stdout
    assert out.startswith(("ERROR:  ", "fdwsh:<stdin>")), out
    assert _dump(b.catalog) == before
