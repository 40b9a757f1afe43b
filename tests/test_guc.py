"""Session settings against PostgreSQL 15: SET / SET LOCAL / RESET / SHOW sequences, their
errors and warnings, transaction semantics and libpq environment variables, compared with what
psql prints for the same script (fdwsh's side rendered by fdwsh's own printer)."""

from __future__ import annotations

import io
import os
import subprocess
from pathlib import Path

import pglast
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
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
#: SQL scripts run through psql and through fdwsh's settings (tests/oracle/settings/*.sql)
ORACLE = Path(__file__).parent / "oracle" / "settings"


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


SETS = (ORACLE / "guc_set_show.sql").read_text()


def test_set_show_reset_as_postgresql(pg: Cluster) -> None:
    assert ours(SETS) == psql(pg, SETS)


TXN = (ORACLE / "guc_transactions.sql").read_text()


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


GUC_PIECES = {
    "DateStyle": ["iso", "sql", "postgres", "german", "dmy", "mdy", "ymd", "euro", "us",
                  "noneuropean", "default", ",", " ", '"', "x", "Postgres"],
    "TimeZone": ["UTC", "utc", "America/New_York", "europe/paris", "+", "-", "1", "5", ".",
                 "5", ":", "30", "EST", "EDT", "<", ">", "x", " ", "Etc/GMT+", "posixrules",
                 ",M3.2.0", ",M11.1.0/3", "e", "nan", "interval '1:00'", "/"],
    "statement_timeout": ["0", "1", "5", "00", "0x1f", ".", "5", "e", "3", " ", "ms", "s",
                          "min", "h", "d", "us", "S", "x", "-", "99999999999"],
    "extra_float_digits": ["0", "1", "3", "-", "+", ".", "5", "e", "x", "0x", " ", "15"],
    "IntervalStyle": ["postgres", "_verbose", "sql_standard", "ISO_8601", "x", " "],
    "search_path": ["a", "B", '"', ",", " ", "$user", "public", '""', "x y"],
    "client_encoding": ["utf8", "UTF-8", "latin", "1", "9", "win", "125", "2", "sql_ascii",
                        "-", "_", "euc", "jp", "x"],
    "bytea_output": ["hex", "escape", "HEX", "x"],
    "application_name": ["app", " ", "é", "\t", "x"],
    "transaction_read_only": ["t", "tr", "f", "on", "o", "of", "1", "0", "yes", "n", "x"],
}


@pytest.fixture(scope="module")
def conn(pg: Cluster):  # noqa: ANN201
    import psycopg

    c = psycopg.connect(pg.dsn(), autocommit=True, prepare_threshold=None,
                        application_name="fdwsh")
    yield c
    c.close()


@settings(max_examples=120, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(sorted(GUC_PIECES)).flatmap(
    lambda name: st.tuples(st.just(name), st.lists(st.sampled_from(GUC_PIECES[name]),
                                                   min_size=1, max_size=5).map("".join))))
def test_set_value_fuzz(conn, case: tuple[str, str]) -> None:  # noqa: ANN001
    """Random values for each setting: accepted the same way (SHOW) or refused with the same
    message, DETAIL and HINT."""
    import psycopg

    name, value = case
    quoted = "'" + value.replace("'", "''") + "'"
    try:
        conn.execute(f"SET {name} = {quoted}")
        shown = conn.execute(f"SHOW {name}").fetchone()[0]
        want: tuple[object, ...] = ("ok", shown.decode() if isinstance(shown, bytes) else shown)
    except psycopg.Error as exc:
        d = exc.diag
        want = ("error", d.message_primary, d.message_detail, d.message_hint)
    gucs = Gucs({"PGAPPNAME": "fdwsh"})
    try:
        execute_set(pglast.parse_sql(f"SET {name} = {quoted}")[0].stmt, gucs)
        got: tuple[object, ...] = ("ok", gucs.show(name))
    except FdwshError as err:
        got = ("error", err.message, err.detail, err.hint)
    conn.execute("RESET ALL")
    assert got == want
