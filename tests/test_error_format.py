"""Errors and notices read exactly as psql 15 prints them (oracle tests against real psql).

Each failing statement is run twice: by the real ``psql -f FILE`` and through psycopg, whose
error fields (message, detail, hint, context, cursor position) become an :class:`FdwshError`
that :func:`format_error` renders with psql's ``psql:FILE:LINE: `` prefix.  Outputs must match
byte for byte, including the ``LINE n:`` excerpt and the ``^`` cursor.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from fdwsh.errors import FdwshError, Notice
from fdwsh.output.errors import error_position, format_error, format_notice
from tests.pgcluster import Cluster

DB = "error_format_db"


def _long(prefix: str, count: int) -> str:
    return ", ".join(f"{prefix}{i}" for i in range(count))


STATEMENTS: dict[str, str] = {
    "syntax_error_single_line": "select foo bar baz;",
    "syntax_error_first_word": "selec 1;",
    "syntax_error_at_end": "select 1 +;",
    "multi_line_error_on_last_line": "select\n  1 +\n  ;",
    "multi_line_error_in_middle": "select 1,\n  2 3 4,\n  5;",
    "long_line_error_near_start": f"select 1 2, {_long('col_', 30)};",
    "long_line_error_in_middle": f"select {_long('c', 20)} oops nope, {_long('d', 20)};",
    "long_line_error_at_end": f"select {_long('value_', 25)} from;",
    "long_line_undefined_table": f"select {_long('v', 30)} from no_such_table;",
    "long_line_in_multi_line_statement": f"select 1,\n  {_long('x', 30)} bad bad,\n  3;",
    "tabs": "select\t1\t+\t\tfrom pg_class;",
    "tabs_on_long_line": f"select\t\t{_long('t', 25)}\t\tbad bad;",
    "unicode": "select '日本語' as x, 'héllo' y z;",
    "unicode_long_line": f"select '{'日本語' * 15}' as wide, 'x' y z;",
    "unicode_long_line_error_first": f"select 1 2, '{'日本語' * 15}';",
    "combining_marks": "select 'a\u0301b\u0301c' as x, 'y' y z;",
    "crlf_line_ends": "select 1,\r\n  2 3;",
    "undefined_column": "select nosuchcol from pg_class;",
    "no_position": "select 1/0;",
    "invalid_input_with_position": "select 'x'::int;",
    "detail_and_hint": "create server bogus_srv foreign data wrapper postgres_fdw "
                       "options (bogus 'x');",
    "duplicate_key_detail": "insert into dup values (1);",
    "raise_with_context": "do $$ begin raise exception 'boom' using detail = 'd1\nd2', "
                          "hint = 'h'; end $$;",
}

VERBOSE_ONLY_FIELDS = ("LOCATION:  ", "SCHEMA NAME:  ", "TABLE NAME:  ", "COLUMN NAME:  ",
                       "DATATYPE NAME:  ", "CONSTRAINT NAME:  ")

NOTICES: dict[str, str] = {
    "notice_with_detail_and_hint": "do $$ begin raise notice 'x' using detail = 'd', "
                                   "hint = 'h'; end $$;",
    "warning": "do $$ begin raise warning 'careful'; end $$;",
    "info": "do $$ begin raise info 'fyi %', 42; end $$;",
    "already_exists": "create extension if not exists postgres_fdw;",
}


# -- running psql and psycopg -----------------------------------------------------------------


def run_psql(pg: Cluster, *args: str, script: str = "", dbname: str = DB) -> str:
    """Run the real ``psql -X ARGS`` and return stdout+stderr, bytes decoded untranslated."""
    env = {**os.environ, "PGHOST": pg.host, "PGPORT": str(pg.port), "PGUSER": pg.user,
           "PGDATABASE": dbname, "PAGER": "", "PSQL_PAGER": "", "LC_ALL": "C.UTF-8"}
    proc = subprocess.run(["psql", "-X", *args], input=script.encode(), env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
    return proc.stdout.decode()


def write_script(path: Path, statements: list[str]) -> list[int]:
    """Write the statements one after another; return the line each one ends on.

    psql's ``psql:FILE:LINE:`` prefix names the line where the statement's ``;`` was read.
    """
    ends: list[int] = []
    line = 0
    for sql in statements:
        line += sql.count("\n") + 1
        ends.append(line)
    path.write_bytes("".join(sql + "\n" for sql in statements).encode())
    return ends


def error_of(conn: psycopg.Connection, sql: str) -> FdwshError:
    """Run ``sql`` (which must fail) and wrap the server's error fields as an FdwshError."""
    try:
        conn.execute(sql.encode())  # bytes: psycopg must not treat '%' as a placeholder
    except psycopg.Error as exc:
        diag = exc.diag
        pos = diag.statement_position
        return FdwshError(diag.message_primary or "", sqlstate=diag.sqlstate,
                          detail=diag.message_detail, hint=diag.message_hint,
                          context=diag.context, position=int(pos) if pos else None,
                          severity=diag.severity_nonlocalized or "ERROR")
    raise AssertionError(f"statement did not fail: {sql}")


