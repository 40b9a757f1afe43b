"""Ctrl-C at the interactive prompt cancels a running foreign query on the remote server.

fdwsh runs on a pseudo-terminal with the bed's catalog (tests/remote_bed.py).  The query is a
long remote computation: fdwsh does not ship ``pg_sleep()`` (volatile), so a count over a
three-way cross join of a 3000-row foreign table (2.7e10 rows, pushed down whole) keeps the
remote server busy.  Ctrl-C must give psql's ``ERROR:  canceling statement due to user
request`` within seconds, leave no query running remotely, and the prompt must answer the next
statement.
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Iterator

import pexpect
import pytest

from tests.conftest import ROOT
from tests.remote_bed import QueryBed, query_bed  # noqa: F401  (the fixture)

_CONTROL = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\r")
PROMPT = "fdwsh=>"
LINE_READ = "\x1b[?2004l"  # prompt_toolkit turns bracketed paste off once a line is read
#: Long queries, with the output settings they run under.
LONG_QUERIES = {
    "before the first row": ([], "SELECT count(*) FROM ft_nums a, ft_nums b, ft_nums c;"),
    "while rows stream": (["\\pset format unaligned", "\\o /dev/null"],
                          "SELECT a.n, b.n, c.n FROM ft_nums a, ft_nums b, ft_nums c;"),
}


def plain(text: str) -> str:
    """Terminal output without cursor/colour sequences and carriage returns."""
    return _CONTROL.sub("", text)


@pytest.fixture
def shell(query_bed: QueryBed) -> Iterator[pexpect.spawn]:  # noqa: F811
    """An interactive fdwsh on the bed's catalog, at its first prompt."""
    env = {**query_bed.fdwsh_env(), "PROMPT_TOOLKIT_NO_CPR": "1", "TERM": "xterm-256color",
           "COLUMNS": "100", "LINES": "30"}
    child = pexpect.spawn(sys.executable, query_bed.fdwsh_command()[1:], env=env,
                          cwd=str(ROOT), encoding="utf-8", timeout=20, dimensions=(30, 100))
    child.expect_exact(PROMPT)
    yield child
    child.close(force=True)


def run(child: pexpect.spawn, line: str) -> str:
    """Type ``line`` and Enter; the plain output up to the next prompt."""
    child.send(line + "\r")
    child.expect_exact(LINE_READ)
    child.expect_exact(PROMPT)
    return plain(child.before)


def remote_activity(bed: QueryBed) -> list[str]:  # noqa: F811
    """The states of fdwsh's sessions on the remote database."""
    out = bed.cluster.psql("SELECT state FROM pg_stat_activity WHERE application_name = 'fdwsh'"
                           f" AND datname = '{bed.remote_db}'", "postgres", "-At").stdout
    return out.split()


@pytest.mark.parametrize("kind", LONG_QUERIES)
def test_ctrl_c_cancels_the_remote_query_and_the_prompt_answers_again(
        query_bed: QueryBed, shell: pexpect.spawn, kind: str) -> None:  # noqa: F811
    settings, query = LONG_QUERIES[kind]
    for line in settings:
        run(shell, line)
    shell.send(query + "\r")
    shell.expect_exact(LINE_READ)
    deadline = time.monotonic() + 10
    while remote_activity(query_bed) != ["active"]:  # the remote server is at work
        assert time.monotonic() < deadline
        time.sleep(0.1)
    started = time.monotonic()
    shell.sendcontrol("c")
    shell.expect_exact(PROMPT)
    assert time.monotonic() - started < 5
    assert plain(shell.before).strip().endswith(
        "ERROR:  canceling statement due to user request")
    assert remote_activity(query_bed) == ["idle"]  # cancelled, the connection kept
    run(shell, "\\o")
    assert re.search(r"\b5\n\(1 row\)\n", run(shell, "SELECT count(*) FROM regions;"))
