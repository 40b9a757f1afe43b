"""``fdwsh --demo``: two throwaway servers, a catalog declaring them, and nothing left behind.

The demo's example queries are checked against PostgreSQL itself: the same sample data loaded
into one database of the session cluster, queried with psql, must give the same rows.
"""

from __future__ import annotations

import re
import socket
import sys
import tempfile
from pathlib import Path

import pexpect

from fdwsh.demo import CRM_SQL, EXAMPLES, SALES_SQL
from tests.conftest import ROOT, fdwsh_env, run_fdwsh
from tests.pgcluster import Cluster


def _demo_dirs() -> set[str]:
    return {p.name for p in Path(tempfile.gettempdir()).glob("fdwsh-demo-*")}


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def test_the_examples_give_what_postgresql_gives_over_the_same_data(
        pg: Cluster, tmp_path: Path) -> None:
    pg.create_database("demo_oracle")
    loaded = pg.psql(SALES_SQL + CRM_SQL, "demo_oracle", "-q", "-v", "ON_ERROR_STOP=1")
    assert loaded.returncode == 0, loaded.stdout
    queries = [sql for title, sql in EXAMPLES if not sql.startswith("EXPLAIN")]
    script = tmp_path / "examples.sql"
    script.write_text("\n".join(queries) + "\n")
    expected = pg.psql(script.read_text(), "demo_oracle").stdout
    got = run_fdwsh("--demo", "-X", "-f", str(script), env=fdwsh_env(tmp_path))
    assert got.returncode == 0
    assert got.stdout == expected


def test_explain_of_the_example_join_shows_both_servers(tmp_path: Path) -> None:
    explain = next(sql for _, sql in EXAMPLES if sql.startswith("EXPLAIN"))
    got = run_fdwsh("--demo", "-X", "-c", explain, env=fdwsh_env(tmp_path))
    assert got.returncode == 0, got.stdout
    assert 'tables of servers "crm", "sales"' in got.stdout
    assert got.stdout.count("Remote SQL:") == 2


def test_the_interactive_demo_introduces_itself_and_removes_everything_on_exit(
        tmp_path: Path) -> None:
    before = _demo_dirs()
    env = {**fdwsh_env(tmp_path), "PROMPT_TOOLKIT_NO_CPR": "1", "TERM": "xterm-256color"}
    child = pexpect.spawn(sys.executable, ["-m", "fdwsh", "--demo", "-X"], env=env,
                          cwd=str(ROOT), encoding="utf-8", timeout=120, dimensions=(40, 120))
    try:
        child.expect_exact("fdwsh=>")
        intro = child.before
        ports = [int(p) for p in re.findall(r"127\.0\.0\.1:(\d+)", intro)]
        assert len(ports) == 2 and all(_listening(p) for p in ports)
        assert "SELECT c.tier" in intro and "EXPLAIN" in intro
        assert _demo_dirs() - before  # the catalog and the clusters live in temp dirs
        child.send("\\des\r")
        child.expect_exact("crm")
        child.expect_exact("fdwsh=>")
        child.send("\\q\r")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0
    assert not any(_listening(p) for p in ports)
    assert not (_demo_dirs() - before)


def test_without_server_programs_the_demo_says_what_to_install(tmp_path: Path) -> None:
    env = {**fdwsh_env(tmp_path), "FDWSH_PG_BINDIR": str(tmp_path / "none")}
    got = run_fdwsh("--demo", "-X", "-c", "SELECT 1", env=env)
    assert got.returncode == 1
    assert got.stdout.startswith("fdwsh: error: --demo needs PostgreSQL's server programs.")
    assert "FDWSH_PG_BINDIR" in got.stdout and "Traceback" not in got.stdout
