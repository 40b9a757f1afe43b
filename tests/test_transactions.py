"""Transaction blocks across remote servers, as PostgreSQL 15 with postgres_fdw runs them.

Every test looks at the remote side itself (psql on the remote databases: their rows,
pg_stat_activity, pg_prepared_xacts), not only at what fdwsh prints.  Two servers ``sa``/``sb``
are databases of the session cluster (tests/txn_bed.py); the server-stop test has a cluster of
its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import run_fdwsh
from tests.pgcluster import Cluster
from tests.txn_bed import Shell, TxnBed, make_bed, make_catalog, make_remote, remote_env
from tests.txn_bed import server_ddl, shell_fixture  # noqa: F401  (the fixture)


@pytest.fixture(scope="module")
def bed(pg: Cluster, tmp_path_factory: pytest.TempPathFactory) -> TxnBed:
    return make_bed(pg, "txn", tmp_path_factory.mktemp("txn"))


# -- blocks: commit, rollback, the remote transaction's life ------------------------------------

def test_writes_in_a_block_reach_no_server_before_commit(bed: TxnBed, shell: Shell) -> None:
    a, b = bed.dbs
    assert shell.run("BEGIN;", "INSERT INTO ta VALUES (1, 'a1');",
                     "INSERT INTO tb VALUES (1, 'b1');") == "BEGIN\nINSERT 0 1\nINSERT 0 1\n"
    assert bed.rows(a) == [] and bed.rows(b) == []
    assert bed.backend_states(a) == ["idle in transaction"]
    assert shell.run("SELECT v FROM ta;") == " v  \n----\n a1\n(1 row)\n\n"  # its own write
    assert shell.run("COMMIT;") == "COMMIT\n"
    assert bed.rows(a) == ["1|a1"] and bed.rows(b) == ["1|b1"]
    assert bed.backend_states(a) == ["idle"] and bed.backend_states(b) == ["idle"]


def test_rollback_undoes_every_servers_writes(bed: TxnBed, shell: Shell) -> None:
    shell.run("BEGIN;", "INSERT INTO ta VALUES (1, 'a1');", "INSERT INTO tb VALUES (1, 'b1');")
    assert shell.run("ROLLBACK;") == "ROLLBACK\n"
    assert bed.rows(bed.dbs[0]) == [] and bed.rows(bed.dbs[1]) == []
    assert bed.backend_states(bed.dbs[0]) == ["idle"]


def test_a_block_is_one_remote_transaction_per_server(bed: TxnBed, shell: Shell) -> None:
    outside = [shell.run("SELECT xid FROM xa;") for _ in range(2)]
    assert outside[0] != outside[1]  # autocommit: one remote transaction per statement
    shell.run("BEGIN;")
    inside = [shell.run("SELECT xid FROM xa;") for _ in range(2)]
    shell.run("COMMIT;")
    assert inside[0] == inside[1]


@pytest.mark.parametrize("begin, expected", [
    ("BEGIN;", "repeatable read"),
    ("START TRANSACTION ISOLATION LEVEL READ COMMITTED;", "repeatable read"),
    ("BEGIN ISOLATION LEVEL REPEATABLE READ;", "repeatable read"),
    ("BEGIN ISOLATION LEVEL SERIALIZABLE;", "serializable"),
    ("BEGIN; SET TRANSACTION ISOLATION LEVEL SERIALIZABLE;", "serializable"),
])
def test_remote_isolation_follows_postgres_fdw(bed: TxnBed, shell: Shell, begin: str,
                                               expected: str) -> None:
    shell.run(begin)
    assert shell.run("SELECT iso FROM xa;").splitlines()[2] == f" {expected}"
    shell.run("COMMIT;")
    assert shell.run("SELECT iso FROM xa;").splitlines()[2] == " repeatable read"


def test_a_block_reads_one_snapshot_per_server(bed: TxnBed, shell: Shell) -> None:
    shell.run("BEGIN;", "SELECT count(*) FROM ta;")
    bed.remote(bed.dbs[0], "INSERT INTO acct VALUES (7, 'from elsewhere')")
    assert shell.run("SELECT count(*) FROM ta;").splitlines()[2].strip() == "0"
    shell.run("COMMIT;")
    assert shell.run("SELECT count(*) FROM ta;").splitlines()[2].strip() == "1"


# -- savepoints ---------------------------------------------------------------------------------

def test_rollback_to_savepoint_undoes_only_what_followed_it(bed: TxnBed, shell: Shell) -> None:
    a, b = bed.dbs
    out = shell.run("BEGIN;", "INSERT INTO ta VALUES (1, 'kept');", "SAVEPOINT s;",
                    "INSERT INTO ta VALUES (2, 'undone');",
                    "INSERT INTO tb VALUES (2, 'undone');",  # sb first touched inside s
                    "ROLLBACK TO s;", "INSERT INTO tb VALUES (3, 'after');", "COMMIT;")
    assert out == ("BEGIN\nINSERT 0 1\nSAVEPOINT\nINSERT 0 1\nINSERT 0 1\nROLLBACK\n"
                   "INSERT 0 1\nCOMMIT\n")
    assert bed.rows(a) == ["1|kept"] and bed.rows(b) == ["3|after"]


def test_release_keeps_the_work_and_nested_savepoints_unwind(bed: TxnBed, shell: Shell) -> None:
    a, b = bed.dbs
    shell.run("BEGIN;", "SAVEPOINT one;", "INSERT INTO ta VALUES (1, 'one');", "SAVEPOINT two;",
              "INSERT INTO tb VALUES (2, 'two');", "SAVEPOINT three;",
              "INSERT INTO ta VALUES (3, 'three');")
    assert shell.run("RELEASE one;") == "RELEASE\n"  # releases two and three as well
    assert shell.run("ROLLBACK TO two;") == ('ERROR:  savepoint "two" does not exist\n')
    shell.run("ROLLBACK;", "BEGIN;", "SAVEPOINT one;", "INSERT INTO ta VALUES (1, 'one');",
              "SAVEPOINT two;", "INSERT INTO tb VALUES (2, 'two');",
              "INSERT INTO ta VALUES (3, 'three');", "ROLLBACK TO one;",
              "INSERT INTO tb VALUES (4, 'four');", "RELEASE one;", "COMMIT;")
    assert bed.rows(a) == [] and bed.rows(b) == ["4|four"]


def test_a_savepoint_is_reused_after_rollback_to(bed: TxnBed, shell: Shell) -> None:
    shell.run("BEGIN;", "SAVEPOINT s;")
    for i in range(3):
        shell.run(f"INSERT INTO ta VALUES ({i}, 'x');", "ROLLBACK TO s;")
    shell.run("INSERT INTO ta VALUES (9, 'last');", "COMMIT;")
    assert bed.rows(bed.dbs[0]) == ["9|last"]


# -- errors: the aborted block --------------------------------------------------------------

def test_a_remote_error_aborts_the_block_until_rollback(bed: TxnBed, shell: Shell) -> None:
    a, b = bed.dbs
    bed.remote(a, "INSERT INTO acct VALUES (1, 'there')")
    out = shell.run("BEGIN;", "INSERT INTO tb VALUES (5, 'b');",
                    "INSERT INTO ta VALUES (1, 'dup');")
    assert "ERROR:  duplicate key value violates unique constraint" in out
    assert shell.state == "!"
    assert bed.backend_states(b) == ["idle"]  # aborted at once, as PostgreSQL aborts the block
    assert shell.run("SELECT 1;") == ("ERROR:  current transaction is aborted, commands "
                                      "ignored until end of transaction block\n")
    assert shell.run("COMMIT;") == "ROLLBACK\n"
    assert shell.state == ""
    assert bed.rows(b) == [] and bed.rows(a) == ["1|there"]
    assert bed.backend_states(a) == ["idle"] and bed.backend_states(b) == ["idle"]
    assert shell.run("INSERT INTO tb VALUES (6, 'later');") == "INSERT 0 1\n"
    assert bed.rows(b) == ["6|later"]


def test_rollback_to_savepoint_recovers_a_remote_error(bed: TxnBed, shell: Shell) -> None:
    a = bed.dbs[0]
    bed.remote(a, "INSERT INTO acct VALUES (1, 'there')")
    shell.run("BEGIN;", "INSERT INTO ta VALUES (2, 'before');", "SAVEPOINT s;",
              "INSERT INTO ta VALUES (1, 'dup');")
    assert shell.state == "!"
    assert shell.run("ROLLBACK TO SAVEPOINT s;") == "ROLLBACK\n"
    assert shell.run("INSERT INTO ta VALUES (3, 'after');", "COMMIT;") == "INSERT 0 1\nCOMMIT\n"
    assert bed.rows(a) == ["1|there", "2|before", "3|after"]


def test_a_local_error_aborts_the_block_too(bed: TxnBed, shell: Shell) -> None:
    out = shell.run("BEGIN;", "INSERT INTO ta VALUES (1, 'a');", "SELECT 1/0;", "COMMIT;")
    assert out == "BEGIN\nINSERT 0 1\nERROR:  division by zero\nROLLBACK\n"
    assert bed.rows(bed.dbs[0]) == []


def test_a_scan_stopped_early_leaves_the_block_usable(bed: TxnBed, shell: Shell) -> None:
    a = bed.dbs[0]
    shell.run("BEGIN;", "INSERT INTO ta VALUES (1, 'kept');")
    # random() is not shippable: the filter and the LIMIT run locally, the scan is cut short
    out = shell.run("SELECT n FROM biga WHERE random() >= 0 LIMIT 2;")
    assert out.endswith("(2 rows)\n\n")
    assert shell.run("SELECT count(*) FROM biga;").splitlines()[2].strip() == "100000"
    assert shell.run("COMMIT;") == "COMMIT\n"
    assert bed.rows(a) == ["1|kept"]


def test_catalog_ddl_rolls_back_with_the_remote_writes(bed: TxnBed, shell: Shell) -> None:
    out = shell.run("BEGIN;", "CREATE FOREIGN TABLE tnew (id int) SERVER sa "
                    "OPTIONS (table_name 'acct');", "INSERT INTO tnew VALUES (1);",
                    "DROP FOREIGN TABLE tb;", "ROLLBACK;")
    assert out == "BEGIN\nCREATE FOREIGN TABLE\nINSERT 0 1\nDROP FOREIGN TABLE\nROLLBACK\n"
    assert bed.rows(bed.dbs[0]) == []
    assert "does not exist" in shell.run("SELECT * FROM tnew;")
    assert shell.run("SELECT count(*) FROM tb;").splitlines()[2].strip() == "0"


# -- psql's variables and -1 --------------------------------------------------------------

def test_autocommit_off_opens_a_block_before_the_first_statement(bed: TxnBed, shell: Shell
                                                                  ) -> None:
    a = bed.dbs[0]
    shell.run("\\set AUTOCOMMIT off")
    assert shell.run("INSERT INTO ta VALUES (1, 'a');") == "INSERT 0 1\n"
    assert shell.state == "*" and bed.rows(a) == []
    assert shell.run("COMMIT;") == "COMMIT\n"
    assert bed.rows(a) == ["1|a"]
    shell.run("INSERT INTO ta VALUES (2, 'b');", "ROLLBACK;")
    assert bed.rows(a) == ["1|a"]
    assert shell.run("COMMIT;") == "WARNING:  there is no transaction in progress\nCOMMIT\n"


def test_on_error_rollback_undoes_only_the_failed_statement(bed: TxnBed, shell: Shell) -> None:
    a, b = bed.dbs
    shell.run("\\set ON_ERROR_ROLLBACK on")
    out = shell.run("BEGIN;", "INSERT INTO ta VALUES (1, 'a');", "INSERT INTO ta VALUES (1, 'x');",
                    "INSERT INTO tb VALUES (2, 'b');", "COMMIT;")
    assert out.count("ERROR:  duplicate key") == 1 and out.endswith("INSERT 0 1\nCOMMIT\n")
    assert bed.rows(a) == ["1|a"] and bed.rows(b) == ["2|b"]


def test_on_error_rollback_interactive_does_nothing_in_a_script(bed: TxnBed, shell: Shell
                                                                 ) -> None:
    shell.run("\\set ON_ERROR_ROLLBACK interactive")
    out = shell.run("BEGIN;", "INSERT INTO ta VALUES (1, 'a');", "SELECT 1/0;",
                    "INSERT INTO ta VALUES (2, 'b');", "COMMIT;")
    assert out.endswith("current transaction is aborted, commands ignored until end of "
                        "transaction block\nROLLBACK\n")
    assert bed.rows(bed.dbs[0]) == []


def test_single_transaction_commits_a_script_on_every_server(bed: TxnBed, tmp_path: Path
                                                             ) -> None:
    bed.reset()
    script = "INSERT INTO ta VALUES (1, 'a');\nINSERT INTO tb VALUES (1, 'b');\n"
    result = run_fdwsh("-X", "-1", "-c", script, catalog=bed.catalog, env=remote_env())
    assert result.stdout == "INSERT 0 1\nINSERT 0 1\n" and result.returncode == 0
    assert bed.rows(bed.dbs[0]) == ["1|a"] and bed.rows(bed.dbs[1]) == ["1|b"]


def test_single_transaction_with_an_error_changes_no_server(bed: TxnBed, tmp_path: Path) -> None:
    bed.reset()
    (tmp_path / "s.sql").write_text("INSERT INTO ta VALUES (1, 'a');\n"
                                    "INSERT INTO tb VALUES (1, 'b');\nSELECT 1/0;\n"
                                    "INSERT INTO tb VALUES (2, 'b');\n")
    result = run_fdwsh("-X", "-1", "-f", str(tmp_path / "s.sql"), catalog=bed.catalog,
                       env=remote_env())
    assert "ERROR:  division by zero" in result.stdout
    assert "current transaction is aborted" in result.stdout
    assert bed.rows(bed.dbs[0]) == [] and bed.rows(bed.dbs[1]) == []


# -- faults ---------------------------------------------------------------------------------

def test_a_remote_backend_killed_inside_a_block(bed: TxnBed, shell: Shell) -> None:
    a, b = bed.dbs
    shell.run("BEGIN;", "INSERT INTO ta VALUES (1, 'a');", "INSERT INTO tb VALUES (1, 'b');")
    bed.terminate(b)
    out = shell.run("INSERT INTO tb VALUES (2, 'b');")
    # the failed block is aborted at once (postgres_fdw's abort cleanup finds sb gone)
    assert out.startswith("WARNING:  no connection to the server\n"
                          "ERROR:  FATAL:  terminating connection due to administrator command")
    assert shell.state == "!"
    assert bed.backend_states(a) == ["idle"]  # sa's remote transaction is already aborted
    assert shell.run("ROLLBACK;") == "ROLLBACK\n"
    assert bed.rows(a) == [] and bed.rows(b) == []
    assert shell.run("INSERT INTO tb VALUES (3, 'b');") == "INSERT 0 1\n"  # a new connection
    assert bed.rows(b) == ["3|b"]


def test_a_lost_server_is_never_silently_replaced_inside_the_block(bed: TxnBed, shell: Shell
                                                                    ) -> None:
    a, b = bed.dbs
    shell.run("BEGIN;", "INSERT INTO tb VALUES (1, 'lost');", "SAVEPOINT s;",
              "INSERT INTO ta VALUES (1, 'a');")
    bed.terminate(b)
    assert "terminating connection" in shell.run("INSERT INTO tb VALUES (2, 'b');")
    assert shell.run("ROLLBACK TO s;") == "ROLLBACK\n"
    assert shell.run("INSERT INTO tb VALUES (3, 'b');") == (
        'ERROR:  connection to server "sb" cannot be used due to abort cleanup failure\n')
    assert shell.run("COMMIT;") == "ROLLBACK\n"
    assert bed.rows(a) == [] and bed.rows(b) == []


@pytest.fixture
def own_cluster(tmp_path: Path) -> Iterator[tuple[Cluster, Path]]:
    """A cluster of its own (the test stops it) with one remote database, and a catalog."""
    cluster = Cluster("txn-stop")
    try:
        make_remote(cluster, "stopme")
        yield cluster, make_catalog(tmp_path / "c.db", server_ddl(cluster, "sc", "stopme"))
    finally:
        cluster.destroy()


def test_a_server_stopped_mid_transaction(own_cluster: tuple[Cluster, Path],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    cluster, catalog = own_cluster
    monkeypatch.setenv("PGUSER", "postgres")
    sh = Shell(catalog)
    try:
        sh.run("BEGIN;", "INSERT INTO tc VALUES (1, 'c');")
        cluster.stop()
        out = sh.run("INSERT INTO tc VALUES (2, 'c');")
        assert out.startswith("WARNING:  no connection to the server\nERROR:  ")
        assert "terminating connection" in out
        assert sh.run("ROLLBACK;") == "ROLLBACK\n"
        assert sh.run("SELECT count(*) FROM tc;").startswith(
            'ERROR:  could not connect to server "sc"\n')
        cluster.start()
        assert sh.run("SELECT count(*) FROM tc;").splitlines()[2].strip() == "0"
    finally:
        sh.close()


# -- every writer joins the block ------------------------------------------------------------

def test_update_delete_copy_and_truncate_commit_and_roll_back_with_the_block(
        bed: TxnBed, shell: Shell) -> None:
    a, b = bed.dbs
    bed.remote(a, "INSERT INTO acct SELECT n, 'a' || n FROM generate_series(1, 5) n")
    bed.remote(b, "INSERT INTO acct SELECT n, 'b' || n FROM generate_series(1, 5) n")
    out = shell.run("BEGIN;", "UPDATE ta SET v = 'upd' WHERE id <= 2;",
                    "DELETE FROM tb WHERE id = 5;", "SAVEPOINT s;", "TRUNCATE tb;",
                    "UPDATE ta SET v = upper(v) WHERE id > 3 AND random() >= 0;",  # located
                    "ROLLBACK TO s;", "COPY ta FROM STDIN;", "9\tcopied", "\\.",
                    "SELECT count(*) FROM tb;")
    assert out.startswith("BEGIN\nUPDATE 2\nDELETE 1\nSAVEPOINT\nTRUNCATE TABLE\nUPDATE 2\n"
                          "ROLLBACK\nCOPY 1\n")
    assert out.splitlines()[-3].strip() == "4"
    assert bed.rows(a) == [f"{i}|a{i}" for i in range(1, 6)]  # nothing reached the servers
    assert shell.run("COMMIT;") == "COMMIT\n"
    assert bed.rows(a) == ["1|upd", "2|upd", "3|a3", "4|a4", "5|a5", "9|copied"]
    assert bed.rows(b) == [f"{i}|b{i}" for i in range(1, 5)]
    shell.run("BEGIN;", "TRUNCATE ta, tb;", "ROLLBACK;")
    assert len(bed.rows(a)) == 6 and len(bed.rows(b)) == 4


def test_statements_outside_a_block_follow_the_default_isolation(bed: TxnBed, shell: Shell
                                                                  ) -> None:
    """postgres_fdw opens each statement's remote transaction SERIALIZABLE when the local one
    is: INSERT and COPY alike (a remote trigger records the level each row was written at)."""
    b = bed.dbs[1]
    bed.remote(b, "CREATE TABLE iso_log (iso text);"
                  "CREATE FUNCTION log_iso() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN "
                  "INSERT INTO public.iso_log VALUES (current_setting('transaction_isolation')); "
                  "RETURN NEW; END$$;"
                  "CREATE TRIGGER log_iso BEFORE INSERT ON acct FOR EACH ROW EXECUTE FUNCTION "
                  "log_iso();")
    try:
        out = shell.run("INSERT INTO tb VALUES (1, 'default');",
                        "SET default_transaction_isolation = 'serializable';",
                        "INSERT INTO tb VALUES (2, 'insert');", "COPY tb FROM STDIN;", "3\tcopy",
                        "\\.")
        assert out == "INSERT 0 1\nSET\nINSERT 0 1\nCOPY 1\n"
        assert bed.remote(b, "SELECT iso FROM iso_log").splitlines() == [
            "repeatable read", "serializable", "serializable"]
    finally:
        bed.remote(b, "DROP TABLE iso_log; DROP TRIGGER log_iso ON acct; DROP FUNCTION log_iso()")
