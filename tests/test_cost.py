"""The cost model's arithmetic (fdwsh.plan.selectivity, fdwsh.plan.cost) on hand-made statistics:
what fraction of rows each kind of condition keeps, with NULLs, empty statistics, values
outside the histogram and literals the column's type cannot read."""

from __future__ import annotations

import pytest
from pglast import parse_sql

from fdwsh.catalog.model import ForeignColumn, ForeignTable
from fdwsh.catalog.stats import ColumnStats, TableStats
from fdwsh.plan import cost
from fdwsh.plan.selectivity import (
    DEFAULT_EQ_SEL, DEFAULT_INEQ_SEL, DEFAULT_MATCH_SEL, eq_selectivity, histogram_fraction,
)

TABLE = ForeignTable(1, "public", "t", 1, "s", "public", "t", (
    ForeignColumn("id", "integer", False, None, "id"),
    ForeignColumn("tier", "integer", False, None, "tier"),
    ForeignColumn("name", "text", False, None, "name"),
    ForeignColumn("day", "date", False, None, "day"),
    ForeignColumn("doc", "json", False, None, "doc"),
), (), ())

#: 10,000 rows: id unique 1..10000 (histogram in tenths), tier 1..4 (MCVs), name 20 % NULL,
#: 1000 distinct names, no MCVs; day a histogram over 2024.
STATS = TableStats(10_000, 50, "2026-01-01 00:00:00", {
    "id": ColumnStats(0.0, 4, -1.0, histogram_bounds=tuple(str(i) for i in range(0, 10_001, 1000))),
    "tier": ColumnStats(0.0, 4, 4, ("1", "2", "3", "4"), (0.7, 0.2, 0.06, 0.04)),
    "name": ColumnStats(0.2, 10, 1000),
    "day": ColumnStats(0.0, 4, 366, histogram_bounds=("2024-01-01", "2024-07-01", "2025-01-01")),
})


def selectivity(where: str, stats: TableStats = STATS) -> float:
    """The fraction of TABLE's rows ``WHERE <where>`` keeps."""
    condition = parse_sql(f"SELECT 1 FROM t WHERE {where}")[0].stmt.whereClause
    return cost.conditions_selectivity([condition], TABLE, stats)


def test_equality_with_a_most_common_value_is_its_frequency() -> None:
    assert selectivity("tier = 2") == pytest.approx(0.2)
    assert selectivity("2 = tier") == pytest.approx(0.2)
    assert selectivity("tier <> 1") == pytest.approx(0.3)


def test_equality_with_a_value_outside_the_mcvs_shares_the_rest() -> None:
    assert selectivity("tier = 9") == 0.0  # every distinct value is an MCV
    assert selectivity("name = 'bob'") == pytest.approx(0.8 / 1000)
    assert selectivity("id = 42") == pytest.approx(1 / 10_000)


def test_inequalities_interpolate_in_the_histogram() -> None:
    assert selectivity("id < 2500") == pytest.approx(0.25)
    assert selectivity("id >= 2500") == pytest.approx(0.75)
    assert selectivity("2500 > id") == pytest.approx(0.25)
    assert selectivity("id BETWEEN 1000 AND 3000") == pytest.approx(0.2)
    assert selectivity("day < '2024-04-01'") == pytest.approx(91 / 366, rel=0.02)


def test_values_beyond_the_histogram_keep_all_or_nothing() -> None:
    assert selectivity("id < -5") == 0.0
    assert selectivity("id > 99999") == 0.0
    assert selectivity("id <= 99999") == 1.0


def test_inequalities_over_most_common_values_only() -> None:
    assert selectivity("tier <= 2") == pytest.approx(0.9)
    assert selectivity("tier > 3") == pytest.approx(0.04)


def test_null_tests_use_the_null_fraction() -> None:
    assert selectivity("name IS NULL") == pytest.approx(0.2)
    assert selectivity("name IS NOT NULL") == pytest.approx(0.8)
    assert selectivity("id IS NULL") == 0.0


def test_boolean_combinations() -> None:
    assert selectivity("tier = 1 AND id < 5000") == pytest.approx(0.35)
    assert selectivity("tier = 1 OR tier = 2") == pytest.approx(0.7 + 0.2 - 0.14)
    assert selectivity("NOT tier = 1") == pytest.approx(0.3)
    assert selectivity("tier IN (1, 2)") == pytest.approx(0.9)
    assert selectivity("tier NOT IN (1, 2)") == pytest.approx(0.3 * 0.8)


def test_defaults_where_statistics_say_nothing() -> None:
    empty = TableStats(10_000)
    assert selectivity("tier = 1", empty) == DEFAULT_EQ_SEL
    assert selectivity("tier < 1", empty) == DEFAULT_INEQ_SEL
    assert selectivity("name LIKE 'a%'") == DEFAULT_MATCH_SEL
    assert selectivity("doc IS NOT NULL", empty) == 1 - DEFAULT_EQ_SEL
    assert selectivity("lower(name) = 'x'") == DEFAULT_EQ_SEL
    assert selectivity("id = NULL") == DEFAULT_EQ_SEL
    assert selectivity("tier BETWEEN 1 AND 2", empty) == pytest.approx(DEFAULT_INEQ_SEL ** 2)
    assert selectivity("tier NOT BETWEEN 1 AND 2", empty) == \
        pytest.approx(1 - DEFAULT_INEQ_SEL ** 2)
    assert selectivity("id NOT BETWEEN 1000 AND 3000") == pytest.approx(0.8)


def test_a_literal_the_type_cannot_read_gets_the_default() -> None:
    assert selectivity("id = 'not a number'") == DEFAULT_EQ_SEL
    assert selectivity("day < 'someday'") == DEFAULT_INEQ_SEL


def test_a_column_of_nulls_only() -> None:
    nulls = TableStats(100, columns={"name": ColumnStats(1.0, 0, 0)})
    assert selectivity("name = 'x'", nulls) == 0.0
    assert selectivity("name IS NULL", nulls) == 1.0
    assert eq_selectivity(None, 100, None, "x") == DEFAULT_EQ_SEL


def test_histogram_fraction_of_a_bucket() -> None:
    assert histogram_fraction([0, 10, 20], 5, inclusive=False) == pytest.approx(0.25)
    assert histogram_fraction([0, 10, 20], 20, inclusive=True) == 1.0
    assert histogram_fraction(["a", "m", "z"], "c", inclusive=False) == pytest.approx(0.25)


def test_join_rows_divide_by_the_larger_distinct_count() -> None:
    assert cost.join_rows(1000, 100, 50, 100) == pytest.approx(1000)
    assert cost.join_rows(1000, 100) == pytest.approx(100)  # keys taken as unique
    assert cost.join_rows(0, 100) == 0.0
    assert cost.join_rows(1000, 100, 50, 100, left_nulls=0.5) == pytest.approx(500)


def test_hash_joins_build_on_the_smaller_input() -> None:
    assert cost.build_left(10, 100_000)
    assert not cost.build_left(100_000, 10)
    assert cost.transfer_cost(1000, 2) < cost.transfer_cost(100_000, 2)
