"""Throwaway PostgreSQL clusters on this machine: initdb + pg_ctl on loopback.

Used by ``fdwsh --demo`` and, through tests/pgcluster.py, by the tests and benchmarks.
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


class ServerBinariesMissing(RuntimeError):
    """No initdb/pg_ctl on this machine (the message says what to install)."""


def pg_bindir() -> Path:
    """The folder holding initdb/pg_ctl: ``$FDWSH_PG_BINDIR`` if set, else ``pg_config
    --bindir``, else Debian's layout (/usr/lib/postgresql/N/bin, newest first)."""
    configured = os.environ.get("FDWSH_PG_BINDIR")
    if configured:
        if (Path(configured) / "initdb").exists():
            return Path(configured)
        raise ServerBinariesMissing(
            f"initdb not found in FDWSH_PG_BINDIR ({configured}): point it at the folder "
            "holding PostgreSQL's server programs (pg_config --bindir)")
    with contextlib.suppress(OSError, subprocess.CalledProcessError):  # no pg_config: look on
        out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=True)
        path = Path(out.stdout.strip())
        if (path / "initdb").exists():
            return path
    for candidate in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (candidate / "initdb").exists():
            return candidate
    raise ServerBinariesMissing(
        "PostgreSQL server binaries (initdb, pg_ctl) not found: install them, e.g. "
        "sudo apt-get install -y postgresql")


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
