"""Statistics fdwsh computes from a sample (fdwsh.exec.analyze_stats): NULL fractions, widths,
distinct counts (Duj1), most common values and histograms, on hand-made samples."""

from __future__ import annotations

import random

from fdwsh.exec.analyze_stats import STATS_TARGET, column_stats, reservoir


def test_an_empty_sample_and_a_sample_of_nulls() -> None:
    empty = column_stats([], 0, int, 4)
    assert (empty.null_frac, empty.n_distinct, empty.most_common_vals) == (0.0, 0.0, ())
    nulls = column_stats([None] * 10, 10, int, 4)
    assert (nulls.null_frac, nulls.n_distinct, nulls.histogram_bounds) == (1.0, 0.0, ())


def test_unique_values_give_minus_one_and_a_histogram() -> None:
    values = [str(i) for i in range(1, 1001)] + [None] * 250
    stats = column_stats(values, 1250, int, 4)
    assert stats.null_frac == 0.2 and stats.avg_width == 4
    assert stats.n_distinct == -1.0 and stats.most_common_vals == ()
    assert len(stats.histogram_bounds) == STATS_TARGET + 1
    assert (stats.histogram_bounds[0], stats.histogram_bounds[-1]) == ("1", "1000")


def test_few_values_all_seen_twice_are_all_most_common() -> None:
    values = ["b"] * 60 + ["a"] * 30 + ["c"] * 10
    stats = column_stats(values, 100, None, None)
    assert stats.n_distinct == 3 and stats.most_common_vals == ("b", "a", "c")
    assert stats.most_common_freqs == (0.6, 0.3, 0.1)
    assert stats.histogram_bounds == ()  # nothing left outside the MCVs
    assert stats.avg_width == 2  # one byte of text, one of varlena header


def test_values_compare_by_their_type_not_their_text() -> None:
    values = ["10", "9", "100", "10.0"] * 5
    stats = column_stats(values, 20, float, None)
    assert set(stats.most_common_vals) == {"10", "9", "100"}  # 10 and 10.0 are one value
    assert stats.most_common_freqs[0] == 0.5


def test_a_sample_of_a_larger_table_scales_its_distinct_count() -> None:
    # 30000 sampled of 1,000,000 rows: each of 20000 values seen about 1.5 times
    rng = random.Random(7)
    values = [str(rng.randrange(20000)) for _ in range(30000)]
    stats = column_stats(values, 1_000_000, int, 4)
    assert 15000 <= stats.n_distinct <= 25000  # Duj1 near the truth, stored as a count
    skewed = [str(i % 10) for i in range(25000)] + [str(i) for i in range(5000)]
    stats = column_stats(skewed, 1_000_000, int, 4)
    assert stats.most_common_vals[:1] != () and len(stats.most_common_vals) <= STATS_TARGET


def test_reservoir_keeps_at_most_its_size_and_counts_every_row() -> None:
    sample, seen = reservoir(((i,) for i in range(10_000)), 100, random.Random(1))
    assert seen == 10_000 and len(sample) == 100 and len(set(sample)) == 100
    assert reservoir(iter([]), 100) == ([], 0)
