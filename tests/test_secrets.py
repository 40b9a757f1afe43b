"""Passwords stay secret: the files that hold them are private, and they are shown nowhere.

- the catalog (and SQLite's -wal/-shm side files) and the history file are created 0600; a
  catalog that group or others can read gets libpq's passfile-style WARNING at every open;
- ``\\deu+`` masks the password unless SHOW_PASSWORDS is on, EXPLAIN VERBOSE and connection
  errors never carry it;
- a statement typed with a password is stored in the history file with the password masked.
"""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from fdwsh.input.redact import redact_passwords
from tests.conftest import fdwsh_env, run_fdwsh
from tests.pgcluster import Cluster, free_port
from tests.test_repl import Spawn, enter, exit_status, fdwsh, ready  # noqa: F401 (fixture)

SECRET = "hunter2-Xq9"


def _mapping_ddl(host: str, port: int, dbname: str) -> str:
    return (f"CREATE EXTENSION postgres_fdw;\n"
            f"CREATE SERVER s FOREIGN DATA WRAPPER postgres_fdw OPTIONS "
            f"(host '{host}', port '{port}', dbname '{dbname}');\n"
            f"CREATE USER MAPPING FOR CURRENT_USER SERVER s OPTIONS "
            f"(user 'postgres', password '{SECRET}');\n"
            "CREATE FOREIGN TABLE ft (amname name) SERVER s OPTIONS (schema_name 'pg_catalog', table_name 'pg_am');\n")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_catalog_and_its_side_files_are_created_0600(tmp_path: Path) -> None:
    catalog = tmp_path / "new" / "catalog.db"
    assert run_fdwsh("-X", "-c", "CREATE SCHEMA s", catalog=catalog).returncode == 0
    sides = [p for p in catalog.parent.iterdir()]
    assert catalog in sides
    assert {p.name: _mode(p) for p in sides} == {p.name: 0o600 for p in sides}


def test_a_catalog_others_can_read_gets_a_warning_at_every_open(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog.db"
    run_fdwsh("-X", "-c", "CREATE SCHEMA s", catalog=catalog)
    catalog.chmod(0o644)
    for _ in range(2):
        result = run_fdwsh("-X", "-c", "SELECT 1 AS one", catalog=catalog, merge=False)
        assert result.returncode == 0
        assert result.stderr == (f'WARNING:  catalog file "{catalog}" has group or world access;'
                                 " permissions should be u=rw (0600) or less\n")
        assert "(1 row)" in result.stdout
    catalog.chmod(0o600)
    quiet = run_fdwsh("-X", "-c", "SELECT 1 AS one", catalog=catalog, merge=False)
    assert quiet.stderr == "" and quiet.returncode == 0


def test_a_session_that_opens_no_catalog_gives_no_warning(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog.db"
    run_fdwsh("-X", "-c", "CREATE SCHEMA s", catalog=catalog)
    catalog.chmod(0o640)
    assert run_fdwsh("-X", "-c", "\\echo hi", catalog=catalog).stdout == "hi\n"


def test_password_is_masked_in_deu_and_absent_from_explain(pg: Cluster, tmp_path: Path) -> None:
    catalog = tmp_path / "catalog.db"
    made = run_fdwsh("-X", "-q", "-v", "ON_ERROR_STOP=1", catalog=catalog,
                     input=_mapping_ddl(pg.host, pg.port, "postgres"))
    assert made.returncode == 0, made.stdout
    shown = run_fdwsh("-X", "-c", "\\deu+", "-c", "EXPLAIN VERBOSE SELECT amname FROM ft",
                      "-c", "\\d+ ft", "-c", "\\des+", catalog=catalog).stdout
    assert "password '********'" in shown and "Remote SQL: " in shown, shown
    assert SECRET not in shown
    revealed = run_fdwsh("-X", "-v", "SHOW_PASSWORDS=on", "-c", "\\deu+", catalog=catalog).stdout
    assert f"password '{SECRET}'" in revealed


@pytest.mark.parametrize("case", ["closed port", "no such database"])
def test_a_failed_connection_does_not_show_the_password(pg: Cluster, tmp_path: Path,
                                                        case: str) -> None:
    catalog = tmp_path / "catalog.db"
    port, dbname = (free_port(), "postgres") if case == "closed port" else (pg.port, "nosuch")
    run_fdwsh("-X", "-q", catalog=catalog, input=_mapping_ddl(pg.host, port, dbname))
    out = run_fdwsh("-X", "-v", "VERBOSITY=verbose", "-c", "SELECT amname FROM ft",
                    "-c", "EXPLAIN SELECT amname FROM ft", catalog=catalog)
    assert out.returncode == 1
    assert 'could not connect to server "s"' in out.stdout, out.stdout
    assert SECRET not in out.stdout


def test_history_stores_a_typed_password_masked(fdwsh: Spawn,  # noqa: F811
                                                tmp_path: Path) -> None:
    child = fdwsh()
    ready(child)
    enter(child, "CREATE EXTENSION postgres_fdw;")
    enter(child, "CREATE SERVER s FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host 'h');")
    enter(child, "CREATE USER MAPPING FOR CURRENT_USER SERVER s OPTIONS (user 'u',", "fdwsh(> ")
    assert enter(child, f"password '{SECRET}');") == "CREATE USER MAPPING\n"
    out = enter(child, f"ALTER USER MAPPING FOR CURRENT_USER SERVER s OPTIONS (SET password "
                       f"E'{SECRET}\\'x');")
    assert out == "ALTER USER MAPPING\n"
    child.sendcontrol("d")
    assert exit_status(child) == 0
    history = tmp_path / "xdg" / "fdwsh" / "history"
    text = history.read_text()
    assert SECRET not in text
    assert ("+CREATE USER MAPPING FOR CURRENT_USER SERVER s OPTIONS (user 'u',\n"
            "+password '********');\n") in text
    assert "+ALTER USER MAPPING FOR CURRENT_USER SERVER s OPTIONS (SET password '********');" \
        in text
    assert _mode(history) == 0o600
    # the catalog itself holds the password that was set (the history only is masked)
    shown = run_fdwsh("-X", "-v", "SHOW_PASSWORDS=on", "-c", "\\deu+", catalog=tmp_path / "c.db",
                      env=fdwsh_env(tmp_path)).stdout
    assert f"password '{SECRET}''x'" in shown


@pytest.mark.parametrize("typed, stored", [
    ("OPTIONS (password 'a''b')", "OPTIONS (password '********')"),
    ('OPTIONS (ADD "password" $q$x$q$, user \'password\')',
     "OPTIONS (ADD \"password\" '********', user 'password')"),
    ("OPTIONS (SET PASSWORD e'a\\'b')", "OPTIONS (SET PASSWORD '********')"),
    ("OPTIONS (password 'never closed", "OPTIONS (password '********'"),
    ("SELECT 'password' AS x", "SELECT 'password' AS x"),
    ("OPTIONS (passwords 'x', password_required 'false')",
     "OPTIONS (passwords 'x', password_required 'false')"),
])
def test_redaction_masks_only_password_values(typed: str, stored: str) -> None:
    assert redact_passwords(typed) == stored
