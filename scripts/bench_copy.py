#!/usr/bin/env python3
"""COPY benchmark (issue 5): ``COPY items FROM STDIN`` of 1,000,000 rows into a foreign table,
fdwsh vs psql + postgres_fdw with ``batch_size 1000`` (its COPY into a foreign table inserts
in batches of that many rows).

Two throwaway clusters: **A** holds the empty remote table ``items(id int, name text, amount
numeric(12,2), created date)``; **C** has postgres_fdw with server ``a`` (``batch_size
'1000'``) and is the reference; fdwsh gets the same DDL in a temporary catalog.  The data is a
text-format file made once; each run is a whole process reading it on standard input
(``psql -c 'COPY items FROM STDIN' < data`` / ``fdwsh -c …``), the two programs alternating,
``--repeat`` times, the remote table truncated before each run (not timed).  After each run the
remote table's count and checksum must be the file's.  Prints the medians and the ratio
fdwsh / postgres_fdw against the target (≤ 0.5); exit status 1 when a checksum differs or the
target is missed.

    python scripts/bench_copy.py [--rows N] [--repeat K]

Measured (2 CPUs shared with other work, 1M rows, --repeat 3, 2026-12-03): fdwsh 6.75 s,
postgres_fdw 24.86 s, ratio 0.27; a later run on a busier machine 8.10 s / 48.07 s, 0.17 (see
README "COPY and \\copy").
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from bench_executor import fdwsh_env, psql_env  # noqa: E402
from tests.pgcluster import Cluster  # noqa: E402

TARGET = 0.5
TABLE = "(id int, name text, amount numeric(12,2), created date)"
CHECKSUM = "SELECT count(*), sum(id), sum(length(name)), sum(amount), max(created) FROM items"


def make_data(path: Path, rows: int) -> None:
    """``rows`` lines of COPY text: id, a name (some with escapes, some NULL), amount, date."""
    with path.open("w") as out:
        for i in range(1, rows + 1):
            name = "\\N" if i % 97 == 0 else f"item {i}\\twith tab" if i % 13 == 0 else f"item {i}"
            out.write(f"{i}\t{name}\t{i % 100000 / 100:.2f}\t2024-{i % 12 + 1:02d}-"
                      f"{i % 28 + 1:02d}\n")


def fdw_ddl(remote: Cluster) -> str:
    return ("CREATE EXTENSION postgres_fdw;\n"
            f"CREATE SERVER a FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '{remote.host}', "
            f"port '{remote.port}', dbname 'postgres', batch_size '1000');\n"
            "CREATE USER MAPPING FOR CURRENT_USER SERVER a OPTIONS (user 'postgres');\n"
            f"CREATE FOREIGN TABLE items {TABLE} SERVER a;\n")


def timed(cmd: list[str], env: dict[str, str], data: Path) -> tuple[float, str]:
    """Run ``cmd`` with ``data`` on standard input: seconds, and what it printed."""
    with data.open("rb") as stdin:
        started = time.perf_counter()
        proc = subprocess.run(cmd, env=env, stdin=stdin, capture_output=True, text=True)
        elapsed = time.perf_counter() - started
    if proc.returncode != 0 or proc.stderr:
        raise RuntimeError(f"{' '.join(cmd)} failed: {proc.stderr}")
    return elapsed, proc.stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    remote = Cluster("bench-copy-a", settings={"shared_buffers": "128MB"})
    oracle = Cluster("bench-copy-c", settings={"shared_buffers": "128MB"})
    try:
        return _bench(remote, oracle, args.rows, args.repeat)
    finally:
        remote.destroy()
        oracle.destroy()


def _bench(remote: Cluster, oracle: Cluster, rows: int, repeat: int) -> int:
    work = Path(tempfile.mkdtemp(prefix="bench-copy-"))
    remote.psql(f"CREATE TABLE items {TABLE};", check=True)
    oracle.psql(fdw_ddl(remote), "postgres", "-q", "-v", "ON_ERROR_STOP=1", check=True)
    catalog, env = work / "catalog.db", fdwsh_env(work)
    fdwsh = [sys.executable, "-m", "fdwsh", "-X", "-U", "postgres", "--catalog", str(catalog)]
    subprocess.run([*fdwsh, "-q", "-c", fdw_ddl(remote)], env=env, check=True)
    data = work / "items.tsv"
    make_data(data, rows)
    programs = {"postgres_fdw": (["psql", "-X", "-c", "COPY items FROM STDIN"], psql_env(oracle)),
                "fdwsh": ([*fdwsh, "-c", "COPY items FROM STDIN"], env)}
    times: dict[str, list[float]] = {name: [] for name in programs}
    sums: set[str] = set()
    for _ in range(repeat):
        for name, (cmd, cmd_env) in programs.items():
            remote.psql("TRUNCATE items", check=True)
            seconds, out = timed(cmd, cmd_env, data)
            assert out == f"COPY {rows}\n", out
            times[name].append(seconds)
            sums.add(remote.psql(CHECKSUM, "postgres", "-At", check=True).stdout)
    medians = {name: statistics.median(t) for name, t in times.items()}
    ratio = medians["fdwsh"] / medians["postgres_fdw"]
    print(f"COPY items FROM STDIN, {rows} rows, median of {repeat}:")
    for name, t in times.items():
        print(f"  {name:13s} {medians[name]:7.2f} s  ({', '.join(f'{x:.2f}' for x in t)})")
    print(f"  ratio fdwsh / postgres_fdw: {ratio:.2f} (target <= {TARGET})"
          f"{'' if ratio <= TARGET else '  MISSED'}")
    if len(sums) != 1:
        print(f"  remote checksums differ: {sums}")
        return 1
    shutil.rmtree(work, ignore_errors=True)
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
