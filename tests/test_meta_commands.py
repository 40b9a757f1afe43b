r"""psql's formatting, variable and help meta-commands behave in fdwsh exactly as in psql 15.

Oracle tests (see tests/meta_oracle.py): one script runs through the real ``psql -X -f`` and
through ``fdwsh -X -f``; output (stdout and stderr merged), exit code and written files must be
identical.  The scripts use meta-commands only, whose behaviour does not depend on a server.  A
few tests pin what psql cannot show (``\conninfo``, ``\?``'s fdwsh-only lines).
"""

from __future__ import annotations

import re

import pytest

from fdwsh.meta import registry
from tests.meta_oracle import run_fdwsh, run_psql, same_as_psql, script_folder

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
\set v 'x y'
\echo :v :'v' :"v" :nosuch :'nosuch' :"nosuch" :'not a name'
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
    "invalid_commands": r"""
\foo
\foo bar baz
\echo a \foo b
\dfoo
\echo next
""",
}


@pytest.mark.parametrize("name", SCRIPTS)
def test_same_output_as_psql(pg, tmp_path, name):
    same_as_psql(pg, tmp_path, SCRIPTS[name])


def test_quiet_suppresses_confirmations_but_not_listings(pg, tmp_path):
    script = "\\pset format u\n\\x\n\\a\n\\t\n\\timing\n\\f ,\n\\C title\n\\r\n\\p\n" \
             "\\pset\n\\echo done\n\\set QUIET off\n\\pset format u\n"
    same_as_psql(pg, tmp_path, script, "-q")


def test_variables_psql_also_has_are_listed_alike(pg, tmp_path):
    r"""``\set`` lists ``NAME = 'value'`` sorted; fdwsh has no HOST or SERVER_VERSION, and its
    DBNAME, USER and VERSION differ, so compare the variables both have."""
    script = "\\set zz 'it''s'\n\\set aa 1 2\n\\set ÄÖ x\n\\unset ON_ERROR_STOP\n\\set\n"
    folder = script_folder(tmp_path, script)
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
    folder = script_folder(tmp_path, "\\conninfo\n")
    out, code = run_fdwsh(folder, "-U", "alice", "-f", "script.sql")
    assert (out, code) == (
        f'You are using the fdwsh catalog "{tmp_path / "c.db"}" as local user "alice".\n', 0)


def test_slash_help_lines_are_psqls_own(pg, tmp_path):
    r"""Every ``\?`` line fdwsh prints is a line of psql 15's ``\?``, except the lines where
    fdwsh is not psql (quitting fdwsh, its options, what ``\conninfo`` shows, ``\c`` to a
    server)."""
    folder = script_folder(tmp_path, "\\?\n")
    expected = run_psql(pg, folder, "-f", "script.sql")[0]
    actual = run_fdwsh(folder, "-f", "script.sql")[0]
    own = {"  \\q                     quit fdwsh",
           "  \\? options             show help on fdwsh command-line options",
           "  \\conninfo              display information about the catalog and local user",
           "  \\c[onnect] [SERVER|-]  run statements on SERVER directly (\\c alone: back to the "
           "catalog)"}
    psql_lines = set(expected.splitlines())
    assert {line for line in _psql_commands_lines(actual, expected)
            if line not in psql_lines} == own
    all_headings = re.findall(r"^\S.*$", actual, flags=re.M)
    assert actual.count("\n\n") == len(all_headings) - 1  # one blank line between groups
    headings = [h for h in all_headings if h in psql_lines]
    assert [h for h in re.findall(r"^\S.*$", expected, flags=re.M) if h in headings] == headings


def _psql_commands_lines(actual: str, expected: str) -> list[str]:
    r"""The lines of ``actual`` (fdwsh's ``\?``) that describe commands psql has too: the
    blocks of fdwsh's own commands (``\ping``, ``\drift`` …) and groups are left out."""
    psql_names = set(re.findall(r"^  (\\[^\s\[]+)", expected, flags=re.M))
    headings = set(re.findall(r"^\S.*$", expected, flags=re.M))
    kept, keep, group_known = [], True, True
    for line in actual.splitlines():
        if line and not line.startswith(" "):
            group_known = line in headings
            keep = group_known
        elif re.match(r"^  \\", line):
            name = re.match(r"^  (\\[^\s\[]+)", line)
            keep = group_known and name is not None and name.group(1) in psql_names
        if keep:
            kept.append(line)
    return kept


def test_slash_help_groups_commands_others_registered(tmp_path):
    r"""The ``\d`` family registers itself; ``\?`` shows it under psql's heading, and the
    state psql shows after ``\t``, ``\x`` and ``\timing`` follows the settings."""
    folder = script_folder(tmp_path, "\\t\n\\x auto\n\\?\n")
    out, _ = run_fdwsh(folder, "-q", "-f", "script.sql")
    informational = out.split("Informational\n", 1)[1].split("\n\n", 1)[0]
    assert "  \\des[+] [PATTERN]      list foreign servers\n" in informational
    assert "  \\t [on|off]            show only rows (currently on)\n" in out
    assert "  \\x [on|off|auto]       toggle expanded output (currently auto)\n" in out
    assert "  \\timing [on|off]       toggle timing of commands (currently off)\n" in out


def test_slash_help_options_and_variables(tmp_path):
    folder = script_folder(tmp_path, "\\? options\n\\? variables\n")
    out, code = run_fdwsh(folder, "-f", "script.sql")
    assert code == 0
    assert "  -c, --command=COMMAND    run only single command (SQL or internal) and exit\n" in out
    assert "List of specially treated variables\n" in out
    assert "  ON_ERROR_STOP\n    stop batch execution after error\n" in out


def test_slash_help_lists_every_meta_command(tmp_path):
    r"""``\?`` shows each registered command's syntax (psql's, or fdwsh's own)."""
    registry.lookup("?")  # loads every command module
    shown = run_fdwsh(script_folder(tmp_path, "\\?\n"), "-f", "script.sql")[0].splitlines()
    missing = [spec.syntax for spec in registry.ORDERED
               if not any(line.startswith("  " + spec.syntax) for line in shown)]
    assert not missing
