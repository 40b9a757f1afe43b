"""Type resolution against PostgreSQL 15: for each expression, the type PostgreSQL's parser
gives it (``pg_typeof``) or the error it raises (SQLSTATE, message, cursor position) must be
what fdwsh's typecheck gives."""

from __future__ import annotations

from collections.abc import Iterator

import pglast
import psycopg
import pytest

from fdwsh.errors import FdwshError
from fdwsh.pgtypes import format_type
from fdwsh.sql.pstate import ParseState
from fdwsh.sql.typecheck import figure_colname, transform_expr
from tests.local_eval import Outcome, fdwsh_outcome, pg_outcome, text_connection
from tests.pgcluster import Cluster

EXPRESSIONS = """
1 | 2147483648 | 9223372036854775808 | 1.5 | 'a' | NULL | true | 1e5 | -0.0
1 + 1 | 1 + 1.5 | 1 + 1::int8 | 1::int2 + 1::int2 | 1::int2 + 1 | 1.5::float4 + 1
1.5::float4 + 1.5::float8 | 1 + '1' | '1' + 1.5 | 1::float8 + '2' | 2 ^ 2 | 2.0 ^ 2
1 / 2 | 1 % 2 | 5::numeric % 2 | -1 | - 1.5 | @ -1::int8 | |/ 4.0 | 'a' || 'b' | 1 || 'a'
'a' || 1 | 'a'::varchar || 'b' | 'a'::char(3) || 'b' | ARRAY[1] || 2 | ARRAY[1] || ARRAY[2]
1 || ARRAY[2.5] | 'a' = 'b' | 1 < 2.5 | 'a' < 'b'::text | 'a'::name = 'a' | 1 = ANY('{1}')
1 IN (1, 2.5) | 'a' IN ('a', 'b') | 1 BETWEEN 0 AND 2.5 | NULLIF(1, 2.5) | NULLIF('a', 'b')
COALESCE(1, 2.5) | COALESCE(NULL, 'a') | COALESCE(1::int2, 1::int8) | GREATEST(1, 2.5)
CASE WHEN true THEN 1 ELSE 2.5 END | CASE WHEN true THEN 'a' END | CASE 1 WHEN 1.5 THEN 'x' END
ARRAY[1, 2.5] | ARRAY['a'] | ARRAY[ARRAY[1]] | ARRAY[1::int2, 2] | '{1}'::int[]
abs(1) | abs(1.5) | abs(1::int2) | abs('1') | round(1) | round(1.5) | round(1.5, 1)
round('1.5') | length('a') | length('a'::char(3)) | substr('abc', 2) | substr(1234, 2)
upper(1) | concat(1, 'a') | format('%s', 1) | pg_typeof(1) | int4('5') | text(1)
float8(1) | mod(5, 2) | mod(5.5, 2) | power(2, 2) | sqrt(4)
sqrt(4::float4) | exp(1) | ln(2.0) | log(2, 8) | div(5, 2) | ceil(1) | floor(1.5::real)
trunc(1) | sign(-1) | 'a' LIKE 'b' | 'a'::name LIKE 'b' | 'a' ~ 'b' | 'a' SIMILAR TO 'b'
1 + 'a'::text | 'a' + 'b' | - 'a'::text | - '1' | foo(1) | upper(1, 2) | 1::date
'a'::int | 1 = 'x' | ARRAY[1, 'a'] | CASE WHEN true THEN 'a' ELSE 1 END | true + 1
lpad('a', 3) | trim('a') | position('a' in 'b') | 1::bigint / 2 | 5 / 2::int2 | '5'::int2 / 2
1::float4 * 2 | 2 * 1::float4 | 'x' || NULL | NULL || NULL | 1::int8 % 3::int2 | 'a' > NULL
1::oid + 1 | 'NaN'::numeric | 1 IS NULL | NOT true | 1 IS DISTINCT FROM 1.5 | (1::int2) = 1::int8
"""


def expressions() -> Iterator[str]:
    for line in EXPRESSIONS.strip().splitlines():
        for item in line.split(" | "):
            yield item.strip()


@pytest.fixture(scope="module")
def conn(pg: Cluster) -> Iterator[psycopg.Connection]:
    connection = text_connection(pg.dsn())
    yield connection
    connection.close()


def _typeof(conn: psycopg.Connection, expr: str) -> Outcome:
    """PostgreSQL's type of ``expr`` (pg_typeof resolves unknown literals to unknown)."""
    return pg_outcome(conn, f"SELECT pg_typeof({expr})::text, ({expr}) IS NULL")


def _fdwsh_typeof(expr: str) -> Outcome:
    sql = f"SELECT pg_typeof({expr})::text, ({expr}) IS NULL"
    found = fdwsh_outcome(sql)
    if found.error is not None:
        return found
    return Outcome(rows=found.rows)


def test_expression_count() -> None:
    assert len(list(expressions())) >= 120


@pytest.mark.parametrize("expr", list(expressions()))
def test_type_matches_postgres(conn: psycopg.Connection, expr: str) -> None:
    expected = _typeof(conn, expr)
    got = _fdwsh_typeof(expr)
    if expected.error is not None:
        assert got.error == expected.error
    else:
        assert got.rows == expected.rows


@pytest.mark.parametrize("sql, name", [
    ("SELECT 1", "?column?"), ("SELECT 1::int", "int4"), ("SELECT 'a'::varchar(3)", "varchar"),
    ("SELECT upper('a')", "upper"), ("SELECT CASE WHEN true THEN 1 END", "case"),
    ("SELECT CASE WHEN true THEN 1 ELSE abs(1) END", "abs"), ("SELECT COALESCE(1)", "coalesce"),
    ("SELECT GREATEST(1)", "greatest"), ("SELECT NULLIF(1, 1)", "nullif"),
    ("SELECT ARRAY[1]", "array"), ("SELECT (ARRAY[1])[1]", "array"),
    ("SELECT CURRENT_DATE", "current_date"), ("SELECT int4 '5'", "int4"),
    ("SELECT CAST(1 AS numeric(5, 2))", "numeric"), ("SELECT x", "x"),
    ("SELECT upper('a')::text", "upper"), ("SELECT 1 + 1", "?column?"),
])
def test_figure_colname(sql: str, name: str) -> None:
    assert figure_colname(pglast.parse_sql(sql)[0].stmt.targetList[0].val) == name


def test_literals_are_unknown_until_context_decides() -> None:
    ps = ParseState()
    node = pglast.parse_sql("SELECT 'abc'")[0].stmt.targetList[0].val
    assert format_type(transform_expr(ps, node).type) == "unknown"


def test_column_reference_without_from() -> None:
    ps = ParseState()
    node = pglast.parse_sql("SELECT x")[0].stmt.targetList[0].val
    with pytest.raises(FdwshError) as info:
        transform_expr(ps, node)
    assert info.value.message == 'column "x" does not exist'
    assert info.value.position == 8


def test_unsupported_function_is_named() -> None:
    found = fdwsh_outcome("SELECT json_agg(1)")
    assert found.error == ("0A000", "function json_agg(integer) is not supported locally", 8)
