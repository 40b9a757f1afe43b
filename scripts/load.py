#!/usr/bin/env python3
"""Load: concurrent fdwsh processes, a mixed read/write workload on two servers, then a
consistency check of the remote data.

    python3 scripts/load.py [--seconds 60] [--workers 8] [--accounts 400] [--seed 1]

Two throwaway clusters (``bank_a`` and ``bank_b``, fdwsh.localpg) each hold ``accounts`` (every
account starts at 1000) and ``transfers`` (a log); one catalog declares both as foreign tables,
with ``two_phase_commit 'on'`` on both servers.  Each worker is one long-running fdwsh reading
its statements from a pipe, as a script would, and runs units of work chosen at random:

- transfer (40 %): ``BEGIN``; take an amount from an account on one server, add it to an
  account on the other, log it; ``COMMIT`` (two-phase: prepared on both, then committed);
- point read (20 %), an aggregate on one server (20 %), and a join across the two servers (20 %).

Each worker writes only its own accounts (``id % workers``), so no two transactions update the
same row and REPEATABLE READ never has to refuse one: any ERROR is fdwsh's.  At the end, read
directly with psycopg: the balances of both servers must add up to what they started with,
every transfer a worker saw commit must be logged (and none more), and no prepared transaction
may be left.  Prints statements per second, the error count (must be 0) and the check; exit 1 if
either fails.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fdwsh.localpg import Cluster  # noqa: E402

START_BALANCE = 1000
DONE = "@@unit-done"

SETUP = """
CREATE TABLE accounts (id int PRIMARY KEY, balance bigint NOT NULL);
INSERT INTO accounts SELECT i, {balance} FROM generate_series(0, {accounts} - 1) i;
CREATE TABLE transfers (id bigserial PRIMARY KEY, worker int, account int, amount int);
ANALYZE;
"""

CATALOG = """
CREATE EXTENSION postgres_fdw;
CREATE SERVER a FOREIGN DATA WRAPPER postgres_fdw
    OPTIONS (host '{a.host}', port '{a.port}', dbname 'postgres', two_phase_commit 'on');
CREATE SERVER b FOREIGN DATA WRAPPER postgres_fdw
    OPTIONS (host '{b.host}', port '{b.port}', dbname 'postgres', two_phase_commit 'on');
CREATE USER MAPPING FOR CURRENT_USER SERVER a OPTIONS (user 'postgres');
CREATE USER MAPPING FOR CURRENT_USER SERVER b OPTIONS (user 'postgres');
CREATE FOREIGN TABLE a_accounts (id int, balance bigint) SERVER a
    OPTIONS (table_name 'accounts');
CREATE FOREIGN TABLE b_accounts (id int, balance bigint) SERVER b
    OPTIONS (table_name 'accounts');
CREATE FOREIGN TABLE b_transfers (worker int, account int, amount int) SERVER b
    OPTIONS (table_name 'transfers');
