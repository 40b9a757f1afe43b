"""At the prompt, destructive statements wait for a yes (pgcli's destructive warning); scripts,
``-c`` and ``\\set DESTRUCTIVE_WARNING off`` never ask."""

from __future__ import annotations

from pathlib import Path

import pytest

from fdwsh.input.destructive import destructive
from tests.conftest import run_fdwsh
from tests.test_repl import Spawn, enter, fdwsh, ready  # noqa: F401

QUESTION = "Do you want to proceed? (y/n):"


@pytest.mark.parametrize("sql", [
    "DROP SERVER s;", "DROP FOREIGN TABLE t;", "TRUNCATE t;", "DELETE FROM t;",
    "UPDATE t SET a = 1;", "SELECT 1; DROP SCHEMA x;"])
def test_destructive_statements(sql: str) -> None:
    assert destructive(sql)


@pytest.mark.parametrize("sql", [
    "DELETE FROM t WHERE id = 1;", "UPDATE t SET a = 1 WHERE false;", "SELECT 'DROP TABLE t';",
    "EXPLAIN DELETE FROM t;", "-- DROP TABLE t\nSELECT 1;", "DROP TABLE (;"])
def test_statements_that_are_not(sql: str) -> None:
    assert not destructive(sql)


def answer(child, text: str) -> str:
    """Answer the question (read by a plain line read, not by the prompt)."""
    child.send(text + "\r")
    return ready(child)


def test_no_keeps_the_schema_and_yes_drops_it(fdwsh: Spawn) -> None:  # noqa: F811
    child = fdwsh("-X")
    ready(child)
    enter(child, "CREATE SCHEMA keep_me;")
    child.send("DROP SCHEMA keep_me;\r")
    child.expect_exact(QUESTION)
    out = answer(child, "n")
    assert "Wise choice!" in out and "DROP SCHEMA" not in out
    assert "keep_me" in enter(child, "\\dn")
    child.send("DROP SCHEMA keep_me;\r")
    child.expect_exact(QUESTION)
    out = answer(child, "y")
    assert "Your call!" in out and "DROP SCHEMA" in out
    assert "keep_me" not in enter(child, "\\dn")


def test_switched_off_it_does_not_ask(fdwsh: Spawn) -> None:  # noqa: F811
    child = fdwsh("-X")
    ready(child)
    enter(child, "\\set DESTRUCTIVE_WARNING off")
    enter(child, "CREATE SCHEMA gone;")
    out = enter(child, "DROP SCHEMA gone;")
    assert "DROP SCHEMA" in out and QUESTION not in out


def test_scripts_never_ask(tmp_path: Path) -> None:
    done = run_fdwsh("-X", input="CREATE SCHEMA s1;\nDROP SCHEMA s1;\n", catalog=tmp_path / "c")
    assert done.stdout == "CREATE SCHEMA\nDROP SCHEMA\n"
