r"""psql's input/output, query-buffer and shell meta-commands behave in fdwsh as in psql 15.

Oracle tests (see tests/meta_oracle.py): one script, next to the files it includes, runs through
the real ``psql -X -f`` and through ``fdwsh -X -f`` from the same folder; output (stdout and
stderr merged), exit code and the files ``\o``/``\w`` write must be identical.  Statements are
limited to BEGIN/COMMIT, which fdwsh runs without a server.
"""

from __future__ import annotations

import re

import pytest

from tests.meta_oracle import run_fdwsh, same_as_psql, script_folder

SCRIPTS: dict[str, str] = {
    "some_commands_drop_trailing_semicolons": r"""
\x on;
\x off;;
\t on;
\C hi;
\timing on;
\pset format u;
\f x;
\echo a;
\set z 1;
\echo :z
\x ;
\i bad.sql;
\o out.txt;
\qecho into the file
\o
""",
    "include_runs_files_and_reports_missing_ones": r"""
\set x 5
\i sub/inner.sql
\ir sub/inner.sql
\i nofile.sql
\ir nofile.sql
\i
\ir
\i sub
\echo after
\i sub/inner.sql extra
\i ./bad.sql
\i sub/../bad.sql
\ir ./sub/../bad.sql
\i "bad.sql"
\i 'bad.sql'
""",
    "output_goes_to_files_and_pipes": r"""
\o out1.txt
\echo to stdout
\qecho to out1
\pset format u
\o
\qecho back on stdout
\o out2.txt
\o /nonexistent/dir/x.txt
\qecho still in out2
\o
\o | cat -n
\qecho piped
\o
\o out3.txt extra
\qecho -n to out3
\o
\o sub
\w sub
\o ~/nonexist/x
\w ~/nonexist/y
\qecho still on stdout
""",
    "query_buffer_print_reset_write": r"""
\p
\r
select 1
\p
\r
\p
select 3 \p
\r
\p
select
 4 -- comment
\p
  \p
\w written.txt
\w
\w /nonexistent/x
\w | cat
\r
\echo end
\r extra
""",
    "shell_cd_and_environment": r"""
\set x 5
\! echo :x '\\' "q" \echo hi
\cd /nonexistent
\cd ~
\cd sub
\! pwd
\cd
\! pwd
\! exit 3
\echo ok
\setenv FDWSH_TEST_VAR 'some value'
\! echo "[$FDWSH_TEST_VAR]"
\getenv v FDWSH_TEST_VAR
\echo :v
\getenv w NO_SUCH_ENV_VAR_XYZ
\echo :w
\setenv FDWSH_TEST_VAR
\! echo "[$FDWSH_TEST_VAR]"
\setenv
\setenv A=B x
\getenv onlyone
""",
    "quit_ends_the_script": r"""
\echo before
\q extra
\echo not reached
""",
}

STOPPING: dict[str, str] = {
    "a_failing_meta_command_stops_the_script": "\\set ON_ERROR_STOP on\n"
                                               "\\pset bogus \\echo same line\n\\echo next\n",
    "an_unreadable_include_stops_the_script": "\\set ON_ERROR_STOP on\n\\i sub\n\\echo after\n",
    "a_missing_include_stops_the_script": "\\set ON_ERROR_STOP on\n\\i nofile\n\\echo after\n",
    "quit_inside_an_included_file_ends_that_file": "\\i quits.sql\n\\echo still running\n",
}



SENDING = r"""
\o out4.txt
begin;
commit;
\o
begin \g out5.txt
\p
commit \gx (format=unaligned)
\p
\g (tuples_only)
\g (format=bogus)
\g (format=unaligned
\gx (bogus=1)
\pset
\echo end
"""


@pytest.mark.parametrize("name", SCRIPTS)
def test_same_output_as_psql(pg, tmp_path, name):
    same_as_psql(pg, tmp_path, SCRIPTS[name])


@pytest.mark.parametrize("name", STOPPING)
def test_scripts_stop_like_psql(pg, tmp_path, name):
    same_as_psql(pg, tmp_path, STOPPING[name])


def test_g_sends_the_buffer_with_one_off_options_and_target(pg, oracle_db, tmp_path):
    r"""psql 15 sends only rows to a ``\g`` file, so a command tag still prints (and no file is
    created); the one-off options are forgotten after the query, refused ones fail the command."""
    same_as_psql(pg, tmp_path, SENDING, dbname=oracle_db)


def test_timing_reports_each_statement_on_stdout_even_under_backslash_o(tmp_path):
    folder = script_folder(tmp_path, "\\timing on\n\\o out.txt\nbegin;\ncommit;\n\\o\n")
    out, code = run_fdwsh(folder, "-f", "script.sql")
    assert re.fullmatch(r"Timing is on\.\n(Time: \d+\.\d{3} ms\n){2}", out), out
    assert (folder / "out.txt").read_text() == "BEGIN\nCOMMIT\n"