"""


@dataclass
class Tally:
    """What one worker did."""

    statements: int = 0
    transfers: int = 0
    errors: list[str] = field(default_factory=list)
    #: Seconds each unit took, with the time it started (from the run's start).
    latencies: list[tuple[float, float]] = field(default_factory=list)


class Worker(threading.Thread):
    """One fdwsh process fed unit after unit until the deadline."""

    def __init__(self, number: int, args: argparse.Namespace, catalog: Path,
                 deadline: float) -> None:
        super().__init__(daemon=True)
        self.number, self.args, self.catalog, self.deadline = number, args, catalog, deadline
        self.rng = random.Random(args.seed * 1000 + number)
        self.tally = Tally()

    def account(self) -> int:
        """One of this worker's own accounts."""
        owned = range(self.number, self.args.accounts, self.args.workers)
        return self.rng.choice(owned)

    def unit(self) -> tuple[list[str], bool]:
        """The statements of the next unit of work, and whether it is a transfer."""
        roll, k = self.rng.random(), self.account()
        if roll < 0.4:
            amount = self.rng.randint(1, 50)
            source, target = ("a", "b") if self.rng.random() < 0.5 else ("b", "a")
            signed = amount if target == "b" else -amount
            return ["BEGIN;",
                    f"UPDATE {source}_accounts SET balance = balance - {amount} WHERE id = {k};",
                    f"UPDATE {target}_accounts SET balance = balance + {amount} WHERE id = {k};",
                    f"INSERT INTO b_transfers VALUES ({self.number}, {k}, {signed});",
                    "COMMIT;"], True
        if roll < 0.6:
            return [f"SELECT balance FROM b_accounts WHERE id = {k};"], False
        if roll < 0.8:
            return [f"SELECT count(*), sum(balance) FROM a_accounts "
                    f"WHERE id % {self.args.workers} = {self.number};"], False
        return [f"SELECT a.id, a.balance + b.balance AS total FROM a_accounts a "
                f"JOIN b_accounts b ON b.id = a.id WHERE a.id IN ({k}, {self.account()}) "
                "ORDER BY a.id;"], False

    def run(self) -> None:
        proc = subprocess.Popen(
            [sys.executable, "-m", "fdwsh", "-X", "-q", "--catalog", str(self.catalog)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True, bufsize=1, cwd=str(ROOT))
        assert proc.stdin is not None and proc.stdout is not None
        try:
            while time.monotonic() < self.deadline:
                statements, transfer = self.unit()
                began = time.monotonic()
                proc.stdin.write("\n".join(statements) + f"\n\\echo {DONE}\n")
                output = self._read_unit(proc)
                self.tally.latencies.append((time.monotonic() - began,
                                             began - self.deadline + self.args.seconds))
                self.tally.statements += len(statements)
                errors = [line for line in output if "ERROR:" in line or "Traceback" in line]
                self.tally.errors += errors
                if transfer and not errors:
                    self.tally.transfers += 1
        finally:
            proc.stdin.close()
            rest = proc.stdout.read()
            if proc.wait(timeout=30) != 0 or "Traceback" in rest:
                self.tally.errors.append(f"worker {self.number} exit {proc.returncode}: {rest}")

    def _read_unit(self, proc: subprocess.Popen[str]) -> list[str]:
        lines = []
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.rstrip("\n") == DONE:
                return lines
            lines.append(line)
        raise RuntimeError(f"worker {self.number}: fdwsh ended early: {''.join(lines)}")


def remote(cluster: Cluster, query: str) -> list[tuple[object, ...]]:
    with psycopg.connect(cluster.dsn(), autocommit=True) as conn:
        return conn.execute(query).fetchall()


def consistency(a: Cluster, b: Cluster, args: argparse.Namespace, transfers: int
                ) -> list[str]:
    """What is wrong with the remote data (nothing: an empty list)."""
    problems = []
    total = sum(int(remote(c, "SELECT sum(balance) FROM accounts")[0][0]) for c in (a, b))
    expected = 2 * args.accounts * START_BALANCE
    if total != expected:
        problems.append(f"balances add up to {total}, not {expected}")
    logged = int(remote(b, "SELECT count(*) FROM transfers")[0][0])
    if logged != transfers:
        problems.append(f"{logged} transfers logged, {transfers} committed")
    moved = remote(b, "SELECT coalesce(sum(amount), 0) FROM transfers")[0][0]
    on_b = int(remote(b, "SELECT sum(balance) FROM accounts")[0][0])
    if on_b - args.accounts * START_BALANCE != moved:
        problems.append(f"server b gained {on_b - args.accounts * START_BALANCE}, the log "
                        f"says {moved}")
    for name, cluster in (("a", a), ("b", b)):
        left = remote(cluster, "SELECT count(*) FROM pg_prepared_xacts")[0][0]
        if left:
            problems.append(f"{left} prepared transactions left on server {name}")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--accounts", type=int, default=400)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    settings = {"max_prepared_transactions": str(2 * args.workers + 2)}
    a, b = Cluster("bank_a", settings), Cluster("bank_b", settings)
    try:
        for cluster in (a, b):
            with psycopg.connect(cluster.dsn(), autocommit=True) as conn:
                conn.execute(SETUP.format(balance=START_BALANCE, accounts=args.accounts))
        with tempfile.TemporaryDirectory(prefix="fdwsh-load-") as work:
            catalog = Path(work) / "catalog.db"
            made = subprocess.run([sys.executable, "-m", "fdwsh", "-X", "-q", "-v",
                                   "ON_ERROR_STOP=1", "--catalog", str(catalog)],
                                  input=CATALOG.format(a=a, b=b), text=True, cwd=str(ROOT),
                                  capture_output=True)
            if made.returncode != 0:
                print(made.stdout, made.stderr, file=sys.stderr)
                return 1
            return run(args, catalog, a, b)
    finally:
        a.destroy()
        b.destroy()


def run(args: argparse.Namespace, catalog: Path, a: Cluster, b: Cluster) -> int:
    started = time.monotonic()
    workers = [Worker(n, args, catalog, started + args.seconds) for n in range(args.workers)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.monotonic() - started
    statements = sum(w.tally.statements for w in workers)
    transfers = sum(w.tally.transfers for w in workers)
    errors = [e for w in workers for e in w.tally.errors]
    problems = consistency(a, b, args, transfers)
    latencies = sorted(lat for w in workers for lat, _ in w.tally.latencies)
    slowest = max((item for w in workers for item in w.tally.latencies), default=(0.0, 0.0))
    print(f"{args.workers} workers, {elapsed:.1f} s: {statements} statements "
          f"({statements / elapsed:.1f}/s), {transfers} two-phase transfers "
          f"({transfers / elapsed:.1f}/s), {len(errors)} errors")
    if latencies:
        print(f"unit latency: median {1000 * latencies[len(latencies) // 2]:.0f} ms, p99 "
              f"{1000 * latencies[int(len(latencies) * 0.99)]:.0f} ms, max "
              f"{1000 * slowest[0]:.0f} ms (at {slowest[1]:.1f} s)")
    for line in errors[:20]:
        print("  " + line.rstrip(), file=sys.stderr)
    print("consistency: " + ("ok (balances sum to the start, every committed transfer logged, "
                             "no prepared transaction left)" if not problems
                             else "; ".join(problems)))
    return 0 if not errors and not problems else 1


if __name__ == "__main__":
    sys.exit(main())
