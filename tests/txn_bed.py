"""The transaction tests' bed: two remote databases that the tests write to (their own, never the
shared query bed), a catalog declaring them as servers ``sa`` and ``sb``, and an in-process shell
that runs statements one at a time, so that a test can look at the remote side between them.

Each remote database holds ``acct (id int PRIMARY KEY, v text)`` (foreign tables ``ta``/``tb``),
``xact_info``, a view telling the remote transaction's isolation level and id (``xa``/``xb``),
``big`` (100000 rows, ``biga``, fetched 10 at a time) for scans stopped early, and
``deferred`` (``da``/``db``: a unique constraint checked at commit) for commits that fail.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from fdwsh.session import InputSource, Session
from fdwsh.settings import Settings
from tests.conftest import fdwsh_env, run_fdwsh
from tests.pgcluster import Cluster

REMOTE_SETUP = """
CREATE TABLE acct (id int PRIMARY KEY, v text);
CREATE VIEW xact_info AS
    SELECT current_setting('transaction_isolation') AS iso, txid_current()::text AS xid;
CREATE TABLE big AS SELECT n FROM generate_series(1, 100000) AS n;
CREATE TABLE deferred (id int UNIQUE DEFERRABLE INITIALLY DEFERRED);
"""


def server_ddl(cluster: Cluster, name: str, dbname: str, options: str = "") -> str:
    """CREATE SERVER + PUBLIC mapping + the foreign tables of one remote database."""
    suffix = name[-1]
    extra = f", {options}" if options else ""
    return (f"CREATE SERVER {name} FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host "
            f"'{cluster.host}', port '{cluster.port}', dbname '{dbname}'{extra});\n"
            f"CREATE USER MAPPING FOR public SERVER {name} OPTIONS (user 'postgres');\n"
            f"CREATE FOREIGN TABLE t{suffix} (id int, v text) SERVER {name} "
            "OPTIONS (table_name 'acct');\n"
            f"CREATE FOREIGN TABLE x{suffix} (iso text, xid text) SERVER {name} "
            "OPTIONS (table_name 'xact_info');\n"
            f"CREATE FOREIGN TABLE big{suffix} (n int) SERVER {name} "
            "OPTIONS (table_name 'big', fetch_size '10');\n"
            f"CREATE FOREIGN TABLE d{suffix} (id int) SERVER {name} "
            "OPTIONS (table_name 'deferred');\n")


def make_remote(cluster: Cluster, dbname: str) -> None:
    cluster.psql(f'DROP DATABASE IF EXISTS "{dbname}"', check=True)
    cluster.create_database(dbname)
    cluster.psql(REMOTE_SETUP, dbname, check=True)


def make_catalog(path: Path, ddl: str) -> Path:
    result = run_fdwsh("-X", "-U", "postgres", "-q", "-v", "ON_ERROR_STOP=1",
                       input="CREATE EXTENSION postgres_fdw;\n" + ddl, catalog=path,
                       env=remote_env())
    assert result.returncode == 0, result.stdout
    return path


def remote_env() -> dict[str, str]:
    return {**fdwsh_env(), "PGUSER": "postgres"}


@dataclass
class TxnBed:
    """Two remote databases on ``cluster`` as servers ``sa`` (``dbs[0]``) and ``sb``."""

    cluster: Cluster
    dbs: tuple[str, str]
    catalog: Path

    def remote(self, db: str, sql: str) -> str:
        """Run ``sql`` on a remote database through psql (-At); its output."""
        proc = self.cluster.psql(sql, db, "-At", "-v", "ON_ERROR_STOP=1")
        assert proc.returncode == 0, proc.stdout
        return proc.stdout

    def rows(self, db: str) -> list[str]:
        """``acct``'s rows on a remote database, as ``id|v`` lines in id order."""
        return self.remote(db, "SELECT id, v FROM acct ORDER BY id").splitlines()

    def prepared(self, db: str) -> list[str]:
        """The prepared transactions waiting on a remote database's cluster for ``db``."""
        return self.remote(db, "SELECT gid FROM pg_prepared_xacts WHERE database = "
                               f"'{db}' ORDER BY gid").splitlines()

    def backend_states(self, db: str) -> list[str]:
        """The states of fdwsh's sessions on ``db`` (``idle``, ``idle in transaction`` …)."""
        return self.remote(db, "SELECT state FROM pg_stat_activity WHERE application_name = "
                               f"'fdwsh' AND datname = '{db}'").splitlines()

    def terminate(self, db: str) -> None:
        """pg_terminate_backend of fdwsh's sessions on ``db``, as an administrator would."""
        self.remote(db, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                        f"WHERE application_name = 'fdwsh' AND datname = '{db}'")

    def reset(self) -> None:
        for db in self.dbs:
            self.remote(db, "TRUNCATE acct, deferred")


def make_bed(cluster: Cluster, prefix: str, directory: Path, options: str = "") -> TxnBed:
    dbs = (f"{prefix}_a", f"{prefix}_b")
    for db in dbs:
        make_remote(cluster, db)
    ddl = server_ddl(cluster, "sa", dbs[0], options) + server_ddl(cluster, "sb", dbs[1], options)
    return TxnBed(cluster, dbs, make_catalog(directory / "catalog.db", ddl))


class Shell:
    """fdwsh in this process: statements run one at a time, output captured."""

    def __init__(self, catalog: Path, **variables: str) -> None:
        self.out = io.StringIO()
        settings = Settings(catalog_path=str(catalog), user="postgres", variables=variables)
        self.session = Session(settings, stdout=self.out, stderr=self.out)

    def run(self, *statements: str) -> str:
        """Run each statement (or backslash command line); what they printed."""
        start = len(self.out.getvalue())
        self.session.run_lines(list(statements), InputSource(None, Path.cwd()))
        return self.out.getvalue()[start:]

    @property
    def state(self) -> str:
        """The prompt's ``%x``: ``""``, ``*`` or ``!``."""
        return str(self.session.txn.state.value)

    def close(self) -> None:
        self.session.close()


@pytest.fixture(name="shell")
def shell_fixture(bed: TxnBed, monkeypatch: pytest.MonkeyPatch) -> Iterator[Shell]:
    """A fresh in-process shell over the bed's catalog (the bed's tables emptied first)."""
    monkeypatch.setenv("PGUSER", "postgres")
    monkeypatch.delenv("PGAPPNAME", raising=False)
    bed.reset()
    sh = Shell(bed.catalog)
    yield sh
    sh.close()
