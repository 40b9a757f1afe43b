#!/usr/bin/env python3
"""Scan benchmark: fdwsh vs psql + postgres_fdw on a 1M-row remote table, in the same run.

Starts two throwaway clusters: a "remote" one holding ``big`` (1M rows, 4 columns: int, int,
text, numeric) and a "local" one with postgres_fdw (default options, so ``fetch_size`` 100)
declaring it as a foreign table.  fdwsh gets the same declaration in a temporary catalog.
Each query runs through ``fdwsh -c`` and through ``psql -c`` on the local cluster, output to
/dev/null, alternating the two programs, and the median of the runs is reported.  Times
include process start-up (psql ≈ 10 ms, fdwsh ≈ 0.3 s).

    python scripts/bench_scan.py [--rows N] [--runs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.pgcluster import Cluster  # noqa: E402

QUERIES = {
    "full scan": "SELECT * FROM big",
    "selective scan": "SELECT * FROM big WHERE id % 1000 = 0",
    "one row": "SELECT * FROM big LIMIT 1",  # start-up and connection cost, for scale
}
FORMATS = {"-At": ["-A", "-t"], "--csv": ["--csv"]}


def psql_env(cluster: Cluster, dbname: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env.update(PGHOST=cluster.host, PGPORT=str(cluster.port), PGUSER=cluster.user,
               PGDATABASE=dbname, PAGER="")
    return env


def fdwsh_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PG", "FDWSH"))}
    env.update(PYTHONPATH=str(ROOT), HOME=str(home), XDG_DATA_HOME=str(home / "xdg"))
    return env


def timed(cmd: list[str], env: dict[str, str]) -> float:
    """Seconds ``cmd`` takes with its output thrown away (it must succeed quietly)."""
    started = time.perf_counter()
    proc = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          text=True)
    elapsed = time.perf_counter() - started
    if proc.returncode != 0 or proc.stderr:
        raise RuntimeError(f"{cmd[0]} failed: {proc.stderr}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    remote = Cluster("bench-remote")
    local = Cluster("bench-local")
    work = Path(tempfile.mkdtemp(prefix="bench-fdwsh-"))
    try:
        remote.psql("CREATE TABLE big AS SELECT g AS id, g % 1000 AS grp, md5(g::text) AS label,"
                    f" (g * 1.5)::numeric(12,1) AS amount FROM generate_series(1, {args.rows}) g;"
                    " ANALYZE big;", check=True)
        ddl = ("CREATE EXTENSION postgres_fdw;\n"
               "CREATE SERVER remote FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host "
               f"'{remote.host}', port '{remote.port}', dbname 'postgres');\n"
               "CREATE USER MAPPING FOR CURRENT_USER SERVER remote OPTIONS (user 'postgres');\n"
               "CREATE FOREIGN TABLE big (id int, grp int, label text, amount numeric(12,1))"
               " SERVER remote;\n")
        local.psql(ddl, "postgres", "-q", "-v", "ON_ERROR_STOP=1", check=True)
        catalog = work / "catalog.db"
        fdwsh = [sys.executable, "-m", "fdwsh", "-X", "-U", "postgres", "--catalog", str(catalog)]
        env = fdwsh_env(work)
        made = subprocess.run([*fdwsh, "-q", "-v", "ON_ERROR_STOP=1", "-f", "-"], input=ddl,
                              text=True, env=env, capture_output=True)
        if made.returncode != 0 or made.stdout or made.stderr:
            raise RuntimeError(made.stdout + made.stderr)

        print(f"{args.rows} rows, 4 columns; median of {args.runs} runs each, alternating; "
              "output to /dev/null")
        print(f"{'query':<16} {'format':<7} {'fdwsh s':>8} {'postgres_fdw s':>15} {'ratio':>7}")
        for name, sql in QUERIES.items():
            for fmt, flags in FORMATS.items():
                times: dict[str, list[float]] = {"fdwsh": [], "psql": []}
                for _ in range(args.runs):
                    times["fdwsh"].append(timed([*fdwsh, *flags, "-c", sql], env))
                    times["psql"].append(timed(["psql", "-X", *flags, "-c", sql],
                                               psql_env(local, "postgres")))
                mine = statistics.median(times["fdwsh"])
                theirs = statistics.median(times["psql"])
                print(f"{name:<16} {fmt:<7} {mine:>8.3f} {theirs:>15.3f} {mine / theirs:>7.2f}")
    finally:
        remote.destroy()
        local.destroy()
        subprocess.run(["rm", "-rf", str(work)], check=False)


if __name__ == "__main__":
    main()
