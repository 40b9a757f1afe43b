"""NOT NULL of a foreign table is checked by fdwsh before a row is sent (PostgreSQL itself
leaves a foreign table's constraints to the remote): INSERT (VALUES, a SELECT shipped to the
target's server, rows relayed from another server), UPDATE (direct and by located rows) and
COPY FROM refuse a NULL in a NOT NULL column with PostgreSQL's message for a *local* table.

The reference is PostgreSQL itself: each script runs through psql on local tables ``l_*``
declared as the foreign tables are, and through fdwsh on the foreign tables ``f_*``, whose
remote tables have no NOT NULL at all (so only the local check can refuse a row).  Outputs must
be identical once the names agree.  That nothing reached the remote is seen by a remote trigger
that draws from a sequence for every row it is given (sequences do not roll back): after the
refused statements the sequence has not moved, and the remote rows are the local table's.
"""

from __future__ import annotations

import itertools
import os
import re
from pathlib import Path

import pytest

from tests.conftest import fdwsh_env, run_fdwsh
from tests.pgcluster import Cluster

_counter = itertools.count()

TABLES = {  # name: (declared columns, remote columns)
    "t": ("id int, a text NOT NULL, b int DEFAULT 7, c numeric(5,2), d date, "
          "g int GENERATED ALWAYS AS (b * 2) STORED",
          "id int, a text, b int, c numeric(5,2), d date, "
          "g int GENERATED ALWAYS AS (b * 2) STORED"),
    "two": ('id int NOT NULL, "A b" text NOT NULL', 'id int, "A b" text'),
}
ROWS = {"t": "(1, 'x', 3, 1.5, '2024-01-02'), (2, 'y', 7, NULL, NULL)",
        "two": "(1, repeat('é', 70)), (2, 'b')"}
REMOTE_TRIGGER = """
CREATE SEQUENCE touched;
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS
  $$BEGIN PERFORM pg_catalog.nextval('public.touched'); RETURN NEW; END$$;
"""

REFUSED = """\
INSERT INTO {t} (id) VALUES (1);
INSERT INTO {t} VALUES (3, repeat('x', 70)), (4, NULL);
INSERT INTO {t} (id, a, d) VALUES (5, 'z', '2024-01-02'), (6, NULL, '2024-01-02');
INSERT INTO {t} (id, a) SELECT g, CASE WHEN g = 3 THEN NULL ELSE 'v' END FROM generate_series(1, 5) g;
INSERT INTO {t} (id) SELECT 1;
INSERT INTO {t} (id, b) SELECT id, id FROM {o};
INSERT INTO {t} (id, a) SELECT id, NULLIF("A b", 'b') FROM {o} RETURNING *;
INSERT INTO {two} VALUES (1, NULL);
INSERT INTO {two} SELECT NULL, 'x';
INSERT INTO {two} VALUES (NULL, repeat('é', 70));
UPDATE {t} SET a = NULL WHERE id = 1;
UPDATE {t} SET a = nullif(a, 'y') WHERE id = 2;
UPDATE {t} SET b = 4, a = (SELECT NULL::text) WHERE id = 1;
UPDATE {t} SET a = CASE WHEN random() < 2 THEN NULL END WHERE id = 1;
UPDATE {two} SET id = NULL WHERE id = 1;
UPDATE {two} SET id = nullif(id, 1) WHERE id < 3;
UPDATE {t} SET a = NULL FROM {o} WHERE {o}.id = {t}.id;
COPY {t} (id) FROM STDIN;
5
\\.
COPY {t} (id, a) FROM STDIN;
5\tx
6\t\\N
\\.
COPY {two} FROM STDIN (FORMAT csv);
1,x
,y
\\.
"""
ACCEPTED = """\
UPDATE {t} SET a = NULL WHERE id = 7;
INSERT INTO {t} (id, a) VALUES (8, 'ok') RETURNING *;
UPDATE {t} SET a = 'q', b = 10 WHERE id = 2 RETURNING *;
UPDATE {two} SET id = id + 10;
COPY {two} FROM STDIN;
3\tc
\\.
SELECT * FROM {t} ORDER BY id;
SELECT * FROM {two} ORDER BY id;
"""


def _names(script: str, prefix: str) -> str:
    for name in ("two", "t", "o"):
        script = script.replace("{%s}" % name, prefix + name)
    return script


