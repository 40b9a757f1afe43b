"""fdwsh's cost model: how many rows a foreign-table scan returns, how many a join of two
inputs gives, and what moving and joining rows costs — what dynamic filtering, the join order
of a local FROM list and data shipping decide with.

Rows of a scan (:func:`estimate_rows`), from the first source that has an answer:

1. **catalog statistics** (``ANALYZE ft``: :mod:`fdwsh.catalog.stats`): ``reltuples`` × the
   selectivity of the conditions the scan sends (:mod:`fdwsh.plan.selectivity`: MCVs,
   histograms, n_distinct, null_frac as PostgreSQL's eqsel/scalarineqsel, simplified);
   skipped when the table or its server has ``use_remote_estimate 'true'``, as postgres_fdw
   then asks the remote too;
2. **the remote's estimate**: the ``rows=`` of the remote server's EXPLAIN of the scan's
   remote SQL (one round trip, asked once per scan);
3. **defaults**: :data:`DEFAULT_ROWS` when neither is available (no connection possible).

Rows of an equi-join (:func:`join_rows`): ``left × right × (1 - nullfrac_l)(1 - nullfrac_r)
/ max(nd_l, nd_r)`` where ``nd`` is the join column's number of distinct values among the
input's rows (n_distinct of the statistics, scaled to the filtered rows and capped by them;
without statistics the input's rows, i.e. the key is assumed unique — PostgreSQL's eqjoinsel
without MCV matching).  A join without equality is a cross product.

Time, in seconds, with constants measured on this machine by ``scripts/measure_costs.py``
(2 CPUs shared with other work, so whole numbers vary ±50 %; the ratios hold): PostgreSQL 15
on loopback, fdwsh's remote layer (text rows, each value read by the declared type's input
function, as ForeignScan does) and the hash join of :mod:`fdwsh.exec.joins`:

- :data:`TRANSFER_ROW` = 1.5 µs per row plus :data:`TRANSFER_COLUMN` = 0.6 µs per fetched
  column per row (200,000 int4 rows: 2.1 µs/row with one column, 6.4 µs with eight);
- :data:`ROUND_TRIP` = 0.2 ms per remote query (a filtered scan's chunks, an EXPLAIN);
- :data:`HASH_BUILD_ROW` = 2.7 µs per row put in a hash table (with its WORK_MEM accounting);
- :data:`HASH_PROBE_ROW` = 0.3 µs per row probing one without a match, and
  :data:`EMIT_ROW` = 2 µs per joined row emitted (a one-to-one join of 200,000 rows took
  5.2 µs per row in all).

API for planners: :func:`estimate_rows` (a scan's rows, kept on the scan), :func:`scan_estimate`
(rows, width and source), :func:`distinct_keys` / :func:`null_fraction` (a join column among a
scan's rows), :func:`join_rows`, :func:`transfer_cost`, :func:`hash_join_cost`,
:func:`build_left`, and :func:`explain_cost` (EXPLAIN's ``(cost=… rows=… width=…)``).

So a hash join builds on its smaller input (a row built costs nine probes), a FROM list
starts from its smallest (most selective) scan, and a scan is worth fetching first to filter
its partner when it is smaller than the partner (the keys it sends cost less than the rows
they keep from travelling).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from fdwsh.catalog.stats import TableStats, load_stats
from fdwsh.plan.selectivity import DEFAULT_NUM_DISTINCT, Reader, clause_selectivity

#: Rows assumed for a scan nothing can estimate.
DEFAULT_ROWS = 1_000_000.0
TRANSFER_ROW = 1.5e-6
TRANSFER_COLUMN = 0.6e-6
HASH_BUILD_ROW = 2.7e-6
HASH_PROBE_ROW = 0.3e-6
EMIT_ROW = 2.0e-6
ROUND_TRIP = 0.2e-3

#: postgres_fdw's costing parameters (fdw_startup_cost, fdw_tuple_cost) and the planner's.
FDW_STARTUP_COST = 100.0
FDW_TUPLE_COST = 0.01
SEQ_PAGE_COST = 1.0
CPU_TUPLE_COST = 0.01
CPU_OPERATOR_COST = 0.0025

_ROWS = re.compile(r"\brows=(\d+)")
#: get_typavgwidth() of fixed-size types by format_type() name; varlena types count 32.
_WIDTHS = {"smallint": 2, "integer": 4, "bigint": 8, "real": 4, "double precision": 8,
           "boolean": 1, "date": 4, "timestamp without time zone": 8,
           "timestamp with time zone": 8, "time without time zone": 8, "uuid": 16,
           "interval": 16, "oid": 4, "time with time zone": 12, "money": 8, "\"char\"": 1}


@dataclass(frozen=True, slots=True)
class Estimate:
    """A scan's estimated rows and row width, and where the rows came from."""

    rows: float
    width: int
    source: str  # "statistics" | "remote estimate" | "default"


