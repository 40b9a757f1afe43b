"""Remote SQL is the query's own AST with each foreign table swapped for a subquery that maps
declared columns to remote ones; and what may not be shipped is named."""

from __future__ import annotations

import pytest
from pglast import parse_sql

from fdwsh.catalog.model import ForeignColumn, ForeignTable
from fdwsh.errors import FdwshError
from fdwsh.plan.shippable import unshippable_reasons
from fdwsh.remote.deparse import remote_sql
from fdwsh.sql.bind import bind_relations

FT1 = ForeignTable(
    id=1, schema="public", name="ft1", server_id=1, server="loopback", remote_schema="S 1",
    remote_name="T 1",
    columns=(ForeignColumn("c1", "integer", True, None, "C 1"),
             ForeignColumn("c2", "text", False, None, "c2")),
    options=(), server_options=(),
)


def lookup(rv):
    if rv.relname != "ft1":
        raise FdwshError(f'relation "{rv.relname}" does not exist')
    return FT1


def deparse(sql: str) -> str:
    return remote_sql(bind_relations(parse_sql(sql)[0].stmt, lookup))


def test_table_becomes_a_subquery_with_renamed_columns_and_a_qualified_name():
    assert deparse("SELECT * FROM ft1") == (
        'SELECT * FROM (SELECT "C 1" AS c1, c2 FROM "S 1"."T 1") AS ft1')


def test_alias_and_column_aliases_are_kept():
    assert deparse("SELECT t.a FROM ft1 AS t(a, b) WHERE t.b = 'x'") == (
        "SELECT t.a FROM (SELECT \"C 1\" AS c1, c2 FROM \"S 1\".\"T 1\") AS t (a, b)"
        " WHERE t.b = 'x'")


def test_literals_are_escaped_by_the_deparser():
    assert deparse("SELECT c1 FROM ft1 WHERE c2 = 'it''s; DROP TABLE x'").endswith(
        "WHERE c2 = 'it''s; DROP TABLE x'")


def test_cte_names_are_not_tables():
    sql = deparse("WITH w AS (SELECT c1 FROM ft1) SELECT * FROM w")
    assert sql == ('WITH w AS (SELECT c1 FROM (SELECT "C 1" AS c1, c2 FROM "S 1"."T 1") AS ft1)'
                   " SELECT * FROM w")


def test_every_reference_is_replaced_in_subqueries_and_joins():
    sql = deparse("SELECT a.c1 FROM ft1 a JOIN ft1 b USING (c1) WHERE a.c1 IN (SELECT c1 FROM ft1)")
    assert sql.count('FROM "S 1"."T 1"') == 3


def test_unknown_relation_is_an_error():
    with pytest.raises(FdwshError, match='relation "nosuch" does not exist'):
        deparse("SELECT * FROM nosuch")


@pytest.mark.parametrize("sql, reasons", [
    ("SELECT upper(c2), count(*), length(c2) FROM ft1 GROUP BY 1, 3", []),
    ("SELECT * FROM ft1 WHERE random() < 0.5", ["random() is volatile"]),
    ("SELECT now(), current_date FROM ft1",
     ["now() is stable", "CURRENT_DATE depends on the session"]),
    ("SELECT date_trunc('day', c2::timestamptz) FROM ft1",
     ["date_trunc() is not immutable for every argument type"]),
    ("SELECT myfunc(c1) FROM ft1", ["myfunc() is not a built-in function"]),
    ("SELECT c2 COLLATE \"C\" FROM ft1", ["COLLATE clauses are not sent to remote servers"]),
])
def test_shippability_follows_postgres_fdw(sql, reasons):
    assert unshippable_reasons(parse_sql(sql)[0].stmt) == reasons


def test_only_the_columns_the_query_names_are_fetched():
    assert deparse("SELECT c2 FROM ft1 WHERE c2 <> ''") == (
        "SELECT c2 FROM (SELECT c2 FROM \"S 1\".\"T 1\") AS ft1 WHERE c2 <> ''")


def test_a_query_naming_no_column_fetches_none():
    assert deparse("SELECT count(*) FROM ft1") == (
        'SELECT count(*) FROM (SELECT FROM "S 1"."T 1") AS ft1')


def test_whole_row_references_and_alias_column_lists_fetch_every_column():
    for sql in ("SELECT row_to_json(t) FROM ft1 t", "SELECT t.* FROM ft1 t",
                "SELECT a FROM ft1 AS t(a, b)"):
        assert '"C 1" AS c1, c2' in deparse(sql), sql


def test_ctid_is_fetched_from_the_remote_row_when_named():
    assert deparse("SELECT ctid, c2 FROM ft1") == (
        'SELECT ctid, c2 FROM (SELECT c2, ctid FROM "S 1"."T 1") AS ft1')
