r"""Named queries (pgcli's): saved by ``\ns``, run by ``\n`` with positional arguments, listed,
deleted by ``\nd``, and kept across sessions in a private file of the data directory."""

from __future__ import annotations

import stat
from pathlib import Path

from fdwsh.meta.named_cmds import substitute
from tests.conftest import fdwsh_env, run_fdwsh


def fdwsh(tmp_path: Path, script: str) -> str:
    done = run_fdwsh("-X", input=script, env=fdwsh_env(tmp_path), catalog=tmp_path / "c.db")
    return done.stdout


def test_a_saved_query_runs_with_its_arguments_in_a_later_session(tmp_path: Path) -> None:
    assert fdwsh(tmp_path, "\\ns plus SELECT $1::int + $2 AS n\n") == "Saved.\n"
    assert fdwsh(tmp_path, "\\n plus 40 2\n") == (
        "> SELECT 40::int + 2 AS n\n n  \n----\n 42\n(1 row)\n\n")
    path = tmp_path / "xdg" / "fdwsh" / "named_queries.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_listing_replacing_and_deleting(tmp_path: Path) -> None:
    out = fdwsh(tmp_path, "\\ns b SELECT 2\n\\ns a SELECT 1\n\\ns a SELECT 'one'\n\\n\n"
                          "\\nd b\n\\n\n")
    assert out == (
        "Saved.\nSaved.\nSaved.\n"
        "    Named queries\n Name |    Query     \n------+--------------\n"
        " a    | SELECT 'one'\n b    | SELECT 2\n(2 rows)\n\n"
        "Deleted.\n"
        "    Named queries\n Name |    Query     \n------+--------------\n"
        " a    | SELECT 'one'\n(1 row)\n\n")


def test_errors_name_the_query_and_change_nothing(tmp_path: Path) -> None:
    out = fdwsh(tmp_path, "\\ns one SELECT $1 AS v\n\\n one\n\\n nope\n\\nd nope\n\\ns\n"
                          "\\ns lonely\n\\n one x\n")
    assert out == (
        "Saved.\n"
        'missing argument $1 for named query "one"\n'
        'named query "nope" does not exist\n'
        'named query "nope" does not exist\n'
        "\\ns: missing required argument\n"
        "\\ns: missing required argument\n"
        "> SELECT x AS v\n"
        'ERROR:  column "x" does not exist\nLINE 1: SELECT x AS v\n               ^\n')


def test_a_failing_named_query_stops_a_script_with_on_error_stop(tmp_path: Path) -> None:
    done = run_fdwsh("-X", "-v", "ON_ERROR_STOP=1", input="\\ns bad SELECT 1/0\n\\n bad\n"
                     "\\echo not reached\n", env=fdwsh_env(tmp_path), catalog=tmp_path / "c.db")
    assert done.returncode == 3 and "not reached" not in done.stdout


def test_placeholders() -> None:
    assert substitute("SELECT $1, $2, $1", ["a", "b"]) == "SELECT a, b, a"
    assert substitute("SELECT ARRAY[$*]", ["1", "2"]) == "SELECT ARRAY[1, 2]"
    assert substitute("SELECT 1", ["ignored"]) == "SELECT 1"