# -- scans ------------------------------------------------------------------------------------


def table_stats(table: Any, services: Any) -> TableStats | None:
    """The table's ANALYZE statistics from the session's catalog (None: not analyzed, or no
    catalog, or the table asks for remote estimates)."""
    store = getattr(services, "store", None)
    if store is None or _wants_remote_estimate(table):
        return None
    return load_stats(store.db, table.id)


def scan_estimate(scan: Any, services: Any) -> Estimate:
    """Rows and width of a foreign-table scan (:class:`fdwsh.exec.from_foreign.ForeignScan`)
    with the conditions it sends, from the first source that knows (module docstring)."""
    stats = table_stats(scan.table, services)
    width = _width(scan, stats)
    if stats is not None:
        rows = stats.reltuples * conditions_selectivity(scan.conditions, scan.table, stats)
        return Estimate(max(1.0, round(rows)), width, "statistics")
    remote = _remote_rows(scan, services)
    if remote is not None:
        return Estimate(remote, width, "remote estimate")
    return Estimate(DEFAULT_ROWS, width, "default")


def estimate_rows(scan: Any, services: Any) -> float:
    """The scan's estimated rows, computed once per scan (kept in ``scan.estimate``)."""
    return float(int(cached_estimate(scan, services).rows))


def cached_estimate(scan: Any, services: Any) -> Estimate:
    """:func:`scan_estimate`, asked once per scan (kept in ``scan.estimate``)."""
    if scan.estimate is None:
        scan.estimate = scan_estimate(scan, services)
    return scan.estimate


def conditions_selectivity(conditions: Iterable[Any], table: Any, stats: TableStats) -> float:
    """The fraction of the table's rows that pass every condition (AND of them)."""
    readers = column_readers(table)
    result = 1.0
    for condition in conditions:
        result *= clause_selectivity(condition, stats, readers)
    return result


def column_readers(table: Any) -> dict[str, Reader]:
    """Per column: text → a key ordered as the column's type orders values."""
    from fdwsh.exec.fn_compare import sort_key
    from fdwsh.exec.values import parse_input
    from fdwsh.pgtypes import parse_type
    from fdwsh.types.settings import REMOTE

    readers: dict[str, Reader] = {}
    for column in table.columns:
        ref = parse_type(column.type)
        oid, typmod = ref.type.oid, ref.typmod
        try:
            key = sort_key(oid)
        except KeyError:
            continue  # unorderable (json, xml …): no comparisons, only defaults

        def read(text: str, oid: int = oid, typmod: int = typmod, key: Any = key) -> Any:
            value = parse_input(oid, text, typmod, REMOTE)
            return key(value) if key is not None else value
        readers[column.name] = read
    return readers


def distinct_keys(scan: Any, column: str, services: Any) -> float:
    """How many distinct non-NULL values ``column`` has among the scan's rows."""
    rows = estimate_rows(scan, services)
    stats = table_stats(scan.table, services)
    col = stats.columns.get(column) if stats is not None else None
    found = col.distinct(stats.reltuples) if col is not None and stats is not None else None
    if found is None:
        return max(rows, 1.0)
    if stats is not None and stats.reltuples > rows > 0:
        # the scan's filters keep a fraction of the rows: of d values, about
        # d × (1 - (1 - rows/N)^(N/d)) survive (Cardenas' formula, as PostgreSQL's
        # estimate_num_groups scales a relation's distinct count)
        n = stats.reltuples
        found = found * (1.0 - (1.0 - rows / n) ** (n / found))
    return max(1.0, min(found, rows))


