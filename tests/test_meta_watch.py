r"""``\watch [SEC]`` reruns the query until it fails or Ctrl-C, as psql 15 does."""

from __future__ import annotations

import re

from tests.meta_oracle import same_as_psql
from tests.test_repl import Spawn, enter, fdwsh, plain, ready  # noqa: F401


def test_an_empty_buffer_and_a_failing_query_end_as_in_psql(pg, tmp_path) -> None:
    same_as_psql(pg, tmp_path, "\\watch\nSELECT 1/0 \\watch 1\n\\echo after\n"
                               "\\pset title\n")


def test_runs_repeat_with_psqls_title_until_ctrl_c(fdwsh: Spawn) -> None:  # noqa: F811
    child = fdwsh("-X")
    ready(child)
    enter(child, "\\pset title hi", prompt="fdwsh=> ")
    child.send("SELECT 7 AS a \\watch 0.2\r")
    for _ in range(3):
        child.expect(r"hi\t\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4} \(every 0\.2s\)")
        child.expect_exact("(1 row)")
    child.sendcontrol("c")
    out = ready(child)
    assert not re.search(r"Traceback|ERROR", plain(out))
    assert "(1 row)" in enter(child, "SELECT 8 AS b;")
