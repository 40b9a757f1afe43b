r"""``\if`` / ``\elif`` / ``\else`` / ``\endif`` behave as in psql 15 (oracle: the same script
through the real psql and through fdwsh, outputs and exit codes identical; see meta_oracle).
The statements in the scripts read no foreign table, so fdwsh evaluates them itself."""

from __future__ import annotations

import pytest

from tests.meta_oracle import same_as_psql
from tests.test_repl import Spawn, enter, fdwsh, ready  # noqa: F401

SCRIPTS: dict[str, str] = {
    "branches_pick_the_first_true_expression": r"""
\set x on
\if :x
  \echo x is on
\elif true
  \echo not here
\else
  \echo nor here
\endif
\if off
  \echo no
\elif 0
  \echo no
\else
  \echo else runs
\endif
\if no
\elif y
  \echo elif runs
\elif yes
  \echo a second true elif does not run
\endif
""",
    "skipped_branches_run_nothing": r"""
\set n 1
\if false
  \echo skipped :n `echo backquote`
  SELECT 1/0;
  \set n 2
  \if true
    \echo a nested block in a skipped branch is skipped whole
  \else
    \echo also skipped
  \endif
\endif
\echo n is :n
SELECT 'after' AS v;
""",
    "skipped_text_leaves_the_query_buffer": r"""
SELECT
\if false
 1
\elif true
 2
\else
 3
\endif
AS v;
SELECT 'a' ||
\if true
 'b'
\else
 'c'
\endif
AS w;
""",
    "expressions_that_are_not_booleans": r"""
\if maybe
  \echo not reached
\else
  \echo invalid counts as false
\endif
\if
\endif
\set v 'o'
\if :v
\endif
\if 1 2
\endif
""",
    "misplaced_branch_commands": r"""
\else
\elif true
\endif
\if true
\else
\else
\elif true
\endif
\echo still running
""",
    "unclosed_block_at_end_of_file": r"""
\if true
\echo in an unclosed block
""",
    "on_error_stop_ends_at_a_misplaced_endif": r"""
\set ON_ERROR_STOP on
\echo before
\endif
\echo not reached
""",
    "an_included_file_has_its_own_blocks": r"""
\if true
\ir sub/inner2.sql
\endif
\echo done
""",
}


@pytest.mark.parametrize("name", SCRIPTS)
def test_same_output_as_psql(pg, tmp_path, name):
    same_as_psql(pg, tmp_path, SCRIPTS[name])


def test_the_prompt_shows_a_skipped_branch_and_ignored_input(fdwsh: Spawn) -> None:  # noqa: F811
    child = fdwsh("-X")
    ready(child)
    enter(child, "\\if false", prompt="fdwsh@> ")
    out = enter(child, "\\echo hidden", prompt="fdwsh@> ")
    assert "\\echo command ignored; use \\endif or Ctrl-C to exit current \\if block" in out
    out = enter(child, "SELECT 1;", prompt="fdwsh@> ")
    assert "query ignored; use \\endif or Ctrl-C to exit current \\if block" in out
    assert "(1 row)" not in out
    enter(child, "\\endif")
    assert "(1 row)" in enter(child, "SELECT 1;")
