"""Eager aggregation, read from EXPLAIN: where an aggregate sits above a join across servers,
the aggregated table is grouped per join key on its own server first (fdwsh.plan.eager_agg),
and only where that gives PostgreSQL's result.  The results themselves are compared with
psql + postgres_fdw in tests/oracle/queries/eager_aggregation.sql and eager_errors.sql.

The bed: ``orders`` (400 rows, 65 distinct customer_id values with NULL) on server
``loopback``, ``s2.customers`` / ``s2.regions`` on ``loopback2``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.remote_bed import QueryBed, query_bed  # noqa: F401  (fixture)
from tests.test_pushdown import fdwsh_batch, remote_rows

EXPLAIN = "EXPLAIN (VERBOSE, COSTS OFF) "
JOIN = "FROM orders o JOIN s2.customers c ON c.id = o.customer_id"
PARTIAL = re.compile(r"^  Eager Aggregation: (.*)$", re.MULTILINE)


def plan(bed: QueryBed, sql: str, *settings: str) -> str:
    """The query's EXPLAIN (VERBOSE, COSTS OFF), under ``-v NAME=VALUE`` settings."""
    args = [arg for setting in settings for arg in ("-v", setting)]
    return bed.fdwsh(*args, "-A", "-t", "-c", EXPLAIN + sql).stdout


def eager_note(bed: QueryBed, sql: str, *settings: str) -> str | None:
    """The ``Eager Aggregation:`` line of the query's plan (None: not used)."""
    found = PARTIAL.search(plan(bed, sql, *settings))
    return found.group(1) if found else None


def remote_sqls(text: str) -> list[str]:
    return re.findall(r"Remote SQL: (.*)$", text, re.MULTILINE)


def partial_sql(text: str) -> str:
    """The Remote SQL of the plan's partial query (the one with a GROUP BY)."""
    (found,) = {sql for sql in remote_sqls(text) if " GROUP BY " in sql}
    return found


def test_orders_are_grouped_by_the_join_key_before_the_join(query_bed: QueryBed
                                                             ) -> None:  # noqa: F811
    sql = f"SELECT c.region_id, count(*), sum(o.amount), avg(o.qty) {JOIN} GROUP BY 1"
    text = plan(query_bed, sql)
    assert PARTIAL.search(text).group(1) == (
        'public.orders o grouped by o.customer_id on server "loopback" before the join: '
        "count(*), sum(o.amount), avg(o.qty)")
    partial = partial_sql(text)
    assert partial == (
        "SELECT o.customer_id, count(*) AS pcount_1, sum(o.amount) AS psum_2, sum(o.qty) AS "
        "psum_3, count(o.qty) AS pcount_4 FROM (SELECT customer_id, amount, qty FROM "
        "public.orders) AS o GROUP BY o.customer_id")
    assert "SELECT id, region_id FROM public.customers" in remote_sqls(text)
    # the Remote SQL is true: one row per customer_id (NULL too) travels instead of 400
    keys = remote_rows(query_bed, "SELECT count(*) FROM (SELECT DISTINCT customer_id "
                                  "FROM public.orders) k")
    assert remote_rows(query_bed, f"SELECT count(*) FROM ({partial}) p") == keys == "65\n"


def test_explain_analyze_counts_the_partial_rows_fetched(query_bed: QueryBed
                                                         ) -> None:  # noqa: F811
    (text,) = fdwsh_batch(query_bed, [
        "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) "
        f"SELECT c.region_id, sum(o.amount) {JOIN} GROUP BY 1"])
    assert "  Eager Aggregation: public.orders o grouped by o.customer_id" in text
    assert "->  Foreign Scan (actual rows=65 loops=1)" in [  # below its Subquery Scan
        line.strip() for line in text.splitlines()]