def notices_of(conn: psycopg.Connection, sql: str) -> list[Notice]:
    """Run ``sql`` and collect the notices the server sent meanwhile."""
    seen: list[Notice] = []

    def handler(diag: psycopg.errors.Diagnostic) -> None:
        seen.append(Notice(diag.message_primary or "", diag.severity_nonlocalized or "NOTICE",
                           diag.message_detail, diag.message_hint))

    conn.add_notice_handler(handler)
    try:
        conn.execute(sql.encode())
    finally:
        conn.remove_notice_handler(handler)
    return seen


@pytest.fixture(scope="module")
def conn(pg: Cluster) -> Iterator[psycopg.Connection]:
    if DB not in run_psql(pg, "-Atc", "SELECT datname FROM pg_database", dbname="postgres"):
        pg.create_database(DB)
        run_psql(pg, "-c", "CREATE EXTENSION postgres_fdw; "
                 "CREATE TABLE dup (id int PRIMARY KEY); INSERT INTO dup VALUES (1);")
    with psycopg.connect(pg.dsn(DB), autocommit=True) as connection:
        yield connection


@pytest.fixture(scope="module")
def errors(conn: psycopg.Connection) -> dict[str, FdwshError]:
    return {name: error_of(conn, sql) for name, sql in STATEMENTS.items()}


# -- errors -----------------------------------------------------------------------------------


@pytest.mark.parametrize("verbosity", ["default", "terse", "sqlstate", "verbose"])
def test_errors_in_a_script_print_like_psql_f(pg: Cluster, errors: dict[str, FdwshError],
                                              tmp_path: Path, verbosity: str) -> None:
    """``psql -f FILE``: prefix on the first line only, LINE/caret excerpt, DETAIL/HINT/CONTEXT.

    psql's verbose mode also prints ``LOCATION:`` (the server's C source line) and the
    ``SCHEMA NAME:``/``TABLE NAME:``/... fields, which an FdwshError does not carry; those lines
    are left out of the comparison.
    """
    script = tmp_path / "errors.sql"
    ends = write_script(script, list(STATEMENTS.values()))
    expected = run_psql(pg, "-f", str(script), "-v", f"VERBOSITY={verbosity}")
    if verbosity == "verbose":
        expected = "".join(line for line in expected.splitlines(keepends=True)
                           if not line.startswith(VERBOSE_ONLY_FIELDS))
    for (name, sql), end in zip(STATEMENTS.items(), ends):
        got = format_error(errors[name], sql, prefix=f"psql:{script}:{end}: ",
                           verbosity=verbosity)
        assert expected.startswith(got), f"{name}:\n{got}\n--- psql printed ---\n{expected}"
        expected = expected[len(got):]
    assert expected == ""


@pytest.mark.parametrize("name", ["syntax_error_single_line", "multi_line_error_in_middle",
                                  "long_line_error_in_middle", "detail_and_hint",
                                  "unicode_long_line", "raise_with_context"])
def test_errors_from_dash_c_have_no_prefix(pg: Cluster, errors: dict[str, FdwshError],
                                           name: str) -> None:
    sql = STATEMENTS[name]
    assert format_error(errors[name], sql) == run_psql(pg, "-c", sql)


def test_position_without_statement_text_is_reported_inline(
        errors: dict[str, FdwshError]) -> None:
    """libpq's fallback when it has no query text: ``... at character N``."""
    err = errors["syntax_error_single_line"]
    assert format_error(err) == 'ERROR:  syntax error at or near "baz" at character 16\n'


def test_position_past_the_end_of_the_statement_shows_no_excerpt() -> None:
    assert error_position("select 1", 9) == "LINE 1: select 1\n                ^\n"
    assert error_position("select 1", 10) == ""
    assert error_position("select 1", 0) == ""


# -- notices ----------------------------------------------------------------------------------


def test_notices_in_a_script_print_like_psql_f(pg: Cluster, conn: psycopg.Connection,
                                               tmp_path: Path) -> None:
    """NOTICE/WARNING/INFO with DETAIL and HINT; psql shows CONTEXT for errors only."""
    script = tmp_path / "notices.sql"
    ends = write_script(script, list(NOTICES.values()))
    expected = run_psql(pg, "-q", "-f", str(script))
    got = ""
    for sql, end in zip(NOTICES.values(), ends):
        for notice in notices_of(conn, sql):
            got += format_notice(notice, prefix=f"psql:{script}:{end}: ")
    assert got == expected


def test_notice_from_dash_c_has_no_prefix(pg: Cluster, conn: psycopg.Connection) -> None:
    sql = NOTICES["notice_with_detail_and_hint"]
    [notice] = notices_of(conn, sql)
    assert format_notice(notice) == run_psql(pg, "-q", "-c", sql)
