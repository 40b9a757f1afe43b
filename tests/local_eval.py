"""In-process helpers for the expression tests: one query through fdwsh's local evaluator and
through PostgreSQL (psycopg, every value as PostgreSQL's text), each as a comparable
:class:`Outcome`."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pglast
import psycopg
import pytest
import psycopg.postgres
from psycopg.adapt import Loader

from fdwsh.errors import FdwshError
from fdwsh.exec.local_query import run_local_select
from fdwsh.pgtypes import format_type
from tests.pgcluster import Cluster


@dataclass(frozen=True)
class Outcome:
    columns: tuple[tuple[str, str], ...] = ()
    rows: tuple[tuple[str | None, ...], ...] = ()
    error: tuple[str, str, int | None] | None = None  # (sqlstate, message, position)


class _Ctx:
    user = "postgres"

    def __init__(self, source: str) -> None:
        self.source = source
        self.notices: list[object] = []


def fdwsh_outcome(sql: str) -> Outcome:
    """Run one SELECT/VALUES through the local evaluator."""
    try:
        result = run_local_select(pglast.parse_sql(sql)[0].stmt, _Ctx(sql))
        rows = tuple(tuple(r) for r in result.rows)  # computed as they are read
    except FdwshError as err:
        return Outcome(error=(err.sqlstate, err.message, err.position))
    cols = tuple((c.name, c.type_name) for c in result.columns or ())
    return Outcome(cols, rows)


def pg_outcome(conn: psycopg.Connection, sql: str) -> Outcome:
    """Run one query on PostgreSQL; column types as format_type() prints them."""
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
            rows = tuple(tuple(r) for r in cur.fetchall())
            res = cur.pgresult
            assert res is not None
            cols = tuple((res.fname(i).decode(), format_type(res.ftype(i), res.fmod(i)))
                         for i in range(res.nfields))
    except psycopg.Error as exc:
        diag = exc.diag
        pos = int(diag.statement_position) if diag.statement_position else None
        return Outcome(error=(diag.sqlstate or "", diag.message_primary or "", pos))
    return Outcome(cols, rows)


class _TextLoader(Loader):  # type: ignore[misc]
    def load(self, data: bytes) -> str:
        return bytes(data).decode()


def text_connection(dsn: str) -> psycopg.Connection:
    """An autocommit connection returning every value as PostgreSQL's text output."""
    conn = psycopg.connect(dsn, autocommit=True)
    conn.adapters.register_loader(705, _TextLoader)  # unknown
    for info in psycopg.postgres.types:
        conn.adapters.register_loader(info.oid, _TextLoader)
        if info.array_oid:
            conn.adapters.register_loader(info.array_oid, _TextLoader)
    return conn


def assert_same_outcome(expected: Outcome, got: Outcome, sql: str) -> None:
    """fdwsh's outcome equals PostgreSQL's: the same rows, or an error of the same kind."""
    if expected.error is not None:
        assert got.error is not None and got.error[:2] == expected.error[:2], sql
    else:
        assert got == expected, sql


def same_as_postgres(conn: psycopg.Connection, sql: str) -> None:
    """Evaluate ``sql`` in PostgreSQL and in fdwsh; the outcomes must agree."""
    assert_same_outcome(pg_outcome(conn, sql), fdwsh_outcome(sql), sql)


@pytest.fixture(scope="module")
def conn(pg: Cluster) -> Iterator[psycopg.Connection]:
    """A text-result connection to the session cluster for the generated-expression tests."""
    connection = text_connection(pg.dsn())
    yield connection
    connection.close()