@pytest.fixture(scope="module")
def bed(pg: Cluster, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """A remote database (``r_*`` tables without NOT NULL, touch triggers) and one with the
    local reference tables; a catalog declaring ``f_t``, ``f_two`` on it and ``f_o`` on a
    second server."""
    tag = f"{os.getpid()}_{next(_counter)}"
    remote, other, local = f"nn_r_{tag}", f"nn_o_{tag}", f"nn_l_{tag}"
    for db in (remote, other, local):
        pg.create_database(db)
    setup = [REMOTE_TRIGGER]
    ddl = [f"CREATE EXTENSION postgres_fdw;\n"
           f"CREATE SERVER s FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '{pg.host}', "
           f"port '{pg.port}', dbname '{remote}');\n"
           f"CREATE SERVER o FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '{pg.host}', "
           f"port '{pg.port}', dbname '{other}');\n"
           "CREATE USER MAPPING FOR CURRENT_USER SERVER s OPTIONS (user 'postgres');\n"
           "CREATE USER MAPPING FOR CURRENT_USER SERVER o OPTIONS (user 'postgres');\n"]
    reference = []
    for name, (declared, plain) in TABLES.items():
        setup.append(f"CREATE TABLE r_{name} ({plain}); INSERT INTO r_{name} VALUES {ROWS[name]};"
                     f" CREATE TRIGGER touch BEFORE INSERT OR UPDATE ON r_{name}"
                     " FOR EACH ROW EXECUTE FUNCTION touch();")
        reference.append(f"CREATE TABLE l_{name} ({declared});"
                         f" INSERT INTO l_{name} VALUES {ROWS[name]};")
        ddl.append(f"CREATE FOREIGN TABLE f_{name} ({declared}) SERVER s"
                   f" OPTIONS (table_name 'r_{name}');")
    reference.append(f"CREATE TABLE l_o ({TABLES['two'][1]}); INSERT INTO l_o VALUES {ROWS['two']};")
    pg.psql(f"CREATE TABLE r_o ({TABLES['two'][1]}); INSERT INTO r_o VALUES {ROWS['two']};",
            other, check=True)
    ddl.append(f"CREATE FOREIGN TABLE f_o ({TABLES['two'][1]}) SERVER o OPTIONS (table_name 'r_o');")
    pg.psql("\n".join(setup), remote, "-q", "-v", "ON_ERROR_STOP=1", check=True)
    pg.psql("\n".join(reference), local, "-q", "-v", "ON_ERROR_STOP=1", check=True)
    catalog = tmp_path_factory.mktemp("not_null") / "catalog.db"
    made = run_fdwsh("-X", "-q", "-U", "postgres", "-v", "ON_ERROR_STOP=1", input="\n".join(ddl),
                     catalog=catalog)
    assert made.returncode == 0 and not made.stdout, made.stdout
    return {"pg": pg, "remote": remote, "local": local, "catalog": catalog}


def _run_both(bed: dict[str, object], script: str, tmp_path: Path) -> tuple[str, str]:
    pg = bed["pg"]
    assert isinstance(pg, Cluster)
    path = tmp_path / "script.sql"
    path.write_text(_names(script, "l_"))
    expected = pg.psql("", str(bed["local"]), "-f", str(path)).stdout
    path.write_text(_names(script, "f_"))
    env = fdwsh_env(tmp_path)
    got = run_fdwsh("-X", "-U", "postgres", "-f", str(path), catalog=bed["catalog"],
                    env=env).stdout
    return got, re.sub(r"\bl_(t|two|o)\b", r"f_\1", expected.replace("psql:", "fdwsh:"))


def _touched(bed: dict[str, object]) -> str:
    pg = bed["pg"]
    assert isinstance(pg, Cluster)
    return pg.psql("SELECT last_value, is_called FROM public.touched", str(bed["remote"]), "-At",
                   check=True).stdout


def test_a_null_in_a_not_null_column_is_refused_as_postgresql_refuses_it_and_never_sent(
        bed: dict[str, object], tmp_path: Path) -> None:
    before = _touched(bed)
    got, expected = _run_both(bed, REFUSED, tmp_path)
    assert got.splitlines() == expected.splitlines()
    assert got.count("violates not-null constraint") == 20
    assert _touched(bed) == before  # no row of a refused statement reached the remote


def test_rows_that_keep_not_null_go_through_and_the_remote_holds_what_postgresql_would(
        bed: dict[str, object], tmp_path: Path) -> None:
    before = _touched(bed)
    got, expected = _run_both(bed, ACCEPTED, tmp_path)
    assert got.splitlines() == expected.splitlines()
    assert "(0 rows)" not in got
    assert _touched(bed) != before  # the trigger sees the rows that are sent
