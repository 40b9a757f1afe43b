#!/usr/bin/env python3
"""Data-shipping benchmark (issue 4): a join of two large inputs on two servers.

Three throwaway clusters (tests/pgcluster.py): **A** with ``orders`` (1,000,000 rows by
default, ``customer_id`` spread over all customers), **B** with ``customers`` (as many rows as
``--customers``, 1,000,000 by default), **C** with postgres_fdw on both (the reference; default
options, foreign tables ANALYZEd).  Each query of :data:`QUERIES` runs as a whole process:

- ``fdwsh -c`` with the default ``SHIP_THRESHOLD`` (both inputs are above it: customers is
  copied to A, which runs the whole query);
- ``fdwsh -v SHIP_THRESHOLD=0 -c`` (no shipping: both tables fetched, joined in fdwsh);
- ``psql -c`` on C (postgres_fdw fetches both tables and joins locally).

The foreign tables are scripts/bench_executor.py's (its ``customers_a`` and ``regions`` name
no table here and are not read).

Outputs must be identical (exit 1 otherwise); medians of ``--repeat`` alternating runs, the
ratios to postgres_fdw, fdwsh's peak RSS, and the rows each fdwsh run received (its
``FDWSH_ROW_COUNTS`` file; the shipped rows go from B to A and never reach fdwsh).

    python scripts/bench_shipping.py [--rows N] [--customers N] [--repeat K]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from bench_executor import fdw_ddl, fdwsh_env, fdwsh_rows, psql_env, run  # noqa: E402
from tests.pgcluster import Cluster  # noqa: E402

ORDERS = """
CREATE TABLE orders (id int PRIMARY KEY, customer_id int NOT NULL,
    amount numeric(12,2) NOT NULL, status text NOT NULL, created date NOT NULL);
INSERT INTO orders SELECT g, (g::bigint * 7919) % {customers} + 1,
    ((g::bigint * 104729) % 100000) / 100.0,
    (ARRAY['new','paid','shipped','delivered','cancelled'])[g % 5 + 1],
    date '2023-01-01' + g % 730
  FROM generate_series(1, {rows}) g;
ANALYZE;
"""
CUSTOMERS = """
CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL, region int NOT NULL,
    tier text NOT NULL);
INSERT INTO customers SELECT g, 'customer ' || g, g % 20 + 1,
    CASE WHEN g % 50 = 0 THEN 'platinum' WHEN g % 10 < 2 THEN 'gold'
         WHEN g % 10 < 5 THEN 'silver' ELSE 'bronze' END
  FROM generate_series(1, {customers}) g;
ANALYZE;
"""
NAN = float("nan")
QUERIES = [
    ("join, GROUP BY tier",
     "SELECT c.tier, count(*), sum(o.amount) FROM orders o JOIN customers c"
     " ON c.id = o.customer_id GROUP BY c.tier ORDER BY c.tier"),
    ("join, filters on both sides, GROUP BY region",
     "SELECT c.region, count(*), avg(o.amount)::numeric(12,2) FROM orders o JOIN customers c"
     " ON c.id = o.customer_id WHERE o.status <> 'cancelled' AND c.tier <> 'bronze'"
     " GROUP BY c.region ORDER BY c.region"),
    ("join, ORDER BY LIMIT 10",
     "SELECT o.id, c.name, o.amount FROM orders o JOIN customers c ON c.id = o.customer_id"
     " ORDER BY o.amount DESC, o.id LIMIT 10"),
]


def setup(rows: int, customers: int, work: Path) -> tuple[list[Cluster], list[str]]:
    clusters = [Cluster(name) for name in ("ship-a", "ship-b", "ship-c")]
    a, b, c = clusters
    quiet = ("-q", "-v", "ON_ERROR_STOP=1")
    a.psql(ORDERS.format(rows=rows, customers=customers), "postgres", *quiet, check=True)
    b.psql(CUSTOMERS.format(customers=customers), "postgres", *quiet, check=True)
    ddl = fdw_ddl(a, b)
    c.psql(ddl + "ANALYZE orders; ANALYZE customers;", "postgres", *quiet, check=True)
    fdwsh = [sys.executable, "-m", "fdwsh", "-X", "-U", "postgres",
             "--catalog", str(work / "catalog.db")]
    made = subprocess.run([*fdwsh, *quiet, "-f", "-"], input=ddl, text=True,
                          env=fdwsh_env(work), capture_output=True, check=False)
    if made.returncode != 0 or made.stdout or made.stderr:
        raise RuntimeError(made.stdout + made.stderr)
    return clusters, fdwsh


def measure(sql: str, fdwsh: list[str], env: dict[str, str], oracle: Cluster, work: Path,
            repeat: int) -> tuple[bool, dict[str, float], dict[str, float],
                                  dict[str, dict[str, int]]]:
    """Outputs compared; median seconds of each way; fdwsh's peak RSS (MiB) and the rows it
    received, by way."""
    commands = {"shipped": [*fdwsh, "-c", sql],
                "local": [*fdwsh, "-v", "SHIP_THRESHOLD=0", "-c", sql]}
    theirs = ["psql", "-X", "-c", sql]
    oracle_env = psql_env(oracle)
    expected = run(theirs, oracle_env, capture=True)[2]
    received = {}
    same = True
    for way, cmd in list(commands.items()):
        try:
            out, received[way] = fdwsh_rows(cmd, env, work)
        except RuntimeError as err:  # reported, and that way is not timed
            print(f"   {way} failed: {err}", flush=True)
            del commands[way]
            continue
        same = same and out == expected
    times: dict[str, list[float]] = {way: [] for way in (*commands, "postgres_fdw")}
    rss = {"shipped": NAN, "local": NAN}
    for _ in range(repeat):
        for way, cmd in commands.items():
            elapsed, peak, _ = run(cmd, env, capture=False)
            times[way].append(elapsed)
            rss[way] = peak / 1024
        times["postgres_fdw"].append(run(theirs, oracle_env, capture=False)[0])
    medians = {k: statistics.median(v) if v else float("nan") for k, v in times.items()}
    return same, {"shipped": NAN, "local": NAN, **medians}, rss, received


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows of orders")
    parser.add_argument("--customers", type=int, default=1_000_000, help="rows of customers")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    ok = True
    with tempfile.TemporaryDirectory(prefix="fdwsh-ship-bench-") as tmp:
        work = Path(tmp)
        clusters, fdwsh = setup(args.rows, args.customers, work)
        try:
            print(f"orders {args.rows} rows on A, customers {args.customers} rows on B; "
                  f"medians of {args.repeat}, seconds")
            print(f"{'query':<46} same  shipped   local  pg_fdw  ship/pg  local/pg"
                  "  RSS MiB (shipped / local)  rows received (shipped / local)")
            env = fdwsh_env(work)
            for name, sql in QUERIES:
                same, t, rss, received = measure(sql, fdwsh, env, clusters[2], work,
                                                 args.repeat)
                rows = " / ".join(str(sum(received[w].values())) if w in received else "-"
                                  for w in ("shipped", "local"))
                print(f"{name:<46} {'yes' if same else 'NO':>4} {t['shipped']:>8.3f}"
                      f" {t['local']:>7.3f} {t['postgres_fdw']:>7.3f}"
                      f" {t['shipped'] / t['postgres_fdw']:>8.2f}"
                      f" {t['local'] / t['postgres_fdw']:>9.2f}"
                      f" {rss['shipped']:>10.0f} / {rss['local']:<14.0f} {rows}",
                      flush=True)
                ok = ok and same
        finally:
            for cluster in clusters:
                cluster.destroy()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
