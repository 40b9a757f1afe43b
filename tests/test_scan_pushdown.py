"""What a query run by fdwsh's executor sends with each foreign-table scan, read from its
``EXPLAIN (VERBOSE, COSTS OFF)``: the columns the query uses, and the conditions that filter
that table alone (fdwsh.plan.scan_filters); everything else stays local.  Each shown Remote SQL
must be true: run on the remote database it returns the rows the scan fetches."""

from __future__ import annotations

import re

import pytest

from tests.remote_bed import QueryBed, query_bed  # noqa: F401  (the fixture)
from tests.test_pushdown import fdwsh_batch, remote_rows

EXPLAIN = "EXPLAIN (VERBOSE, COSTS OFF) "


def scans(bed: QueryBed, sql: str) -> dict[str, str]:
    """Each scanned table's alias → the Remote SQL its scan sends."""
    (text,) = fdwsh_batch(bed, [EXPLAIN + sql])
    lines = text.splitlines()
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
    assert found["c"].startswith("SELECT id, name, region_id FROM ")
    assert found["r"].startswith("SELECT id FROM ")


def test_the_remote_sql_shown_returns_the_rows_the_scan_needs(query_bed: QueryBed) -> None:  # noqa: F811
    found = scans(query_bed, "SELECT c1, random() FROM ft1 WHERE c1 < 6 AND c3 LIKE '%3'")
    assert remote_rows(query_bed, found["ft1"]) == "3|00003\n"
