"""The interactive prompt shows the transaction state as psql's ``%x`` does (``fdwsh=>``,
``fdwsh=*>`` in a block, ``fdwsh=!>`` in a failed one), and ``ON_ERROR_ROLLBACK interactive``
applies at the prompt: a typed statement that fails inside a block is undone alone.
Checked through a pseudo-terminal (pexpect) and on the remote database.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator

import pexpect
import pytest

from tests.conftest import ROOT, fdwsh_env
from tests.pgcluster import Cluster
from tests.txn_bed import TxnBed, make_bed

_CONTROL = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\r")
LINE_READ = "\x1b[?2004l"  # prompt_toolkit turns bracketed paste off once a line is read


@pytest.fixture(scope="module")
def bed(pg: Cluster, tmp_path_factory: pytest.TempPathFactory) -> TxnBed:
    return make_bed(pg, "txprompt", tmp_path_factory.mktemp("txprompt"))


@pytest.fixture
def child(bed: TxnBed) -> Iterator[pexpect.spawn]:
    bed.reset()
    env = {**fdwsh_env(), "PGUSER": "postgres", "PROMPT_TOOLKIT_NO_CPR": "1",
           "TERM": "xterm-256color", "COLUMNS": "100", "LINES": "30"}
    proc = pexpect.spawn(sys.executable, ["-m", "fdwsh", "-X", "-U", "postgres", "--catalog",
                                          str(bed.catalog)],
                         env=env, cwd=str(ROOT), encoding="utf-8", timeout=20,
                         dimensions=(30, 100))
    proc.expect_exact("fdwsh=>")
    yield proc
    proc.close(force=True)


def typed(child: pexpect.spawn, line: str, prompt: str) -> str:
    """Type ``line`` and Enter; the output up to the next prompt, which must be ``prompt``."""
    child.send(line + "\r")
    child.expect_exact(LINE_READ)
    child.expect(re.escape("fdwsh=") + r"[*!]?>")
    assert child.after == prompt, (child.before, child.after)
    return _CONTROL.sub("", child.before)


def test_the_prompt_shows_the_block_and_its_failure(bed: TxnBed, child: pexpect.spawn) -> None:
    assert "BEGIN" in typed(child, "BEGIN;", "fdwsh=*>")
    assert "INSERT 0 1" in typed(child, "INSERT INTO ta VALUES (1, 'a');", "fdwsh=*>")
    assert "division by zero" in typed(child, "SELECT 1/0;", "fdwsh=!>")
    assert "current transaction is aborted" in typed(child, "SELECT 1;", "fdwsh=!>")
    assert "ROLLBACK" in typed(child, "COMMIT;", "fdwsh=>")
    assert bed.rows(bed.dbs[0]) == []


def test_on_error_rollback_interactive_keeps_the_block_at_the_prompt(
        bed: TxnBed, child: pexpect.spawn) -> None:
    typed(child, "\\set ON_ERROR_ROLLBACK interactive", "fdwsh=>")
    typed(child, "BEGIN;", "fdwsh=*>")
    typed(child, "INSERT INTO ta VALUES (1, 'a');", "fdwsh=*>")
    assert "duplicate key" in typed(child, "INSERT INTO ta VALUES (1, 'again');", "fdwsh=*>")
    typed(child, "INSERT INTO tb VALUES (2, 'b');", "fdwsh=*>")
    assert "COMMIT" in typed(child, "COMMIT;", "fdwsh=>")
    assert bed.rows(bed.dbs[0]) == ["1|a"] and bed.rows(bed.dbs[1]) == ["2|b"]


def test_autocommit_off_shows_the_implicit_block(bed: TxnBed, child: pexpect.spawn) -> None:
    typed(child, "\\set AUTOCOMMIT off", "fdwsh=>")
    typed(child, "SELECT count(*) FROM ta;", "fdwsh=*>")
    typed(child, "ROLLBACK;", "fdwsh=>")
