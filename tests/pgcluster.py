"""Throwaway PostgreSQL clusters for the tests (and scripts): initdb + pg_ctl on loopback.

PostgreSQL refuses to run as root, so when we are root the cluster is created and run as the
``postgres`` OS user (``runuser``).  Each cluster lives in its own temp dir, listens on 127.0.0.1
at a free port with its socket inside that dir, and is removed by :meth:`Cluster.destroy`.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


def pg_bindir() -> Path:
    """The folder holding initdb/pg_ctl (``pg_config --bindir``, else Debian's layout)."""
    with contextlib.suppress(OSError, subprocess.CalledProcessError):  # no pg_config: look on
        out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=True)
        path = Path(out.stdout.strip())
        if (path / "initdb").exists():
            return path
    for candidate in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (candidate / "initdb").exists():
            return candidate
    raise RuntimeError("PostgreSQL server binaries not found (apt-get install -y postgresql)")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_postgres(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


class Cluster:
    """One running PostgreSQL cluster; ``dsn(dbname)`` gives a libpq connection string."""

    def __init__(self, name: str = "fdwsh", settings: dict[str, str] | None = None) -> None:
        self.bindir = pg_bindir()
        self.root = Path(tempfile.mkdtemp(prefix=f"{name}-pg-"))
        os.chmod(self.root, 0o755)
        self.datadir = self.root / "data"
        self.port = free_port()
        self.user = "postgres"
        self.host = "127.0.0.1"
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres")
        self._run([str(self.bindir / "initdb"), "-D", str(self.datadir), "-U", self.user,
                   "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"])
        conf = {
            "listen_addresses": "'127.0.0.1'",
            "port": str(self.port),
            "unix_socket_directories": f"'{self.root}'",
            "fsync": "off",
            "synchronous_commit": "off",
            "full_page_writes": "off",
            "max_prepared_transactions": "10",
            "shared_buffers": "32MB",
            "max_connections": "60",
            **(settings or {}),
        }
        with open(self.datadir / "postgresql.conf", "a") as f:
            for key, value in conf.items():
                f.write(f"{key} = {value}\n")
        self.start()

    def _run(self, cmd: list[str]) -> str:
        proc = subprocess.run(_as_postgres(cmd), capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError(f"{cmd[0]} failed: {proc.stdout}{proc.stderr}")
        return proc.stdout

    def start(self) -> None:
        self._run([str(self.bindir / "pg_ctl"), "-D", str(self.datadir), "-l",
                   str(self.root / "log"), "-w", "start"])

    def stop(self, mode: str = "fast") -> None:
        self._run([str(self.bindir / "pg_ctl"), "-D", str(self.datadir), "-m", mode, "-w", "stop"])

    def destroy(self) -> None:
        with contextlib.suppress(RuntimeError):  # already stopped (a test may stop it)
            self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)

    def dsn(self, dbname: str = "postgres") -> str:
        return f"host={self.host} port={self.port} user={self.user} dbname={dbname}"

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
