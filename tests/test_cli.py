"""The command line behaves like psql's: flags, order of -c/-f, stdin scripts, exit codes.

Where psql can run the same input (statements fdwsh and PostgreSQL both know, such as CREATE
SCHEMA, and meta-commands), the two outputs are compared ("oracle" tests) after replacing the
program name in psql's ``psql:FILE:LINE:`` prefixes.
"""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import pytest

from tests.conftest import fdwsh_env, run_fdwsh
from tests.pgcluster import Cluster


def psql(pg: Cluster, db: str, *args: str, input: str | None = None
         ) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PGHOST": pg.host, "PGPORT": str(pg.port), "PGUSER": pg.user,
           "PGDATABASE": db, "LC_ALL": "C.UTF-8", "COLUMNS": "200"}
    return subprocess.run(["psql", "-X", *args], input=input, text=True, env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def same_as_psql(pg: Cluster, db: str, catalog: Path, *args: str, input: str | None = None
                 ) -> subprocess.CompletedProcess[str]:
    """Run ``args`` through psql and fdwsh; assert identical output and exit code."""
    expected = psql(pg, db, *args, input=input)
    got = run_fdwsh("-X", *args, input=input, catalog=catalog)
    assert got.stdout == expected.stdout.replace("psql:", "fdwsh:")
    assert got.returncode == expected.returncode
    return got


@pytest.fixture
def script(tmp_path: Path):
    def write(text: str, name: str = "script.sql") -> str:
        path = tmp_path / name
        path.write_text(text)
        return str(path)
    return write


def test_command_prints_the_command_tag(catalog):
    result = run_fdwsh("-X", "-c", "CREATE SCHEMA s1", catalog=catalog)
    assert result.stdout == "CREATE SCHEMA\n"
    assert result.returncode == 0


def test_commands_and_files_run_in_the_order_given(pg, oracle_db, catalog, script):
    first = script("CREATE SCHEMA f1;\n\\echo from file\n", "first.sql")
    same_as_psql(pg, oracle_db, catalog, "-c", "\\echo one", "-f", first, "-c", "CREATE SCHEMA c2",
                 "-c", "\\echo two")


def test_a_failing_command_exits_1_and_later_commands_still_run(pg, oracle_db, catalog):
    same_as_psql(pg, oracle_db, catalog, "-c", "CREATE SCHEMA a", "-c", "CREATE SCHEMA a")
    same_as_psql(pg, oracle_db + "", catalog.with_name("b.db"),
                 "-c", "CREATE SCHEMA b", "-c", "CREATE SCHEMA b", "-c", "CREATE SCHEMA b2")


def test_errors_in_a_file_are_prefixed_with_its_name_and_line(pg, oracle_db, catalog, script):
    path = script("CREATE SCHEMA x;\n\nCREATE SCHEMA\n  x;\nselec 1;\n\\echo still running\n")
    result = same_as_psql(pg, oracle_db, catalog, "-f", path)
    assert f"fdwsh:{path}:4: ERROR:  schema \"x\" already exists" in result.stdout
    assert result.returncode == 0


def test_on_error_stop_ends_the_script_with_exit_code_3(pg, oracle_db, catalog, script):
    path = script("CREATE SCHEMA y;\nselec 1;\n\\echo not reached\n")
    result = same_as_psql(pg, oracle_db, catalog, "-v", "ON_ERROR_STOP=1", "-f", path)
    assert result.returncode == 3
    assert "not reached" not in result.stdout


def test_on_error_stop_reaches_through_included_files(catalog, script):
    inner = script("selec 1;\n", "inner.sql")
    outer = script(f"\\i {inner}\n\\echo not reached\n", "outer.sql")
    result = run_fdwsh("-X", "-v", "ON_ERROR_STOP=on", "-f", outer, catalog=catalog)
    assert result.returncode == 3
    assert f"fdwsh:{inner}:1: ERROR:  syntax error at or near \"selec\"" in result.stdout
    assert "not reached" not in result.stdout


def test_stdin_script_without_flags_reports_no_location(pg, oracle_db, catalog):
    same_as_psql(pg, oracle_db, catalog, input="CREATE SCHEMA z;\nselec 2;\n\\foo\n")


def test_dash_f_dash_reads_stdin_with_a_stdin_location(pg, oracle_db, catalog):
    same_as_psql(pg, oracle_db, catalog, "-f", "-", input="selec 2;\n\\foo\n")


def test_missing_file_is_fatal_with_exit_code_1(catalog, tmp_path):
    missing = str(tmp_path / "nofile.sql")
    result = run_fdwsh("-X", "-f", missing, catalog=catalog)
    assert result.stdout == f"fdwsh: error: {missing}: No such file or directory\n"
    assert result.returncode == 1


def test_syntax_error_in_a_command_shows_line_and_caret(pg, oracle_db, catalog):
    same_as_psql(pg, oracle_db, catalog, "-c", "CREATE SCHEMA ok; selec 2")


def test_short_flags_combine_and_variables_are_set(pg, oracle_db, catalog):
    same_as_psql(pg, oracle_db, catalog, "-qv", "greeting=hello", "-c", "\\echo :greeting")


def test_quiet_suppresses_command_tags(pg, oracle_db, catalog):
    same_as_psql(pg, oracle_db, catalog, "-q", "-c", "CREATE SCHEMA q1")


def test_echo_queries_and_echo_all(pg, oracle_db, catalog, script):
    same_as_psql(pg, oracle_db, catalog, "-e", "-c", "CREATE SCHEMA e1")
    path = script("CREATE SCHEMA e2;\n\\echo done\n")
    same_as_psql(pg, oracle_db, catalog.with_name("e.db"), "-a", "-f", path)


def test_single_transaction_rolls_back_everything_after_an_error(catalog, script):
    path = script("CREATE SCHEMA t1;\nCREATE SCHEMA t1;\n")
    run_fdwsh("-X", "-1", "-f", path, catalog=catalog)
    result = run_fdwsh("-X", "-c", "CREATE SCHEMA t1", catalog=catalog)
    assert result.stdout == "CREATE SCHEMA\n", "the first CREATE SCHEMA t1 was rolled back"


def test_single_transaction_commits_when_all_succeed(catalog, script):
    path = script("CREATE SCHEMA t2;\nCREATE SCHEMA t3;\n")
    assert run_fdwsh("-X", "-1", "-f", path, catalog=catalog).returncode == 0
    result = run_fdwsh("-X", "-c", "CREATE SCHEMA t2", catalog=catalog)
    assert 'schema "t2" already exists' in result.stdout


def test_output_file_receives_query_output(catalog, tmp_path):
    out = tmp_path / "out.txt"
    result = run_fdwsh("-X", "-o", str(out), "-c", "CREATE SCHEMA o1", catalog=catalog)
    assert result.stdout == ""
    assert out.read_text() == "CREATE SCHEMA\n"


def test_unsupported_statements_give_a_clear_error_not_a_traceback(catalog):
    result = run_fdwsh("-X", "-c", "LISTEN channel", catalog=catalog)
    assert result.returncode == 1
    assert result.stdout.startswith("ERROR:  LISTEN is not supported yet\n")
    assert "Traceback" not in result.stdout


def test_version_and_help():
    version = run_fdwsh("--version")
    assert version.returncode == 0 and version.stdout.startswith("fdwsh ")
    help_text = run_fdwsh("--help").stdout
    for flag in ("-c", "-f", "--set", "-A", "-t", "-F", "-R", "-x", "-q", "-X", "-o", "-1",
                 "--csv", "-e", "-a", "-U", "--catalog"):
        assert flag in help_text


def test_catalog_is_created_private_in_the_xdg_data_dir(tmp_path):
    env = fdwsh_env(tmp_path)
    result = subprocess.run(["python3", "-m", "fdwsh", "-X", "-c", "CREATE SCHEMA p"], env=env,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    path = tmp_path / "xdg" / "fdwsh" / "catalog.db"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_catalog_from_environment_variable(tmp_path):
    env = {**fdwsh_env(tmp_path), "FDWSH_CATALOG": str(tmp_path / "env.db")}
    subprocess.run(["python3", "-m", "fdwsh", "-X", "-c", "CREATE SCHEMA p"], env=env, check=True,
                   capture_output=True)
    assert (tmp_path / "env.db").exists()


def test_rc_file_is_read_unless_dash_x(tmp_path, catalog):
    (tmp_path / ".fdwshrc").write_text("\\set from_rc yes\n")
    env = fdwsh_env(tmp_path)
    with_rc = run_fdwsh("-c", "\\echo :from_rc", catalog=catalog, env=env)
    without = run_fdwsh("-X", "-c", "\\echo :from_rc", catalog=catalog, env=env)
    assert with_rc.stdout == "yes\n"
    assert without.stdout == ":from_rc\n"


def test_unreadable_catalog_is_a_fatal_error(tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_text("this is not a database" * 100)
    result = run_fdwsh("-X", "-c", "CREATE SCHEMA s", catalog=bad)
    assert result.returncode == 1
    assert result.stdout.startswith("fdwsh: error: could not open catalog")
