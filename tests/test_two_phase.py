"""Atomic commit across servers (two-phase commit), checked on the servers themselves.

A transaction that wrote on two servers with two-phase commit enabled is prepared on both
(``pg_prepared_xacts``), recorded in the catalog, then committed.  The in-doubt state between the
phases is reached with fdwsh's fault hook (``FDWSH_TWOPHASE_FAULT=exit-after-prepare`` ends the
process there, as a crash would) and must be finished by the next session; failures in phase
one, and servers that cannot prepare, must leave no server changed.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from fdwsh.errors import FdwshError
from fdwsh.remote.twophase import gid_prefix
from tests.conftest import run_fdwsh
from tests.pgcluster import Cluster
from tests.txn_bed import Shell, TxnBed, make_bed, make_catalog, make_remote, remote_env
from tests.txn_bed import server_ddl, shell_fixture  # noqa: F401  (the fixture)

WRITE_BOTH = "BEGIN;\nINSERT INTO ta VALUES (1, 'a');\nINSERT INTO tb VALUES (1, 'b');\nCOMMIT;\n"


@pytest.fixture(scope="module")
def bed(pg: Cluster, tmp_path_factory: pytest.TempPathFactory) -> TxnBed:
    return make_bed(pg, "twophase", tmp_path_factory.mktemp("twophase"))


def records(catalog: Path) -> list[tuple[str, int]]:
    """The in-doubt set the catalog holds: (gid, server id) rows."""
    with sqlite3.connect(catalog) as db:
        return db.execute("SELECT gid, server_id FROM prepared_xact ORDER BY server_id").fetchall()


def crash_after_prepare(catalog: Path, *args: str, script: str = WRITE_BOTH,
                        fault: str = "exit-after-prepare") -> str:
    """Run ``script`` in an fdwsh that ends at ``fault`` (between the phases); its output."""
    env = {**remote_env(), "FDWSH_TWOPHASE_FAULT": fault}
    result = run_fdwsh("-X", *args, catalog=catalog, env=env, input=script)
    assert result.returncode == 70, result.stdout
    return result.stdout


def test_a_crash_between_the_phases_is_finished_by_the_next_start(bed: TxnBed) -> None:
    bed.reset()
    a, b = bed.dbs
    crash_after_prepare(bed.catalog, "-v", "TWO_PHASE_COMMIT=on")
    assert len(bed.prepared(a)) == 1 and len(bed.prepared(b)) == 1
    assert bed.prepared(a)[0].startswith("fdwsh_")
    assert bed.rows(a) == [] and bed.rows(b) == []  # prepared, not committed
    assert sorted(gid for gid, _ in records(bed.catalog)) == sorted(bed.prepared(a)
                                                                    + bed.prepared(b))
    result = run_fdwsh("-X", "-c", "SELECT count(*) FROM ta", catalog=bed.catalog,
                       env=remote_env())
    lines = result.stdout.splitlines()
    assert [line.split('"')[::2] for line in lines[:2]] == [
        ["NOTICE:  committed prepared transaction ", " on server ",
         ", left in doubt by an earlier session"]] * 2
    assert lines[4] == "     1"
    assert bed.rows(a) == ["1|a"] and bed.rows(b) == ["1|b"]
    assert bed.prepared(a) == [] and bed.prepared(b) == [] and records(bed.catalog) == []


def test_a_crash_in_phase_one_is_rolled_back_by_resolve(bed: TxnBed, shell: Shell) -> None:
    a, b = bed.dbs
    crash_after_prepare(bed.catalog, "-v", "TWO_PHASE_COMMIT=on", fault="exit-in-phase-one")
    (gid,) = bed.prepared(a)  # prepared on sa, never decided
    assert bed.prepared(b) == [] and records(bed.catalog) == []
    listing = shell.run("\\dtwophase").splitlines()
    assert listing[3].startswith(f" {gid} | sa     | ") and listing[3].endswith("| roll back")
    assert listing[4] == "(1 row)"
    resolved = shell.run("\\resolve").splitlines()
    assert resolved[3] == f" {gid} | sa     | rolled back"
    assert bed.prepared(a) == [] and bed.rows(a) == [] and bed.rows(b) == []


def test_a_prepared_transaction_of_a_running_session_is_left_alone(bed: TxnBed, shell: Shell
                                                                   ) -> None:
    a = bed.dbs[0]
    sa = server_id(bed.catalog, "sa")
    gid = f"{gid_prefix(shell.session.store)}1_00000000_{sa}_1"  # pid 1 runs: it may commit
    bed.remote(a, f"BEGIN; INSERT INTO acct VALUES (5, 'x'); PREPARE TRANSACTION '{gid}';")
    try:
        assert shell.run("\\resolve").splitlines()[3] == f" {gid} | sa     | left alone"
        assert bed.prepared(a) == [gid]
    finally:
        bed.remote(a, f"ROLLBACK PREPARED '{gid}'")


def server_id(catalog: Path, name: str) -> int:
    with sqlite3.connect(catalog) as db:
        return int(db.execute("SELECT id FROM server WHERE name = ?", (name,)).fetchone()[0])


def test_the_server_option_asks_for_two_phase_commit(bed: TxnBed, tmp_path: Path) -> None:
    bed.reset()
    catalog = tmp_path / "c.db"
    shutil.copy(bed.catalog, catalog)
    result = run_fdwsh("-X", "-c", "ALTER SERVER sb OPTIONS (ADD two_phase_commit 'on')",
                       catalog=catalog, env=remote_env())
    assert result.stdout == "ALTER SERVER\n"
    crash_after_prepare(catalog)
    assert len(bed.prepared(bed.dbs[0])) == 1 and len(bed.prepared(bed.dbs[1])) == 1
    listing = run_fdwsh("-X", "-c", "\\dtwophase", catalog=catalog, env=remote_env()).stdout
    assert listing.startswith("NOTICE:  committed prepared transaction")  # at the start
    assert listing.endswith("(0 rows)\n\n")  # so nothing is left to list
    assert bed.prepared(bed.dbs[0]) == [] and bed.rows(bed.dbs[1]) == ["1|b"]


def test_the_option_is_checked_like_postgres_fdws_booleans(bed: TxnBed, tmp_path: Path) -> None:
    catalog = tmp_path / "c.db"
    shutil.copy(bed.catalog, catalog)
    result = run_fdwsh("-X", "-c", "ALTER SERVER sb OPTIONS (ADD two_phase_commit 'maybe')",
                       catalog=catalog, env=remote_env())
    assert result.stdout == 'ERROR:  two_phase_commit requires a Boolean value\n'


def test_committed_two_phase_leaves_nothing_prepared(bed: TxnBed, shell: Shell) -> None:
    a, b = bed.dbs
    shell.run("\\set TWO_PHASE_COMMIT on")
    assert shell.run(*WRITE_BOTH.splitlines()) == "BEGIN\nINSERT 0 1\nINSERT 0 1\nCOMMIT\n"
    assert bed.rows(a) == ["1|a"] and bed.rows(b) == ["1|b"]
    assert bed.prepared(a) == [] and bed.prepared(b) == [] and records(bed.catalog) == []


def test_one_written_server_commits_without_preparing(bed: TxnBed) -> None:
    bed.reset()
    env = {**remote_env(), "FDWSH_TWOPHASE_FAULT": "exit-after-prepare"}
    script = "BEGIN;\nINSERT INTO ta VALUES (1, 'a');\nSELECT count(*) FROM tb;\nCOMMIT;\n"
    result = run_fdwsh("-X", "-q", "-v", "TWO_PHASE_COMMIT=on", "-At", catalog=bed.catalog,
                       env=env, input=script)
    assert (result.returncode, result.stdout) == (0, "0\n")  # sb only read: no two-phase
    assert bed.rows(bed.dbs[0]) == ["1|a"] and bed.prepared(bed.dbs[0]) == []


def test_without_two_phase_commit_servers_commit_one_by_one(bed: TxnBed) -> None:
    bed.reset()
    env = {**remote_env(), "FDWSH_TWOPHASE_FAULT": "exit-after-prepare"}
    result = run_fdwsh("-X", catalog=bed.catalog, env=env, input=WRITE_BOTH)
    assert result.returncode == 0  # postgres_fdw's way: never prepared
    assert bed.rows(bed.dbs[0]) == ["1|a"] and bed.rows(bed.dbs[1]) == ["1|b"]


def test_a_server_lost_before_phase_one_rolls_everything_back(bed: TxnBed, shell: Shell) -> None:
    a, b = bed.dbs
    shell.run("\\set TWO_PHASE_COMMIT on", "BEGIN;", "INSERT INTO ta VALUES (1, 'a');",
              "INSERT INTO tb VALUES (1, 'b');")
    bed.terminate(b)
    out = shell.run("COMMIT;")
    assert out.startswith("ERROR:  FATAL:  terminating connection due to administrator command")
    assert shell.state == ""
    assert bed.rows(a) == [] and bed.rows(b) == []
    assert bed.prepared(a) == [] and bed.prepared(b) == [] and records(bed.catalog) == []
    assert shell.run(*WRITE_BOTH.splitlines()).endswith("COMMIT\n")  # usable again
    assert bed.rows(b) == ["1|b"]


# -- servers that cannot prepare, servers down at resolution -----------------------------------

@pytest.fixture(scope="module")
def no_prepare(bed: TxnBed, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A catalog with ``sa`` (the bed's) and ``sc`` on a cluster without prepared
    transactions."""
    cluster = Cluster("txn-noprep", settings={"max_prepared_transactions": "0"})
    try:
        make_remote(cluster, "noprep")
        ddl = server_ddl(bed.cluster, "sa", bed.dbs[0]) + server_ddl(cluster, "sc", "noprep")
        yield make_catalog(tmp_path_factory.mktemp("noprep") / "c.db", ddl)
    finally:
        cluster.destroy()