def test_shared_partials_and_partial_group_keys(query_bed: QueryBed) -> None:  # noqa: F811
    """avg and sum of one column share the partial sum; orders' columns read outside the
    aggregates (GROUP BY, conditions across both tables) join the partial GROUP BY, and
    conditions on orders alone (ON, WHERE) are applied before grouping."""
    sql = (f"SELECT o.status, sum(o.amount), avg(o.amount) {JOIN} AND o.qty > 3 "
           "WHERE o.note IS NULL AND o.id > c.id GROUP BY o.status")
    partial = partial_sql(plan(query_bed, sql))
    assert partial == (
        "SELECT o.id, o.customer_id, o.status, sum(o.amount) AS psum_1, count(o.amount) AS "
        "pcount_2 FROM (SELECT id, customer_id, amount, qty, status, note FROM public.orders)"
        " AS o WHERE o.qty > 3 AND o.note IS NULL GROUP BY o.id, o.customer_id, o.status")


def test_filters_go_into_the_partial_aggregates(query_bed: QueryBed) -> None:  # noqa: F811
    sql = f"SELECT c.region_id, count(*) FILTER (WHERE o.status = 'paid') {JOIN} GROUP BY 1"
    partial = partial_sql(plan(query_bed, sql))
    assert "count(*) FILTER (WHERE o.status = 'paid') AS pcount_1" in partial


@pytest.mark.parametrize("sql", [
    f"SELECT c.region_id, count(DISTINCT o.status) {JOIN} GROUP BY 1",
    f"SELECT c.region_id, sum(o.amount), string_agg(o.status, ',') {JOIN} GROUP BY 1",
    f"SELECT c.region_id, sum(o.amount) {JOIN} GROUP BY 1 HAVING max(o.status) > 'a'",
    f"SELECT c.region_id, sum(o.amount * 2) {JOIN} GROUP BY 1",
    f"SELECT c.region_id, sum(o.qty * c.id) {JOIN} GROUP BY 1",
    f"SELECT c.region_id, sum(o.qty), count(c.email) {JOIN} GROUP BY 1",
    f"SELECT c.region_id, sum(o.qty) FILTER (WHERE c.id > 3) {JOIN} GROUP BY 1",
    f"SELECT count(*) {JOIN}",  # nothing of orders is aggregated: no table to choose
    "SELECT c.region_id, sum(o.amount) FROM s2.customers c LEFT JOIN orders o "
    "ON o.customer_id = c.id GROUP BY 1",
    "SELECT c.region_id, sum(o.amount) FROM orders o LEFT JOIN s2.customers c "
    "ON c.id = o.customer_id GROUP BY 1",
    "SELECT u.c_bool, sum(t.c_double) FROM ft_types t JOIN s2.ft_types u ON u.id = t.id "
    "GROUP BY 1",
    "SELECT u.c_bool, max(t.c_text) FROM ft_types t JOIN s2.ft_types u ON u.id = t.id "
    "GROUP BY 1",
    f"SELECT c.region_id, sum(o.amount), row_number() OVER () {JOIN} GROUP BY 1",
    f"SELECT c.region_id, sum(o.amount) {JOIN} GROUP BY ROLLUP (c.region_id)",
    f"SELECT c.region_id, sum(o.amount), (SELECT 1) {JOIN} GROUP BY 1",
    # a filtered partner among three tables: dynamic filtering sends its keys instead
    f"SELECT r.name, sum(o.amount) {JOIN} JOIN s2.regions r ON r.id = c.region_id "
    "WHERE c.email IS NULL GROUP BY 1",
    # grouped by values that may be equal but print differently (-0 / 0, 1.0 / 1.00, ...)
    "SELECT t.c_double, sum(t.c_int4) FROM ft_types t JOIN s2.ft_types u ON u.id = t.id "
    "GROUP BY 1",
    "SELECT t.c_num, sum(t.c_int4) FROM ft_types t JOIN s2.ft_types u ON u.id = t.id "
    "GROUP BY 1",
    "SELECT u.c_bool, sum(t.c_int4) FROM ft_types t JOIN s2.ft_types u ON u.id = t.id "
    "AND t.c_interval IS NOT NULL AND t.c_interval < u.c_interval GROUP BY 1",
    # a remote text column declared integer: postgres_fdw's conversion error must come
    "SELECT u.id, sum(m.val) FROM ft_mismatch m JOIN s2.ft_types u ON u.id = m.id GROUP BY 1",
])
def test_not_used_where_the_result_could_differ(query_bed: QueryBed, sql: str
                                                ) -> None:  # noqa: F811
    assert eager_note(query_bed, sql) is None


