r"""``\c SERVER``: statements run on the server as typed and print as psql connected to that
server prints them (oracle: the same script through psql on the remote database); ``\c``
returns to the federated catalog; failures leave the session where it was."""

from __future__ import annotations

import sys
from pathlib import Path

import pexpect

from tests.conftest import ROOT
from tests.remote_bed import REMOTE_DB, QueryBed, query_bed  # noqa: F401
from tests.test_repl import Spawn, enter, fdwsh, ready  # noqa: F401

SCRIPT = r"""
CREATE TEMP TABLE pt (id int PRIMARY KEY, t text, n numeric(6,2));
INSERT INTO pt VALUES (1, 'a', 1.5), (2, NULL, NULL) RETURNING *;
SELECT * FROM pt ORDER BY id;
SELECT nosuch FROM pt;
SELECT 1/0;
INSERT INTO pt VALUES (1, 'dup', 0);
DO $$ BEGIN RAISE NOTICE 'hello from %', current_database(); END $$;
SHOW search_path;
BEGIN;
UPDATE pt SET t = 'b' WHERE id = 2;
ROLLBACK;
SELECT t FROM pt WHERE id = 2;
CREATE FUNCTION pg_temp.twice(int) RETURNS int LANGUAGE sql AS 'SELECT $1 * 2';
SELECT pg_temp.twice(21);
"""

CONNECTED = ('You are now connected to server "loopback" (database "qbed_remote" as user '
             '"postgres"); statements run there as typed.\n')


def test_statements_print_as_psql_on_the_server_prints_them(
        query_bed: QueryBed, tmp_path: Path) -> None:  # noqa: F811
    script = tmp_path / "script.sql"
    script.write_text(SCRIPT)
    expected = query_bed.psql("-f", str(script), dbname=REMOTE_DB).stdout
    got = query_bed.fdwsh("-c", "\\c loopback", "-f", str(script)).stdout
    assert got == CONNECTED + expected.replace("psql:", "fdwsh:")


def test_backslash_c_alone_returns_to_the_catalog(query_bed: QueryBed) -> None:  # noqa: F811
    out = query_bed.fdwsh(input="\\c loopback\nSELECT count(*) FROM pg_class WHERE relname = "
                          "'ft1';\n\\c\nSELECT count(*) FROM ft1;\n\\c -\n").stdout
    assert out.startswith(CONNECTED)
    assert "You are now back in the federated catalog.\n count \n-------\n   120\n" in out


def test_unknown_servers_and_missing_mappings_leave_the_session_where_it_was(
        query_bed: QueryBed) -> None:  # noqa: F811
    out = query_bed.fdwsh(input="\\c nosuch\nSELECT count(*) FROM ft1;\n").stdout
    assert out == ('ERROR:  server "nosuch" does not exist\n count \n-------\n   120\n'
                   '(1 row)\n\n')


def test_the_prompt_names_the_server(query_bed: QueryBed, tmp_path: Path) -> None:  # noqa: F811
    env = {**query_bed.fdwsh_env(), "PROMPT_TOOLKIT_NO_CPR": "1", "TERM": "xterm-256color",
           "HOME": str(tmp_path)}
    child = pexpect.spawn(sys.executable, ["-m", "fdwsh", *query_bed.fdwsh_command()[3:]],
                          env=env, cwd=str(ROOT), encoding="utf-8", timeout=20)
    try:
        ready(child)
        enter(child, "\\c loopback", prompt="loopback=> ")
        assert "qbed_remote" in enter(child, "SELECT current_database();", prompt="loopback=> ")
        enter(child, "\\c")
    finally:
        child.close(force=True)
