"""Streaming remote rows: columns known up front, values exactly as the server prints them,
bounded memory, fetch_size chunks, parameters, errors mid-stream, early close, and two queries
sharing one connection.  The remote server is a database of the shared test cluster.
"""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest

from fdwsh.errors import FdwshError, Notice
from fdwsh.remote.connection import ConnectionCache
from fdwsh.remote.fetch import DEFAULT_FETCH_SIZE, RemoteColumn, fetch_size_option
from fdwsh.remote.link import RemoteConnection
from tests.pgcluster import Cluster
from tests.remote_helpers import USER, catalog, remote_database, server_sql

REMOTE_DB = "remote_fetch"

#: The settings a postgres_fdw remote session runs with (configure_remote_session).
PINNED = ("SET search_path = pg_catalog; SET timezone = 'UTC'; SET datestyle = ISO; "
          "SET intervalstyle = postgres; SET extra_float_digits = 3;")

TYPED_TABLE = r"""
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE TABLE typed (
    id int, i8 bigint, n numeric, n2 numeric(10,2), f float8, r real, t text, b bool,
    by bytea, d date, ts timestamptz, tsn timestamp, iv interval, u uuid, j jsonb, js json,
    ia int[], ta text[], c char(5), vc varchar(10), m mood, inet inet, bits bit(4), rc regclass
);
INSERT INTO typed VALUES
 (1, 9223372036854775807, 123456789.000100, 3.14159, 0.1, 1.5, 'plain', true, '\x00ff41',
  '2024-02-29', '2024-02-29 12:34:56.789+05', '2024-02-29 12:34:56',
  '1 year 2 mons 3 days 04:05:06.7',
  'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{"b": [1, 2.50, null], "a": "x"}', '{"b" : 1}',
  '{1,2,NULL}', '{"a b","c\"d",NULL,"",e}', 'ab', 'hello', 'happy', '10.0.0.1/8', B'1010', 'typed'),
 (2, -1, 'NaN', -0.005, 'NaN', 'Infinity', E'two\nlines\tand tab \\ back', false, '',
  'infinity', '-infinity', '1999-12-31 23:59:59.999999', '-1 days +02:00', NULL, '[]', 'null',
  '{}', '{}', 'abcde', '', 'sad', '::1', B'0000', 'pg_class'),
 (3, 0, '1e-20', 12345678.99, '-Infinity', '-0', 'üñí €😀 "quoted"', NULL, NULL,
  '0044-03-15 BC', '1970-01-01 00:00:00+00', NULL, '0', NULL, '{"k": 1e100}', NULL,
  '{{1,2},{3,4}}', '{NULL}', NULL, NULL, NULL, NULL, NULL, NULL),
 (4, NULL, 1e300, NULL, 1e300, 3.4e38, '', NULL, NULL, NULL, '2038-01-19 03:14:07.5-08', NULL,
  '178000000 years', NULL, '1.0', '1.0', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
 (5, NULL, NULL, NULL, 2.2250738585072014e-308, 1.17549435e-38, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
"""


@pytest.fixture(scope="module")
def remote(pg: Cluster) -> Cluster:
    return remote_database(pg, REMOTE_DB, TYPED_TABLE)


@pytest.fixture
def cache(remote: Cluster) -> Iterator[ConnectionCache]:
    cache = ConnectionCache(catalog(server_sql(remote, dbname=REMOTE_DB)
                                    + "CREATE USER MAPPING FOR public SERVER s"
                                    " OPTIONS (user 'postgres');"), USER)
    yield cache
    cache.close_all()


@pytest.fixture
def conn(cache: ConnectionCache) -> RemoteConnection:
    return cache.get("s")


def test_columns_are_described_before_any_row_even_for_an_empty_result(
        conn: RemoteConnection) -> None:
    result = conn.stream("SELECT id, n2, vc, ts, ia, m, ta AS \"Odd Name\" FROM public.typed "
                         "WHERE false")
    assert result.columns == [
        RemoteColumn("id", 23, -1, "integer"),
        RemoteColumn("n2", 1700, (10 << 16 | 2) + 4, "numeric(10,2)"),
        RemoteColumn("vc", 1043, 14, "character varying(10)"),
        RemoteColumn("ts", 1184, -1, "timestamp with time zone"),
        RemoteColumn("ia", 1007, -1, "integer[]"),
        RemoteColumn("m", result.columns[5].type_oid, -1, "public.mood"),
        RemoteColumn("Odd Name", 1009, -1, "text[]"),
    ]
    assert list(result) == [] and result.status == "SELECT 0"


def test_values_are_byte_identical_to_what_psql_prints(conn: RemoteConnection,
                                                       remote: Cluster) -> None:
    query = "SELECT * FROM public.typed ORDER BY id"
    out = remote.psql(f"{PINNED}\n{query};\n", REMOTE_DB, "-q", "-A", "-t", "-F", "\x1f",
                      "-R", "\x1e", "-P", "null=<NULL>", check=True).stdout
    expected = [tuple(None if v == "<NULL>" else v for v in rec.split("\x1f"))
                for rec in out.rstrip("\n").split("\x1e")]
    got = list(conn.stream(query))
    assert len(got) == 5 and got == expected
    assert got[1][6] == "two\nlines\tand tab \\ back" and got[0][8] == "\\x00ff41"
    assert got[1][4] == "NaN" and got[2][4] == "-Infinity" and got[0][4] == "0.1"


