"""Test bed: real throwaway PostgreSQL clusters (session scope) and helpers to run fdwsh.

``pg`` is the shared cluster.  It serves as the *oracle* (psql + postgres_fdw show what fdwsh
must print) and, in later issues, its databases serve as distinct remote "servers".
"""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from tests.pgcluster import Cluster

# Generated tests explore the same examples on every run, so the suite's verdict does not
# depend on luck; `--hypothesis-seed` or another profile explores further when asked.
settings.register_profile("repeatable", derandomize=True, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

ROOT = Path(__file__).resolve().parent.parent
_counter = itertools.count()


@pytest.fixture(scope="session")
def pg() -> Iterator[Cluster]:
    """A running PostgreSQL cluster for the whole test session."""
    cluster = Cluster("fdwsh-tests")
    try:
        yield cluster
    finally:
        cluster.destroy()


@pytest.fixture
def oracle_db(pg: Cluster) -> str:
    """A fresh database on the oracle cluster, with postgres_fdw NOT yet created."""
    name = f"oracle_{os.getpid()}_{next(_counter)}"
    pg.create_database(name)
    return name


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    """Path of a fresh (not yet created) catalog file."""
    return tmp_path / "catalog.db"


def fdwsh_env(tmp_path: Path | None = None) -> dict[str, str]:
    """Environment for running fdwsh as a child process, isolated from the user's files."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PG", "FDWSH"))}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env["LC_ALL"] = "C.UTF-8"
    env["COLUMNS"] = "200"
    env.pop("PSQL_PAGER", None)
    env["PAGER"] = ""  # tests that page set their own pager
    if tmp_path is not None:
        env["HOME"] = str(tmp_path)
        env["XDG_DATA_HOME"] = str(tmp_path / "xdg")
    return env


def run_fdwsh(*args: str, input: str | None = None, catalog: Path | None = None,
              env: dict[str, str] | None = None, merge: bool = True,
              ) -> subprocess.CompletedProcess[str]:
    """Run ``python -m fdwsh ARGS`` and return the finished process.

    With ``merge`` (the default) stderr goes to stdout, as psql's would on a terminal, so that
    errors and notices keep their order with results.
    """
    cmd = [sys.executable, "-m", "fdwsh", *args]
    if catalog is not None:
        cmd += ["--catalog", str(catalog)]
    return subprocess.run(
        cmd, input=input, text=True, env=env or fdwsh_env(),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT if merge else subprocess.PIPE,
        timeout=60,
    )
