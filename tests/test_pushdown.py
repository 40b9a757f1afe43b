"""What fdwsh pushes down, read from its ``EXPLAIN (VERBOSE, COSTS OFF)``.

A query whose every table lives on one server and whose every expression is shippable runs
whole remotely: the plan is one ``Foreign Scan`` node whose ``Remote SQL`` holds the WHERE,
JOIN, GROUP BY/HAVING, DISTINCT, window, ORDER BY, LIMIT/OFFSET, set operation and CTE of the
query.  The shown Remote SQL must be true: run as-is on the remote database it returns exactly
the rows fdwsh prints for the query.  Where postgres_fdw pushes the same query whole (a filtered
scan, an aggregate), the plan's lines other than the Remote SQL text are the oracle's.

Queries with a non-shippable expression (volatile or stable functions, session values, COLLATE)
or with tables of two servers run in fdwsh's executor: their EXPLAIN VERBOSE names every reason
(``Not pushed down: …``) above the remote scans.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from pglast import ast, parse_sql
from pglast.enums import JoinType

from tests.pgcluster import free_port
from tests.remote_bed import QueryBed, query_bed  # noqa: F401  (the fixture)

EXPLAIN = "EXPLAIN (VERBOSE, COSTS OFF) "
SEPARATOR = "=====next====="


@dataclass(frozen=True)
class Plan:
    lines: list[str]

    @property
    def remote_sql(self) -> str:
        found = [line.split("Remote SQL: ", 1)[1] for line in self.lines
                 if line.startswith("  Remote SQL: ")]
        assert len(found) == 1, self.lines
        return found[0]

    @property
    def remote_tree(self) -> ast.SelectStmt:
        stmt = parse_sql(self.remote_sql)[0].stmt
        assert isinstance(stmt, ast.SelectStmt)
        return stmt


def fdwsh_batch(bed: QueryBed, statements: list[str], catalog: Path | None = None
                ) -> list[str]:
    """Run the statements in one fdwsh process (-At); each one's output (with errors)."""
    script = "".join(f"{sql};\n\\echo {SEPARATOR}\n" for sql in statements)
    out = bed.fdwsh("-A", "-t", "-f", "-", input=script, catalog=catalog).stdout
    parts = out.split(SEPARATOR + "\n")
    assert parts[-1] == "" and len(parts) == len(statements) + 1, out
    return parts[:-1]


def remote_rows(bed: QueryBed, sql: str) -> str:
    """``sql`` run directly on the remote database in postgres_fdw's pinned session."""
    return bed.psql("-A", "-t", "-q", dbname=bed.remote_db,
                    input="SET search_path = pg_catalog; SET timezone = 'UTC';\n"
                          f"{sql};\n").stdout


def is_single_foreign_scan(plan: Plan) -> bool:
    """One node: the first line is the Foreign Scan, everything else is its detail lines."""
    return (plan.lines[0].startswith("Foreign Scan")
            and all(line.startswith("  ") and "->" not in line for line in plan.lines[1:]))


def joins(node: ast.Node | None) -> list[JoinType]:
    if isinstance(node, ast.JoinExpr):
        return [*joins(node.larg), node.jointype, *joins(node.rarg)]
    return []


