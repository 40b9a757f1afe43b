r"""psql's general meta-commands behave in fdwsh exactly as in psql 15.

Oracle tests: one script, written to a folder with any files it includes, runs through the real
``psql -X -f script.sql`` and through ``fdwsh -X -f script.sql`` from that folder; standard output
and standard error (merged, so their order counts) must be identical once psql's ``psql:``
message prefix reads ``fdwsh:``, and so must the exit codes and any files the script writes.
The scripts use meta-commands only, whose behaviour does not depend on a server.  A few tests
pin what psql cannot show (``\conninfo``, ``\?``'s fdwsh-only lines).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import fdwsh_env
from tests.pgcluster import Cluster

INCLUDED = {
    "sub/inner.sql": "\\echo in sub/inner :x\n\\ir inner2.sql\n\\i inner2.sql\n\\bogus\n",
    "sub/inner2.sql": "\\echo sub/inner2 here\n",
    "inner2.sql": "\\echo top-level inner2\n",
    "bad.sql": "\\bogus\n",
}

SCRIPTS: dict[str, str] = {
    "pset_sets_and_confirms_each_option": r"""
\pset format csv
\pset format w
\pset format al
\pset format u
\pset format
\pset border 2
\pset border -1
\pset border 70000
\pset border 3x
\pset border
\pset expanded auto
\pset expanded
\pset expanded
\pset x
\pset vertical off
\pset tuples_only
\pset t
\pset footer
\pset null
\pset null 'a b'
\pset null
\pset fieldsep ','
\pset fieldsep_zero
\pset fieldsep
\pset fieldsep_zero off
\pset recordsep
\pset recordsep_zero
\pset recordsep 'x'
\pset recordsep
\pset csv_fieldsep ';'
\pset csv_fieldsep
\pset title hello
\pset C
\pset title
\pset pager
\pset pager
\pset pager always
\pset pager off
\pset pager on
\pset columns 80
\pset columns x
\pset numericlocale
\pset linestyle u
\pset linestyle old
\pset linestyle
\pset unicode_border_linestyle d
\pset unicode_column_linestyle double
\pset unicode_header_linestyle s
\pset pager_min_lines 1
\pset pager_min_lines 10
\pset tableattr x
\pset T
""",
    "pset_lists_every_option_with_psql_quoting": r"""
\pset
\pset null 'it''s'
\pset fieldsep 'a\nb'
\pset title ''
\pset csv_fieldsep '\t'
\pset recordsep_zero
\pset expanded auto
\pset tableattr 'w=1'
\pset
\pset null
\pset fieldsep
\pset recordsep
""",
    "pset_refuses_bad_names_and_values_with_psql_messages": r"""
\pset expanded foo
\pset t foo
\pset tuples_only yes
\pset footer bogus
\pset numericlocale bogus
\pset csv_fieldsep ';;'
\pset csv_fieldsep '"'
\pset csv_fieldsep 'é'
\pset pager 5
\pset linestyle x
\pset unicode_border_linestyle x
\pset unicode_column_linestyle x
\pset unicode_header_linestyle x
\pset format A
\pset format ''
\pset format "u"
\pset format bogus
\pset bogus
\pset "null" x
\pset NULL x
\pset a b c
\pset format u extra
\pset bogus \echo the rest of a failed command's line is dropped
\echo done
""",
    "boolean_options_given_a_value_are_set_silently": r"""
\t
\t on
\t off
\t
\pset tuples_only on
\pset tuples_only
\pset footer off
\pset footer
\pset numericlocale on
\pset numericlocale
""",
    "shortcuts_x_a_t_f_C_timing": r"""
\x
\x
\x auto
\x on
\x off
\x foo
\x on extra
\a
\a
\a foo
\t
\t foo
\timing
\timing on
\timing off
\timing foo
\f
\f ';'
\f
\f ''
\C
\C hello world
\C
\pset format csv
\a
\a
\pset format wrapped
\a
""",
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
    "echo_qecho_warn": r"""
\echo one two  'three  four' "five" `echo six`
\echo -n no newline
\echo
\echo -n
\echo '-n' is quoted
\echo a \echo b
\qecho query output
\warn to stderr
\warn -n to stderr without newline
\echo z
\echo with \foo the line ends here
""",
    "set_and_unset_with_psql_validation": r"""