def test_a_filtered_partners_keys_filter_the_partial_query(query_bed: QueryBed
                                                           ) -> None:  # noqa: F811
    """The partner goes first; its distinct keys restrict the partial aggregation (EXPLAIN
    ANALYZE counts them and shows the query sent with them)."""
    sql = f"SELECT c.region_id, sum(o.amount) {JOIN} WHERE c.email IS NULL GROUP BY 1"
    text = plan(query_bed, sql)
    assert "    Dynamic Filter: o.customer_id = ANY (keys of c.id)\n" in text
    assert "SELECT id, region_id FROM public.customers AS c WHERE c.email IS NULL" \
        in remote_sqls(text)
    (analyzed,) = fdwsh_batch(query_bed, [
        "EXPLAIN (ANALYZE, VERBOSE, COSTS OFF, TIMING OFF, SUMMARY OFF) " + sql])
    keys = remote_rows(query_bed, "SELECT count(*) FROM public.customers WHERE email IS NULL")
    assert f"    Dynamic Filter: o.customer_id = ANY (keys of c.id) ({keys.strip()} keys)" \
        in analyzed
    sent = partial_sql(analyzed)
    assert "WHERE o.customer_id = ANY(CAST('{" in sent and "}' AS integer[]))" in sent
    groups = remote_rows(query_bed, f"SELECT count(*) FROM ({sent}) p")
    assert f"  ->  Foreign Scan (actual rows={groups.strip()} loops=1)" in analyzed


def test_a_filtered_partner_is_aggregated_against_when_dynamic_filtering_is_off(
        query_bed: QueryBed) -> None:  # noqa: F811
    sql = f"SELECT c.region_id, sum(o.amount) {JOIN} WHERE c.email IS NULL GROUP BY 1"
    text = plan(query_bed, sql, "DYNAMIC_FILTER_LIMIT=0")
    assert PARTIAL.search(text) is not None and "Dynamic Filter" not in text


def test_grouped_by_a_fixed_scale_numeric(query_bed: QueryBed) -> None:  # noqa: F811
    sql = ("SELECT t.c_num2, sum(t.c_int4), count(*) FROM ft_types t JOIN s2.ft_types u "
           "ON u.id = t.id GROUP BY 1")
    assert eager_note(query_bed, sql) == (
        'public.ft_types t grouped by t.id, t.c_num2 on server "loopback" before the join: '
        "sum(t.c_int4), count(*)")


def test_eager_aggregation_can_be_switched_off(query_bed: QueryBed) -> None:  # noqa: F811
    sql = f"SELECT c.region_id, sum(o.amount) {JOIN} GROUP BY 1"
    assert eager_note(query_bed, sql) is not None
    assert eager_note(query_bed, sql, "EAGER_AGGREGATION=off") is None


def test_a_join_of_one_server_is_sent_whole_instead(query_bed: QueryBed) -> None:  # noqa: F811
    sql = ("SELECT c.region_id, sum(o.amount) FROM orders o JOIN customers c "
           "ON c.id = o.customer_id GROUP BY 1")
    text = plan(query_bed, sql)
    assert not text.startswith("Local Execution") and "Eager" not in text


