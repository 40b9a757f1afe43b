r"""Results taller than the screen go through the pager, as in psql: only on a terminal, with
``\pset pager`` on/off/always and pager_min_lines, ``$PSQL_PAGER`` before ``$PAGER``.

The pager is a shell command that marks every line it is given, so the test sees what was
paged; the screen has 30 lines (tests/test_repl.py's terminal)."""

from __future__ import annotations

from tests.conftest import fdwsh_env, run_fdwsh
from tests.test_repl import Spawn, enter, fdwsh, ready  # noqa: F401

MARKING_PAGER = "sed 's/^/PAGED|/'"
TALL = "SELECT i FROM generate_series(1, 40) AS i;"
SHORT = "SELECT 1 AS one;"


def test_a_tall_result_goes_through_the_pager_and_a_short_one_does_not(
        fdwsh: Spawn) -> None:  # noqa: F811
    child = fdwsh("-X", env_extra={"PAGER": MARKING_PAGER})
    ready(child)
    tall = enter(child, TALL)
    assert "PAGED| i  " in tall and "PAGED|(40 rows)" in tall
    short = enter(child, SHORT)
    assert "PAGED|" not in short and "(1 row)" in short


def test_pset_pager_off_always_and_min_lines(fdwsh: Spawn) -> None:  # noqa: F811
    child = fdwsh("-X", env_extra={"PSQL_PAGER": MARKING_PAGER, "PAGER": "false"})
    ready(child)
    enter(child, "\\pset pager off")
    assert "PAGED|" not in enter(child, TALL)
    enter(child, "\\pset pager always")
    assert "PAGED|(1 row)" in enter(child, SHORT)
    enter(child, "\\pset pager on")
    enter(child, "\\pset pager_min_lines 100")
    assert "PAGED|" not in enter(child, TALL)


def test_an_empty_pager_variable_and_a_pipe_never_page(fdwsh: Spawn) -> None:  # noqa: F811
    child = fdwsh("-X", env_extra={"PAGER": ""})
    ready(child)
    assert "(40 rows)" in enter(child, TALL)
    done = run_fdwsh("-X", "-c", TALL, env={**fdwsh_env(), "PAGER": MARKING_PAGER})
    assert "PAGED|" not in done.stdout and "(40 rows)" in done.stdout