\set a 1 2 3
\echo :a
\set b
\echo [:b]
\set 'x y' 1
\set 1abc 2
\echo :1abc
\set a-b 2
\set ÄÖ 3
\echo :ÄÖ
\set ON_ERROR_STOP x
\set ON_ERROR_STOP
\echo :ON_ERROR_STOP
\set ON_ERROR_STOP t
\echo :ON_ERROR_STOP
\set ON_ERROR_STOP off
\set QUIET yes
\echo :QUIET
\set QUIET 0
\set AUTOCOMMIT x
\set ECHO x
\set ECHO
\set ECHO_HIDDEN x
\set ECHO_HIDDEN noexec
\set FETCH_COUNT x
\set FETCH_COUNT 0x10
\echo :FETCH_COUNT
\set FETCH_COUNT 08
\set VERBOSITY x
\set VERBOSITY TERSE
\set VERBOSITY default
\set SHOW_CONTEXT x
\set HISTSIZE x
\set ON_ERROR_ROLLBACK x
\set ON_ERROR_ROLLBACK interactive
\set COMP_KEYWORD_CASE x
\set HISTCONTROL x
\set SINGLELINE x
\set SINGLESTEP x
\set PROMPT1
\echo [:PROMPT1]
\unset PROMPT1
\echo [:PROMPT1]
\unset ON_ERROR_STOP
\echo [:ON_ERROR_STOP]
\unset QUIET
\echo [:QUIET]
\unset FETCH_COUNT
\echo [:FETCH_COUNT]
\unset ECHO
\echo [:ECHO]
\unset VERBOSITY
\echo [:VERBOSITY]
\unset a
\echo [:a]
\unset nosuch
\unset
\unset 'x y'
\set ENCODING foo
\echo :ENCODING
\unset ENCODING
\echo :ENCODING
\set a b \echo after a second command
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
    "invalid_commands": r"""
\foo
\foo bar baz
\echo a \foo b
\dfoo
\echo next
""",
    "shell_cd_and_environment": r"""
\set x 5
\! echo :x '\\' "q" \echo hi
\cd /nonexistent
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

ON_ERROR_STOP_SCRIPTS: dict[str, str] = {
    "a_failing_meta_command_stops_the_script": "\\set ON_ERROR_STOP on\n"
                                               "\\pset bogus \\echo same line\n\\echo next\n",
    "an_unreadable_include_stops_the_script": "\\set ON_ERROR_STOP on\n\\i sub\n\\echo after\n",
    "a_missing_include_stops_the_script": "\\set ON_ERROR_STOP on\n\\i nofile\n\\echo after\n",
    "quit_inside_an_included_file_ends_that_file": "\\i quits.sql\n\\echo still running\n",
}


# -- running both ------------------------------------------------------------------------------


def _folder(tmp_path: Path, script: str) -> Path:
    """A folder holding the script, the files it includes and a ``home`` for ``\\cd``."""
    folder = tmp_path / "work"
    for name, text in {**INCLUDED, "quits.sql": "\\echo quitting\n\\q\n\\echo not reached\n"}.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    (folder / "script.sql").write_text(script.lstrip("\n"))
    (tmp_path / "home").mkdir(exist_ok=True)
    return folder


def run_psql(pg: Cluster, folder: Path, *args: str) -> tuple[str, int]:
    env = {**os.environ, "PGHOST": pg.host, "PGPORT": str(pg.port), "PGUSER": pg.user,
           "PGDATABASE": "postgres", "PAGER": "", "PSQL_PAGER": "", "LC_ALL": "C.UTF-8",
           "HOME": str(folder.parent / "home")}
    proc = subprocess.run(["psql", "-X", *args], env=env, cwd=folder, stdin=subprocess.DEVNULL,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
    out = proc.stdout.decode()
    return re.sub(r"^psql:", "fdwsh:", out, flags=re.M), proc.returncode


def run_fdwsh(folder: Path, *args: str) -> tuple[str, int]:
    env = fdwsh_env(folder.parent)
    env["HOME"] = str(folder.parent / "home")
    cmd = [sys.executable, "-m", "fdwsh", "-X", *args, "--catalog", str(folder.parent / "c.db")]
    proc = subprocess.run(cmd, env=env, cwd=folder, stdin=subprocess.DEVNULL,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
    return proc.stdout.decode(), proc.returncode


def take_written_files(folder: Path) -> dict[str, str]:
    """Remove and return what the script left behind besides the files it was given."""
    given = set(INCLUDED) | {"script.sql", "quits.sql"}
    written = {}
    for path in sorted(folder.rglob("*")):
        name = str(path.relative_to(folder))
        if path.is_file() and name not in given:
            written[name] = path.read_text()
            path.unlink()
    return written


def same_as_psql(pg: Cluster, tmp_path: Path, script: str, *args: str) -> str:
    """Run the script through psql, then fdwsh, in the same folder; compare everything."""
    folder = _folder(tmp_path, script)
    expected = run_psql(pg, folder, *args, "-f", "script.sql")
    expected_files = take_written_files(folder)
    actual = run_fdwsh(folder, *args, "-f", "script.sql")
    assert actual == expected
    assert take_written_files(folder) == expected_files
    return actual[0]


# -- oracle tests ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", SCRIPTS)
def test_same_output_as_psql(pg, tmp_path, name):
    same_as_psql(pg, tmp_path, SCRIPTS[name])


@pytest.mark.parametrize("name", ON_ERROR_STOP_SCRIPTS)
def test_on_error_stop_like_psql(pg, tmp_path, name):
    same_as_psql(pg, tmp_path, ON_ERROR_STOP_SCRIPTS[name])


def test_quiet_suppresses_confirmations_but_not_listings(pg, tmp_path):
    script = "\\pset format u\n\\x\n\\a\n\\t\n\\timing\n\\f ,\n\\C title\n\\r\n\\p\n" \
             "\\pset\n\\echo done\n\\set QUIET off\n\\pset format u\n"
    same_as_psql(pg, tmp_path, script, "-q")


def test_variables_psql_also_has_are_listed_alike(pg, tmp_path):
    r"""``\set`` lists ``NAME = 'value'`` sorted; fdwsh has no HOST or SERVER_VERSION, and its
    DBNAME, USER and VERSION differ, so compare the variables both have."""
    script = "\\set zz 'it''s'\n\\set aa 1 2\n\\set ÄÖ x\n\\unset ON_ERROR_STOP\n\\set\n"
    folder = _folder(tmp_path, script)
    expected = run_psql(pg, folder, "-f", "script.sql")[0]
    actual = run_fdwsh(folder, "-f", "script.sql")[0]
    names = {line.split(" = ")[0] for line in expected.splitlines()}
    names &= {line.split(" = ")[0] for line in actual.splitlines()}
    names -= {"DBNAME", "USER", "VERSION", "VERSION_NAME", "VERSION_NUM"}
    assert {"aa", "zz", "ÄÖ", "ON_ERROR_STOP", "QUIET"} <= names

    def common(out: str) -> list[str]:
        return [line for line in out.splitlines() if line.split(" = ")[0] in names]

    assert common(actual) == common(expected)
    assert actual.splitlines() == sorted(actual.splitlines())


# -- what psql cannot show ---------------------------------------------------------------------


def test_conninfo_names_the_catalog_and_local_user(tmp_path):
    folder = _folder(tmp_path, "\\conninfo\n")
    out, code = run_fdwsh(folder, "-U", "alice", "-f", "script.sql")
    assert (out, code) == (
        f'You are using the fdwsh catalog "{tmp_path / "c.db"}" as local user "alice".\n', 0)


def test_timing_reports_each_statement_on_stdout_even_under_backslash_o(tmp_path):
    folder = _folder(tmp_path, "\\timing on\n\\o out.txt\nbegin;\ncommit;\n\\o\n")
    out, code = run_fdwsh(folder, "-f", "script.sql")
    assert re.fullmatch(r"Timing is on\.\n(Time: \d+\.\d{3} ms\n){2}", out), out
    assert (folder / "out.txt").read_text() == "BEGIN\nCOMMIT\n"


def test_slash_help_lines_are_psqls_own(pg, tmp_path):
    r"""Every ``\?`` line fdwsh prints is a line of psql 15's ``\?``, except the lines where
    fdwsh is not psql (quitting fdwsh, its options, what ``\conninfo`` shows)."""
    folder = _folder(tmp_path, "\\?\n")
    expected = run_psql(pg, folder, "-f", "script.sql")[0]
    actual = run_fdwsh(folder, "-f", "script.sql")[0]
    own = {"  \\q                     quit fdwsh",
           "  \\? options             show help on fdwsh command-line options",
           "  \\conninfo              display information about the catalog and local user"}
    psql_lines = set(expected.splitlines())
    assert {line for line in actual.splitlines() if line not in psql_lines} == own
    assert actual.count("\n\n") == len(re.findall(r"^\S", actual, flags=re.M)) - 1


def test_slash_help_groups_commands_others_registered(tmp_path):
    r"""The ``\d`` family registers itself; ``\?`` shows it under psql's heading, and the
    state psql shows after ``\t``, ``\x`` and ``\timing`` follows the settings."""
    folder = _folder(tmp_path, "\\t\n\\x auto\n\\?\n")
    out, _ = run_fdwsh(folder, "-q", "-f", "script.sql")
    informational = out.split("Informational\n", 1)[1].split("\n\n", 1)[0]
    assert "  \\des[+] [PATTERN]      list foreign servers\n" in informational
    assert "  \\t [on|off]            show only rows (currently on)\n" in out
    assert "  \\x [on|off|auto]       toggle expanded output (currently auto)\n" in out
    assert "  \\timing [on|off]       toggle timing of commands (currently off)\n" in out


def test_slash_help_options_and_variables(tmp_path):
    folder = _folder(tmp_path, "\\? options\n\\? variables\n")
    out, code = run_fdwsh(folder, "-f", "script.sql")
    assert code == 0
    assert "  -c, --command=COMMAND    run only single command (SQL or internal) and exit\n" in out
    assert "List of specially treated variables\n" in out
    assert "  ON_ERROR_STOP\n    stop batch execution after error\n" in out
