#!/usr/bin/env python3
"""The long fuzz run (issue 7): N generated, mutated and extreme inputs through fdwsh.

Reuses tests/fuzz_harness.py: the same strategies, the same in-process runner and the same
property (no exception leaves fdwsh, no ``internal error``, psql's exit status, no hang, the
catalog passes ``PRAGMA integrity_check``).  The suite runs a bounded sample of it
(tests/test_fuzz_inputs.py); this runs as many as asked, counting every failure instead of
stopping (and shrinking) at the first.  Each input goes through stdin, a ``-f`` file or ``-c``
in turn; the harness's extreme inputs are always included.

    python scripts/fuzz.py [--count 10000] [--seed 1] [--failures DIR]

Prints progress, inputs/s and each failure; the failing input is saved as ``DIR/N.sql`` (bytes
as fdwsh read them) with ``DIR/N.txt`` (how it was fed, the problem, the output's end).  Exit
status 1 on any failure.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hypothesis import HealthCheck, Phase, given, seed, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from tests import fuzz_harness as fuzz  # noqa: E402

VIAS = ("stdin", "file", "command")


@dataclass
class Tally:
    """What the run has seen so far."""

    failures_dir: Path
    template: Path
    workdir: Path
    done: int = 0
    failed: list[int] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)

    def run(self, text: str) -> None:
        """Feed one input (through the next of stdin, file, command) and record the verdict."""
        via = VIAS[self.done % len(VIAS)]
        outcome = fuzz.run_input(text, via, self.template, self.workdir)
        self.done += 1
        if outcome.problem is not None:
            self._save(text, via, outcome)
        if self.done % 500 == 0:
            print(f"{self.done} inputs, {len(self.failed)} failures, {self.rate():.1f} inputs/s",
                  flush=True)

    def _save(self, text: str, via: str, outcome: fuzz.Outcome) -> None:
        number = self.done
        self.failed.append(number)
        self.failures_dir.mkdir(parents=True, exist_ok=True)
        (self.failures_dir / f"{number}.sql").write_bytes(text.encode("utf-8", "surrogateescape"))
        (self.failures_dir / f"{number}.txt").write_text(
            f"via: {via}\nproblem: {outcome.problem}\nexit status: {outcome.status}\n"
            f"seconds: {outcome.seconds:.2f}\n--- output (end) ---\n{outcome.output[-4000:]}\n")
        print(f"FAILURE {number} ({via}): {outcome.problem}; input saved to "
              f"{self.failures_dir / f'{number}.sql'}", flush=True)

    def rate(self) -> float:
        return self.done / max(time.monotonic() - self.started, 1e-9)


def generated(tally: Tally, count: int, seed_value: int) -> None:
    """Run ``count`` inputs drawn by hypothesis (generation only: a failure is recorded, not
    raised, so nothing is shrunk and the run goes on)."""
    @seed(seed_value)
    @settings(max_examples=count, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(st.one_of(fuzz.scripts, fuzz.mutated()))
    def one(text: str) -> None:
        tally.run(text)

    one()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10_000, help="inputs in all (default 10000)")
    parser.add_argument("--seed", type=int, default=1, help="hypothesis seed (default 1)")
    parser.add_argument("--failures", type=Path, default=Path("fuzz-failures"),
                        help="where failing inputs are saved (default ./fuzz-failures)")
    args = parser.parse_args()
    with fuzz.workspace() as directory:
        workdir = Path(directory)
        tally = Tally(args.failures.resolve(), fuzz.prepare_catalog(workdir), workdir)
        extremes = fuzz.EXTREMES[:args.count]
        for text in extremes:
            tally.run(text)
        if args.count > len(extremes):
            generated(tally, args.count - len(extremes), args.seed)
    seconds = time.monotonic() - tally.started
    print(f"{tally.done} inputs in {seconds:.0f} s ({tally.rate():.1f} inputs/s), seed "
          f"{args.seed}: {len(tally.failed)} failures")
    return 1 if tally.failed else 0


if __name__ == "__main__":
    sys.exit(main())
