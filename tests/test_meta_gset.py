r"""``\gset`` stores a query's one row in variables exactly as psql 15 does (oracle: the same
script through psql and fdwsh; the queries read no foreign table, so fdwsh evaluates them
itself — foreign-table queries reach ``\gset`` through the same Result path)."""

from __future__ import annotations

import pytest

from tests.meta_oracle import same_as_psql

SCRIPTS: dict[str, str] = {
    "columns_become_variables_and_null_unsets": r"""
\set b was_set
SELECT 1 AS a, NULL AS b, 'x y' AS c \gset
\echo :a :b :c
SELECT 2 AS a \gset p_
\echo :p_a :a
SELECT 3 AS a
\gset
\echo :a
SELECT 4 AS a;
\gset q_
\echo :q_a
""",
    "row_count_and_names_that_cannot_be_stored": r"""
SELECT 1 AS a WHERE false \gset
SELECT generate_series(1, 2) AS a \gset
SELECT 5 AS "ON_ERROR_STOP", 3 AS x \gset
\echo :x
SELECT 1 AS "bad name", 2 AS after_bad \gset
\echo :after_bad
SELECT \gset
SET search_path = public \gset
SELECT 1/0 AS z \gset
\echo :z
""",
    "an_error_stops_the_script_with_on_error_stop": r"""
\set ON_ERROR_STOP on
SELECT 1 AS a WHERE false \gset
\echo not reached
""",
}


@pytest.mark.parametrize("name", SCRIPTS)
def test_same_output_as_psql(pg, tmp_path, name):
    same_as_psql(pg, tmp_path, SCRIPTS[name])
