"""Start-up structure: what each kind of fdwsh run imports (issue 4, start-up time).

Every ``fdwsh -c`` is a whole process, so a module loads only on the path that needs it:
psycopg when a remote connection opens, the planner and executor for queries, a catalog DDL
handler for its statement, prompt_toolkit and pygments for the interactive prompt, rich for a
progress bar or help.  Each test runs fdwsh in a fresh interpreter and looks at
``sys.modules`` when it is done: structure, never timing.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest

from fdwsh.catalog import ddl
from tests.conftest import ROOT, fdwsh_env
from tests.pgcluster import Cluster

#: Run fdwsh's command line in this interpreter, then list the modules it imported.
RUNNER = """
import json, sys
from fdwsh import cli
out, args, status = sys.argv[1], sys.argv[2:], None
try:
    cli.app(prog_name="fdwsh", args=args)
except SystemExit as exc:
    status = exc.code
json.dump({"status": status, "modules": sorted(sys.modules)}, open(out, "w"))
"""

#: Modules of the interactive front end and of drawing.
FRONT_END = ("prompt_toolkit", "pygments", "rich")


def run_imports(tmp_path: Path, *args: str, catalog: Path | None = None) -> set[str]:
    """Run ``fdwsh ARGS`` (exit status 0 required) and return the modules it imported."""
    report = tmp_path / "modules.json"
    catalog = catalog or tmp_path / "catalog.db"
    proc = subprocess.run(
        [sys.executable, "-c", RUNNER, str(report), "-X", "--catalog", str(catalog), *args],
        env=fdwsh_env(tmp_path), cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.stderr == ""
    result = json.loads(report.read_text())
    assert result["status"] in (0, None), proc.stdout
    return set(result["modules"])


def loaded(modules: set[str], *packages: str) -> list[str]:
    """The modules of ``packages`` (a package or any module inside it) that were imported."""
    return sorted(m for m in modules if m in packages or m.startswith(tuple(p + "." for p in packages)))


def test_interactive_start_defers_completion(tmp_path: Path) -> None:
    """The first prompt needs prompt_toolkit and the highlighter; the completer (sqlparse)
    loads at the first completion, the SQL parser and psycopg with the first statement."""
    report = tmp_path / "modules.json"
    env = {**fdwsh_env(tmp_path), "PROMPT_TOOLKIT_NO_CPR": "1", "TERM": "xterm"}
    child = pexpect.spawn(sys.executable, ["-c", RUNNER, str(report), "-X", "--catalog",
                                           str(tmp_path / "catalog.db")],
                          env=env, cwd=str(ROOT), encoding="utf-8", timeout=30)
    child.expect_exact("=>")
    child.sendcontrol("d")  # typing would ask for completions
    child.expect(pexpect.EOF)
    child.close()
    modules = set(json.loads(report.read_text())["modules"])
    assert "prompt_toolkit" in modules
    assert loaded(modules, "sqlparse", "fdwsh.input.completer", "pglast", "psycopg") == []


def test_version_loads_nothing_but_the_command_line(tmp_path: Path) -> None:
    modules = run_imports(tmp_path, "--version")
    assert loaded(modules, "fdwsh.session", "pglast", "psycopg", "sqlite3", *FRONT_END) == []


def test_select_without_tables_opens_no_connection(tmp_path: Path) -> None:
    modules = run_imports(tmp_path, "-c", "SELECT 1")
    assert loaded(modules, "psycopg", "fdwsh.remote.link", *FRONT_END) == []
    assert loaded(modules, "fdwsh.catalog.ddl_table", "fdwsh.catalog.ddl_alter") == []


def test_meta_command_parses_no_sql(tmp_path: Path) -> None:
    """``\\des`` reads the catalog: no SQL parser, no remote, no planner."""
    modules = run_imports(tmp_path, "-c", "\\des")
    assert loaded(modules, "pglast", "psycopg", "fdwsh.plan", "fdwsh.sql.route", *FRONT_END) == []


def test_every_meta_command_module_is_light(tmp_path: Path) -> None:
    """The registry imports all command modules at the first backslash command, so each
    defers its heavy machinery to the handler."""
    modules = run_imports(tmp_path, "-c", "\\echo hi")
    assert "fdwsh.meta.describe_cmds" in modules
    assert loaded(modules, "pglast", "psycopg", "fdwsh.catalog.drift", *FRONT_END) == []


def test_catalog_ddl_loads_only_its_handler(tmp_path: Path) -> None:
    modules = run_imports(tmp_path, "-c", "CREATE EXTENSION postgres_fdw",
                          "-c", "CREATE SERVER s FOREIGN DATA WRAPPER postgres_fdw")
    assert loaded(modules, "psycopg", "fdwsh.plan", "fdwsh.exec.local_query", *FRONT_END) == []
    assert loaded(modules, "fdwsh.catalog.ddl_table", "fdwsh.catalog.ddl_alter") == []
    assert "fdwsh.catalog.ddl_server" in modules


def test_every_ddl_handler_name_resolves() -> None:
    """The dispatcher names its handlers as strings; each must be a function of the package."""
    tree = ast.parse(Path(ddl.__file__).read_text())
    names = {node.value for node in ast.walk(tree) if isinstance(node, ast.Constant)
             and isinstance(node.value, str) and node.value.startswith("ddl_")}
    assert len(names) > 10
    for name in names:
        assert callable(ddl._handler(name)), name


@pytest.fixture(scope="module")
def foreign_catalog(pg: Cluster, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A catalog declaring one foreign table on the test cluster."""
    pg.psql("CREATE TABLE IF NOT EXISTS startup_t (id int); INSERT INTO startup_t VALUES (1);",
            check=True)
    catalog = tmp_path_factory.mktemp("startup") / "catalog.db"
    ddl_sql = ("CREATE EXTENSION postgres_fdw;"
               f"CREATE SERVER s FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '{pg.host}',"
               f" port '{pg.port}', dbname 'postgres');"
               "CREATE USER MAPPING FOR CURRENT_USER SERVER s OPTIONS (user 'postgres');"
               "CREATE FOREIGN TABLE ft (id int) SERVER s OPTIONS (table_name 'startup_t');")
    subprocess.run([sys.executable, "-m", "fdwsh", "-X", "-q", "--catalog", str(catalog),
                    "-c", ddl_sql], env=fdwsh_env(catalog.parent), check=True, timeout=60)
    return catalog


def test_foreign_query_loads_no_catalog_ddl_nor_front_end(tmp_path: Path,
                                                           foreign_catalog: Path) -> None:
    modules = run_imports(tmp_path, "-c", "SELECT count(*) FROM ft", catalog=foreign_catalog)
    assert "psycopg" in modules
    assert loaded(modules, "fdwsh.catalog.ddl_table", "fdwsh.catalog.drift", "fdwsh.plan.explain",
                  *FRONT_END) == []
