"""Column statistics computed from a sample of a foreign table's rows, as PostgreSQL's
analyze.c does for the rows postgres_fdw's acquire_sample_rows hands it (simplified):

- a reservoir of at most :data:`TARGET_ROWS` rows (300 × default_statistics_target 100);
- ``null_frac``, ``avg_width`` (bytes of the text form, plus a short varlena header for
  variable-width types, the type's size for fixed-width ones);
- ``n_distinct`` by the Haas-Stokes Duj1 estimator ``n·d / (n - f1 + f1·n/N)`` (d distinct
  values in a sample of n, f1 of them seen once, N rows in the table), -1 when every sampled
  value is unique, stored negative (a fraction of the rows) when above 10 % of the rows;
- most common values: every value when all fit in :data:`STATS_TARGET` entries and none was
  seen once, else those seen at least twice and 25 % more often than the average value;
- a histogram of :data:`STATS_TARGET` + 1 bounds over the other values, for types with an
  ordering (PostgreSQL's compute_scalar_stats); others get only MCVs (compute_distinct_stats).

Values stay the text the remote sent; comparisons use the column type's ordering.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from fdwsh.catalog.stats import ColumnStats

STATS_TARGET = 100
TARGET_ROWS = 300 * STATS_TARGET

Key = Callable[[str], Any]


def reservoir(rows: Iterable[Sequence[str | None]], size: int = TARGET_ROWS,
              rng: random.Random | None = None) -> tuple[list[Sequence[str | None]], int]:
    """A uniform sample of at most ``size`` rows (Algorithm R) and how many rows there were."""
    rng = rng or random.Random()
    sample: list[Sequence[str | None]] = []
    seen = 0
    for row in rows:
        seen += 1
        if len(sample) < size:
            sample.append(row)
        else:
            slot = rng.randrange(seen)
            if slot < size:
                sample[slot] = row
    return sample, seen


def column_stats(values: list[str | None], total_rows: float, key: Key | None,
                 fixed_width: int | None) -> ColumnStats:
    """pg_statistic of one column from its sampled values (None: NULL)."""
    n = len(values)
    present = [v for v in values if v is not None]
    if n == 0:
        return ColumnStats()
    null_frac = (n - len(present)) / n
    if not present:
        return ColumnStats(null_frac, 0, 0.0)
    width = fixed_width or round(sum(len(v.encode()) + 1 for v in present) / len(present))
    groups = _groups(present, key)
    counts = sorted(groups.values(), key=lambda g: -g[1])
    distinct = _n_distinct(len(present), counts, total_rows * (1 - null_frac), n >= total_rows)
    mcv = _most_common(counts, len(present), distinct)
    histogram = _histogram(present, groups, mcv, key) if key is not None else ()
    return ColumnStats(null_frac, width, _stored_distinct(distinct, total_rows),
                       tuple(text for text, _ in mcv),
                       tuple(count / n for _, count in mcv), histogram)


def _groups(present: list[str], key: Key | None) -> dict[Any, list[Any]]:
    """Equal values together: key → [first text, count]."""
    groups: dict[Any, list[Any]] = {}
    for text in present:
        k = _key(key, text)
        group = groups.get(k)
        if group is None:
            groups[k] = [text, 1]
        else:
            group[1] += 1
    return groups


def _n_distinct(sampled: int, counts: list[list[Any]], rows: float, whole: bool) -> float:
    """Distinct non-NULL values in the table (Duj1 estimator)."""
    d = len(counts)
    f1 = sum(1 for _, c in counts if c == 1)
    if f1 == d:
        return -1.0  # every value unique: assume the column is unique
    if f1 == 0 or whole:
        return float(d)  # every value seen twice or more: probably all of them
    estimate = sampled * d / ((sampled - f1) + f1 * sampled / max(rows, sampled))
    return min(max(estimate, float(d)), max(rows, float(d)))


def _stored_distinct(distinct: float, total_rows: float) -> float:
    """As pg_stats keeps it: a negative fraction when it scales with the table."""
    if distinct < 0 or total_rows <= 0:
        return distinct
    return -min(distinct / total_rows, 1.0) if distinct > 0.1 * total_rows else round(distinct)


def _most_common(counts: list[list[Any]], present: int, distinct: float
                 ) -> list[tuple[str, int]]:
    if distinct < 0:
        return []
    if len(counts) <= STATS_TARGET and all(c >= 2 for _, c in counts):
        return [(t, c) for t, c in counts]
    average = present / max(distinct, 1.0)
    return [(t, c) for t, c in counts if c >= 2 and c > 1.25 * average][:STATS_TARGET]


def _histogram(present: list[str], groups: dict[Any, list[Any]], mcv: list[tuple[str, int]],
               key: Key) -> tuple[str, ...]:
    """STATS_TARGET + 1 bounds splitting the values outside the MCV list evenly."""
    common = {_key(key, t) for t, _ in mcv}
    rest = sorted(((k, t) for t in present if (k := _key(key, t)) not in common),
                  key=lambda kt: kt[0])
    distinct = len({k for k, _ in rest})
    if distinct < 2:
        return ()
    bins = min(STATS_TARGET, distinct - 1)
    last = len(rest) - 1
    return tuple(rest[(last * i) // bins][1] for i in range(bins + 1))


def _key(key: Key | None, text: str) -> Any:
    """The value's ordering key (a value the declared type cannot read fails, as the scan
    of postgres_fdw's ANALYZE does)."""
    return text if key is None else key(text)