# Each shippable query, with what its Remote SQL's top-level SELECT must contain.
SHIPPABLE: dict[str, tuple[str, object]] = {
    "where": ("SELECT c1, c3 FROM ft1 WHERE c1 < 5 AND c3 LIKE '0000%'",
              lambda s: s.whereClause is not None),
    "order by + limit + offset": (
        "SELECT c1 FROM ft1 ORDER BY c1 DESC NULLS LAST LIMIT 3 OFFSET 2",
        lambda s: len(s.sortClause) == 1 and s.limitCount is not None
        and s.limitOffset is not None),
    "inner join": (
        "SELECT o.id, c.name FROM orders o JOIN customers c ON c.id = o.customer_id "
        "WHERE o.amount > 990 ORDER BY o.id",
        lambda s: joins(s.fromClause[0]) == [JoinType.JOIN_INNER] and s.whereClause),
    "outer joins": (
        "SELECT r.name, c.id, o.id FROM regions r LEFT JOIN customers c ON c.region_id = r.id "
        "FULL JOIN orders o ON o.customer_id = c.id WHERE r.id = 5 ORDER BY 1, 2, 3",
        lambda s: joins(s.fromClause[0]) == [JoinType.JOIN_LEFT, JoinType.JOIN_FULL]),
    "self join using": (
        "SELECT a.c1 FROM ft1 a JOIN ft1 b USING (c1) WHERE a.c1 < 3 ORDER BY 1",
        lambda s: joins(s.fromClause[0]) == [JoinType.JOIN_INNER]),
    "group by + having": (
        "SELECT status, count(*), sum(amount) FROM orders GROUP BY status "
        "HAVING count(*) > 1 ORDER BY status",
        lambda s: s.groupClause and s.havingClause and s.sortClause),
    "distinct": ("SELECT DISTINCT c2 FROM ft1 ORDER BY c2",
                 lambda s: s.distinctClause is not None),
    "window": ("SELECT id, rank() OVER (ORDER BY amount DESC) FROM orders ORDER BY 2, 1 LIMIT 5",
               lambda s: s.targetList[1].val.over is not None and s.limitCount),
    "subquery": ("SELECT id FROM customers WHERE id IN (SELECT customer_id FROM orders "
                 "WHERE amount > 995) ORDER BY id",
                 lambda s: isinstance(s.whereClause, ast.SubLink)),
    "union": ("SELECT id FROM regions UNION SELECT c1 FROM ft1 WHERE c1 < 8 ORDER BY 1",
              lambda s: s.op != 0 and s.sortClause),
    "cte": ("WITH big AS (SELECT id FROM orders WHERE amount > 990) "
            "SELECT count(*) FROM big",
            lambda s: s.withClause is not None),
}


@pytest.fixture(scope="module")
def shippable_plans(query_bed: QueryBed) -> dict[str, tuple[Plan, str]]:  # noqa: F811
    """Each case's plan and the rows fdwsh prints for it (one fdwsh process for all)."""
    statements = []
    for sql, _ in SHIPPABLE.values():
        statements += [EXPLAIN + sql, sql]
    outputs = fdwsh_batch(query_bed, statements)
    return {name: (Plan(outputs[2 * i].splitlines()), outputs[2 * i + 1])
            for i, name in enumerate(SHIPPABLE)}


@pytest.mark.parametrize("case", SHIPPABLE)
def test_a_shippable_query_is_one_foreign_scan_holding_every_clause(
        shippable_plans: dict[str, tuple[Plan, str]], case: str) -> None:
    plan, _ = shippable_plans[case]
    assert is_single_foreign_scan(plan), plan.lines
    check = SHIPPABLE[case][1]
    assert check(plan.remote_tree), plan.remote_sql  # type: ignore[operator]


@pytest.mark.parametrize("case", SHIPPABLE)
def test_the_remote_sql_shown_returns_the_rows_fdwsh_prints(
        query_bed: QueryBed, shippable_plans: dict[str, tuple[Plan, str]],  # noqa: F811
        case: str) -> None:
    plan, rows = shippable_plans[case]
    assert rows.strip(), "every case returns rows"
    assert remote_rows(query_bed, plan.remote_sql) == rows


def test_the_explain_lines_are_postgres_fdws_where_it_pushes_the_same(
        query_bed: QueryBed) -> None:  # noqa: F811
    queries = [
        "SELECT c1, c3 FROM ft1 WHERE c1 < 5",
        "SELECT * FROM regions",
        "SELECT status, count(*) FROM orders GROUP BY status",
        "SELECT count(*) FROM ft1 WHERE c2 = 2",
    ]
    statements = [EXPLAIN + q for q in queries]
    mine = fdwsh_batch(query_bed, statements)
    script = "".join(f"{sql};\n" for sql in statements)
    oracle = query_bed.psql("-A", "-t", input=script).stdout
    without_sql = [line for text in mine for line in text.splitlines()
                   if not line.startswith("  Remote SQL: ")]
    expected = [line for line in oracle.splitlines() if not line.startswith("  Remote SQL: ")]
    assert without_sql == expected


