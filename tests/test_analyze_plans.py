"""The planner with ANALYZE statistics: the same cross-server queries before and after ANALYZE
give the same rows (those the remote database itself returns), while EXPLAIN shows the
estimates changing the plan — which side of a join is fetched first to filter the other,
the join order of a FROM list, and the ``(cost=… rows=… width=…)`` of each scan.

Tables of ``tests/oracle/analyze/remote.sql`` (no remote statistics, so the remote's own
EXPLAIN misjudges ``big.x < 100`` as about 15000 rows): ``big`` (50000 rows, x = id) and
``mid`` (20000) on server ``s``, ``small`` (3000, big_id = 7 × id) and ``nullable`` (400, a
third of small_id NULL) on server ``s2`` — the same database, so the remote gives the truth.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.remote_bed import QueryBed
from tests.test_analyze import analyze_remote, bed  # noqa: F401 (fixtures)

TABLES = """\
CREATE EXTENSION postgres_fdw;
CREATE SERVER s FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '{host}', port '{port}',
    dbname '{db}');
CREATE SERVER s2 FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '{host}', port '{port}',
    dbname '{db}');
CREATE USER MAPPING FOR CURRENT_USER SERVER s OPTIONS (user 'postgres');
CREATE USER MAPPING FOR CURRENT_USER SERVER s2 OPTIONS (user 'postgres');
CREATE FOREIGN TABLE big (id int, x int, pad text) SERVER s;
CREATE FOREIGN TABLE mid (id int, small_id int) SERVER s;
CREATE FOREIGN TABLE small (id int, big_id int) SERVER s2;
CREATE FOREIGN TABLE nullable (id int, small_id int) SERVER s2;
"""

SELECTIVE_JOIN = "SELECT s.id, b.x FROM small s JOIN big b ON s.big_id = b.id " \
    "WHERE b.x < 100 ORDER BY 1"
THREE_TABLES = "SELECT b.x, m.id FROM mid m, small s, big b " \
    "WHERE m.small_id = s.id AND s.big_id = b.id AND b.x < 100 ORDER BY 2"
#: n and s have no condition between them: their cross product (29 × 39 rows) is larger than
#: b, so the hash table of the join with b is built on b.
CROSS_THEN_HASH = "SELECT s.id, n.id, b.x FROM small s, nullable n, big b WHERE s.id < 40 " \
    "AND n.id < 30 AND b.x < 60 AND b.id = s.big_id ORDER BY 1, 2, 3"
QUERIES = [
    SELECTIVE_JOIN,
    THREE_TABLES,
    "SELECT b.id, s.id FROM big b JOIN small s ON s.big_id = b.id WHERE b.x < 60 ORDER BY 1",
    "SELECT count(*), sum(s.id) FROM big b JOIN small s ON s.big_id = b.id AND s.id > b.x / 10 "
    "WHERE b.x < 2000",
    "SELECT n.id, s.big_id FROM nullable n, small s WHERE n.small_id = s.id AND s.id < 5 "
    "ORDER BY 1",
    "SELECT count(*) FROM nullable n, small s, mid m WHERE n.small_id = s.id "
    "AND m.small_id = s.id AND m.id < 500",
    "SELECT count(*), min(n.id), max(s.id) FROM small s, nullable n WHERE s.id < 3 "
    "AND n.small_id IS NULL",
    "SELECT s.id, n.id, b.x FROM small s, nullable n, big b WHERE b.x < 3 AND s.id = 1 "
    "AND n.id < 3 ORDER BY 1, 2, 3",
    CROSS_THEN_HASH,
]


@pytest.fixture
def catalog(bed: QueryBed, tmp_path: Path) -> Path:  # noqa: F811
    (tmp_path / "tables.sql").write_text(TABLES.format(
        host=bed.cluster.host, port=bed.cluster.port, db=bed.remote_db))
    out = bed.fdwsh("-q", "-v", "ON_ERROR_STOP=1", "-f", "tables.sql", cwd=tmp_path)
    assert out.returncode == 0, out.stdout
    return bed.catalog


def fdwsh(bed: QueryBed, sql: str) -> str:  # noqa: F811
    return bed.fdwsh("-At", "-c", sql).stdout


def plan(bed: QueryBed, query: str, options: str = "ANALYZE, VERBOSE, COSTS OFF, "  # noqa: F811
         "SUMMARY OFF") -> str:
    return bed.fdwsh("-At", "-c", f"EXPLAIN ({options}) {query}").stdout


def test_results_are_the_remote_s_before_and_after_analyze(bed: QueryBed,  # noqa: F811
                                                           catalog: Path) -> None:
    truth = [bed.cluster.psql(q, bed.remote_db, "-At").stdout for q in QUERIES]
    assert [fdwsh(bed, q) for q in QUERIES] == truth
    assert fdwsh(bed, "ANALYZE") == "ANALYZE\n"
    assert [fdwsh(bed, q) for q in QUERIES] == truth


def test_statistics_change_which_side_filters_the_other(bed: QueryBed,  # noqa: F811
                                                        catalog: Path) -> None:
    before = plan(bed, SELECTIVE_JOIN)
    assert "Dynamic Filter: b.id = ANY (keys of s.big_id) (3000 keys)" in before
    assert "Dynamic Filter: s.big_id = ANY (keys of b.id) (not used)" in before
    fdwsh(bed, "ANALYZE big, small")
    after = plan(bed, SELECTIVE_JOIN)
    assert "Dynamic Filter: s.big_id = ANY (keys of b.id) (99 keys)" in after
    assert "Dynamic Filter: b.id = ANY (keys of s.big_id) (not used)" in after
    assert "Foreign Scan on public.small s (actual rows=14 loops=1)" in after


def test_explain_shows_the_estimates_of_the_statistics(bed: QueryBed,  # noqa: F811
                                                       catalog: Path) -> None:
    def big_scan(text: str) -> str:
        return next(line for line in text.splitlines() if "Foreign Scan on public.big" in line)
    before = big_scan(plan(bed, SELECTIVE_JOIN, "VERBOSE"))
    remote_rows = int(re.search(r"rows=(\d+)", before).group(1))  # type: ignore[union-attr]
    assert remote_rows > 1000  # the remote, without statistics, guesses
    fdwsh(bed, "ANALYZE big")
    after = big_scan(plan(bed, SELECTIVE_JOIN, "VERBOSE"))
    found = re.fullmatch(r" *->  Foreign Scan on public\.big b  "  # at its depth in the plan
                         r"\(cost=100\.00\.\.\d+\.\d\d rows=(\d+) width=8\)", after)
    assert found and 70 <= int(found.group(1)) <= 130, after  # 99 rows, from a sample
    assert "rows=" not in big_scan(plan(bed, SELECTIVE_JOIN, "VERBOSE, COSTS OFF"))


def test_a_from_list_starts_from_its_most_selective_table(bed: QueryBed,  # noqa: F811
                                                          catalog: Path) -> None:
    before = plan(bed, THREE_TABLES)
    assert "Join Order" not in before
    assert "Foreign Scan on public.mid m (actual rows=20000 loops=1)" in before
    fdwsh(bed, "ANALYZE")
    after = plan(bed, THREE_TABLES)
    order = next(line for line in after.splitlines() if "Join Order" in line)
    assert re.fullmatch(r"  Join Order: b \(rows=\d+\), s \(rows=\d+, hash table on b\), "
                        r"m \(rows=\d+, hash table on b, s\)", order), order
    assert "Foreign Scan on public.mid m (actual rows=97 loops=1)" in after
    assert order in plan(bed, THREE_TABLES, "COSTS OFF").splitlines()  # without running it


def test_a_hash_join_builds_on_its_smaller_input(bed: QueryBed,  # noqa: F811
                                                 catalog: Path) -> None:
    fdwsh(bed, "ANALYZE")
    order = next(line for line in plan(bed, CROSS_THEN_HASH).splitlines() if "Join Order" in line)
    assert re.fullmatch(r"  Join Order: n \(rows=\d+\), s \(rows=\d+\), "
                        r"b \(rows=\d+, hash table on b\)", order), order


def test_from_order_stays_without_statistics_or_with_lateral_items(
        bed: QueryBed, catalog: Path) -> None:  # noqa: F811
    query = "SELECT count(*), sum(l.x) FROM mid m, small s, LATERAL (SELECT s.big_id + 1 AS x) l" \
        " WHERE m.small_id = s.id AND s.id < 100"
    truth = bed.cluster.psql(query, bed.remote_db, "-At").stdout
    fdwsh(bed, "ANALYZE")
    assert fdwsh(bed, query) == truth
    assert "Join Order" not in plan(bed, query)


def test_each_query_level_shows_its_own_join_order(bed: QueryBed,  # noqa: F811
                                                   catalog: Path) -> None:
    query = "SELECT s.id FROM small s, big b WHERE s.big_id = b.id AND b.x < 50 AND s.id IN " \
        "(SELECT s2.id FROM small s2, big b2 WHERE s2.big_id = b2.id AND b2.x < 500) ORDER BY 1"
    truth = bed.cluster.psql(query, bed.remote_db, "-At").stdout
    fdwsh(bed, "ANALYZE")
    assert fdwsh(bed, query) == truth
    orders = [line for line in plan(bed, query, "COSTS OFF").splitlines() if "Join Order" in line]
    assert len(orders) == 2, orders
    assert {line.split(" (")[0] for line in orders} == {"  Join Order: b", "  Join Order: b2"}


def test_a_scan_s_cost_from_statistics_is_postgres_fdw_s(bed: QueryBed,  # noqa: F811
                                                         catalog: Path) -> None:
    """postgres_fdw's estimate without use_remote_estimate, after ANALYZE on both sides."""
    oracle = bed.psql("-At", input=(
        "SET client_min_messages = warning;\nCREATE EXTENSION postgres_fdw;\n"
        + TABLES.split("\n", 1)[1].replace("{host}", bed.cluster.host)
        .replace("{port}", str(bed.cluster.port)).replace("{db}", bed.remote_db)
        + "ANALYZE big;\nEXPLAIN SELECT * FROM big;\n")).stdout
    expected = re.search(r"\(cost=.*\)", oracle).group(0)  # type: ignore[union-attr]
    fdwsh(bed, "ANALYZE big")
    line = next(line for line in plan(bed, "SELECT * FROM big b, small s WHERE s.big_id = b.id",
                                      "VERBOSE").splitlines() if "on public.big" in line)
    assert line.lstrip() == f"->  Foreign Scan on public.big b  {expected}"  # under the join
    assert expected == "(cost=100.00..1968.00 rows=50000 width=29)"


