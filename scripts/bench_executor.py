#!/usr/bin/env python3
"""Executor benchmark (issue 4): fdwsh vs psql + postgres_fdw over three PostgreSQL clusters.

The script starts three throwaway clusters (tests/pgcluster.py: temp dirs, 127.0.0.1, free
ports, as the ``postgres`` OS user when run as root):

- **A** holds ``orders(id, customer_id, amount numeric(12,2), status, created date)``
  (1,000,000 rows by default, primary key only: with an index on ``customer_id`` A's planner
  answers ``GROUP BY customer_id`` with a GroupAggregate over that index, 2.5-5 s here
  against 0.9 s for its parallel hash aggregate), ``customers_a`` (a copy of B's customers)
  and ``regions`` (20 rows);
- **B** holds ``customers(id, name, region, tier)`` (100,000 rows; 2 % of them are
  ``tier = 'platinum'``);
- **C** has postgres_fdw with servers ``a`` and ``b`` (default options, so ``fetch_size``
  100; foreign tables ANALYZEd) and is the reference.  fdwsh gets the same DDL in a temporary
  catalog.

Each query of :data:`QUERIES` first runs once through both programs: the outputs (psql's
aligned format, byte for byte) must be identical, and the rows each program received from the
servers are counted (fdwsh: its ``FDWSH_ROW_COUNTS`` file, see fdwsh/remote/fetch.py;
postgres_fdw: the Foreign Scan nodes of its EXPLAIN ANALYZE).  Then ``fdwsh -c`` and
``psql -c`` run ``--repeat`` times each, alternating, output to /dev/null; the medians of the
whole processes (start-up included), the ratio fdwsh / postgres_fdw against its target, and
fdwsh's peak RSS are reported.  Exit status 1 when an output differs or a target is missed.

    python scripts/bench_executor.py [--rows N] [--repeat K] [--keep] [--only N ...]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.pgcluster import Cluster  # noqa: E402

CUSTOMERS = 100_000
REGIONS = 20


@dataclass(frozen=True, slots=True)
class Query:
    name: str
    sql: str
    target: float  # the highest acceptable ratio fdwsh / postgres_fdw


QUERIES = [
    Query("1M rows x 4 columns aggregated locally",
          "SELECT status, count(*), sum(amount), min(created), max(customer_id)"
          " FROM (SELECT * FROM orders WHERE amount >= 0 OFFSET 0) s"
          " GROUP BY status ORDER BY status", 0.6),
    Query("cross-server join, 2 % filter, GROUP BY region",
          "SELECT c.region, count(*), sum(o.amount) FROM orders o"
          " JOIN customers c ON c.id = o.customer_id WHERE c.tier = 'platinum'"
          " GROUP BY c.region ORDER BY c.region", 0.2),
    Query("cross-server join, no filter, GROUP BY tier",
          "SELECT c.tier, count(*), sum(o.amount), avg(o.amount) FROM orders o"
          " JOIN customers c ON c.id = o.customer_id GROUP BY c.tier ORDER BY c.tier", 0.5),
    Query("same-server 3-way join + aggregate",
          "SELECT r.name, count(*), sum(o.amount) FROM orders o"
          " JOIN customers_a ca ON ca.id = o.customer_id JOIN regions r ON r.id = ca.region"
          " GROUP BY r.name ORDER BY r.name", 0.5),
    Query("ORDER BY amount DESC LIMIT 10",
          "SELECT id, customer_id, amount FROM orders ORDER BY amount DESC, id LIMIT 10", 1.5),
]
#: The query (numbered from 1, as printed) whose peak RSS must stay under RSS_LIMIT_MIB: the
#: no-filter join, whose build and probe sides are the largest.
RSS_QUERY = 3
RSS_LIMIT_MIB = 1024

SERVER_A = f"""
CREATE TABLE orders (id int PRIMARY KEY, customer_id int NOT NULL,
    amount numeric(12,2) NOT NULL, status text NOT NULL, created date NOT NULL);
INSERT INTO orders SELECT g, (g::bigint * 7919) % {CUSTOMERS} + 1,
    ((g::bigint * 104729) % 100000) / 100.0,
    (ARRAY['new','paid','shipped','delivered','cancelled'])[g % 5 + 1],
    date '2023-01-01' + g % 730
  FROM generate_series(1, %(rows)s) g;
CREATE TABLE regions (id int PRIMARY KEY, name text NOT NULL);
INSERT INTO regions SELECT g, 'region ' || g FROM generate_series(1, {REGIONS}) g;
"""
CUSTOMERS_DDL = """
CREATE TABLE {name} (id int PRIMARY KEY, name text NOT NULL, region int NOT NULL,
    tier text NOT NULL);
INSERT INTO {name} SELECT g, 'customer ' || g, g % {regions} + 1,
    CASE WHEN g % 50 = 0 THEN 'platinum' WHEN g % 10 < 2 THEN 'gold'
         WHEN g % 10 < 5 THEN 'silver' ELSE 'bronze' END
  FROM generate_series(1, {customers}) g;