def null_fraction(scan: Any, column: str, services: Any) -> float:
    stats = table_stats(scan.table, services)
    col = stats.columns.get(column) if stats is not None else None
    return col.null_frac if col is not None else 0.0


# -- joins and time ---------------------------------------------------------------------------


def join_rows(left_rows: float, right_rows: float, left_distinct: float | None = None,
              right_distinct: float | None = None, left_nulls: float = 0.0,
              right_nulls: float = 0.0) -> float:
    """Rows of an equi-join of two inputs (eqjoinsel: 1 / max(nd) of the non-NULL pairs);
    without distinct counts each side's key is taken as unique."""
    if left_rows <= 0 or right_rows <= 0:
        return 0.0
    nd = max(left_distinct or left_rows, right_distinct or right_rows,
             1.0 if left_distinct or right_distinct else DEFAULT_NUM_DISTINCT)
    return left_rows * right_rows * (1 - left_nulls) * (1 - right_nulls) / nd


def transfer_cost(rows: float, columns: int) -> float:
    """Seconds to fetch ``rows`` rows of ``columns`` columns from a server."""
    return ROUND_TRIP + rows * (TRANSFER_ROW + columns * TRANSFER_COLUMN)


def hash_join_cost(build_rows: float, probe_rows: float, out_rows: float) -> float:
    """Seconds of a local hash join that builds on ``build_rows`` rows."""
    return build_rows * HASH_BUILD_ROW + probe_rows * HASH_PROBE_ROW + out_rows * EMIT_ROW


def build_left(left_rows: float, right_rows: float) -> bool:
    """Whether a hash join should build its table on the left input (it is cheaper)."""
    return hash_join_cost(left_rows, right_rows, 0) < hash_join_cost(right_rows, left_rows, 0)


# -- EXPLAIN ----------------------------------------------------------------------------------


def explain_cost(scan: Any, services: Any) -> str | None:
    """``(cost=S..T rows=N width=W)`` of a scan from catalog statistics, postgres_fdw's formula
    without remote estimates (None when the table was not analyzed: the remote's EXPLAIN is
    shown then).  S = fdw_startup_cost; T adds the remote's sequential scan of the table
    (pages, tuples, one operator per condition) and fdw_tuple_cost + cpu_tuple_cost per row."""
    from fdwsh.exec.from_foreign import ForeignScan

    if not isinstance(scan, ForeignScan):
        return None  # a join or query level sent whole: the remote's estimate
    stats = table_stats(scan.table, services)
    if stats is None:
        return None
    estimate = scan_estimate(scan, services)
    per_tuple = CPU_TUPLE_COST + CPU_OPERATOR_COST * len(scan.conditions)
    run = SEQ_PAGE_COST * stats.relpages + per_tuple * max(stats.reltuples, 0.0)
    total = FDW_STARTUP_COST + run + (FDW_TUPLE_COST + CPU_TUPLE_COST) * estimate.rows
    return (f"(cost={FDW_STARTUP_COST:.2f}..{total:.2f} rows={estimate.rows:.0f} "
            f"width={estimate.width})")


def fixed_width(type_text: str) -> int | None:
    """The size of a fixed-width type (format_type() text), None for variable-width ones."""
    return _WIDTHS.get(type_text)


def _width(scan: Any, stats: TableStats | None) -> int:
    total = 0
    for index in scan.fetched_columns:
        column = scan.table.columns[index]
        col = stats.columns.get(column.name) if stats is not None else None
        total += col.avg_width if col is not None and col.avg_width else \
            fixed_width(column.type) or 32
    return total


def _wants_remote_estimate(table: Any) -> bool:
    value = table.option("use_remote_estimate")
    return value is not None and value.lower() in ("true", "on")


def _remote_rows(scan: Any, services: Any) -> float | None:
    """The remote server's estimate of the scan's rows (its EXPLAIN); None without a link."""
    from fdwsh.exec.services import connection_cache
    from fdwsh.remote.deparse import explain_sql

    try:
        conn = connection_cache(services).get(scan.server)
    except Exception:  # no remote layer here (a caller without a session)
        return None
    lines = list(conn.stream(explain_sql(scan.remote_tree()), fetch_size=100))
    found = _ROWS.search(lines[0][0] or "") if lines else None
    return float(found.group(1)) if found else None