NOT_SHIPPABLE = {
    "SELECT c1 FROM ft1 WHERE c1 > random() * 100": ["random() is volatile"],
    "SELECT c1 FROM ft1 WHERE c4 < now()": ["now() is stable"],
    "SELECT c1 FROM ft1 WHERE c4 < CURRENT_TIMESTAMP": ["CURRENT_TIMESTAMP depends on the session"],
    "SELECT x, gen_random_uuid() IS NULL FROM ft_one_row": ["gen_random_uuid() is volatile"],
    "SELECT c1 FROM ft1 ORDER BY c3 COLLATE \"C\"":
        ["COLLATE clauses are not sent to remote servers"],
    "SELECT c1, random() FROM ft1 WHERE c4 < clock_timestamp()":
        ["random() is volatile", "clock_timestamp() is volatile"],
    "SELECT c.name, r.name FROM s2.customers c, regions r WHERE r.id = c.region_id":
        ['the query uses tables of servers "loopback", "loopback2"'],
}


def test_explain_of_a_query_that_cannot_be_shipped_names_why_before_any_connection(
        query_bed: QueryBed, tmp_path: Path) -> None:  # noqa: F811
    # The servers' ports are closed: a plan that needed a connection would fail to connect.
    catalog = query_bed.catalog_copy(tmp_path)
    for server in ("loopback", "loopback2"):
        altered = query_bed.fdwsh(
            "-c", f"ALTER SERVER {server} OPTIONS (SET port '{free_port()}')", catalog=catalog)
        assert altered.stdout == "ALTER SERVER\n"
    outputs = fdwsh_batch(query_bed, [EXPLAIN + sql for sql in NOT_SHIPPABLE], catalog)
    for (sql, reasons), text in zip(NOT_SHIPPABLE.items(), outputs):
        lines = text.splitlines()
        assert lines[0] == "Local Execution", (sql, text)
        assert lines[1:1 + len(reasons)] == [f"  Not pushed down: {r}" for r in reasons]
        assert any(line.lstrip().startswith("->  Foreign Scan on ")  # under local operators
                   for line in lines[1 + len(reasons):]), (sql, text)


def test_a_function_that_does_not_exist_is_postgresql_s_error(
        query_bed: QueryBed) -> None:  # noqa: F811
    for sql in ("SELECT my_func(c1) FROM ft1", "SELECT public.abs(c1) FROM ft1"):
        out = _without_prefix(fdwsh_batch(query_bed, [sql])[0])
        assert out.startswith(f"ERROR:  function {sql[7:sql.index('(')]}(integer) does not "
                              "exist\n"), out


def _without_prefix(text: str) -> str:
    """An error's text without fdwsh's ``fdwsh:FILE:LINE:`` prefix."""
    return re.sub(r"^fdwsh:<stdin>:\d+: ", "", text)


def test_a_call_whose_overload_is_immutable_is_shipped(query_bed: QueryBed) -> None:  # noqa: F811
    """date_part/date_trunc have stable timestamptz overloads: on a timestamp column the
    immutable overload is chosen (as PostgreSQL resolves it), so the query runs remotely."""
    timestamp, timestamptz = fdwsh_batch(query_bed, [
        EXPLAIN + "SELECT c1, date_part('day', c5), date_trunc('month', c5) FROM ft1",
        EXPLAIN + "SELECT c1, date_part('day', c4) FROM ft1"])
    assert timestamp.splitlines()[0] == "Foreign Scan on public.ft1"
    assert "date_trunc('month', c5) FROM" in timestamp
    assert timestamptz.splitlines()[:2] == [
        "Local Execution", "  Not pushed down: date_part() is not immutable for every argument "
                           "type"]