"""


def customers_ddl(name: str) -> str:
    return CUSTOMERS_DDL.format(name=name, regions=REGIONS, customers=CUSTOMERS)


def fdw_ddl(a: Cluster, b: Cluster) -> str:
    """The servers, mappings and foreign tables, for postgres_fdw and fdwsh alike."""
    ddl = "CREATE EXTENSION postgres_fdw;\n"
    for server, cluster in (("a", a), ("b", b)):
        ddl += (f"CREATE SERVER {server} FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host "
                f"'{cluster.host}', port '{cluster.port}', dbname 'postgres');\n"
                f"CREATE USER MAPPING FOR CURRENT_USER SERVER {server}"
                " OPTIONS (user 'postgres');\n")
    customers = "(id int NOT NULL, name text NOT NULL, region int NOT NULL, tier text NOT NULL)"
    tables = [("orders", "(id int NOT NULL, customer_id int NOT NULL, amount numeric(12,2)"
               " NOT NULL, status text NOT NULL, created date NOT NULL)", "a", "orders"),
              ("customers_a", customers, "a", "customers_a"),
              ("regions", "(id int NOT NULL, name text NOT NULL)", "a", "regions"),
              ("customers", customers, "b", "customers")]
    for name, columns, server, remote in tables:
        ddl += (f"CREATE FOREIGN TABLE {name} {columns} SERVER {server}"
                f" OPTIONS (schema_name 'public', table_name '{remote}');\n")
    return ddl


def psql_env(cluster: Cluster) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env.update(PGHOST=cluster.host, PGPORT=str(cluster.port), PGUSER=cluster.user,
               PGDATABASE="postgres", PAGER="", LC_ALL="C.UTF-8")
    return env


def fdwsh_env(home: Path) -> dict[str, str]:
    """fdwsh's environment: bytecode cached (in ``home``, as an installed program has it,
    even where PYTHONDONTWRITEBYTECODE is set: compiling fdwsh's modules costs ~0.12 s)."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PG", "FDWSH")) and k != "PYTHONDONTWRITEBYTECODE"}
    env.update(PYTHONPATH=str(ROOT), HOME=str(home), XDG_DATA_HOME=str(home / "xdg"),
               PYTHONPYCACHEPREFIX=str(home / "pycache"), PAGER="", LC_ALL="C.UTF-8")
    return env


def run(cmd: list[str], env: dict[str, str], *, capture: bool) -> tuple[float, int, str]:
    """Run ``cmd`` (it must succeed quietly): seconds, peak RSS in KiB, stdout if captured."""
    with tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stderr=err, text=True,
                                stdout=subprocess.PIPE if capture else subprocess.DEVNULL)
        out = proc.stdout.read() if proc.stdout is not None else ""
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - started
        if proc.stdout is not None:
            proc.stdout.close()
        err.seek(0)
        stderr = err.read()
    code = os.waitstatus_to_exitcode(status)
    if code != 0 or stderr:
        raise RuntimeError(f"{' '.join(cmd)} failed ({code}): {stderr}")
    return elapsed, usage.ru_maxrss, out


def setup(rows: int, work: Path) -> tuple[list[Cluster], list[str]]:
    """Start A, B and C, load them; return the clusters and the fdwsh command."""
    clusters: list[Cluster] = []
    for name in ("bench-a", "bench-b", "bench-c"):  # PostgreSQL's default shared_buffers
        clusters.append(Cluster(name, settings={"shared_buffers": "128MB"}))
    a, b, c = clusters
    quiet = ("-q", "-v", "ON_ERROR_STOP=1")
    a.psql(SERVER_A.replace("%(rows)s", str(rows)) + customers_ddl("customers_a")
           + "ANALYZE;", "postgres", *quiet, check=True)
    b.psql(customers_ddl("customers") + "ANALYZE;", "postgres", *quiet, check=True)
    ddl = fdw_ddl(a, b)
    c.psql(ddl + "ANALYZE orders; ANALYZE customers_a; ANALYZE regions; ANALYZE customers;",
           "postgres", *quiet, check=True)
    fdwsh = [sys.executable, "-m", "fdwsh", "-X", "-U", "postgres",
             "--catalog", str(work / "catalog.db")]
    made = subprocess.run([*fdwsh, *quiet, "-f", "-"], input=ddl, check=False, text=True,
                          env=fdwsh_env(work), capture_output=True)
    if made.returncode != 0 or made.stdout or made.stderr:
        raise RuntimeError(made.stdout + made.stderr)
    return clusters, fdwsh


_ACTUAL = re.compile(r"Foreign Scan.*\(actual rows=(\d+) loops=(\d+)\)")


def postgres_fdw_rows(oracle: Cluster, sql: str) -> int:
    """Rows postgres_fdw fetched for ``sql``: its Foreign Scan nodes' actual rows × loops."""
    out = oracle.psql(f"EXPLAIN (ANALYZE, TIMING OFF, COSTS OFF) {sql}", "postgres",
                      "-At", check=True).stdout
    return sum(int(rows) * int(loops) for rows, loops in _ACTUAL.findall(out))


