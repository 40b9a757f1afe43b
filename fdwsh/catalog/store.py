"""CatalogStore: the SQLite file behind the catalog.

The file is created with mode 0600 (it holds passwords), runs in WAL mode, and every DDL statement
runs inside :meth:`CatalogStore.transaction` so that a failure changes nothing.  Row access is plain
SQL on ``self.db``; the schema is in ``migrations.py``.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from fdwsh.catalog.migrations import migrate
from fdwsh.errors import FatalError, FdwshError

Options = list[tuple[str, str]]

BUSY_TIMEOUT_MS = 5000


def default_catalog_path() -> Path:
    """``$FDWSH_CATALOG``, else ``$XDG_DATA_HOME/fdwsh/catalog.db`` (XDG default ~/.local/share)."""
    env = os.environ.get("FDWSH_CATALOG")
    if env:
        return Path(env)
    return data_dir() / "catalog.db"


def data_dir() -> Path:
    """fdwsh's data directory (history, named queries, default catalog)."""
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(base) / "fdwsh"


def _create_private(path: Path) -> None:
    """Create ``path`` empty with mode 0600 unless it exists (O_EXCL: no race with a reader)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    os.close(fd)


class CatalogStore:
    """An open catalog database."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        old_umask = os.umask(0o077)  # WAL and SHM side files get 0600 too
        try:
            if str(path) != ":memory:":
                _create_private(self.path)
            self.db = sqlite3.connect(
                str(path), isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000,
                check_same_thread=False,
            )
            self.db.execute("PRAGMA journal_mode = WAL")
            self.db.execute("PRAGMA foreign_keys = ON")
            migrate(self.db)
        except sqlite3.DatabaseError as exc:
            raise FatalError(f'could not open catalog "{self.path}": {exc}') from exc
        finally:
            os.umask(old_umask)
        self.db.row_factory = sqlite3.Row

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Run one statement's catalog changes atomically (savepoint when already inside one)."""
        if self.db.in_transaction:
            self.db.execute("SAVEPOINT stmt")
            try:
                yield self.db
            except BaseException:
                self.db.execute("ROLLBACK TO SAVEPOINT stmt")
                self.db.execute("RELEASE SAVEPOINT stmt")
                raise
            self.db.execute("RELEASE SAVEPOINT stmt")
            return
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise FdwshError("catalog is busy: another fdwsh is changing it",
                             sqlstate="55P03", detail=str(exc)) from exc
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")


def load_options(text: str | None) -> Options:
    """Decode an ``options`` column."""
    return [(k, v) for k, v in json.loads(text or "[]")]


def dump_options(options: Options) -> str:
    """Encode an ``options`` column."""
    return json.dumps([[k, v] for k, v in options])
