r"""COPY, \copy and TRUNCATE beyond the oracle scripts: where the data comes from (``-c`` with
piped input, ``-f -``, files), failures (a server killed in the middle of a COPY, a server that
cannot be reached, server-side files), binary output, transaction blocks, and one remote
TRUNCATE per server.  The remote tables are read directly after each statement.
"""

from __future__ import annotations

import re
import signal
import subprocess
import time
from pathlib import Path

import pexpect
import pytest

from tests.copy_bed import CopyBed, copy_bed  # noqa: F401
from tests.remote_bed import psql_env

ROWS_SQL = "SELECT * FROM items ORDER BY id"


@pytest.fixture
def bed(copy_bed: CopyBed) -> CopyBed:  # noqa: F811
    copy_bed.reset()
    return copy_bed


def test_copy_from_stdin_with_dash_c_reads_standard_input(bed: CopyBed) -> None:
    out = bed.fdwsh("-c", "COPY items (id, name) FROM STDIN", input="1\tone\n2\ttwo\n")
    assert out.stdout == "COPY 2\n"
    assert bed.rows(ROWS_SQL) == "1|one||\n2|two||\n"


def test_copy_from_stdin_in_a_piped_script_stops_at_the_end_marker(bed: CopyBed) -> None:
    script = "COPY items (id) FROM STDIN;\n1\n2\n\\.\nSELECT count(*) FROM items;\n"
    out = bed.fdwsh("-At", "-f", "-", input=script)
    assert out.stdout == "COPY 2\n2\n"


def test_copy_from_stdin_without_end_marker_takes_the_rest_of_the_input(bed: CopyBed) -> None:
    out = bed.fdwsh("-f", "-", input="COPY items (id) FROM STDIN;\n1\n2\n")
    assert out.stdout == "COPY 2\n"
    assert bed.rows("SELECT count(*) FROM items") == "2\n"


def test_malformed_line_reports_the_line_and_keeps_nothing(bed: CopyBed) -> None:
    lines = "".join(f"{i}\tname {i}\n" for i in range(1, 50_000)) + "oops\tbad\n"
    out = bed.fdwsh("-c", "COPY items (id, name) FROM STDIN", input=lines)
    assert out.stdout == ('ERROR:  invalid input syntax for type integer: "oops"\n'
                          'CONTEXT:  COPY items, line 50000, column id: "oops"\n')
    assert out.returncode == 1
    assert bed.rows("SELECT count(*) FROM items") == "0\n"
    assert "COPY" not in bed.rows("SELECT query FROM pg_stat_activity WHERE state <> 'idle'"
                                  " AND query LIKE 'COPY%'")


def test_session_settings_are_applied_before_values_are_sent(bed: CopyBed) -> None:
    script = "SET datestyle = 'German';\nCOPY items (id, born) FROM STDIN;\n1\t03.02.2024\n\\.\n"
    assert bed.fdwsh("-f", "-", input=script).stdout == "SET\nCOPY 1\n"
    assert bed.rows("SELECT born FROM items") == "2024-02-03\n"


def _copy_backend(bed: CopyBed) -> str:
    return bed.cluster.psql(
        "SELECT pid FROM pg_stat_activity WHERE application_name = 'fdwsh' AND datname = "
        f"'{bed.remote_db}' AND query LIKE 'COPY%'", "postgres", "-At").stdout.strip()