def fdwsh_rows(cmd: list[str], env: dict[str, str], work: Path) -> tuple[str, dict[str, int]]:
    """fdwsh's output for ``cmd`` and the rows it received from each server."""
    counts = work / "rows.txt"
    counts.unlink(missing_ok=True)
    _, _, out = run(cmd, {**env, "FDWSH_ROW_COUNTS": str(counts)}, capture=True)
    received: dict[str, int] = {}
    for line in counts.read_text().splitlines() if counts.exists() else []:
        server, rows = line.split("\t")
        received[server] = received.get(server, 0) + int(rows)
    return out, received


def measure(query: Query, fdwsh: list[str], env: dict[str, str], oracle: Cluster,
            work: Path, repeat: int) -> dict[str, object]:
    """One query: outputs compared, rows transferred, median times, ratio, peak RSS."""
    mine_cmd = [*fdwsh, "-c", query.sql]
    theirs_cmd = ["psql", "-X", "-c", query.sql]
    oracle_env = psql_env(oracle)
    mine_out, received = fdwsh_rows(mine_cmd, env, work)
    _, _, theirs_out = run(theirs_cmd, oracle_env, capture=True)
    times: dict[str, list[float]] = {"fdwsh": [], "psql": []}
    rss = 0
    for _ in range(repeat):
        elapsed, peak, _ = run(mine_cmd, env, capture=False)
        times["fdwsh"].append(elapsed)
        rss = max(rss, peak)
        times["psql"].append(run(theirs_cmd, oracle_env, capture=False)[0])
    mine, theirs = statistics.median(times["fdwsh"]), statistics.median(times["psql"])
    return {"same": mine_out == theirs_out, "mine_out": mine_out, "theirs_out": theirs_out,
            "fdwsh_s": mine, "pgfdw_s": theirs, "ratio": mine / theirs, "rss_mib": rss / 1024,
            "fdwsh_rows": received, "pgfdw_rows": postgres_fdw_rows(oracle, query.sql)}


def report(i: int, query: Query, m: dict[str, object]) -> bool:
    """Print one result row; whether the query met its target with identical output."""
    received = m["fdwsh_rows"]
    assert isinstance(received, dict)
    rows = " + ".join(f"{received[s]} ({s})" for s in sorted(received)) or "0"
    ok = bool(m["same"]) and float(m["ratio"]) <= query.target  # type: ignore[arg-type]
    print(f"{i} {query.name:<47} {'yes' if m['same'] else 'NO':>4} {m['fdwsh_s']:>7.3f}"
          f" {m['pgfdw_s']:>7.3f} {m['ratio']:>6.2f} {query.target:>6.2f}"
          f" {'met' if ok else 'MISSED':>6} {m['rss_mib']:>6.0f}  {rows} / {m['pgfdw_rows']}",
          flush=True)
    if not m["same"]:
        print(f"   fdwsh:\n{m['mine_out']}\n   postgres_fdw:\n{m['theirs_out']}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows of orders")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per program")
    parser.add_argument("--keep", action="store_true",
                        help="leave the clusters and catalog running and print how to reach them")
    parser.add_argument("--only", type=int, nargs="*", help="run only these query numbers")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-executor-"))
    os.chmod(work, 0o755)
    clusters: list[Cluster] = []
    all_ok = True
    try:
        started = time.perf_counter()
        clusters, fdwsh = setup(args.rows, work)
        env = fdwsh_env(work)
        print(f"orders {args.rows} rows on A, customers {CUSTOMERS} rows on B (copy on A),"
              f" regions {REGIONS}; postgres_fdw on C (set up in"
              f" {time.perf_counter() - started:.0f} s); medians of {args.repeat}, alternating")
        print(f"# {'query':<47} same fdwsh s pgfdw s  ratio target  result RSS MiB"
              "  rows received fdwsh / postgres_fdw")
        for i, query in enumerate(QUERIES, start=1):
            if args.only and i not in args.only:
                continue
            m = measure(query, fdwsh, env, clusters[2], work, args.repeat)
            all_ok = report(i, query, m) and all_ok
            if i == RSS_QUERY and float(m["rss_mib"]) >= RSS_LIMIT_MIB:  # type: ignore[arg-type]
                print(f"   peak RSS {m['rss_mib']:.0f} MiB is over {RSS_LIMIT_MIB} MiB")
                all_ok = False
        if args.keep:
            print(f"kept: PYTHONPATH={ROOT} HOME={work} {' '.join(fdwsh)} -c '...';"
                  f" psql -h {clusters[2].host} -p {clusters[2].port} -U postgres;"
                  f" A port {clusters[0].port}, B port {clusters[1].port}")
    finally:
        if not args.keep:
            for cluster in clusters:
                cluster.destroy()
            subprocess.run(["rm", "-rf", str(work)], check=False)
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
