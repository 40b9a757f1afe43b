"""Several fdwsh processes on one catalog file.

SQLite in WAL mode lets readers go on while one writer changes the catalog; a writer waits up to
the busy timeout (5 s) for another.  So two shells doing DDL at the same time both succeed and
nothing is lost; a shell that finds the catalog locked for longer (another one sits in an open
transaction block that changed it) gets PostgreSQL's lock-not-available error, SQLSTATE 55P03:

    ERROR:  could not obtain lock on the catalog "PATH": it is busy

and changes nothing.  A catalog written by a newer fdwsh is refused, not misread.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import ROOT, fdwsh_env, run_fdwsh
from tests.pgcluster import Cluster


def _shell(catalog: Path, *args: str) -> subprocess.Popen[str]:
    """An fdwsh reading its statements from a pipe, as a script would."""
    return subprocess.Popen(
        [sys.executable, "-m", "fdwsh", "-X", "--catalog", str(catalog), *args],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env=fdwsh_env(), cwd=str(ROOT))


def _ddl_script(tag: str, count: int) -> str:
    """``count`` schemas, each with a foreign table, and a few ALTERs: many short transactions."""
    lines = ["CREATE EXTENSION IF NOT EXISTS postgres_fdw;" if tag == "a" else "",
             f"CREATE SERVER srv_{tag} FOREIGN DATA WRAPPER postgres_fdw;"]
    for i in range(count):
        lines += [f"CREATE SCHEMA {tag}{i};",
                  f"CREATE FOREIGN TABLE {tag}{i}.t (id int, v text) SERVER srv_{tag};",
                  f"ALTER FOREIGN TABLE {tag}{i}.t ADD COLUMN w int;"]
    return "\n".join(lines) + "\n"


def _names(catalog: Path, query: str) -> set[str]:
    with sqlite3.connect(catalog) as db:
        return {row[0] for row in db.execute(query)}


def test_two_shells_doing_ddl_at_once_both_succeed_and_nothing_is_lost(catalog: Path) -> None:
    run_fdwsh("-X", "-c", "CREATE EXTENSION postgres_fdw", catalog=catalog)
    shells = {tag: _shell(catalog, "-v", "ON_ERROR_STOP=1") for tag in ("a", "b")}
    outputs = {tag: shell.communicate(_ddl_script(tag, 60), timeout=120)[0]
               for tag, shell in shells.items()}
    for tag, shell in shells.items():
        assert shell.returncode == 0, outputs[tag]
        assert "ERROR" not in outputs[tag]
        assert outputs[tag].count("ALTER FOREIGN TABLE\n") == 60
    expected = {f"{tag}{i}" for tag in "ab" for i in range(60)}
    assert _names(catalog, "SELECT name FROM schema") == expected | {"public"}
    columns = _names(catalog, "SELECT s.name || '.' || c.name FROM foreign_column c "
                              "JOIN foreign_table t ON t.id = c.table_id "
                              "JOIN schema s ON s.id = t.schema_id")
    assert columns == {f"{name}.{col}" for name in expected for col in ("id", "v", "w")}
    with sqlite3.connect(catalog) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_catalog_locked_by_an_open_block_is_busy_after_the_timeout(catalog: Path) -> None:
    holder = _shell(catalog)
    assert holder.stdin is not None and holder.stdout is not None
    holder.stdin.write("BEGIN;\nCREATE SCHEMA held;\n")
    holder.stdin.flush()
    assert holder.stdout.readline() == "BEGIN\n"
    assert holder.stdout.readline() == "CREATE SCHEMA\n"  # the block now holds the write lock

    reader = run_fdwsh("-X", "-c", "\\dn", catalog=catalog)
    assert reader.returncode == 0 and "held" not in reader.stdout  # readers are not blocked

    started = time.monotonic()
    blocked = run_fdwsh("-X", "-c", "CREATE SCHEMA other", catalog=catalog)
    waited = time.monotonic() - started
    assert blocked.returncode == 1
    assert blocked.stdout == (
        f'ERROR:  could not obtain lock on the catalog "{catalog}": it is busy\n'
        "DETAIL:  Another fdwsh session is changing the catalog (waited 5 s for it).\n"
        "HINT:  Run the statement again once the other session has committed.\n")
    assert 4.5 < waited < 20

    verbose = run_fdwsh("-X", "-v", "VERBOSITY=verbose", "-c", "DROP SCHEMA public",
                        catalog=catalog)
    assert verbose.stdout.startswith("ERROR:  55P03: could not obtain lock on the catalog")

    assert holder.communicate("COMMIT;\n", timeout=30)[0] == "COMMIT\n"
    assert _names(catalog, "SELECT name FROM schema") == {"public", "held"}  # nothing else
    again = run_fdwsh("-X", "-c", "CREATE SCHEMA other", catalog=catalog)
    assert again.stdout == "CREATE SCHEMA\n"


def test_a_block_whose_snapshot_went_stale_gets_the_busy_error_and_rolls_back(catalog: Path
                                                                               ) -> None:
    run_fdwsh("-X", "-c", "CREATE SCHEMA first", catalog=catalog)
    shell = _shell(catalog)
    assert shell.stdin is not None and shell.stdout is not None
    shell.stdin.write("BEGIN;\n\\dn\n")  # the block has read the catalog
    shell.stdin.flush()
    while "(2 rows)" not in shell.stdout.readline():
        pass
    assert run_fdwsh("-X", "-c", "CREATE SCHEMA meanwhile", catalog=catalog).returncode == 0
    out = shell.communicate("CREATE SCHEMA late;\nROLLBACK;\nCREATE SCHEMA late;\n",
                            timeout=60)[0]
    assert "ERROR:  could not obtain lock on the catalog" in out, out
    assert out.endswith("ROLLBACK\nCREATE SCHEMA\n"), out
    assert _names(catalog, "SELECT name FROM schema") == {"public", "first", "meanwhile", "late"}


def test_a_catalog_from_a_newer_fdwsh_is_refused_and_left_alone(catalog: Path) -> None:
    run_fdwsh("-X", "-c", "CREATE SCHEMA mine", catalog=catalog)
    with sqlite3.connect(catalog) as db:
        db.execute("PRAGMA user_version = 999")
    before = _dump(catalog)
    result = run_fdwsh("-X", "-c", "CREATE SCHEMA x", catalog=catalog, merge=False)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr == ("fdwsh: error: catalog schema version 999 is newer than this fdwsh "
                             f"supports ({_known_version()}); upgrade fdwsh\n")
    assert _dump(catalog) == before
    with sqlite3.connect(catalog) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == 999


def _dump(catalog: Path) -> list[str]:
    with sqlite3.connect(catalog) as db:
        return list(db.iterdump())


def _known_version() -> int:
    from fdwsh.catalog.migrations import MIGRATIONS

    return len(MIGRATIONS)


def test_a_block_that_only_read_the_catalog_commits_two_phase_after_another_shell_did(
        pg: Cluster, catalog: Path) -> None:
    """The two-phase record is the block's first catalog write: a snapshot another shell's
    commit made stale must not fail it (scripts/load.py found every concurrent transfer but
    one failing with "catalog is busy")."""
    for db in ("tpc_a", "tpc_b"):
        pg.psql(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)", check=True)
        pg.create_database(db)
        pg.psql("CREATE TABLE acc (id int PRIMARY KEY, n int); INSERT INTO acc VALUES (1, 0), "
                "(2, 0)", db, check=True)
    ddl = "CREATE EXTENSION postgres_fdw;\n" + "".join(
        f"CREATE SERVER {s} FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '{pg.host}', "
        f"port '{pg.port}', dbname 'tpc_{s}', two_phase_commit 'on');\n"
        f"CREATE USER MAPPING FOR CURRENT_USER SERVER {s} OPTIONS (user 'postgres');\n"
        f"CREATE FOREIGN TABLE acc_{s} (id int, n int) SERVER {s} OPTIONS (table_name 'acc');\n"
        for s in ("a", "b"))
    assert run_fdwsh("-X", "-q", "-v", "ON_ERROR_STOP=1", input=ddl, catalog=catalog
                     ).returncode == 0
    transfer = "UPDATE acc_a SET n = n - 1 WHERE id = {0};\nUPDATE acc_b SET n = n + 1 WHERE id = {0};\n"
    shell = _shell(catalog)
    assert shell.stdin is not None and shell.stdout is not None
    shell.stdin.write("BEGIN;\n" + transfer.format(1))
    shell.stdin.flush()
    assert [shell.stdout.readline() for _ in range(3)] == ["BEGIN\n", "UPDATE 1\n", "UPDATE 1\n"]
    other = run_fdwsh("-X", "-c", "BEGIN", "-c", transfer.format(2), "-c", "COMMIT",
                      catalog=catalog)
    assert other.stdout == "BEGIN\nUPDATE 1\nUPDATE 1\nCOMMIT\n"
    assert shell.communicate("COMMIT;\n", timeout=60)[0] == "COMMIT\n"
    sums = [pg.psql("SELECT sum(n) FROM acc", db, "-At", check=True).stdout for db in
            ("tpc_a", "tpc_b")]
    assert sums == ["-2\n", "2\n"]
    assert _names(catalog, "SELECT gid FROM prepared_xact") == set()
