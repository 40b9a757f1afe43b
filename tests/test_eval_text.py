"""Generated string expressions against PostgreSQL 15: string functions, LIKE/ILIKE/SIMILAR
TO/regex matching and comparisons in the C collation over random strings."""

from __future__ import annotations


import psycopg
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.local_eval import conn, same_as_postgres  # noqa: F401

ALPHABET = st.sampled_from(list("abcAB _%-,.xé1\\"))
TEXT = st.text(ALPHABET, max_size=8)
PATTERN = st.text(st.sampled_from(list("ab%_cA\\")), max_size=5)
NUM = st.integers(min_value=-4, max_value=10)


def lit(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"




@settings(max_examples=150, deadline=None)
@given(a=TEXT, b=TEXT, n=NUM, m=NUM)
def test_string_functions(conn: psycopg.Connection, a: str, b: str, n: int, m: int) -> None:
    A, B = lit(a), lit(b)
    same_as_postgres(conn, f"SELECT upper({A}), lower({A}), initcap({A}), length({A}), "
                f"substr({A}, {n}), left({A}, {n}), right({A}, {n}), lpad({A}, {m}, {B}), "
                f"rpad({A}, {m}, {B}), strpos({A}, {B}), replace({A}, {B}, 'X'), "
                f"split_part({A}, ',', {n or 1}), btrim({A}, {B}), ltrim({A}, {B}), "
                f"reverse({A}), repeat({A}, {m}), {A} || {B}, concat_ws({B}, {A}, NULL, {A}),"
                f" translate({A}, {B}, 'xy'), md5({A}), position({B} in {A}), "
                f"starts_with({A}, {B})")


@settings(max_examples=150, deadline=None)
@given(a=TEXT, b=TEXT)
def test_comparisons(conn: psycopg.Connection, a: str, b: str) -> None:
    A, B = lit(a), lit(b)
    same_as_postgres(conn, f"SELECT {A} < {B}, {A} = {B}, {A} >= {B}, greatest({A}, {B}), "
                f"{A}::char(4) = {B}::char(6), {A}::varchar(3), {A}::char(3) || '|'")


@settings(max_examples=200, deadline=None)
@given(a=TEXT, p=PATTERN)
def test_pattern_matching(conn: psycopg.Connection, a: str, p: str) -> None:
    A, P = lit(a), lit(p)
    same_as_postgres(conn, f"SELECT {A} LIKE {P}, {A} ILIKE {P}, {A} NOT LIKE {P} ESCAPE 'a'")
    same_as_postgres(conn, f"SELECT {A} SIMILAR TO {P}")


@pytest.mark.parametrize("sql", [
    "SELECT 'abc' ~ 'a(b|c)', 'abc' ~ '^(ab)+$', 'x1y2' ~ '[0-9]{2}', 'A' ~* '[a-c]'",
    "SELECT regexp_replace('Hello World', '(\\w+) (\\w+)', '\\2 \\1')",
    "SELECT regexp_replace('aaa', 'a', 'b', 'g'), regexp_replace('AbA', 'a', 'x', 'gi')",
    "SELECT regexp_match('key=value', '(\\w+)=(\\w+)'), 'ab' ~ 'a\\yb', 'a b' ~ 'a\\yb'",
    "SELECT 'line1\nline2' ~ '^line2', 'foo.bar' ~ 'o\\.b', 'abc' ~ '[[:upper:]]'",
    "SELECT 'a' LIKE 'a' ESCAPE '', 'a%' LIKE 'a%%' ESCAPE '%'",
    "SELECT 'x' LIKE 'x' ESCAPE 'ab'",
    "SELECT format('%s|%3s|%-3s|%I|%L', 'a', 'b', 'c', 'D', 'e''f'), format('%1$s %1$s', 'z')",
    "SELECT format('%s %s', 'a')", "SELECT format('%x', 1)",
])
def test_regex_and_format(conn: psycopg.Connection, sql: str) -> None:
    same_as_postgres(conn, sql)
