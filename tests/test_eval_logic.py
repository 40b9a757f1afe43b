"""Generated conditional expressions against PostgreSQL 15: three-valued AND/OR/NOT, IS
[NOT] DISTINCT FROM, IN lists with NULLs, BETWEEN [SYMMETRIC], CASE, COALESCE, NULLIF and
GREATEST/LEAST over integers and NULLs, and VALUES lists ordered with NULLS FIRST/LAST."""

from __future__ import annotations


import psycopg
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.local_eval import conn, same_as_postgres  # noqa: F401

INT = st.one_of(st.integers(min_value=-3, max_value=3).map(str), st.just("NULL::int"))
BOOL = st.sampled_from(["true", "false", "NULL::boolean"])


def predicates() -> st.SearchStrategy[str]:
    leaf = st.one_of(
        BOOL,
        st.tuples(INT, st.sampled_from(["=", "<>", "<", ">="]), INT).map(" ".join),
        st.tuples(INT, INT).map(lambda t: f"{t[0]} IS DISTINCT FROM {t[1]}"),
        st.tuples(INT, st.lists(INT, min_size=1, max_size=3)).map(
            lambda t: f"{t[0]} IN ({', '.join(t[1])})"),
        st.tuples(INT, st.lists(INT, min_size=1, max_size=3)).map(
            lambda t: f"{t[0]} NOT IN ({', '.join(t[1])})"),
        st.tuples(INT, INT, INT).map(lambda t: f"{t[0]} BETWEEN {t[1]} AND {t[2]}"),
        st.tuples(INT, INT, INT).map(lambda t: f"{t[0]} NOT BETWEEN SYMMETRIC {t[1]} AND {t[2]}"),
    )
    return st.recursive(leaf, lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from(["AND", "OR"]), inner).map(lambda t: f"({' '.join(t)})"),
        inner.map(lambda e: f"NOT ({e})"),
        inner.map(lambda e: f"({e}) IS UNKNOWN"),
    ), max_leaves=6)


def values() -> st.SearchStrategy[str]:
    return st.recursive(INT, lambda inner: st.one_of(
        st.tuples(predicates(), inner, inner).map(
            lambda t: f"CASE WHEN {t[0]} THEN {t[1]} ELSE {t[2]} END"),
        st.lists(inner, min_size=1, max_size=3).map(lambda xs: f"COALESCE({', '.join(xs)})"),
        st.tuples(inner, inner).map(lambda t: f"NULLIF({t[0]}, {t[1]})"),
        st.lists(inner, min_size=1, max_size=3).map(lambda xs: f"GREATEST({', '.join(xs)})"),
        st.lists(inner, min_size=1, max_size=3).map(lambda xs: f"LEAST({', '.join(xs)})"),
        st.tuples(inner, inner).map(lambda t: f"({t[0]} + {t[1]})"),
    ), max_leaves=5)




@settings(max_examples=250, deadline=None)
@given(p=predicates())
def test_predicates(conn: psycopg.Connection, p: str) -> None:
    same_as_postgres(conn, f"SELECT {p}")


@settings(max_examples=200, deadline=None)
@given(v=values())
def test_conditional_values(conn: psycopg.Connection, v: str) -> None:
    same_as_postgres(conn, f"SELECT {v}")


@settings(max_examples=80, deadline=None)
@given(rows=st.lists(st.tuples(INT, INT), min_size=1, max_size=6),
       order=st.sampled_from(["1", "1 DESC", "1 NULLS FIRST", "2 DESC NULLS LAST, 1",
                              "column2, column1 DESC"]))
def test_values_ordering(conn: psycopg.Connection, rows: list[tuple[str, str]], order: str
                         ) -> None:
    body = ", ".join(f"({a}, {b})" for a, b in rows)
    sql = f"SELECT * FROM (VALUES {body}) v ORDER BY {order}, column1, column2"
    same_as_postgres(conn, sql)
