"""Session settings against PostgreSQL 15: SET / SET LOCAL / RESET / SHOW sequences, their
errors and warnings, transaction semantics and libpq environment variables, compared with what
psql prints for the same script (fdwsh's side rendered by fdwsh's own printer)."""

from __future__ import annotations

import io
import os
import subprocess

import pglast
import pytest
from pglast import ast
from pglast.enums import TransactionStmtKind as T

from fdwsh.errors import FdwshError, Notice
from fdwsh.output.errors import format_error, format_notice
from fdwsh.output.print import print_result
from fdwsh.settings import PrintOptions
from fdwsh.sql.guc import Gucs, execute_set, execute_show
from fdwsh.types import type_io
from tests.pgcluster import Cluster

BASE_ENV = {"PGAPPNAME": "fdwsh"}


def psql(pg: Cluster, script: str, env: dict[str, str] | None = None) -> str:
    full = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    full.update(PGHOST=pg.host, PGPORT=str(pg.port), PGUSER=pg.user, PGDATABASE="postgres",
                PAGER="", LC_ALL="C.UTF-8")
    full.update({**BASE_ENV, **(env or {})})
    proc = subprocess.run(["psql", "-X"], input=script, text=True, env=full,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    return proc.stdout


class Runner:
    """Runs SET/SHOW/RESET and transaction statements the way the session will."""

    def __init__(self, env: dict[str, str] | None = None) -> None:
        environ = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        environ.update({**BASE_ENV, **(env or {})})
        self.gucs = Gucs(environ)
        self.out = io.StringIO()
        self.block = False
        self.failed = False
        self.savepoints: list[tuple[str, object]] = []

    def run(self, script: str) -> str:
        for raw in pglast.parse_sql(script):
            text = script[raw.stmt_location:raw.stmt_location + raw.stmt_len].strip()
            notices: list[Notice] = []
            try:
                result = self.statement(raw.stmt, notices)
                for n in notices:
                    self.out.write(format_notice(n))
                print_result(result, PrintOptions(), self.out)
            except FdwshError as err:
                for n in notices:
                    self.out.write(format_notice(n))
                self.out.write(format_error(err, text))
                self.failed = self.block
        return self.out.getvalue()

    def statement(self, stmt: ast.Node, notices: list[Notice]):  # noqa: ANN201
        from fdwsh.output.result import Result

        if isinstance(stmt, ast.TransactionStmt):
            return self.transaction(stmt)
        if self.failed:
            raise FdwshError("current transaction is aborted, commands ignored until end of "
                             "transaction block", sqlstate="25P02")
        if isinstance(stmt, ast.VariableShowStmt):
            return execute_show(stmt, self.gucs)
        if isinstance(stmt, ast.VariableSetStmt):
            return execute_set(stmt, self.gucs, lambda: self.block, notices)
        return Result.command("SELECT 0")

    def transaction(self, stmt: ast.TransactionStmt):  # noqa: ANN201
        from fdwsh.output.result import Result

        kind = stmt.kind
        if kind is T.TRANS_STMT_BEGIN:
            self.block, self.failed = True, False
            self.gucs.begin()
            return Result.command("BEGIN")
        if kind in (T.TRANS_STMT_COMMIT, T.TRANS_STMT_ROLLBACK):
            tag = "ROLLBACK" if kind is T.TRANS_STMT_ROLLBACK or self.failed else "COMMIT"
            self.gucs.rollback() if tag == "ROLLBACK" else self.gucs.commit()
            self.block, self.failed, self.savepoints = False, False, []
            return Result.command(tag)
        name = stmt.savepoint_name
        if kind is T.TRANS_STMT_SAVEPOINT:
            self.savepoints.append((name, self.gucs.snapshot()))
            return Result.command("SAVEPOINT")
        while self.savepoints[-1][0] != name:
            self.savepoints.pop()
        if kind is T.TRANS_STMT_RELEASE:
            self.savepoints.pop()
            return Result.command("RELEASE")
        self.gucs.restore(self.savepoints[-1][1])
        self.failed = False
        return Result.command("ROLLBACK")


def ours(script: str, env: dict[str, str] | None = None) -> str:
    return Runner(env).run(script)


SETS = """
show timezone;
show TimeZone;
show time zone;
show datestyle;
set datestyle = german;
show datestyle;
set datestyle = 'foo';
set datestyle = 'iso, sql';
set datestyle = dmy;
show datestyle;
set datestyle to default;
show datestyle;
set datestyle = 'iso', 'dmy';
show datestyle;
set datestyle = 'iso,,dmy';
set datestyle = '';
show datestyle;
set datestyle = 'postgresql';
set datestyle = 'nonEUROpean, us';
show datestyle;
set datestyle = ' sql , european ';
show datestyle;
set "DateStyle" = 'x';
reset datestyle;
set nosuch = 1;
show nosuch;
set nosuch = 1, 2;
set timezone = 'Mars/Base';
set timezone = 'america/new_york';
show timezone;
set timezone = 'EST5EDT';
show timezone;
set timezone = 'xyz3abc';
show timezone;
set timezone = '<+0330>-3:30';
show timezone;
set timezone = 'right/UTC';
set timezone = 5.5;
show timezone;
set timezone = -3.25;
show timezone;
set timezone to -5;
show timezone;
set timezone = '+02';
show timezone;
set timezone = 168;
set timezone = 167;
show timezone;
set timezone = 'NaN';
set timezone = '1e3';
set timezone = '  3';
show timezone;
set timezone = ' UTC';
set timezone = '';
set timezone = '+1:30';
show timezone;
set timezone = 'localtime';
show timezone;
set timezone = 'Etc/GMT+5';
show timezone;
set time zone 'Europe/Berlin';
show time zone;
set time zone interval '+02:30' hour to minute;
show timezone;
set time zone interval '1 day';
set time zone interval '-1 2:00' hour to minute;
set time zone interval '+02:00:30';
show timezone;
set time zone local;
show timezone;
set time zone default;
set timezone to 'America/New_York', 'x';
set intervalstyle = sql_standard;
set time zone interval '-1 2:00' hour to minute;
set time zone interval '1 mon';
set intervalstyle = iso_8601;
set time zone interval '01:30';
show timezone;
set intervalstyle = foo;
set "IntervalStyle" = 'x';
set intervalstyle = 'SQL_STANDARD';
show intervalstyle;
reset intervalstyle;
show IntervalStyle;
set extra_float_digits = 4;
set extra_float_digits = 'abc';
set extra_float_digits = 1.5;
show extra_float_digits;
set extra_float_digits = 2.5;
show extra_float_digits;
set extra_float_digits = ' 3 ';
show extra_float_digits;
set extra_float_digits = '0x3';
set extra_float_digits = -15.5;
set extra_float_digits = true;
set extra_float_digits = 1, 2;
set extra_float_digits = -15;
show extra_float_digits;
set statement_timeout = '5s';
show statement_timeout;
set statement_timeout = 60000;
show statement_timeout;
set statement_timeout = '1.5min';
show statement_timeout;
set statement_timeout = '10 foo';
set statement_timeout = -1;
set statement_timeout = '1d';
show statement_timeout;
set statement_timeout = '1000ms';
show statement_timeout;
set statement_timeout = 0.5;
show statement_timeout;
set statement_timeout = '1500us';
show statement_timeout;
set statement_timeout = 3600000;
show statement_timeout;
set statement_timeout = '2147483648';
set statement_timeout = ' 5 s ';
show statement_timeout;
set statement_timeout = '5S';
set statement_timeout = '010';
show statement_timeout;
set lock_timeout = '2h';
show lock_timeout;
set idle_in_transaction_session_timeout = '90min';
show idle_in_transaction_session_timeout;
set bytea_output = foo;
set bytea_output = ESCAPE;
show bytea_output;
set client_encoding = latin1;
show client_encoding;
set client_encoding = 'utf-8';
show client_encoding;
set client_encoding = 'win1252';
show client_encoding;
set client_encoding = foo;
set client_encoding = default;
show client_encoding;
set client_min_messages = foo;
set client_min_messages = info;
show client_min_messages;
set client_min_messages = WARNING;
show client_min_messages;
set search_path = a, "B", public, 'c d';
show search_path;
set search_path = 'a,b';
show search_path;
set search_path = default;
show search_path;
set search_path = '';
show search_path;
set search_path = public, "$user";
show search_path;
set search_path = 'a"b';
show search_path;
set search_path to 'a', 'b', 1;
show search_path;
set schema 'x';
show search_path;
set application_name = 'héllo';
show application_name;
set application_name = E'a\\tb';
show application_name;
set application_name = 123;
show application_name;
reset application_name;
show application_name;
set foo.bar = 'x';
show foo.bar;
show foo.baz;
set "x.Y" = 1;
show x.y;
set x.y.z = 1;
show x.y.z;
reset foo.bar;
show foo.bar;
set transaction_read_only = maybe;
set integer_datetimes = off;
set server_encoding = 'x';
set timezone_abbreviations = 'foo';
set timezone_abbreviations = 'Default';
set default_transaction_isolation = 'foo';
set session characteristics as transaction isolation level repeatable read;
show default_transaction_isolation;
set default_transaction_read_only = 'ye';
show default_transaction_read_only;
set default_transaction_read_only = 2;
set transaction isolation level serializable;
show transaction isolation level;
set xmloption = foo;
set xmloption = DOCUMENT;
show xmloption;
set check_function_bodies = 2;
set check_function_bodies = false;
show check_function_bodies;
set default_table_access_method = 'foo';
set row_security = 'of';
show row_security;
set array_nulls = 1;
show array_nulls;
set standard_conforming_strings = on;
show server_encoding;
show integer_datetimes;
show max_identifier_length;
set local timezone = 'UTC';
set local datestyle = foo;
set datestyle from current;
show datestyle;
reset all;
show datestyle;
show timezone;
show extra_float_digits;
show search_path;
show foo.bar;
show statement_timeout;
show client_min_messages;
"""


def test_set_show_reset_as_postgresql(pg: Cluster) -> None:
    assert ours(SETS) == psql(pg, SETS)


TXN = """
begin;
set local datestyle = sql;
set timezone = 'Asia/Tokyo';
show datestyle;
rollback;
show datestyle;
show timezone;
begin;
set local datestyle = sql;
set timezone = 'Asia/Tokyo';
show transaction_isolation;
set transaction isolation level repeatable read;
show transaction_isolation;
commit;
show datestyle;
show timezone;
show transaction_isolation;
begin;
set datestyle = sql;
savepoint a;
set datestyle = german;
set local timezone = 'Europe/Paris';
show timezone;
rollback to a;
show datestyle;
show timezone;
set local datestyle = postgres;
savepoint b;
set intervalstyle = iso_8601;
release b;
show intervalstyle;
commit;
show datestyle;
show intervalstyle;
begin;
set datestyle = sql;
set datestyle = bogus;
show datestyle;
rollback;
show datestyle;
begin;
set local extra_float_digits = 0;
set extra_float_digits = 2;
commit;
show extra_float_digits;
begin;
set extra_float_digits = 2;
set local extra_float_digits = 0;
show extra_float_digits;
commit;
show extra_float_digits;
begin;
set foo.bar = 'in block';
rollback;
show foo.bar;
begin;
reset all;
show extra_float_digits;
rollback;
show extra_float_digits;
set local datestyle = sql;
show datestyle;
"""


def test_transaction_semantics(pg: Cluster) -> None:
    assert ours(TXN) == psql(pg, TXN)


@pytest.mark.parametrize("env", [
    {"PGTZ": "America/New_York"},
    {"PGTZ": "Asia/Kolkata", "PGDATESTYLE": "Postgres, DMY"},
    {"PGDATESTYLE": "sql"},
    {"PGOPTIONS": "-c extra_float_digits=0 -c intervalstyle=iso_8601"},
    {"PGOPTIONS": "--search-path=a,b -cstatement_timeout=5s -c DateStyle=German\\,\\ YMD"},
    {"PGOPTIONS": "-c timezone=Europe/Paris", "PGTZ": "UTC"},
    {"PGCLIENTENCODING": "LATIN1"},
    {"PGAPPNAME": "my app"},
])
def test_environment(pg: Cluster, env: dict[str, str]) -> None:
    script = ("show timezone; show datestyle; show extra_float_digits; show intervalstyle; "
              "show search_path; show statement_timeout; show client_encoding; "
              "show application_name; set timezone = 'UTC'; set datestyle = iso; "
              "set search_path = x; reset all; show timezone; show datestyle; "
              "show search_path; show statement_timeout;")
    assert ours(script, env) == psql(pg, script, env)


def test_bad_environment_values_are_reported() -> None:
    gucs = Gucs({"PGTZ": "Mars/Base", "PGDATESTYLE": "foo"})
    messages = [e.message for e in gucs.startup_errors]
    assert messages == ['invalid value for parameter "TimeZone": "Mars/Base"',
                        'invalid value for parameter "DateStyle": "foo"']
    assert gucs.show("datestyle") == "ISO, MDY"


def test_show_all_matches_pg_settings(pg: Cluster) -> None:
    script = "set datestyle = 'sql, dmy'; set statement_timeout = '2min'; show all;"
    theirs = psql(pg, script)
    rows = {}
    for line in theirs.splitlines():
        parts = [p.strip() for p in line.split("|")]
        if len(parts) == 3:
            rows[parts[0]] = (parts[1], parts[2])
    runner = Runner()
    runner.run(script)
    for name, setting, desc in runner.gucs.all_settings():
        want = rows[name]
        if name in ("TimeZone", "application_name"):
            continue
        assert (setting, desc) == want, name


def test_typed_views_follow_settings(pg: Cluster) -> None:
    """Values print under the session's settings as the server prints them."""
    script = ("set datestyle = 'postgres, dmy'; set timezone = 'Australia/Lord_Howe'; "
              "set intervalstyle = postgres_verbose; set extra_float_digits = -2; "
              "set bytea_output = escape; ")
    runner = Runner()
    runner.run(script)
    g = runner.gucs
    values = [("2024-01-15 12:34:56.5+00", "timestamptz"), ("2024-01-15", "date"),
              ("1 year -2 days 03:04:05", "interval"), ("0.1", "float8"),
              ("\\x00414243ff", "bytea")]
    sql = script + "select " + ", ".join(f"'{v}'::{t}" for v, t in values) + ";"
    out = psql(pg, sql)
    expected = [p.strip() for p in out.splitlines()[-3].split("|")]
    got = [type_io(t).format(type_io(t).parse(v, None, g), g) for v, t in values]
    assert got == expected