def test_explain_draws_the_joins_as_they_run(bed: QueryBed, catalog: Path) -> None:  # noqa: F811
    """Each Hash is over the input the table is built on: after ANALYZE the filtered big
    table, which FROM order (and an explicit JOIN's right side) would have probed with."""
    join = "SELECT s.id FROM small s JOIN big b ON s.big_id = b.id WHERE b.x < 100"
    explicit = "SELECT s.id FROM big b JOIN small s ON s.big_id = b.id WHERE b.x < 100"
    fdwsh(bed, "ANALYZE big, small, mid")
    assert plan(bed, explicit, "COSTS OFF").splitlines()[1:] == [
        "  ->  Hash Join",
        "        Hash Cond: (s.big_id = b.id)",
        "        ->  Foreign Scan on small s",
        "        ->  Hash",
        "              ->  Foreign Scan on big b"]
    assert plan(bed, join, "COSTS OFF") == plan(bed, explicit, "COSTS OFF")
    tree = [line for line in plan(bed, THREE_TABLES, "ANALYZE, COSTS OFF, TIMING OFF, "
                                  "SUMMARY OFF").splitlines()
            if "->" in line or "Cond" in line]
    assert tree == [
        "  ->  Sort  (actual rows=97 loops=1)",
        "        ->  Hash Join  (actual rows=97 loops=1)",
        "              Hash Cond: (m.small_id = s.id)",
        "              ->  Foreign Scan on mid m (actual rows=97 loops=1)",
        "              ->  Hash  (actual rows=14 loops=1)",
        "                    ->  Hash Join  (actual rows=14 loops=1)",
        "                          Hash Cond: (s.big_id = b.id)",
        "                          ->  Foreign Scan on small s (actual rows=14 loops=1)",
        "                          ->  Hash  (actual rows=99 loops=1)",
        "                                ->  Foreign Scan on big b (actual rows=99 loops=1)"]
