"""ANALYZE results of foreign tables in the catalog (migration 2: ``table_stats``,
``column_stats``), as PostgreSQL keeps them in pg_class.reltuples/relpages and pg_statistic.

A table's statistics are replaced as a whole by :func:`save_stats` (one ANALYZE of it), inside
the caller's catalog transaction, and read back by :func:`load_stats` as plain dataclasses the
planner uses without touching SQLite.  Values of most-common lists and histograms are kept as
their text forms (the remote's output, ``DateStyle=ISO`` …): whoever compares with them reads
them through the column's declared type.  Columns are keyed by attnum in SQLite (a renamed
column keeps its statistics, a dropped one loses them by cascade) and by name in the dataclass.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class ColumnStats:
    """pg_stats of one column: ``n_distinct < 0`` is a fraction of the rows (-1: unique)."""

    null_frac: float = 0.0
    avg_width: int = 0
    n_distinct: float = 0.0
    most_common_vals: tuple[str, ...] = ()
    most_common_freqs: tuple[float, ...] = ()
    histogram_bounds: tuple[str, ...] = ()
    correlation: float | None = None

    def distinct(self, rows: float) -> float | None:
        """The number of distinct non-NULL values among ``rows`` rows (None: unknown)."""
        if self.n_distinct > 0:
            return min(self.n_distinct, rows) if rows > 0 else self.n_distinct
        if self.n_distinct < 0:
            return max(1.0, -self.n_distinct * rows)
        return None


@dataclass(frozen=True, slots=True)
class TableStats:
    """A foreign table's row count (pg_class.reltuples), pages and per-column statistics."""

    reltuples: float
    relpages: int = 0
    analyzed_at: str = ""
    columns: dict[str, ColumnStats] = field(default_factory=dict)


def load_stats(db: sqlite3.Connection, table_id: int) -> TableStats | None:
    """The table's statistics, None when it was never analyzed."""
    row = db.execute("SELECT reltuples, relpages, analyzed_at FROM table_stats "
                     "WHERE table_id = ?", (table_id,)).fetchone()
    if row is None:
        return None
    columns = {}
    for c in db.execute(
            "SELECT f.name, s.null_frac, s.avg_width, s.n_distinct, s.most_common_vals, "
            "s.most_common_freqs, s.histogram_bounds, s.correlation FROM column_stats s "
            "JOIN foreign_column f ON f.table_id = s.table_id AND f.attnum = s.attnum "
            "WHERE s.table_id = ?", (table_id,)):
        columns[c[0]] = ColumnStats(
            c[1] or 0.0, c[2] or 0, c[3] or 0.0, tuple(_list(c[4])),
            tuple(float(f) for f in _list(c[5])), tuple(_list(c[6])), c[7])
    return TableStats(row[0], row[1], row[2], columns)


def save_stats(db: sqlite3.Connection, table_id: int, stats: TableStats) -> None:
    """Replace the table's row count and the statistics of the columns in ``stats`` (other
    columns keep theirs, as ``ANALYZE ft (a)`` leaves b's pg_statistic rows alone)."""
    db.execute("INSERT OR REPLACE INTO table_stats (table_id, reltuples, relpages, analyzed_at)"
               " VALUES (?, ?, ?, ?)", (table_id, stats.reltuples, stats.relpages,
                                        stats.analyzed_at))
    attnums = dict(db.execute("SELECT name, attnum FROM foreign_column WHERE table_id = ?",
                              (table_id,)).fetchall())
    for name, col in stats.columns.items():
        db.execute(
            "INSERT OR REPLACE INTO column_stats (table_id, attnum, null_frac, avg_width, "
            "n_distinct, most_common_vals, most_common_freqs, histogram_bounds, correlation) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (table_id, attnums[name], col.null_frac, col.avg_width, col.n_distinct,
             _dump(col.most_common_vals), _dump(col.most_common_freqs),
             _dump(col.histogram_bounds), col.correlation))


def _dump(values: tuple[object, ...]) -> str | None:
    return json.dumps(list(values)) if values else None


def _list(text: str | None) -> list[object]:
    return list(json.loads(text)) if text else []
