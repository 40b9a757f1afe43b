"""SIGKILL of fdwsh while it changes the catalog: the next fdwsh opens it, SQLite's
``PRAGMA integrity_check`` says ok, and every statement is there whole or not at all.

Each catalog DDL statement is one SQLite transaction (WAL mode, store.CatalogStore.transaction),
so a kill anywhere, even between the rows of one statement, leaves the last committed state.
The kill points come from a fixed-seed generator: the same points on every run.
"""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT, fdwsh_env, run_fdwsh
from tests.pgcluster import Cluster

COLUMNS = 40  # per table: a statement is many rows of foreign_column
TABLES = 150


def _start(catalog: Path, script: str) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "fdwsh", "-X", "--catalog", str(catalog)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env=fdwsh_env(), cwd=str(ROOT))
    assert proc.stdin is not None
    proc.stdin.write(script)
    proc.stdin.close()
    return proc


def _table_ddl(prefix: str, i: int) -> str:
    cols = ", ".join(f"c{j} int OPTIONS (column_name 'C{j}')" for j in range(COLUMNS))
    return (f"CREATE FOREIGN TABLE {prefix}t{i} ({cols}) SERVER s OPTIONS (table_name 'r{i}');\n"
            f"ALTER FOREIGN TABLE {prefix}t{i} ADD COLUMN x int, ADD COLUMN y text, "
            f"OPTIONS (ADD fetch_size '10');\n")


def _table_shapes(catalog: Path) -> dict[str, tuple[int, str]]:
    """Each foreign table's column count and options."""
    with sqlite3.connect(catalog) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = db.execute("SELECT t.name, count(c.attnum), t.options FROM foreign_table t "
                          "LEFT JOIN foreign_column c ON c.table_id = t.id GROUP BY t.id")
        return {name: (count, options) for name, count, options in rows}


def _assert_whole(shapes: dict[str, tuple[int, str]]) -> None:
    for name, (count, options) in shapes.items():
        created = count == COLUMNS and options == '[["table_name", "r' + name[1:] + '"]]'
        altered = count == COLUMNS + 2 and '"fetch_size", "10"' in options
        assert created or altered, (name, count, options)


def _kill_after_tags(proc: subprocess.Popen[str], tags: int, delay: float) -> None:
    """SIGKILL ``proc`` ``delay`` seconds after its ``tags``-th command tag."""
    assert proc.stdout is not None
    for _ in range(tags):
        if not proc.stdout.readline():
            break
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)


def test_sigkill_during_a_long_ddl_script_keeps_whole_statements(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog.db"
    setup = run_fdwsh("-X", "-q", catalog=catalog, input=(
        "CREATE EXTENSION postgres_fdw;\n"
        "CREATE SERVER s FOREIGN DATA WRAPPER postgres_fdw;\n"))
    assert setup.returncode == 0, setup.stdout
    rng = random.Random(7)
    seen = 0
    for _round in range(3):
        proc = _start(catalog, "".join(_table_ddl(f"r{_round}_", i) for i in range(TABLES)))
        _kill_after_tags(proc, rng.randrange(5, 60), rng.random() * 0.02)
        assert proc.returncode == -signal.SIGKILL  # it was still running: killed mid-script
        shapes = _table_shapes(catalog)
        _assert_whole({name.split("_", 1)[1]: shape for name, shape in shapes.items()})
        assert len(shapes) > seen
        seen = len(shapes)
    after = run_fdwsh("-X", "-c", "CREATE SCHEMA still_usable", "-c", "\\det r0_t0",
                      catalog=catalog)
    assert after.returncode == 0 and "CREATE SCHEMA\n" in after.stdout, after.stdout


@pytest.fixture
def wide_remote(pg: Cluster) -> str:
    """A remote database with a schema of many tables to import."""
    name = "crash_import_remote"
    pg.psql(f'DROP DATABASE IF EXISTS "{name}"', check=True)
    pg.create_database(name)
    cols = ", ".join(f"c{j} int" for j in range(20))
    pg.psql(f"CREATE SCHEMA wide; DO $$BEGIN FOR i IN 1..300 LOOP "
            f"EXECUTE format('CREATE TABLE wide.w%s ({cols})', i); END LOOP; END$$;",
            name, check=True)
    return name


def test_sigkill_during_import_foreign_schema_imports_all_or_nothing(
        pg: Cluster, wide_remote: str, tmp_path: Path) -> None:
    """The kills land at fractions of an uninterrupted import's run time (measured first), so
    they spread over start-up, the remote catalog read and the catalog transaction however
    fast this machine is."""

    def start(attempt: int) -> tuple[Path, subprocess.Popen[str], float]:
        catalog = tmp_path / f"catalog{attempt}.db"
        run_fdwsh("-X", "-q", catalog=catalog, input=(
            "CREATE EXTENSION postgres_fdw;\n"
            f"CREATE SERVER s FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '{pg.host}', "
            f"port '{pg.port}', dbname '{wide_remote}');\n"
            "CREATE USER MAPPING FOR CURRENT_USER SERVER s OPTIONS (user 'postgres');\n"))
        began = time.monotonic()
        return catalog, _start(catalog, "IMPORT FOREIGN SCHEMA wide FROM SERVER s INTO public;\n"
                               ), began

    catalog, proc, began = start(0)
    assert proc.wait(timeout=120) == 0
    whole = time.monotonic() - began
    assert len(_table_shapes(catalog)) == 300
    outcomes = set()
    for attempt, fraction in enumerate((0.3, 0.6, 0.75, 0.85, 0.95), start=1):
        catalog, proc, _ = start(attempt)
        time.sleep(whole * fraction)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        shapes = _table_shapes(catalog)
        assert len(shapes) in (0, 300), len(shapes)
        assert all(count == 20 for count, _ in shapes.values())
        outcomes.add((proc.returncode == -signal.SIGKILL, len(shapes)))
    assert (True, 0) in outcomes  # at least one kill landed before the import committed
