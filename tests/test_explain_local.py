"""EXPLAIN of a query fdwsh runs itself shows its local operators as PostgreSQL prints plan
nodes (Hash Join + Hash Cond + Hash, Nested Loop + Join Filter, HashAggregate + Group Key,
Aggregate, Sort + Sort Key, Limit, Unique, WindowAgg, Filter) with the remote scans as leaves;
ANALYZE adds ``(actual time=… rows=N loops=1)`` (rows only with TIMING OFF) and, for hash
tables and sorts, their memory and, once spilled, their disk use.

The bed's orders live on server loopback, customers (s2) on loopback2: a join of both runs
locally.  Expressions are compared with PostgreSQL's own EXPLAIN of the same query over
local tables (the oracle database holds none, so a module database is made)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from tests.remote_bed import QueryBed, query_bed  # noqa: F401  (the fixture)
from tests.test_pushdown import fdwsh_batch

COSTS_OFF = "EXPLAIN (COSTS OFF) "
ANALYZE = "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) "
JOIN = "FROM orders o JOIN s2.customers c ON c.id = o.customer_id"


def plan(bed: QueryBed, sql: str, *settings: str) -> list[str]:
    args = [arg for setting in settings for arg in ("-v", setting)]
    return bed.fdwsh(*args, "-At", "-c", sql).stdout.splitlines()


@pytest.mark.parametrize("sql, expected", [
    (f"SELECT o.id, c.name {JOIN}", [
        "Local Execution",
        "  ->  Hash Join",
        "        Hash Cond: (o.customer_id = c.id)",
        "        ->  Foreign Scan on orders o",
        "        ->  Hash",
        "              ->  Foreign Scan on customers c"]),
    ("SELECT o.id, c.name FROM orders o LEFT JOIN s2.customers c ON c.id = o.customer_id "
     "AND c.name <> o.status", [
        "Local Execution",
        "  ->  Hash Left Join",
        "        Hash Cond: (o.customer_id = c.id)",
        "        Join Filter: (c.name <> o.status)",
        "        ->  Foreign Scan on orders o",
        "        ->  Hash",
        "              ->  Foreign Scan on customers c"]),
    ("SELECT o.id FROM orders o JOIN s2.customers c ON o.customer_id > c.id AND c.id < 3", [
        "Local Execution",
        "  ->  Nested Loop",  # an ON condition is tested at the join, not sent with the scan
        "        Join Filter: ((o.customer_id > c.id) AND (c.id < 3))",
        "        ->  Foreign Scan on orders o",
        "        ->  Foreign Scan on customers c"]),
    (f"SELECT c.region_id, count(*) {JOIN} GROUP BY c.region_id HAVING count(*) > 1 "
     "ORDER BY 2 DESC, 1, max(o.amount) LIMIT 3", [
        "Local Execution",
        "  ->  Limit",
        "        ->  Sort",
        "              Sort Key: count(*) DESC, c.region_id, max(o.amount)",
        "              ->  HashAggregate",
        "                    Group Key: c.region_id",
        "                    Filter: (count(*) > 1)",
        "                    ->  Hash Join",
        "                          Hash Cond: (o.customer_id = c.id)",
        "                          ->  Foreign Scan on orders o",
        "                          ->  Hash",
        "                                ->  Foreign Scan on customers c"]),
    ("SELECT count(*), max(amount) FROM orders WHERE random() < 2", [
        "Local Execution",
        "  ->  Aggregate",
        "        ->  Foreign Scan on orders",
        "              Filter: (random() < '2'::double precision)"]),
    (f"SELECT DISTINCT c.name {JOIN} WHERE o.amount > c.id", [
        "Local Execution",
        "  ->  Unique",
        "        ->  Hash Join",
        "              Hash Cond: (o.customer_id = c.id)",
        "              Filter: (o.amount > (c.id)::numeric)",
        "              ->  Foreign Scan on orders o",
        "              ->  Hash",
        "                    ->  Foreign Scan on customers c"]),
    ("SELECT id, rank() OVER (ORDER BY amount) FROM orders WHERE random() >= 0 "
     "ORDER BY id DESC NULLS LAST", [
        "Local Execution",
        "  ->  Sort",
        "        Sort Key: orders.id DESC NULLS LAST",
        "        ->  WindowAgg",
        "              ->  Foreign Scan on orders",
        "                    Filter: (random() >= '0'::double precision)"]),
    ("SELECT c.name, r.name FROM s2.customers c, regions r WHERE r.id = c.region_id", [
        "Local Execution",
        "  ->  Hash Join",
        "        Hash Cond: (c.region_id = r.id)",
        "        ->  Foreign Scan on customers c",
        "        ->  Hash",
        "              ->  Foreign Scan on regions r"]),
], ids=["hash join", "hash left join", "nested loop", "aggregate, sort, limit",
        "plain aggregate and filter", "unique", "window", "comma join"])
def test_explain_shows_the_local_operators_as_postgresql_prints_plan_nodes(
        query_bed: QueryBed, sql: str, expected: list[str]) -> None:  # noqa: F811
    # the aggregates run where written (eager aggregation would move them: its own tests)
    assert plan(query_bed, COSTS_OFF + sql, "EAGER_AGGREGATION=off") == expected


def test_analyze_counts_every_node_s_rows(query_bed: QueryBed) -> None:  # noqa: F811
    lines = plan(query_bed, ANALYZE + f"SELECT o.id, c.name {JOIN} WHERE c.id < 4 "
                                      "ORDER BY o.id LIMIT 5")
    truth = query_bed.remote("SELECT count(*) FROM orders WHERE customer_id < 4").split()[-3]
    assert lines[:3] == ["Local Execution (actual rows=5 loops=1)",
                         "  ->  Limit  (actual rows=5 loops=1)",
                         f"        ->  Sort  (actual rows={truth} loops=1)"]
    assert lines[3] == "              Sort Key: o.id"
    assert re.fullmatch(r"              Sort Method: quicksort  Memory: \d+kB", lines[4])
    assert lines[5] == f"              ->  Hash Join  (actual rows={truth} loops=1)"
    assert f"                    ->  Foreign Scan on orders o (actual rows={truth} loops=1)" \
        in lines
    hash_at = lines.index("                    ->  Hash  (actual rows=3 loops=1)")
    assert re.fullmatch(r" +Batches: 1  Memory Usage: \d+kB", lines[hash_at + 1])
    assert lines[hash_at + 2] == "                          ->  Foreign Scan on customers c " \
                                 "(actual rows=3 loops=1)"


def test_analyze_with_timing_gives_times(query_bed: QueryBed) -> None:  # noqa: F811
    lines = plan(query_bed, "EXPLAIN (ANALYZE, COSTS OFF) " + f"SELECT o.id, c.name {JOIN}")
    assert re.fullmatch(r"  ->  Hash Join  \(actual time=\d+\.\d{3}\.\.\d+\.\d{3} rows=\d+ "
                        r"loops=1\)", lines[1]), lines
    assert re.fullmatch(r"Execution Time: \d+\.\d{3} ms", lines[-1])


def test_spilled_nodes_show_their_batches_and_disk(query_bed: QueryBed) -> None:  # noqa: F811
    sql = ("SELECT o.customer_id, count(*) FROM orders o JOIN "
           "(SELECT g, md5(g::text) AS t FROM generate_series(1, 20000) g) s "
           "ON s.g = o.id AND random() >= 0 GROUP BY 1 ORDER BY 1")
    lines = plan(query_bed, ANALYZE + sql, "WORK_MEM=64kB")
    text = "\n".join(lines)
    assert re.search(r"^ +Batches: \d+  Memory Usage: \d+kB  Disk Usage: \d+kB$", text,
                     re.MULTILINE), text
    hash_at = next(i for i, line in enumerate(lines) if line.strip().startswith("->  Hash  "))
    assert re.fullmatch(r" +Batches: (\d+)  Memory Usage: \d+kB  Disk Usage: \d+kB",
                        lines[hash_at + 1])
    assert "->  Subquery Scan on s" in text
    small = plan(query_bed, ANALYZE + sql.replace("20000", "20"), "WORK_MEM=64kB")
    assert not any("Disk" in line for line in small)


def test_a_sort_past_work_mem_is_an_external_merge(query_bed: QueryBed) -> None:  # noqa: F811
    sql = ("SELECT g, md5(g::text) FROM generate_series(1, 30000) g, ft_one_row "
           "WHERE random() >= 0 ORDER BY 2")
    lines = plan(query_bed, ANALYZE + sql, "WORK_MEM=64kB")
    assert any(re.fullmatch(r" +Sort Method: external merge  Disk: \d+kB", line)
               for line in lines), lines


@pytest.fixture(scope="module")
def local_tables(query_bed: QueryBed) -> Iterator[None]:  # noqa: F811
    """Tables like the bed's orders and customers, local to a database of their own."""
    db = "explain_oracle"
    query_bed.cluster.psql(f'DROP DATABASE IF EXISTS "{db}"', "postgres", check=True)
    query_bed.cluster.create_database(db)
    query_bed.cluster.psql(
        "CREATE TABLE orders AS SELECT g AS id, g % 40 AS customer_id, (g * 1.5)::numeric "
        "AS amount, 'x' || g AS status FROM generate_series(1, 5000) g;"
        "CREATE TABLE customers AS SELECT g AS id, 'c' || g AS name, g % 5 AS region_id "
        "FROM generate_series(1, 40) g; ANALYZE orders, customers;", db, check=True)
    yield
    query_bed.cluster.psql(f'DROP DATABASE "{db}"', "postgres", check=True)


