"""Throwaway PostgreSQL clusters for the tests (and scripts): fdwsh.localpg's clusters, plus
the real ``psql`` client to drive them (the oracle of the oracle tests)."""

from __future__ import annotations

import os
import subprocess

from fdwsh import localpg
from fdwsh.localpg import free_port, pg_bindir

__all__ = ["Cluster", "free_port", "pg_bindir"]


class Cluster(localpg.Cluster):
    """A running cluster that tests reach with psql."""

    def psql(self, sql: str, dbname: str = "postgres", *args: str, check: bool = False
             ) -> subprocess.CompletedProcess[str]:
        """Run ``sql`` through the real psql (-X, no rc file) and return the finished process.

        stderr is merged into stdout so that notices and errors keep their order with results.
        """
        env = {**os.environ, "PGHOST": self.host, "PGPORT": str(self.port), "PGUSER": self.user,
               "PGDATABASE": dbname, "PAGER": "", "PSQL_PAGER": "", "LC_ALL": "C.UTF-8",
               "COLUMNS": "200"}
        env.pop("PGPASSWORD", None)
        proc = subprocess.run(["psql", "-X", *args], input=sql, text=True, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if check and proc.returncode != 0:
            raise RuntimeError(proc.stdout)
        return proc

    def create_database(self, name: str) -> str:
        self.psql(f'CREATE DATABASE "{name}";', check=True)
        return self.dsn(name)
