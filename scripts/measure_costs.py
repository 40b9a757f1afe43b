"""Measure the constants of fdwsh's cost model (fdwsh/plan/cost.py) on this machine.

Starts a throwaway PostgreSQL cluster (tests/pgcluster.py), fills a 200,000-row table of eight
integer columns, and times, best of three:

- fetching it through fdwsh's remote layer (ConnectionCache, text rows) with 1, 2, 4 and 8
  columns, each value read by the
  declared type's input function (as ForeignScan does): per row and per column;
- a remote round trip (``SELECT 1``);
- fdwsh's hash join (fdwsh.exec.joins.hash_join): per row built, per row probed without a
  match, and a one-to-one join of 200,000 rows (build + probe + emit).

Usage: ``python3 scripts/measure_costs.py`` (as root it runs the server as ``postgres``).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fdwsh.exec import joins  # noqa: E402
from fdwsh.exec.values import parse_input  # noqa: E402
from fdwsh.types.settings import REMOTE  # noqa: E402
from tests.pgcluster import Cluster  # noqa: E402

ROWS = 200_000


def best_of(runs: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    from fdwsh.remote.connection import ConnectionCache
    from tests.remote_helpers import catalog, server_sql

    cluster = Cluster("fdwsh-costs")
    try:
        cluster.psql(f"CREATE TABLE wide AS SELECT {', '.join(f'i AS {c}' for c in 'abcdefgh')}"
                     f" FROM generate_series(1, {ROWS}) i", check=True)
        store = catalog(server_sql(cluster, dbname="postgres")
                        + "CREATE USER MAPPING FOR public SERVER s OPTIONS (user 'postgres');")
        cache = ConnectionCache(store, "postgres")
        try:
            measure_transfer(cache.get("s"))
        finally:
            cache.close_all()
        measure_hash_join()
    finally:
        cluster.destroy()


def measure_transfer(conn: object) -> None:
    def read(text: str) -> object:
        return parse_input(23, text, -1, REMOTE)

    per_row = {}
    for k in (1, 2, 4, 8):
        sql = f"SELECT {', '.join('abcdefgh'[:k])} FROM public.wide"

        def fetch() -> None:
            for row in conn.stream(sql, fetch_size=10_000):  # type: ignore[attr-defined]
                tuple(read(v) for v in row)
        per_row[k] = best_of(3, fetch) / ROWS * 1e6
        print(f"fetch {k} column(s): {per_row[k]:.2f} µs/row")
    column = (per_row[8] - per_row[1]) / 7
    print(f"  → TRANSFER_COLUMN ≈ {column:.2f} µs, TRANSFER_ROW ≈ {per_row[1] - column:.2f} µs")

    def trips() -> None:
        for _ in range(200):
            list(conn.stream("SELECT 1"))  # type: ignore[attr-defined]
    print(f"round trip: {best_of(3, trips) / 200 * 1e3:.2f} ms")


def measure_hash_join() -> None:
    rows = [(i, i % 1000, "x") for i in range(ROWS)]

    def key(row: tuple) -> tuple:
        return (row[0],)

    def join(outer: list, inner: list) -> Callable[[], int]:
        return lambda: sum(1 for _ in joins.hash_join(joins.INNER, outer, inner, key, key,
                                                      None, (3, 3)))
    build = best_of(3, join(rows[:1000], rows)) / ROWS * 1e6
    probe = best_of(3, join(rows, rows[:1000])) / ROWS * 1e6
    whole = best_of(3, join(rows, rows)) / ROWS * 1e6
    print(f"hash build: {build:.2f} µs/row, probe: {probe:.2f} µs/row, "
          f"one-to-one join: {whole:.2f} µs/row → EMIT_ROW ≈ {whole - build - probe:.2f} µs")


if __name__ == "__main__":
    main()