def test_declared_typmod_other_than_the_remote_one_is_not_aggregated_remotely(
        query_bed: QueryBed, tmp_path: Path) -> None:  # noqa: F811
    """postgres_fdw rounds each remote numeric(10,2) value to a declared numeric(10,1)
    before summing; a remote sum would add the unrounded values."""
    catalog = private_catalog(query_bed, tmp_path)
    ddl = ("CREATE FOREIGN TABLE orders_1 (id int, customer_id int, amount numeric(10,1)) "
           "SERVER loopback OPTIONS (table_name 'orders')")
    query = ("SELECT c.region_id, sum(o.amount) FROM orders_1 o JOIN s2.customers c "
             "ON c.id = o.customer_id GROUP BY 1 ORDER BY 1")
    explain, rows = fdwsh_batch(query_bed, [ddl, EXPLAIN + query, query], catalog)[1:]
    assert "Eager" not in explain
    expected = remote_rows(query_bed, query.replace("orders_1 o", "public.orders o").replace(
        "sum(o.amount)", "sum(round(o.amount, 1))").replace("s2.customers", "public.customers"))
    assert rows == expected


def test_a_remote_table_gone_fails_as_the_scan_would(query_bed: QueryBed) -> None:  # noqa: F811
    (text,) = fdwsh_batch(query_bed, [
        "SELECT u.c_bool, count(d.id) FROM ft_dropped d JOIN s2.ft_types u ON u.id = d.id "
        "GROUP BY 1"])
    assert text.startswith('fdwsh:<stdin>:1: ERROR:  relation "public.dropped_later" does not exist\n'
                           "CONTEXT:  remote SQL command: SELECT id FROM public.dropped_later")


FAILING = f"SELECT c.region_id, sum(o.amount) {JOIN} GROUP BY 1 ORDER BY 1 LIMIT 1"


def private_catalog(bed: QueryBed, directory: Path) -> Path:
    """A copy of the bed's catalog to change (mode 0600, as fdwsh keeps its catalog)."""
    directory.mkdir(exist_ok=True)
    catalog = bed.catalog_copy(directory)
    catalog.chmod(0o600)
    return catalog


def run(bed: QueryBed, catalog: Path, *commands: str) -> str:
    return bed.fdwsh(*[arg for sql in commands for arg in ("-c", sql)], catalog=catalog).stdout


@pytest.mark.parametrize("server", ["loopback", "loopback2"])
def test_a_server_that_is_down_fails_the_query_and_the_session_goes_on(
        query_bed: QueryBed, tmp_path: Path, server: str) -> None:  # noqa: F811
    from tests.pgcluster import free_port

    catalog = private_catalog(query_bed, tmp_path)
    port = free_port()
    out = run(query_bed, catalog, f"ALTER SERVER {server} OPTIONS (SET port '{port}')",
              FAILING, "SELECT 1 AS one")
    assert out.startswith(f'ALTER SERVER\nERROR:  could not connect to server "{server}"\n'
                          f'DETAIL:  connection to server at "127.0.0.1", port {port} failed: '
                          "Connection refused\n")
    assert out.endswith(" one \n-----\n   1\n(1 row)\n\n")


def test_a_missing_user_mapping_or_role_is_postgresql_s_error(
        query_bed: QueryBed, tmp_path: Path) -> None:  # noqa: F811
    catalog = private_catalog(query_bed, tmp_path)
    out = run(query_bed, catalog, "DROP USER MAPPING FOR CURRENT_USER SERVER loopback", FAILING)
    assert out == 'DROP USER MAPPING\nERROR:  user mapping not found for "postgres"\n'
    catalog = private_catalog(query_bed, tmp_path / "role")
    out = run(query_bed, catalog, "ALTER USER MAPPING FOR CURRENT_USER SERVER loopback "
                                  "OPTIONS (SET user 'no_such_role')", FAILING)
    assert out.startswith('ALTER USER MAPPING\nERROR:  could not connect to server '
                          '"loopback"\nDETAIL:  ') and 'role "no_such_role" does not exist' in out
