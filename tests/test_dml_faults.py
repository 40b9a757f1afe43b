"""DML failure paths, verified on the remote side: a statement that fails — in analysis, on the
remote, because its remote backend is killed between two batches, or because Ctrl-C interrupts
it — leaves the remote table exactly as it was, and the session goes on.  Also what each path
sends (direct modification as one statement, key sets as one array), as EXPLAIN VERBOSE shows."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT, fdwsh_env

from tests.dml_bed import DmlBed
from tests.pgcluster import Cluster

#: ``many`` grown to 250,000 rows: the located rows' UPDATE of all of them takes three remote
#: statements (100,000 rows each).
GROW_MANY = "INSERT INTO many SELECT g, g FROM generate_series(30001, 250000) g"
#: A remote trigger that kills its own backend when row ``id`` 225000 is updated: the UPDATE
#: dies in its third batch.
KILL_MIDWAY = """
CREATE FUNCTION die() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.id = 225000 THEN PERFORM pg_terminate_backend(pg_backend_pid()); END IF;
  RETURN NEW;
END$$;
CREATE TRIGGER die BEFORE UPDATE ON many FOR EACH ROW EXECUTE FUNCTION die();
"""


@pytest.fixture
def bed(pg: Cluster, tmp_path: Path) -> Iterator[DmlBed]:
    yield DmlBed.create(pg, tmp_path)


def _many(bed: DmlBed) -> str:
    return bed.remote("SELECT count(*), sum(v), max(v) FROM many")


def test_located_update_killed_midway_changes_nothing_and_the_session_goes_on(bed: DmlBed
                                                                              ) -> None:
    bed.remote(GROW_MANY)
    before = _many(bed)
    bed.remote(KILL_MIDWAY)
    out = bed.fdwsh("-c", "UPDATE many SET v = v + (random() * 0)::int + 1",
                    "-c", "SELECT count(*) FROM ft").stdout
    assert "ERROR:  " in out and "terminat" in out, out
    assert out.rstrip().endswith("(1 row)"), out  # the next statement ran
    assert _many(bed) == before


def test_located_update_failing_in_a_later_batch_changes_nothing(bed: DmlBed) -> None:
    bed.remote(GROW_MANY)
    before = _many(bed)
    # v < 1000000 is checked remotely: the rows with id > 200000 fail, in the third batch
    out = bed.fdwsh("-c", "UPDATE many SET v = CASE WHEN id > 200000 THEN 2000000 ELSE v + 1 END"
                    " + (random() * 0)::int").stdout
    assert 'violates check constraint "many_v_check"' in out, out
    assert _many(bed) == before


def test_located_update_changes_every_batch_when_it_succeeds(bed: DmlBed) -> None:
    bed.remote(GROW_MANY)
    out = bed.fdwsh("-c", "UPDATE many SET v = v + (random() * 0)::int + 1").stdout
    assert out == "UPDATE 250000\n"
    assert _many(bed) == "250000|31250375000|250001\n"


def test_bad_values_are_refused_before_anything_is_sent(bed: DmlBed) -> None:
    before = bed.remote("SELECT * FROM t ORDER BY id")
    out = bed.fdwsh("-c", "INSERT INTO ft (id, a) VALUES (50, 'ok'), ('x', 'bad')",
                    "-c", "UPDATE ft SET b = 'nan'").stdout
    assert 'invalid input syntax for type integer: "x"' in out
    assert 'invalid input syntax for type integer: "nan"' in out
    assert bed.remote("SELECT * FROM t ORDER BY id") == before


def test_a_failing_multi_row_insert_inserts_none_of_its_rows(bed: DmlBed) -> None:
    out = bed.fdwsh("-c", "INSERT INTO ft (id, a) SELECT g, 'x' FROM generate_series(20, 2500) g"
                    " UNION ALL SELECT 1, 'duplicate'").stdout
    assert "duplicate key value violates unique constraint" in out, out
    assert bed.remote("SELECT count(*) FROM t") == "8\n"


def test_a_server_that_is_down_is_a_clear_error(bed: DmlBed, tmp_path: Path) -> None:
    out = bed.fdwsh("-c", "ALTER SERVER s OPTIONS (SET port '1')",
                    "-c", "INSERT INTO ft (id, a) VALUES (60, 'x')",
                    "-c", "UPDATE ft SET b = 1", "-c", "DELETE FROM ft").stdout
    assert out.count('ERROR:  could not connect to server "s"') == 3, out
    assert "Traceback" not in out
    assert bed.remote("SELECT count(*) FROM t") == "8\n"


def test_a_refused_login_is_a_clear_error(bed: DmlBed) -> None:
    out = bed.fdwsh("-c", "ALTER USER MAPPING FOR CURRENT_USER SERVER s"
                    " OPTIONS (SET user 'no_such_role')", "-c", "DELETE FROM ft").stdout
    assert 'ERROR:  could not connect to server "s"' in out, out
    assert bed.remote("SELECT count(*) FROM t") == "8\n"


def test_direct_update_is_one_remote_statement(bed: DmlBed) -> None:
    out = bed.fdwsh("-c", "EXPLAIN (VERBOSE, COSTS OFF) UPDATE ft1 SET c3 = c3 || '!'"
                    " WHERE c1 <= 2").stdout
    assert "->  Foreign Update on public.ft1" in out
    assert "Remote SQL: UPDATE \"S 1\".\"T 1\" AS ft1 SET c3 = c3 || '!' WHERE \"C 1\" <= 2" in out


def test_cross_server_key_set_is_sent_once_as_an_array(bed: DmlBed) -> None:
    out = bed.fdwsh("-c", "EXPLAIN (VERBOSE, COSTS OFF) UPDATE ft SET b = 0"
                    " WHERE id IN (SELECT id FROM cust WHERE tier = 1)",
                    "-c", "UPDATE ft SET b = 0 WHERE id IN (SELECT id FROM cust WHERE tier = 1)"
                    ).stdout
    assert "->  Foreign Update on public.ft" in out
    assert "WHERE id = ANY(CAST($1 AS integer[]))" in out, out
    assert out.endswith("UPDATE 3\n")
    assert bed.remote("SELECT id FROM t WHERE b = 0 ORDER BY id") == "1\n4\n7\n"


def test_statements_that_need_located_rows_say_so_in_explain(bed: DmlBed) -> None:
    out = bed.fdwsh("-c", "EXPLAIN (VERBOSE, COSTS OFF) DELETE FROM ft USING cust c"
                    " WHERE c.id = ft.id AND c.tier = 1").stdout
    assert "Remote SQL: DELETE FROM public.t AS fdwsh_target WHERE fdwsh_target.ctid = " \
           "ANY(CAST($1 AS tid[]))" in out, out
    assert "->  Foreign Scan on public.ft" in out


SLOW_MIDWAY = """
CREATE FUNCTION slow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.id = 225000 THEN PERFORM pg_sleep(30); END IF;
  RETURN NEW;