def test_rows_come_in_fetch_size_chunks_and_end_with_the_command_tag(
        conn: RemoteConnection) -> None:
    result = conn.stream("SELECT g FROM generate_series(1, 2500) g", fetch_size=1000)
    sizes = [len(chunk) for chunk in result.chunks()]
    assert sizes == [1000, 1000, 500] and result.status == "SELECT 2500"
    assert [len(c) for c in conn.stream("SELECT 1", fetch_size=1).chunks()] == [1]


def test_fetch_size_comes_from_the_table_then_the_server_then_the_default() -> None:
    assert fetch_size_option([("fetch_size", "50")], [("fetch_size", "70")]) == 50
    assert fetch_size_option([("table_name", "t")], [("fetch_size", "70")]) == 70
    assert fetch_size_option([], []) == DEFAULT_FETCH_SIZE


def test_memory_stays_bounded_while_rows_are_read_lazily(conn: RemoteConnection) -> None:
    query = "SELECT g, repeat('x', 40) || g FROM generate_series(1, 200000) g"
    tracemalloc.start()
    try:
        count = sum(1 for _ in conn.stream(query))
        _, streaming_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        rows = list(conn.stream(query))
        _, materialised_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == len(rows) == 200000
    assert streaming_peak < 2_000_000 and streaming_peak * 20 < materialised_peak


def test_parameters_are_sent_separately_from_the_sql(conn: RemoteConnection) -> None:
    rows = list(conn.stream("SELECT $1::int + 1, $2, $3::text IS NULL, $4::numeric * 2, $5::date",
                            [41, "it's; DROP TABLE x --", None, Decimal("1.25"), date(2024, 1, 2)]))
    assert rows == [("42", "it's; DROP TABLE x --", "t", "2.50", "2024-01-02")]
    assert conn.execute("SELECT $1::int", [7]) == "SELECT 1"


def test_statements_without_rows(conn: RemoteConnection) -> None:
    result = conn.stream("SET LOCAL work_mem = '8MB'")
    assert result.columns == [] and list(result) == [] and result.status == "SET"


def test_an_error_after_some_rows_is_raised_where_the_reader_reaches_it(
        conn: RemoteConnection, cache: ConnectionCache) -> None:
    sql = "SELECT 10 / (5000 - g) FROM generate_series(1, 10000) g"
    seen = 0
    with pytest.raises(FdwshError) as info:
        for _ in conn.stream(sql, fetch_size=100):
            seen += 1
    assert seen == 4900  # whole chunks only: libpq drops the chunk an error interrupts
    err = info.value
    assert (err.sqlstate, err.message, err.context) == (
        "22012", "division by zero", f"remote SQL command: {sql}")
    cache.end_of_statement(ok=False)
    assert list(conn.stream("SELECT 1")) == [("1",)]


def test_closing_early_cancels_the_rest_and_the_statement_goes_on(
        conn: RemoteConnection, cache: ConnectionCache) -> None:
    started = time.monotonic()
    with conn.stream("SELECT generate_series(1, 100000000)", fetch_size=10) as result:
        first = next(iter(result))
    assert first == ("1",) and time.monotonic() - started < 5
    assert list(conn.stream("SELECT 2")) == [("2",)]  # same statement, same connection
    cache.end_of_statement(ok=True)
    assert list(conn.stream("SELECT 3")) == [("3",)]


def test_a_second_query_on_the_connection_buffers_the_first(conn: RemoteConnection) -> None:
    first = conn.stream("SELECT g FROM generate_series(1, 3000) g", fetch_size=1000)
    chunks = first.chunks()
    assert len(next(chunks)) == 1000
    assert list(conn.stream("SELECT 'other'")) == [("other",)]
    rest = [row for chunk in chunks for row in chunk]
    assert len(rest) == 2000 and rest[-1] == ("3000",) and first.status == "SELECT 3000"


def test_interrupted_consumer_then_end_of_statement_leaves_the_connection_usable(
        conn: RemoteConnection, cache: ConnectionCache) -> None:
    with pytest.raises(KeyboardInterrupt):
        for _ in conn.stream("SELECT generate_series(1, 100000000)"):
            raise KeyboardInterrupt  # Ctrl-C while the printer holds a row
    cache.end_of_statement(ok=False)
    assert conn.xact_depth == 0 and not conn.busy
    assert list(conn.stream("SELECT 'still here'")) == [("still here",)]


def test_remote_notices_are_not_printed_but_can_be_observed(
        conn: RemoteConnection, capfd: pytest.CaptureFixture[str]) -> None:
    sql = "DO $$BEGIN RAISE WARNING 'careful' USING DETAIL = 'd'; END$$"
    conn.execute(sql)
    assert capfd.readouterr() == ("", "")
    seen: list[Notice] = []
    conn.on_notice = seen.append
    conn.execute(sql)
    assert seen == [Notice("careful", severity="WARNING", detail="d")]