def test_a_server_without_prepared_transactions_fails_up_front(
        bed: TxnBed, no_prepare: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bed.reset()
    monkeypatch.setenv("PGUSER", "postgres")
    sh = Shell(no_prepare, TWO_PHASE_COMMIT="on")
    try:
        out = sh.run("BEGIN;", "INSERT INTO ta VALUES (1, 'a');", "INSERT INTO tc VALUES (1, 'c');",
                     "COMMIT;")
        assert out == (
            "BEGIN\nINSERT 0 1\nINSERT 0 1\n"
            'ERROR:  prepared transactions are disabled on server "sc"\n'
            "DETAIL:  Two-phase commit of a transaction that wrote on several servers prepares "
            "it on each of them.\n"
            "HINT:  Set max_prepared_transactions to a nonzero value on that server, or commit "
            "without two-phase commit (server option two_phase_commit 'off', "
            "\\set TWO_PHASE_COMMIT off).\n")
        assert sh.state == ""
        assert bed.rows(bed.dbs[0]) == [] and bed.prepared(bed.dbs[0]) == []
        assert sh.run("SELECT count(*) FROM tc;").splitlines()[2].strip() == "0"
        sh.run("\\set TWO_PHASE_COMMIT off")
        assert sh.run("BEGIN;", "INSERT INTO ta VALUES (2, 'a');",
                      "INSERT INTO tc VALUES (2, 'c');", "COMMIT;").endswith("COMMIT\n")
        assert bed.rows(bed.dbs[0]) == ["2|a"]
    finally:
        sh.close()


@pytest.fixture
def stoppable(bed: TxnBed, tmp_path: Path) -> Iterator[tuple[Cluster, Path]]:
    """A catalog with ``sa`` (the bed's) and ``sc`` on a cluster of its own, to stop."""
    cluster = Cluster("txn-2pc-stop")
    try:
        make_remote(cluster, "later")
        ddl = server_ddl(bed.cluster, "sa", bed.dbs[0]) + server_ddl(cluster, "sc", "later")
        yield cluster, make_catalog(tmp_path / "c.db", ddl)
    finally:
        cluster.destroy()


def test_a_server_down_at_the_next_start_is_resolved_later(
        bed: TxnBed, stoppable: tuple[Cluster, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    bed.reset()
    cluster, catalog = stoppable
    script = "BEGIN;\nINSERT INTO ta VALUES (1, 'a');\nINSERT INTO tc VALUES (1, 'c');\nCOMMIT;\n"
    crash_after_prepare(catalog, "-v", "TWO_PHASE_COMMIT=on", script=script)
    cluster.stop()
    monkeypatch.setenv("PGUSER", "postgres")
    sh = Shell(catalog)
    try:
        out = sh.run("\\dtwophase")
        notice, warning, hint = out.splitlines()[:3]
        assert notice.startswith("NOTICE:  committed prepared transaction") and '"sa"' in notice
        assert warning.startswith("WARNING:  prepared transaction ")
        assert warning.endswith('on server "sc" is not committed yet: could not connect to '
                                'server "sc"')
        assert hint == "HINT:  It is committed by \\resolve, or when fdwsh next opens this catalog."
        assert bed.rows(bed.dbs[0]) == ["1|a"]
        assert out.splitlines()[3] == ('WARNING:  could not list the prepared transactions '
                                       'of server "sc": could not connect to server "sc"')
        listing = out.splitlines()[4:]
        assert listing[0].strip() == "Two-phase commits in doubt" and "| sc " in listing[3]
        cluster.start()
        resolved = sh.run("\\resolve").splitlines()
        assert resolved[0].strip() == "Resolved two-phase commits"
        assert resolved[3].endswith("| sc     | committed") and resolved[4] == "(1 row)"
        assert sh.run("SELECT v FROM tc;").splitlines()[2] == " c"
        assert records(catalog) == [] and sh.run("\\resolve").endswith("(0 rows)\n\n")
        sh.run("BEGIN;")
        assert sh.run("\\resolve") == (
            "ERROR:  \\resolve cannot run inside a transaction block\n")
    finally:
        sh.close()


# -- a single statement outside a block ----------------------------------------------------------

def write_in_statement(sh: Shell, server: str, sql: str) -> None:
    """What a writer does inside one autocommit statement: run SQL in the server's implicit
    remote transaction and mark it modified (no fdwsh statement writes on two servers yet)."""
    conn = sh.session.remote().get(server)
    conn.execute(sql)
    conn.modified = True


def test_an_autocommit_statement_writing_two_servers_commits_both(bed: TxnBed, shell: Shell
                                                                   ) -> None:
    a, b = bed.dbs
    shell.session.variables.set("TWO_PHASE_COMMIT", "on")
    write_in_statement(shell, "sa", "INSERT INTO public.acct VALUES (1, 'a')")
    write_in_statement(shell, "sb", "INSERT INTO public.acct VALUES (1, 'b')")
    assert bed.rows(a) == []
    shell.session._end_remote_statement(ok=True)
    assert bed.rows(a) == ["1|a"] and bed.rows(b) == ["1|b"]
    assert bed.prepared(a) == [] and bed.prepared(b) == [] and records(bed.catalog) == []


def test_an_autocommit_statement_fails_up_front_on_a_server_that_cannot_prepare(
        bed: TxnBed, no_prepare: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bed.reset()
    monkeypatch.setenv("PGUSER", "postgres")
    sh = Shell(no_prepare, TWO_PHASE_COMMIT="on")
    try:
        write_in_statement(sh, "sa", "INSERT INTO public.acct VALUES (1, 'a')")
        write_in_statement(sh, "sc", "INSERT INTO public.acct VALUES (1, 'c')")
        with pytest.raises(FdwshError) as info:
            sh.session._end_remote_statement(ok=True)
        assert info.value.message == 'prepared transactions are disabled on server "sc"'
        assert bed.rows(bed.dbs[0]) == [] and bed.prepared(bed.dbs[0]) == []
        assert sh.run("SELECT count(*) FROM tc WHERE id = 1;").splitlines()[2].strip() == "0"
    finally:
        sh.close()


def test_single_transaction_commits_through_two_phase(bed: TxnBed) -> None:
    bed.reset()
    crash_after_prepare(bed.catalog, "-1", "-v", "TWO_PHASE_COMMIT=on",
                        script="INSERT INTO ta VALUES (1, 'a');\nINSERT INTO tb VALUES (1, 'b');\n")
    assert len(bed.prepared(bed.dbs[0])) == 1 and len(bed.prepared(bed.dbs[1])) == 1
    run_fdwsh("-X", "-c", "SELECT 1", catalog=bed.catalog, env=remote_env())  # the next start
    assert bed.rows(bed.dbs[0]) == ["1|a"] and bed.rows(bed.dbs[1]) == ["1|b"]
    assert bed.prepared(bed.dbs[0]) == []


def test_a_server_stopped_between_the_phases_warns_and_keeps_the_record(
        bed: TxnBed, stoppable: tuple[Cluster, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """The fault point stops the second server for real (pg_ctl stop) once both are prepared
    and the decision is recorded: phase two commits sa, warns about sc, keeps its record."""
    from fdwsh.remote import twophase

    bed.reset()
    cluster, catalog = stoppable
    monkeypatch.setenv("PGUSER", "postgres")
    monkeypatch.setattr(twophase, "_fault", lambda point: point == "exit-after-prepare"
                        and cluster.stop())
    sh = Shell(catalog, TWO_PHASE_COMMIT="on")
    try:
        out = sh.run("BEGIN;", "INSERT INTO ta VALUES (1, 'a');", "INSERT INTO tc VALUES (1, 'c');",
                     "COMMIT;").splitlines()
        assert out[:3] == ["BEGIN", "INSERT 0 1", "INSERT 0 1"] and out[-1] == "COMMIT"
        assert out[3].startswith("WARNING:  prepared transaction ")
        assert 'on server "sc" is not committed yet: ' in out[3]
        assert bed.rows(bed.dbs[0]) == ["1|a"] and bed.prepared(bed.dbs[0]) == []
        assert [server for _, server in records(catalog)] == [server_id(catalog, "sc")]
        monkeypatch.undo()
        monkeypatch.setenv("PGUSER", "postgres")
        cluster.start()
        assert sh.run("\\resolve").splitlines()[3].endswith("| sc     | committed")
        assert cluster.psql("SELECT v FROM acct", "later", "-At").stdout == "c\n"
    finally:
        sh.close()


# -- a server refusing the commit itself ---------------------------------------------------------

def test_a_server_refusing_phase_one_changes_no_server(bed: TxnBed, shell: Shell) -> None:
    """A deferred constraint fails PREPARE TRANSACTION on sb: sa's prepared work is rolled back
    too (postgres_fdw, committing one after the other, would keep sa's)."""
    a, b = bed.dbs
    shell.run("\\set TWO_PHASE_COMMIT on")
    out = shell.run("BEGIN;", "INSERT INTO ta VALUES (1, 'a');", "INSERT INTO db VALUES (7), (7);",
                    "COMMIT;")
    assert out.startswith("BEGIN\nINSERT 0 1\nINSERT 0 2\n"
                          'ERROR:  duplicate key value violates unique constraint '
                          '"deferred_id_key"\nDETAIL:  Key (id)=(7) already exists.\n')
    assert "CONTEXT:  remote SQL command: PREPARE TRANSACTION 'fdwsh_" in out
    assert shell.state == ""
    assert bed.rows(a) == [] and bed.remote(b, "SELECT count(*) FROM deferred") == "0\n"
    assert bed.prepared(a) == [] and bed.prepared(b) == [] and records(bed.catalog) == []


def test_without_two_phase_commit_a_refused_commit_keeps_the_other_server(bed: TxnBed,
                                                                         shell: Shell) -> None:
    """postgres_fdw's way, kept when two-phase commit is off: sa committed before sb failed."""
    out = shell.run("BEGIN;", "INSERT INTO ta VALUES (1, 'a');", "INSERT INTO db VALUES (7), (7);",
                    "COMMIT;")
    assert out.endswith("CONTEXT:  remote SQL command: COMMIT TRANSACTION\n")
    assert bed.rows(bed.dbs[0]) == ["1|a"]
    assert bed.remote(bed.dbs[1], "SELECT count(*) FROM deferred") == "0\n"