END$$;
CREATE TRIGGER slow BEFORE UPDATE ON many FOR EACH ROW EXECUTE FUNCTION slow();
"""


def test_ctrl_c_in_the_middle_of_a_located_update_changes_nothing(bed: DmlBed) -> None:
    bed.remote(GROW_MANY)
    before = _many(bed)
    bed.remote(SLOW_MIDWAY)
    env = {**fdwsh_env(), "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "fdwsh", "-X", "-U", "postgres", "--catalog",
                             str(bed.catalog), "-c",
                             "UPDATE many SET v = v + (random() * 0)::int + 1"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 60
    while bed.remote("SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'PgSleep'"
                     " AND query LIKE 'UPDATE%'") != "1\n":  # in the row of the third batch
        assert time.monotonic() < deadline, "the third batch never started"
        time.sleep(0.2)
    started = time.monotonic()
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=20)
    assert time.monotonic() - started < 10
    assert "ERROR:  canceling statement due to user request" in out, out
    assert _many(bed) == before
    assert bed.remote("SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'UPDATE%'"
                      " AND datname = current_database()") == "0\n"


def test_the_servers_updatable_option_applies_unless_the_table_overrides_it(bed: DmlBed
                                                                            ) -> None:
    out = bed.fdwsh("-c", "ALTER SERVER s OPTIONS (ADD updatable 'false')",
                    "-c", "INSERT INTO ft (id, a) VALUES (70, 'x')",
                    "-c", "UPDATE ft1 SET c3 = 'x'", "-c", "DELETE FROM many",
                    "-c", "ALTER FOREIGN TABLE ft OPTIONS (ADD updatable 'true')",
                    "-c", "INSERT INTO ft (id, a) VALUES (70, 'x')").stdout
    assert out == ("ALTER SERVER\n"
                   'ERROR:  foreign table "ft" does not allow inserts\n'
                   'ERROR:  foreign table "ft1" does not allow updates\n'
                   'ERROR:  foreign table "many" does not allow deletes\n'
                   "ALTER FOREIGN TABLE\nINSERT 0 1\n")
    assert bed.remote("SELECT count(*) FROM many") == "30000\n"