@pytest.mark.parametrize("sql", [
    "SELECT o.id FROM orders o JOIN customers c ON c.id = o.customer_id AND c.name <> o.status",
    "SELECT o.id FROM orders o LEFT JOIN customers c ON c.id = o.customer_id "
    "AND c.name > o.status AND c.region_id + o.id < 100",
])
def test_conditions_read_as_postgresql_s_explain(
        query_bed: QueryBed, local_tables: None, sql: str) -> None:  # noqa: F811
    settings = "SET enable_mergejoin = off; SET enable_nestloop = off; "
    oracle = query_bed.cluster.psql(settings + COSTS_OFF + sql, "explain_oracle",
                                    "-At").stdout.splitlines()
    fed = sql.replace("customers c", "s2.customers c")
    (text,) = fdwsh_batch(query_bed, [COSTS_OFF + fed])

    def conditions(lines: list[str]) -> list[str]:
        return [line.strip() for line in lines
                if line.strip().startswith(("Hash Cond:", "Join Filter:"))]
    assert conditions(text.splitlines()) == conditions(oracle)


def test_set_operations_append_their_branches(query_bed: QueryBed) -> None:  # noqa: F811
    branches = ("SELECT id FROM orders WHERE random() >= 0 {op} "
                "SELECT id FROM s2.customers WHERE random() >= 0")
    filter_line = "Filter: (random() >= '0'::double precision)"
    for op, top in [("UNION", ["  ->  HashAggregate", "        ->  Append"]),
                    ("UNION ALL", ["  ->  Append"]),
                    ("EXCEPT", ["  ->  HashSetOp Except", "        ->  Append"]),
                    ("INTERSECT ALL", ["  ->  HashSetOp Intersect All", "        ->  Append"])]:
        lines = plan(query_bed, COSTS_OFF + branches.format(op=op))
        pad = " " * (6 * len(top) + 2)  # the branches one level below the last
        assert lines == ["Local Execution", *top,
                         pad + "->  Foreign Scan on orders", pad + "      " + filter_line,
                         pad + "->  Foreign Scan on customers", pad + "      " + filter_line], op
    counted = plan(query_bed, ANALYZE + branches.format(op="UNION"))
    total = int(query_bed.remote("SELECT count(*) FROM (SELECT id FROM orders UNION "
                                 "SELECT id FROM customers) u").split()[-3])
    assert counted[1] == f"  ->  HashAggregate  (actual rows={total} loops=1)"


def test_a_sub_select_sent_whole_is_drawn_once_below_its_subquery_scan(
        query_bed: QueryBed) -> None:  # noqa: F811
    """Eager aggregation's partial query runs on the server: its Foreign Scan (with the rows it
    gave) stands below the Subquery Scan, not a local HashAggregate that never ran plus a
    second, detached Foreign Scan."""
    (text,) = fdwsh_batch(query_bed, [
        "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT c.name, sum(o.amount) "
        "FROM orders o JOIN s2.customers c ON c.id = o.customer_id GROUP BY c.name"])
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if "Subquery Scan on o" in line)
    rows = re.search(r"actual rows=(\d+)", lines[at]).group(1)
    assert lines[at + 1:at + 3] == [
        lines[at][:lines[at].index("->")] + f"      ->  Foreign Scan (actual rows={rows} loops=1)",
        lines[at][:lines[at].index("->")] + "            Relations: Aggregate on (public.orders o)"]
    assert text.count("Foreign Scan") == 2 and "never executed" not in text