def test_server_killed_in_the_middle_of_a_copy_ends_with_an_error_and_keeps_nothing(
        bed: CopyBed) -> None:
    proc = subprocess.Popen(bed.fdwsh_command("-f", "-"), stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env=bed.fdwsh_env())
    assert proc.stdin is not None
    proc.stdin.write("COPY items (id, name) FROM STDIN;\n")
    for i in range(200_000):  # more than a chunk: the remote COPY is running
        proc.stdin.write(f"{i}\trow {i}\n")
    proc.stdin.flush()
    deadline = time.monotonic() + 30
    while not (pid := _copy_backend(bed)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert pid, "the remote COPY never started"
    bed.cluster.psql(f"SELECT pg_terminate_backend({pid})", "postgres", check=True)
    for i in range(200_000, 400_000):
        proc.stdin.write(f"{i}\trow {i}\n")
    proc.stdin.write("\\.\nSELECT count(*) FROM items;\n")
    out, _ = proc.communicate(timeout=60)
    assert re.match(r"fdwsh:<stdin>:400002: WARNING:  no connection to the server\n"  # cleanup
                    r"fdwsh:<stdin>:400002: ERROR:  (FATAL:  terminating connection due to "
                    r"administrator command\n)?(server closed the connection|could not send)",
                    out), out
    assert out.endswith(" count \n-------\n     0\n(1 row)\n\n"), out  # the session goes on
    assert bed.rows("SELECT count(*) FROM items") == "0\n"


def test_unreachable_server_reads_the_data_and_fails_after_it(bed: CopyBed, tmp_path: Path
                                                              ) -> None:
    catalog = bed.catalog_copy(tmp_path)
    catalog.chmod(0o600)  # a catalog others can read gets a WARNING
    bed.fdwsh("-c", "ALTER SERVER src OPTIONS (SET port '1')", catalog=catalog)
    script = "COPY items (id) FROM STDIN;\n1\n2\n\\.\n\\echo after\n"
    out = bed.fdwsh("-f", "-", input=script, catalog=catalog).stdout
    assert out.startswith('fdwsh:<stdin>:4: ERROR:  could not connect to server "src"\n'
                          "DETAIL:  "), out
    assert out.endswith("after\n")


NON_SUPERUSER = "copy_user"


def test_server_side_files_get_postgresqls_errors_for_a_user_without_file_roles(
        bed: CopyBed) -> None:
    """fdwsh has no server files: compared with psql as a user lacking pg_*_server_* roles."""
    bed.cluster.psql(f"DO $$BEGIN CREATE ROLE {NON_SUPERUSER} LOGIN; EXCEPTION WHEN "
                     "duplicate_object THEN NULL; END$$;", "postgres", check=True)
    bed.psql("-q", input=f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {NON_SUPERUSER};"
             f"GRANT USAGE ON FOREIGN SERVER src TO {NON_SUPERUSER};"
             f"CREATE USER MAPPING IF NOT EXISTS FOR {NON_SUPERUSER} SERVER src OPTIONS "
             "(user 'postgres', password_required 'false');")
    script = ("COPY items TO '/tmp/x';\nCOPY (SELECT * FROM items) TO '/tmp/x';\n"
              "COPY items FROM '/tmp/x';\nCOPY items (id) FROM PROGRAM 'cat';\n"
              "COPY (SELECT 1) TO PROGRAM 'cat';\nCOPY nosuch TO '/tmp/x';\n")
    env = {**psql_env(bed.cluster, bed.oracle_db), "PGUSER": NON_SUPERUSER}
    expected = subprocess.run(["psql", "-X", "-f", "-"], input=script, text=True, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT).stdout
    got = bed.fdwsh("-f", "-", input=script).stdout
    assert got == expected.replace("psql:", "fdwsh:")
    assert "to COPY to a file" in got


def test_copy_query_to_stdout_binary_is_the_bytes_postgres_fdw_gives(bed: CopyBed) -> None:
    bed.remote("INSERT INTO items VALUES (1, 'a', 1.5, '2024-01-01'), (2, NULL, NULL, NULL)")
    sql = "COPY (SELECT * FROM items ORDER BY id) TO STDOUT (FORMAT binary)"
    mine = subprocess.run(bed.fdwsh_command("-c", sql), capture_output=True,
                          env=bed.fdwsh_env())
    oracle = subprocess.run(["psql", "-X", "-c", sql], capture_output=True,
                            env=psql_env(bed.cluster, bed.oracle_db))
    assert mine.stdout.startswith(b"PGCOPY\n\xff\r\n\x00")
    assert mine.stdout == oracle.stdout and mine.stderr == b""


def test_binary_copy_of_a_query_fdwsh_runs_itself_is_refused(bed: CopyBed) -> None:
    sql = ("COPY (SELECT i.id FROM items i JOIN other_items o ON o.id = i.id) TO STDOUT "
           "(FORMAT binary)")
    out = bed.fdwsh("-c", sql).stdout
    assert out.startswith("ERROR:  COPY (query) TO in binary format needs a query that runs "
                          "whole on one server\n")


def test_copy_in_a_rolled_back_block_leaves_nothing_and_in_a_committed_one_stays(
        bed: CopyBed) -> None:
    script = ("BEGIN;\nCOPY items (id) FROM STDIN;\n1\n\\.\nROLLBACK;\n"
              "BEGIN;\nCOPY items (id) FROM STDIN;\n2\n\\.\nTRUNCATE tagged;\nCOMMIT;\n")
    out = bed.fdwsh("-f", "-", input=script).stdout
    assert out == "BEGIN\nCOPY 1\nROLLBACK\nBEGIN\nCOPY 1\nTRUNCATE TABLE\nCOMMIT\n"
    assert bed.rows("SELECT id FROM items") == "2\n"


def test_truncate_sends_one_statement_per_server(bed: CopyBed) -> None:
    log = bed.cluster.root / "log"
    bed.remote("INSERT INTO items VALUES (1); INSERT INTO items2 VALUES (2);"
               "INSERT INTO tagged (label) VALUES ('x')")
    bed.cluster.psql(f'ALTER DATABASE "{bed.remote_db}" SET log_statement = \'all\'',
                     "postgres", check=True)
    try:
        start = log.stat().st_size
        out = bed.fdwsh("-c", "TRUNCATE items, other_items, tagged RESTART IDENTITY CASCADE")
        assert out.stdout == "TRUNCATE TABLE\n"
        time.sleep(0.5)  # the logging collector writes asynchronously
        with log.open() as handle:
            handle.seek(start)
            sent = re.findall(r"(?:statement|execute [^:]*): (TRUNCATE [^\n]*)",
                              handle.read())
    finally:
        bed.cluster.psql(f'ALTER DATABASE "{bed.remote_db}" RESET log_statement', "postgres",
                         check=True)
    assert sorted(sent) == ["TRUNCATE TABLE public.items, public.tagged RESTART IDENTITY "
                            "CASCADE", "TRUNCATE TABLE public.items2 RESTART IDENTITY CASCADE"]
    assert bed.rows("SELECT (SELECT count(*) FROM items) + (SELECT count(*) FROM items2)"
                    " + (SELECT count(*) FROM tagged)") == "0\n"


def test_truncate_refused_on_one_server_changes_no_server(bed: CopyBed) -> None:
    bed.remote("INSERT INTO items VALUES (1); INSERT INTO tagged (label) VALUES ('x')")
    out = bed.fdwsh("-c", "TRUNCATE items, other_tagged").stdout
    assert out == 'ERROR:  foreign table "other_tagged" does not allow truncates\n'
    assert bed.rows("SELECT (SELECT count(*) FROM items) + (SELECT count(*) FROM tagged)"
                    ) == "2\n"


def test_slash_copy_from_a_file_in_another_folder_and_to_a_program(bed: CopyBed,
                                                                   tmp_path: Path) -> None:
    data = tmp_path / "in.csv"
    data.write_text("id,name\n1,\"a,b\"\n2,\n")
    script = (f"\\copy items (id, name) from '{data}' (format csv, header)\n"
              f"\\copy (SELECT id, name FROM items ORDER BY id) to program "
              f"'cat > {tmp_path}/out.txt'\n")
    assert bed.fdwsh("-f", "-", input=script).stdout == "COPY 2\nCOPY 2\n"
    assert (tmp_path / "out.txt").read_text() == "1\ta,b\n2\t\\N\n"


def test_progress_bar_never_reaches_a_pipe(bed: CopyBed, tmp_path: Path) -> None:
    data = tmp_path / "in.tsv"
    data.write_text("".join(f"{i}\n" for i in range(100_000)))
    with data.open() as stdin:
        proc = subprocess.run(bed.fdwsh_command("-c", "COPY items (id) FROM STDIN"),
                              stdin=stdin, capture_output=True, text=True, env=bed.fdwsh_env())
    assert (proc.stdout, proc.stderr) == ("COPY 100000\n", "")


def test_interactive_copy_prompts_like_psql(bed: CopyBed) -> None:
    _copy_at_the_prompt(bed, "COPY items (id) FROM STDIN;", "7")
    assert bed.rows("SELECT id FROM items") == "7\n"



def test_binary_copy_round_trips_through_a_file(bed: CopyBed, tmp_path: Path) -> None:
    bed.remote("INSERT INTO items VALUES (1, 'a', 1.5, '2024-01-01'), (2, NULL, NULL, NULL)")
    data = tmp_path / "items.bin"
    script = (f"\\copy (SELECT * FROM items ORDER BY id) to '{data}' (format binary)\n"
              "TRUNCATE items;\n"
              f"\\copy items from '{data}' (format binary)\n"
              f"\\copy items (id) from '{data}' (format binary)\n")
    out = bed.fdwsh("-f", "-", input=script).stdout
    assert out == ("COPY 2\nTRUNCATE TABLE\nCOPY 2\nfdwsh:<stdin>:4: ERROR:  COPY FROM in "
                   "binary format must read every column of the foreign table, in order\n")
    assert bed.rows(ROWS_SQL) == "1|a|1.50|2024-01-01\n2|||\n"
    with data.open("rb") as stdin:
        piped = subprocess.run(bed.fdwsh_command("-c", "COPY items FROM STDIN (FORMAT binary)"),
                               stdin=stdin, capture_output=True, text=True, env=bed.fdwsh_env())
    assert (piped.stdout, piped.stderr) == ("COPY 2\n", "")
    assert bed.rows("SELECT count(*) FROM items") == "4\n"


def test_ctrl_c_in_the_middle_of_a_copy_ends_it_and_keeps_nothing(bed: CopyBed) -> None:
    proc = subprocess.Popen(bed.fdwsh_command("-f", "-"), stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env=bed.fdwsh_env())
    assert proc.stdin is not None
    proc.stdin.write("COPY items (id, name) FROM STDIN;\n")
    proc.stdin.write("".join(f"{i}\trow {i}\n" for i in range(200_000)))
    proc.stdin.flush()
    deadline = time.monotonic() + 30
    while not _copy_backend(bed) and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    time.sleep(1)
    out, _ = proc.communicate("SELECT 'after';\n", timeout=60)
    assert "ERROR:  COPY from stdin failed: canceled by user\n" in out, out
    assert "Traceback" not in out
    assert bed.rows("SELECT count(*) FROM items") == "0\n"


def test_progress_bar_is_drawn_on_a_terminal_and_cleared(bed: CopyBed, tmp_path: Path) -> None:
    data = tmp_path / "in.tsv"
    data.write_text("".join(f"{i}\n" for i in range(600_000)))
    command = bed.fdwsh_command("-c", f"\\copy items (id) from '{data}'")
    child = pexpect.spawn(command[0], command[1:], env={**bed.fdwsh_env(), "TERM": "xterm"},
                          encoding="utf-8", timeout=120, dimensions=(24, 100))
    child.expect(pexpect.EOF)
    child.close()
    assert "━" in child.before and "COPY" in child.before  # rich's bar, then the tag
    assert child.before.rstrip().endswith("COPY 600000")
    assert bed.rows("SELECT count(*) FROM items") == "600000\n"


def test_a_value_the_remote_column_refuses_names_the_local_line(bed: CopyBed) -> None:
    """Declared text, remote int: the remote server's error, CONTEXT as postgres_fdw gives it
    (the remote SQL, then the local line; postgres_fdw adds its INSERT's parameter line)."""
    script = "COPY loose FROM STDIN;\n1\nx\n3\n\\.\n"
    out = bed.fdwsh("-f", "-", input=script).stdout
    assert out == ('fdwsh:<stdin>:5: ERROR:  invalid input syntax for type integer: "x"\n'
                   "CONTEXT:  remote SQL command: COPY public.frozen (z) FROM STDIN\n"
                   'COPY loose, line 2: "x"\n')
    assert bed.rows("SELECT count(*) FROM frozen") == "0\n"


def test_a_user_mapping_the_server_refuses_fails_after_the_data_like_postgres_fdw(
        bed: CopyBed) -> None:
    script = ("BEGIN;\nALTER USER MAPPING FOR CURRENT_USER SERVER src OPTIONS (SET user 'nobody');"
              "\nCOPY items (id) FROM STDIN;\n1\n\\.\nROLLBACK;\nCOPY items (id) FROM STDIN;\n2\n"
              "\\.\n")
    expected = bed.psql("-f", "-", input=script).stdout.replace("psql:", "fdwsh:")
    bed.reset()
    got = bed.fdwsh("-f", "-", input=script).stdout
    assert 'role "nobody" does not exist' in got
    assert got == expected
    assert bed.rows("SELECT id FROM items") == "2\n"


def test_slash_copy_from_pstdin_at_the_prompt_prompts_for_each_line(bed: CopyBed) -> None:
    _copy_at_the_prompt(bed, "\\copy items (id, name) from pstdin", "8\teight")
    assert bed.rows("SELECT id, name FROM items") == "8|eight\n"


def _copy_at_the_prompt(bed: CopyBed, statement: str, data: str) -> None:
    """Type ``statement`` at fdwsh's prompt, then one line of data at psql's ``>>`` prompt."""
    command = bed.fdwsh_command()
    child = pexpect.spawn(command[0], command[1:], env={**bed.fdwsh_env(), "TERM": "dumb"},
                          encoding="utf-8", timeout=30)
    try:
        child.expect("fdwsh=[>#] ")
        child.sendline(statement)
        child.expect_exact("Enter data to be copied followed by a newline.\r\n"
                           "End with a backslash and a period on a line by itself, or an EOF "
                           "signal.\r\n>> ")
        child.sendline(data)
        child.expect_exact(">> ")
        child.sendline("\\.")
        child.expect_exact("COPY 1")
        child.sendline("\\q")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)