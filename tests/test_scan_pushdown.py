"""What a query run by fdwsh's executor sends with each foreign-table scan, read from its
``EXPLAIN (VERBOSE, COSTS OFF)``: the columns the query uses, and the conditions that filter
that table alone (fdwsh.plan.scan_filters); everything else stays local.  Each shown Remote SQL
must be true: run on the remote database it returns the rows the scan fetches."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.remote_bed import QueryBed, big_remote_table, query_bed  # noqa: F401  (fixture)
from tests.test_pushdown import fdwsh_batch, remote_rows

EXPLAIN = "EXPLAIN (VERBOSE, COSTS OFF) "


def flat(lines: list[str]) -> list[str]:
    """A plan's lines as the scans it shows: its first lines (Local Execution, why not
    pushed down), then each Foreign Scan node, at whatever depth the local operators above
    it put it, moved to the first level; the local operators themselves left out (their
    EXPLAIN is tests/test_explain_local.py's)."""
    out: list[str] = []
    shift: int | None = 0  # how far the current node's lines move left (None: dropped)
    for line in lines:
        arrow = re.match(r"( *)->  ", line)
        if arrow:
            is_scan = line[arrow.end():].startswith("Foreign Scan")
            shift = len(arrow.group(1)) - 2 if is_scan else None
        elif not line.startswith(" "):
            shift = 0  # Execution Time and the like
        if shift is not None:
            out.append(line[shift:])
    return out


def scans(bed: QueryBed, sql: str) -> dict[str, str]:
    """Each scanned table's alias → the Remote SQL its scan sends."""
    (text,) = fdwsh_batch(bed, [EXPLAIN + sql])
    lines = flat(text.splitlines())
    assert lines[0] == "Local Execution", text
    found: dict[str, str] = {}
    for i, line in enumerate(lines):
        match = re.match(r"  ->  Foreign Scan on (\S+)(?: (\S+))?$", line)
        if match:
            alias = match.group(2) or match.group(1).split(".")[-1]
            found[alias] = lines[i + 2].removeprefix("        Remote SQL: ")
    return found


def where_of(remote_sql: str) -> str | None:
    _, found, condition = remote_sql.partition(" WHERE ")
    return condition if found else None


CROSS = "FROM s2.customers c, regions r WHERE c.region_id = r.id"


@pytest.mark.parametrize("sql, expected", [
    # a condition on one table goes with its scan; the join condition stays local
    (f"SELECT c.name, r.name {CROSS} AND c.id < 5 AND r.name <> 'x'",
     {"c": "c.id < 5", "r": "r.name <> 'x'"}),
    # unqualified names that only one table has
    (f"SELECT c.name {CROSS} AND email IS NULL", {"c": "email IS NULL", "r": None}),
    # a FROM item that is not a foreign table may hold any column: unqualified names stay
    ("SELECT random() FROM s2.customers c, (SELECT 1 AS k) s WHERE email IS NULL AND c.id = 2",
     {"c": "c.id = 2"}),
    # OR across tables, sub-queries, volatile functions stay local
    (f"SELECT 1 {CROSS} AND (c.id = 1 OR r.id = 2) AND c.id IN (SELECT 1) "
     "AND r.id > random()", {"c": None, "r": None}),
    # one table, a non-shippable target: the whole WHERE is sent
    ("SELECT c1, random() FROM ft1 WHERE c1 < 10 AND c3 LIKE '0%'",
     {"ft1": "c1 < 10 AND c3 LIKE '0%'"}),
])
def test_conditions_on_one_table_go_with_its_scan(
        query_bed: QueryBed, sql: str, expected: dict[str, str | None]) -> None:  # noqa: F811
    found = scans(query_bed, sql)
    assert {alias: where_of(s) for alias, s in found.items()} == expected


def test_a_scan_fetches_only_the_columns_the_query_uses(query_bed: QueryBed) -> None:  # noqa: F811
    found = scans(query_bed, f"SELECT c.name {CROSS} AND c.id = 3")
    # c.id is read by the condition the scan sends only: not fetched
    assert found["c"].startswith("SELECT name, region_id FROM ")
    assert found["r"].startswith("SELECT id FROM ")


def test_the_remote_sql_shown_returns_the_rows_the_scan_needs(query_bed: QueryBed) -> None:  # noqa: F811
    found = scans(query_bed, "SELECT c1, random() FROM ft1 WHERE c1 < 6 AND c3 LIKE '%3'")
    assert remote_rows(query_bed, found["ft1"]) == "3\n"  # c3 is only tested remotely


def analyze(bed: QueryBed, sql: str, *args: str) -> list[str]:
    """The lines of ``EXPLAIN (ANALYZE, VERBOSE, COSTS OFF, TIMING OFF)`` of ``sql``."""
    explain = "EXPLAIN (ANALYZE, VERBOSE, COSTS OFF, TIMING OFF) " + sql
    return flat(bed.fdwsh(*args, "-At", "-c", explain).stdout.splitlines())


JOIN = ("SELECT o.id, c.name FROM orders o, s2.customers c WHERE c.id = o.customer_id "
        "AND c.id < 4")


def test_the_small_side_of_an_equi_join_is_fetched_first_and_filters_the_other(
        query_bed: QueryBed) -> None:  # noqa: F811
    lines = analyze(query_bed, JOIN)
    orders = lines.index("  ->  Foreign Scan on public.orders o (actual rows=17 loops=1)")
    assert lines[orders + 2].endswith(
        "FROM public.orders AS o WHERE o.customer_id = ANY(CAST($1 AS integer[]))")
    assert lines[orders + 3] == \
        "        Dynamic Filter: o.customer_id = ANY (keys of c.id) (3 keys)"
    assert "        Dynamic Filter: c.id = ANY (keys of o.customer_id) (not used)" in lines


def test_a_build_side_without_keys_empties_the_probe_without_a_query(
        query_bed: QueryBed) -> None:  # noqa: F811
    lines = analyze(query_bed, JOIN.replace("c.id < 4", "c.id < 0"))
    assert "  ->  Foreign Scan on public.orders o (actual rows=0 loops=1)" in lines
    assert "        Dynamic Filter: o.customer_id = ANY (keys of c.id) (0 keys)" in lines


def test_dynamic_filter_limit_0_turns_it_off(query_bed: QueryBed) -> None:  # noqa: F811
    lines = analyze(query_bed, JOIN, "-v", "DYNAMIC_FILTER_LIMIT=0")
    assert "  ->  Foreign Scan on public.orders o (actual rows=400 loops=1)" in lines
    assert "        Dynamic Filter: o.customer_id = ANY (keys of c.id) (not used)" in lines


def test_a_left_join_filters_only_its_right_side_and_using_links_both(
        query_bed: QueryBed) -> None:  # noqa: F811
    left = analyze(query_bed, "SELECT r.name, c.id FROM s2.regions r LEFT JOIN customers c "
                              "ON c.region_id = r.id WHERE r.id = 2")
    assert "        Dynamic Filter: c.region_id = ANY (keys of r.id) (1 keys)" in left
    assert not any("keys of c." in line for line in left)
    using = analyze(query_bed, "SELECT a.n FROM ft_nums a JOIN s2.ft_nums b USING (n) "
                               "WHERE b.n > 2990")
    assert "        Dynamic Filter: a.n = ANY (keys of b.n) (10 keys)" in using


def test_join_keys_give_every_match(query_bed: QueryBed) -> None:  # noqa: F811
    sql = ("SELECT a.n FROM ft_nums a, s2.ft_nums b WHERE a.n = b.n AND b.n <= 2500 "
           "AND a.n % 500 = 0 ORDER BY 1")
    (rows,) = fdwsh_batch(query_bed, [sql])
    assert rows.split() == ["500", "1000", "1500", "2000", "2500"]
    lines = analyze(query_bed, sql)
    assert "        Dynamic Filter: b.n = ANY (keys of a.n) (6 keys)" in lines


def explain_lines(bed: QueryBed, sql: str) -> list[str]:
    (text,) = fdwsh_batch(bed, [EXPLAIN + sql])
    return flat(text.splitlines())


def test_a_join_of_one_server_s_tables_runs_there_as_one_query(
        query_bed: QueryBed) -> None:  # noqa: F811
    lines = explain_lines(query_bed, "SELECT o.id, c.name, r.name FROM orders o JOIN customers c"
                                     " ON c.id = o.customer_id JOIN s2.regions r ON r.id = "
                                     "c.region_id WHERE o.id < 4")
    assert lines[2:5] == [
        "  ->  Foreign Scan",
        "        Output: o.id, o.customer_id, c.id, c.name, c.region_id",
        "        Relations: (public.orders o) INNER JOIN (public.customers c)"]
    remote = lines[5].removeprefix("        Remote SQL: ")
    assert remote_rows(query_bed, remote) == "1|12|12|Customer 12|1\n2|23|23|Customer 23|4\n" \
                                             "3|35|35|Customer 35|4\n"
    assert lines[6] == "  ->  Foreign Scan on s2.regions r"
    assert len(lines) == 9  # no dynamic filter from a table the remote join took in


def test_outer_joins_and_nested_joins_of_one_server_go_whole(
        query_bed: QueryBed) -> None:  # noqa: F811
    lines = explain_lines(query_bed, "SELECT 1 FROM regions r LEFT JOIN customers c ON "
                                     "c.region_id = r.id JOIN orders o ON o.customer_id = c.id "
                                     "JOIN s2.regions s ON s.id = r.id")
    assert "        Relations: ((public.regions r) LEFT JOIN (public.customers c)) INNER JOIN " \
           "(public.orders o)" in lines


@pytest.mark.parametrize("sql", [
    # a join alias hides its tables from the select list sent above it
    "SELECT 1 FROM (regions r JOIN customers c ON c.region_id = r.id) j JOIN orders o "
    "ON o.customer_id = j.region_id, s2.regions s",
    # a condition that is not shippable
    "SELECT 1 FROM regions r JOIN customers c ON c.region_id = r.id AND random() < 2, "
    "s2.regions s",
    # renamed columns
    "SELECT 1 FROM regions r(a, b) JOIN customers c ON c.region_id = r.a, s2.regions s",
])
def test_a_join_that_cannot_be_sent_whole_reads_its_tables_alone(
        query_bed: QueryBed, sql: str) -> None:  # noqa: F811
    lines = explain_lines(query_bed, sql)
    scans = [line for line in lines if line.startswith("  ->  Foreign Scan")]
    relations = [line for line in lines if "Relations:" in line]
    assert len(scans) >= 3 and all(" JOIN (public.orders o)" not in r for r in relations)


def test_more_join_keys_than_a_chunk_are_sent_in_several_queries(
        query_bed: QueryBed, tmp_path: Path) -> None:  # noqa: F811
    from fdwsh.exec.dynamic_filter import CHUNK

    size = CHUNK * 2 + 500
    with big_remote_table(query_bed, tmp_path, "keys_big", f"SELECT generate_series(1, {size}) k",
                          "k int") as catalog:
        declared = query_bed.fdwsh(
            "-c", "CREATE FOREIGN TABLE s2.keys_big (k int) SERVER loopback2 "
                  "OPTIONS (schema_name 'public')", catalog=catalog)
        assert declared.stdout == "CREATE FOREIGN TABLE\n"
        sql = (f"SELECT a.k FROM keys_big a, s2.keys_big b WHERE a.k = b.k AND b.k < {size - 1}"
               " ORDER BY 1 DESC LIMIT 2")
        got = query_bed.fdwsh("-At", "-c", sql, "-c", "EXPLAIN (ANALYZE, VERBOSE, COSTS OFF, "
                              "TIMING OFF) " + sql, catalog=catalog).stdout.splitlines()
    got = got[:2] + flat(got[2:])
    assert got[:2] == [str(size - 2), str(size - 3)]
    assert f"        Dynamic Filter: a.k = ANY (keys of b.k) ({size - 2} keys)" in got
