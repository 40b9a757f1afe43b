"""The executor's fast paths give PostgreSQL's answers: hash-join keys read from column
slots (one key or several, NULL keys, cross-type integer keys, numeric keys equal at different
scales, keys that are expressions on one side only), the filter-free inner probe, aggregate
calls stepped through specialised closures (strict with NULL inputs, count(*), expression
arguments, FILTER and DISTINCT left to the general path) and grouping keys that hash as they
are.  Each query runs in fdwsh's local executor and in PostgreSQL."""

from __future__ import annotations

import pytest

from tests.local_eval import conn, same_as_postgres  # noqa: F401

L = "(VALUES (1, 10::numeric(4,1), 'a'), (2, NULL, 'b'), (NULL, 3, 'c'), (2, 4, 'b'), " \
    "(3, 5.5, NULL)) AS l(k, v, t)"
R = "(VALUES (1::bigint, 'x', 1.00), (2, 'y', 2.0), (2, 'z', NULL), (NULL, 'n', 3), " \
    "(4, 'w', 4)) AS r(k, s, n)"

JOINS = [
    # one integer key, int4 = int8 across the sides, NULL keys never match
    f"SELECT l.k, l.t, r.s FROM {L} JOIN {R} ON l.k = r.k ORDER BY 1, 2, 3",
    # the same build side on the left (the join is symmetric)
    f"SELECT r.s, l.t FROM {R} JOIN {L} ON r.k = l.k ORDER BY 1, 2",
    # two keys: text and integer
    f"SELECT l.k, r.s FROM {L} JOIN {R} ON l.k = r.k AND l.t = CASE r.s WHEN 'x' THEN 'a' "
    "ELSE 'b' END ORDER BY 1, 2",
    # numeric keys equal at different scales (10.0 = 10, 1.00 = 1)
    f"SELECT l.v, r.n FROM {L} JOIN {R} ON l.v = r.n * 10 OR false ORDER BY 1",
    f"SELECT l.k, r.n FROM {L} JOIN {R} ON l.k::numeric = r.n ORDER BY 1, 2",
    # a key that is an expression on one side, a column on the other
    f"SELECT l.k, r.s FROM {L} JOIN {R} ON l.k + 1 = r.k ORDER BY 1, 2",
    # a join filter besides the key: the general probe
    f"SELECT l.k, r.s FROM {L} JOIN {R} ON l.k = r.k AND r.s <> 'z' ORDER BY 1, 2",
    # outer joins keep their unmatched rows
    f"SELECT l.k, r.s FROM {L} LEFT JOIN {R} ON l.k = r.k ORDER BY 1, 2",
    f"SELECT l.k, r.s FROM {L} FULL JOIN {R} ON l.k = r.k ORDER BY 1, 2",
    # an empty side
    f"SELECT l.k FROM {L} JOIN (SELECT * FROM {R} WHERE false) e ON e.k = l.k",
]

AGGREGATES = [
    # strict aggregates skip NULLs; count(*) counts every row; one grouping column
    f"SELECT t, count(*), count(v), sum(v), avg(v), min(k), max(k) FROM {L} GROUP BY t "
    "ORDER BY t",
    # an expression argument, a grouping expression
    f"SELECT k % 2 AS odd, sum(k * 2), count(v + 1) FROM {L} GROUP BY 1 ORDER BY 1",
    # FILTER and DISTINCT take the general path
    f"SELECT t, count(*) FILTER (WHERE k > 1), count(DISTINCT k), string_agg(t, ',' "
    f"ORDER BY k) FROM {L} GROUP BY t ORDER BY t",
    # numeric grouping keys equal at different scales form one group
    "SELECT n, count(*) FROM (VALUES (1.0), (1.00), (2), (NULL)) AS g(n) GROUP BY n "
    "ORDER BY n",
    # two grouping columns, one of them text, NULLs one group
    f"SELECT t, k, count(*) FROM {L} GROUP BY t, k ORDER BY t, k",
    # grouping sets: a set of some of the columns
    f"SELECT t, k, count(*) FROM {L} GROUP BY GROUPING SETS ((t), (t, k), ()) "
    "ORDER BY t, k",
    # a join feeding an aggregate (the cross-server benchmark's shape)
    f"SELECT r.s, count(*), sum(l.v), avg(l.v) FROM {L} JOIN {R} ON l.k = r.k "
    "GROUP BY r.s ORDER BY r.s",
    # integer overflow of sum(bigint) is numeric, of sum(int) bigint
    "SELECT sum(x), sum(x::bigint) FROM (VALUES (2147483647), (2147483647)) AS s(x)",
]


@pytest.mark.parametrize("sql", JOINS)
def test_hash_join_fast_paths_match_postgres(conn, sql: str) -> None:  # noqa: F811
    same_as_postgres(conn, sql)


@pytest.mark.parametrize("sql", AGGREGATES)
def test_aggregate_fast_paths_match_postgres(conn, sql: str) -> None:  # noqa: F811
    same_as_postgres(conn, sql)
