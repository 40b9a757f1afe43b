"""Generated arithmetic against PostgreSQL 15: expression trees over integer, bigint, numeric
and double precision literals with + - * / % and the common math functions; fdwsh's values
(as text) or errors (SQLSTATE, message) must be PostgreSQL's."""

from __future__ import annotations


import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.local_eval import conn, same_as_postgres  # noqa: F401

INTS = st.integers(min_value=-3_000_000_000, max_value=3_000_000_000).map(str)
SMALL = st.integers(min_value=-40000, max_value=40000).map(lambda v: f"{v}::int2"
                                                           if -32768 <= v <= 32767 else str(v))
DECIMALS = st.decimals(min_value=-10**6, max_value=10**6, places=4, allow_nan=False,
                       allow_infinity=False).map(lambda d: f"{d}")
FLOATS = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False).map(lambda f: f"{f!r}::float8")
LEAF = st.one_of(INTS, SMALL, DECIMALS, FLOATS, st.just("0"), st.just("'7'"),
                 st.just("NULL::int"))
OPS = ("+", "-", "*", "/", "%")
FUNCS = ("abs({})", "round({})", "trunc({})", "ceil({})", "floor({})", "sign({})", "-({})")


def exprs() -> st.SearchStrategy[str]:
    return st.recursive(
        LEAF,
        lambda inner: st.one_of(
            st.tuples(inner, st.sampled_from(OPS), inner).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
            st.tuples(st.sampled_from(FUNCS), inner).map(lambda t: t[0].format(t[1])),
        ),
        max_leaves=5,
    )




@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(e=exprs())
def test_generated_arithmetic(conn: psycopg.Connection, e: str) -> None:
    same_as_postgres(conn, f"SELECT {e}")


@settings(max_examples=100, deadline=None)
@given(a=DECIMALS, b=DECIMALS, scale=st.integers(min_value=-3, max_value=6))
def test_numeric_division_and_rounding(conn: psycopg.Connection, a: str, b: str,
                                       scale: int) -> None:
    same_as_postgres(conn, f"SELECT {a}::numeric / {b}, round({a}::numeric, {scale}), "
                f"trunc({b}::numeric, {scale}), {a}::numeric % {b}")


@settings(max_examples=60, deadline=None)
@given(a=st.decimals(min_value=0, max_value=10**8, places=3, allow_nan=False))
def test_numeric_roots_and_logs(conn: psycopg.Connection, a: object) -> None:
    same_as_postgres(conn, f"SELECT sqrt({a}::numeric), ln(({a}::numeric) + 1), exp(({a}::numeric) / "
                f"10000000), ({a}::numeric + 1) ^ 2")


@pytest.mark.parametrize("sql", [
    "SELECT 2147483647::int4 + 1", "SELECT (-32768)::int2 * -1::int2",
    "SELECT 9223372036854775807 * 2", "SELECT (-9223372036854775808)::int8 / -1",
    "SELECT 1e308::float8 * 10", "SELECT 1e-308::float8 / 1e10", "SELECT 0.0::float8 / 0",
    "SELECT 'NaN'::float8 / 0", "SELECT 'Infinity'::numeric / 0", "SELECT 5 % 0.0",
    "SELECT 2::numeric ^ 1000", "SELECT 10::numeric ^ -3", "SELECT 0.5::numeric ^ 2.5",
    "SELECT 9.99::numeric(3,2) * 10", "SELECT 1.99::int2", "SELECT 32767.5::int2",
    "SELECT (-2.5)::float8::int8", "SELECT 1e20::float4::int8",
])
def test_edges(conn: psycopg.Connection, sql: str) -> None:
    same_as_postgres(conn, sql)
