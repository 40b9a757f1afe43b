"""CatalogStore: the SQLite file behind the catalog.

The file is created with mode 0600 (it holds passwords), runs in WAL mode, and every DDL statement
runs inside :meth:`CatalogStore.transaction` so that a failure changes nothing.  Row access is plain
SQL on ``self.db``; the schema is in ``migrations.py``.
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat
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


def exposure_warning(path: Path) -> str | None:
    """libpq's passfile warning, for the catalog: it holds passwords, so others must not read it."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return None
    if not stat.S_ISREG(mode) or not mode & (stat.S_IRWXG | stat.S_IRWXO):
        return None
    return (f'catalog file "{path}" has group or world access; '
            "permissions should be u=rw (0600) or less")


def busy_error(path: Path) -> FdwshError:
    """The error for a catalog another process holds locked past BUSY_TIMEOUT_MS."""
    return FdwshError(f'could not obtain lock on the catalog "{path}": it is busy',
                      sqlstate="55P03",
                      detail="Another fdwsh session is changing the catalog "
                             f"(waited {BUSY_TIMEOUT_MS // 1000} s for it).",
                      hint="Run the statement again once the other session has committed.")


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    return "locked" in str(exc) or "busy" in str(exc)


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
        #: WARNING texts for the session to print once the catalog is open (e.g. its mode).
        self.warnings = [w for w in [exposure_warning(self.path)] if w]
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
        self._changes_at_begin = -1

    def close(self) -> None:
        self.db.close()

    def begin_block(self) -> None:
        """BEGIN of a transaction block: a deferred SQLite transaction, whose first read takes
        its snapshot and whose first write takes the write lock."""
        self.db.execute("BEGIN")
        self._changes_at_begin = self.db.total_changes

    def newest_for_write(self) -> None:
        """Take the write lock on the newest catalog for a write at the end of a block (the
        two-phase record), waiting up to the busy timeout.

        A block that has read the catalog holds a snapshot; once another fdwsh commits a
        change, SQLite refuses any write from that snapshot at once (SQLITE_BUSY_SNAPSHOT),
        however long it would wait.  So shells committing two-phase transactions side by side
        failed each other's commits with "catalog is busy".  A block that has not changed the
        catalog loses nothing by ending its read transaction and starting a write transaction
        on the newest state; a block that has changed it keeps its transaction (and its lock).
        """
        if not self.db.in_transaction or self.db.total_changes != self._changes_at_begin:
            return
        self.db.execute("COMMIT")
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            self.db.execute("BEGIN")  # the block's ROLLBACK still has a transaction to end
            if _is_busy(exc):
                raise busy_error(self.path) from exc
            raise

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Run one statement's catalog changes atomically (savepoint when already inside one).

        A lock another fdwsh holds past the busy timeout is ``busy_error``, never a traceback:
        at BEGIN IMMEDIATE, or at the first write of a block whose snapshot is out of date.
        """
        try:
            with self._atomic():
                yield self.db
        except sqlite3.OperationalError as exc:
            if _is_busy(exc):
                raise busy_error(self.path) from exc
            raise

    @contextmanager
    def _atomic(self) -> Iterator[None]:
        if self.db.in_transaction:
            self.db.execute("SAVEPOINT stmt")
            try:
                yield
            except BaseException:
                self.db.execute("ROLLBACK TO SAVEPOINT stmt")
                self.db.execute("RELEASE SAVEPOINT stmt")
                raise
            self.db.execute("RELEASE SAVEPOINT stmt")
            return
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
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
