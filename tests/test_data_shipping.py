"""Data shipping (fdwsh.exec.ship, fdwsh.plan.ship_decide): a query level joining two large
inputs of two servers copies the smaller one into a temporary table on the other server, which
runs the whole level.

Results are compared with PostgreSQL itself: the oracle scripts ``shipping*.sql`` (psql +
postgres_fdw on the query bed), and here the same query run directly on the database that
holds both tables.  The tests of this file use their own database ``ship_db`` (two fdwsh
servers ``sa`` and ``sb`` on it, so that a table can be declared on either), with a role that
may not create temporary tables, and check through ``pg_class`` (declared as a foreign table
on ``sa``, read in the same remote session) that no temporary table outlives its statement —
after success, an error in the middle of the copy, or Ctrl-C.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pexpect
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from fdwsh.plan.ship_decide import DEFAULT_THRESHOLD, Input, decide, threshold_setting
from tests.conftest import ROOT
from tests.remote_bed import QueryBed, normalise_remote_sql, query_bed  # noqa: F401  (fixture)
from tests.test_federated_generated import BATCH, SEPARATOR, Batch, describe, query
from tests.test_query_interrupt import LINE_READ, PROMPT, plain, run

DB = "ship_db"
SETUP = """
SET client_min_messages = warning;
CREATE TABLE big_a AS SELECT id, id % 4000 AS k, 'v' || id AS v FROM generate_series(1, 20000) id;
CREATE TABLE big_b AS SELECT k, 'label ' || (k % 7) AS label, (k * 1.5)::numeric AS n
    FROM generate_series(0, 4999) k;
CREATE TABLE big_c AS SELECT k, repeat('x', 40) || k AS pad FROM generate_series(1, 1000000) k;
ANALYZE;
DO $$BEGIN CREATE ROLE ship_notemp LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END$$;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO ship_notemp;
REVOKE TEMPORARY ON DATABASE ship_db FROM PUBLIC;
DO $$BEGIN CREATE ROLE ship_readonly LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END$$;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO ship_readonly;
GRANT TEMPORARY ON DATABASE ship_db TO ship_readonly;
ALTER ROLE ship_readonly SET default_transaction_read_only = on;
"""
CATALOG = """\
CREATE EXTENSION postgres_fdw;
CREATE SERVER sa FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '{host}', port '{port}', dbname '{db}');
CREATE SERVER sb FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '{host}', port '{port}', dbname '{db}');
CREATE USER MAPPING FOR CURRENT_USER SERVER sa OPTIONS (user '{user_a}');
CREATE USER MAPPING FOR CURRENT_USER SERVER sb OPTIONS (user 'postgres');
CREATE FOREIGN TABLE a (id int, k int, v text) SERVER sa OPTIONS (table_name 'big_a');
CREATE FOREIGN TABLE c_on_a (k int, pad text) SERVER sa OPTIONS (table_name 'big_c');
CREATE FOREIGN TABLE temp_tables (relname text) SERVER sa
    OPTIONS (schema_name 'pg_catalog', table_name 'pg_class');
CREATE SCHEMA b;
CREATE FOREIGN TABLE b.b (k int, label text, n numeric) SERVER sb
    OPTIONS (schema_name 'public', table_name 'big_b');
CREATE FOREIGN TABLE b.bad (k int, label int) SERVER sb
    OPTIONS (schema_name 'public', table_name 'big_b');
CREATE FOREIGN TABLE b.c (k int, pad text) SERVER sb
    OPTIONS (schema_name 'public', table_name 'big_c');
CREATE SERVER down FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '{host}', port '1', dbname '{db}');
CREATE USER MAPPING FOR CURRENT_USER SERVER down OPTIONS (user 'postgres');
CREATE FOREIGN TABLE b.gone (k int) SERVER down OPTIONS (table_name 'big_b');
"""
#: Both inputs of the joins below are above it; dynamic filtering off unless a test says.
LOW = "\\set SHIP_THRESHOLD 1000\n\\set DYNAMIC_FILTER_LIMIT 0\n"
JOIN = ("SELECT b.label, count(*), sum(a.id), max(b.n) FROM a JOIN b.b b ON b.k = a.k "
        "GROUP BY 1 ORDER BY 1;")
#: The same query on the database that holds both tables (the oracle).
DIRECT = ("SELECT b.label, count(*), sum(a.id), max(b.n) FROM big_a a JOIN big_b b ON b.k = a.k "
          "GROUP BY 1 ORDER BY 1;")
COUNT_TEMP = "SELECT count(*) FROM temp_tables WHERE relname LIKE 'fdwsh_ship%';"
NO_TEMP = " count \n-------\n     0\n(1 row)\n\n"


@pytest.fixture(scope="module")
def ship_db(query_bed: QueryBed) -> QueryBed:  # noqa: F811
    """The shared cluster with ``ship_db`` (re)made."""
    cluster = query_bed.cluster
    cluster.psql(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)", "postgres", check=True)
    cluster.create_database(DB)
    cluster.psql(SETUP, DB, "-q", "-v", "ON_ERROR_STOP=1", check=True)
    return query_bed


def make_catalog(bed: QueryBed, path: Path, user_a: str = "postgres") -> Path:
    ddl = CATALOG.format(host=bed.cluster.host, port=bed.cluster.port, db=DB, user_a=user_a)
    made = bed.fdwsh("-q", "-v", "ON_ERROR_STOP=1", "-f", "-", input=ddl, catalog=path)
    assert made.returncode == 0 and made.stdout == "", made.stdout
    return path


@pytest.fixture(scope="module")
def catalog(ship_db: QueryBed, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_catalog(ship_db, tmp_path_factory.mktemp("ship") / "catalog.db")


@pytest.fixture(scope="module")
def notemp_catalog(ship_db: QueryBed, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Server ``sa`` reached as a role without the TEMPORARY privilege."""
    return make_catalog(ship_db, tmp_path_factory.mktemp("ship") / "notemp.db", "ship_notemp")


def fdwsh(bed: QueryBed, catalog: Path, script: str) -> str:
    return bed.fdwsh("-X", "-f", "-", input=script, catalog=catalog).stdout


def direct(bed: QueryBed, sql: str) -> str:
    return bed.cluster.psql(sql, DB, "-X", check=True).stdout


def plan(bed: QueryBed, catalog: Path, variables: str, sql: str, options: str = "VERBOSE"
         ) -> list[str]:
    out = bed.fdwsh("-X", "-A", "-t", "-f", "-", input=f"{variables}EXPLAIN ({options}, "
                    f"COSTS OFF) {sql}", catalog=catalog).stdout
    return out.splitlines()


def shipping_line(lines: list[str]) -> str | None:
    return next((line.strip() for line in lines if "Data Shipping: " in line), None)


# -- the decision rule ----------------------------------------------------------------------

ORDERS = Input("public.orders o", "a", 1_000_000, True)
CUSTOMERS = Input("s2.customers c", "b", 300_000, True)


def test_the_smaller_of_two_large_inputs_is_shipped_to_the_other_ones_server() -> None:
    decision = decide(ORDERS, CUSTOMERS, 200_000, 100_000, linked=True)
    assert decision.ship is CUSTOMERS and decision.target is ORDERS
    assert "s2.customers c is the smaller one" in decision.reason


def test_no_shipping_below_the_threshold_or_when_it_is_zero() -> None:
    assert decide(ORDERS, CUSTOMERS, 300_000, 0, linked=True).ship is None
    refused = decide(ORDERS, CUSTOMERS, 0, 0, linked=False)
    assert refused.ship is None and not refused.noteworthy


def test_dynamic_filtering_wins_when_the_small_side_is_within_its_limit() -> None:
    refused = decide(ORDERS, CUSTOMERS, 200_000, 500_000, linked=True)
    assert refused.ship is None and refused.noteworthy
    assert refused.reason.startswith("dynamic filtering by the keys of s2.customers c")
    # no equi-join between them: nothing to filter by, so the copy goes ahead
    assert decide(ORDERS, CUSTOMERS, 200_000, 500_000, linked=False).ship is CUSTOMERS


def test_only_a_single_table_is_shipped_even_when_it_is_the_larger_input() -> None:
    joined = Input("public.orders o, public.items i", "a", 400_000, False)
    assert decide(joined, ORDERS, 200_000, 0, linked=True).ship is ORDERS
    assert decide(joined, Input("x", "b", 500_000, False), 200_000, 0, True).ship is None


def test_the_threshold_setting_reads_like_the_other_numeric_variables() -> None:
    assert threshold_setting(None) == DEFAULT_THRESHOLD == 200_000
    assert threshold_setting("5") == 5 and threshold_setting("-3") == 0
    assert threshold_setting("lots") == DEFAULT_THRESHOLD


# -- planning and EXPLAIN -------------------------------------------------------------------


def test_a_join_of_two_large_inputs_runs_whole_on_the_larger_inputs_server(
        ship_db: QueryBed, catalog: Path) -> None:
    lines = plan(ship_db, catalog, LOW, JOIN)
    assert shipping_line(lines) == (
        "Data Shipping: b.b → sa (temp table " +
        re.search(r"fdwsh_ship_\d+", "\n".join(lines)).group(0) + ", 5000 rows estimated)")
    remote = next(line for line in lines if "Remote SQL: " in line)
    # the join, the aggregate and the ORDER BY all run on sa, over the temporary table
    assert re.search(r"FROM \(SELECT id, k FROM public\.big_a\) AS a INNER JOIN "
                     r"\(SELECT k, label, n FROM pg_temp\.fdwsh_ship_\d+\) AS b ON b\.k = a\.k "
                     r"GROUP BY 1 ORDER BY 1$", remote), remote
    assert any(line.strip().startswith("Shipping Reason: both inputs are estimated above "
                                       "SHIP_THRESHOLD 1000 rows (public.a: 20000, b.b: 5000)")
               for line in lines)
    assert fdwsh(ship_db, catalog, LOW + JOIN) == direct(ship_db, DIRECT)


def test_the_smaller_input_goes_whichever_server_holds_it(
        ship_db: QueryBed, catalog: Path) -> None:
    sql = ("SELECT count(*), sum(b.n) FROM a JOIN b.b b ON b.k = a.k WHERE a.id <= 2000;")
    line = shipping_line(plan(ship_db, catalog, LOW, sql))
    assert line is not None and line.startswith("Data Shipping: public.a → sb (")
    assert fdwsh(ship_db, catalog, LOW + sql) == direct(
        ship_db, sql.replace("FROM a JOIN b.b", "FROM big_a a JOIN big_b"))


def test_estimates_from_analyze_statistics_decide_as_well(
        ship_db: QueryBed, tmp_path: Path) -> None:
    analysed = make_catalog(ship_db, tmp_path / "analysed.db")
    made = ship_db.fdwsh("-X", "-q", "-c", "ANALYZE a; ANALYZE b.b;", catalog=analysed)
    assert made.stdout == "", made.stdout
    sql = "SELECT count(*) FROM a JOIN b.b b ON b.k = a.k WHERE a.id <= 10000;"
    line = shipping_line(plan(ship_db, analysed, LOW, sql))
    assert line is not None and line.startswith("Data Shipping: b.b → sa ("), line
    assert fdwsh(ship_db, analysed, LOW + sql) == direct(
        ship_db, sql.replace("FROM a JOIN b.b", "FROM big_a a JOIN big_b"))


def test_every_join_kind_ships_and_matches_postgresql(ship_db: QueryBed, catalog: Path) -> None:
    for kind in ("LEFT", "RIGHT", "FULL"):
        sql = (f"SELECT count(*), count(a.id), count(b.k), sum(b.n) FROM a {kind} JOIN b.b b "
               f"ON b.k = a.k + 3000;")
        assert shipping_line(plan(ship_db, catalog, LOW, sql)) is not None, kind
        assert fdwsh(ship_db, catalog, LOW + sql) == direct(
            ship_db, sql.replace("FROM a ", "FROM big_a a ").replace("b.b b", "big_b b"))


def test_below_the_threshold_the_join_runs_in_fdwsh(ship_db: QueryBed, catalog: Path) -> None:
    for variables in ("\\set DYNAMIC_FILTER_LIMIT 0\n", "\\set SHIP_THRESHOLD 0\n"):
        lines = plan(ship_db, catalog, variables, JOIN)
        assert shipping_line(lines) is None  # not even a refusal: the inputs are small
        assert sum("Foreign Scan on " in line for line in lines) == 2


def test_dynamic_filtering_is_preferred_where_it_cuts_the_large_side(
        ship_db: QueryBed, catalog: Path) -> None:
    variables = "\\set SHIP_THRESHOLD 1000\n"  # DYNAMIC_FILTER_LIMIT: its default 100000
    assert shipping_line(plan(ship_db, catalog, variables, JOIN)) == (
        "Data Shipping: not used: dynamic filtering by the keys of b.b (5000 rows estimated, "
        "DYNAMIC_FILTER_LIMIT 100000) cuts public.a")
    assert shipping_line(plan(ship_db, catalog, variables, JOIN, "ANALYZE false")) is None


def test_explain_analyze_reports_the_rows_copied(ship_db: QueryBed, catalog: Path) -> None:
    lines = plan(ship_db, catalog, LOW, JOIN, "ANALYZE, TIMING OFF, SUMMARY OFF")
    assert "        Rows Shipped: 5000" in lines
    assert lines[0] == "Local Execution (actual rows=7 loops=1)"


def test_the_copy_holds_only_the_rows_and_columns_the_scan_would_fetch(
        ship_db: QueryBed, catalog: Path) -> None:
    sql = "SELECT count(*), sum(b.n) FROM a JOIN b.b b ON b.k = a.k WHERE b.k < 2000;"
    lines = plan(ship_db, catalog, LOW, sql, "ANALYZE, VERBOSE, TIMING OFF, SUMMARY OFF")
    assert "        Rows Shipped: 2000" in lines
    remote = next(line for line in lines if "Remote SQL: " in line)
    assert re.search(r"\(SELECT k, n FROM pg_temp\.fdwsh_ship_\d+\) AS b", remote), remote
    assert fdwsh(ship_db, catalog, LOW + sql) == direct(
        ship_db, sql.replace("FROM a JOIN b.b", "FROM big_a a JOIN big_b"))


#: A level no server can run whole (COLLATE is never sent): only its join is shipped.
LOCAL_LEVEL = ("SELECT b.label COLLATE \"C\", count(*), sum(a.id) FROM a JOIN b.b b "
               "ON b.k = a.k GROUP BY 1 ORDER BY 1;")


def test_a_join_in_a_level_that_cannot_run_whole_ships_its_smaller_input(
        ship_db: QueryBed, catalog: Path) -> None:
    lines = plan(ship_db, catalog, LOW, LOCAL_LEVEL)
    assert [line.strip().split(":")[0] for line in lines[2:]] == [
        "->  Foreign Scan", "Output", "Relations", "Remote SQL", "Data Shipping",
        "Shipping Reason"]
    assert lines[4] == "        Relations: (public.a) INNER JOIN (b.b)"
    assert re.fullmatch(r"        Remote SQL: SELECT a\.id, a\.k, b\.k, b\.label FROM "
                        r"\(SELECT id, k FROM public\.big_a\) AS a INNER JOIN \(SELECT k, label "
                        r"FROM pg_temp\.fdwsh_ship_\d+\) AS b ON b\.k = a\.k", lines[5]), lines[5]
    analyzed = plan(ship_db, catalog, LOW, LOCAL_LEVEL, "ANALYZE, TIMING OFF, SUMMARY OFF")
    assert analyzed[1] == "  ->  Foreign Scan (actual rows=20000 loops=1)"
    assert "        Rows Shipped: 5000" in analyzed
    out = fdwsh(ship_db, catalog, f"{LOW}BEGIN;\n{LOCAL_LEVEL}\n{COUNT_TEMP}\nCOMMIT;\n")
    assert out == "BEGIN\n" + direct(ship_db, LOCAL_LEVEL.replace(
        "FROM a JOIN b.b", "FROM big_a a JOIN big_b")) + NO_TEMP + "COMMIT\n"


# -- fallback and clean-up ------------------------------------------------------------------


def test_without_the_temp_privilege_the_join_runs_locally_and_creates_nothing(
        ship_db: QueryBed, notemp_catalog: Path) -> None:
    assert shipping_line(plan(ship_db, notemp_catalog, LOW, JOIN)) == (
        'Data Shipping: not used: the remote user may not create temporary tables on server '
        '"sa"; both inputs are estimated above SHIP_THRESHOLD 1000 rows (public.a: 20000, '
        'b.b: 5000); b.b is the smaller one')
    # in a transaction block: the remote transaction stays usable for what follows
    out = fdwsh(ship_db, notemp_catalog, f"{LOW}BEGIN;\n{JOIN}\n{COUNT_TEMP}\nCOMMIT;\n")
    assert out == "BEGIN\n" + direct(ship_db, DIRECT) + NO_TEMP + "COMMIT\n"


def test_a_read_only_remote_transaction_runs_the_join_locally(
        ship_db: QueryBed, tmp_path: Path) -> None:
    """TEMPORARY granted, but the role's transactions are read-only (as on a standby)."""
    readonly = make_catalog(ship_db, tmp_path / "readonly.db", "ship_readonly")
    line = shipping_line(plan(ship_db, readonly, LOW, JOIN))
    assert line is not None and line.startswith(
        'Data Shipping: not used: the remote transaction on server "sa" is read-only; ')
    out = fdwsh(ship_db, readonly, f"{LOW}BEGIN;\n{JOIN}\n{JOIN}\nCOMMIT;\n")
    assert out == "BEGIN\n" + direct(ship_db, DIRECT) * 2 + "COMMIT\n"


def test_no_temporary_table_outlives_its_statement(ship_db: QueryBed, catalog: Path) -> None:
    out = fdwsh(ship_db, catalog, f"{LOW}BEGIN;\n{JOIN}\n{COUNT_TEMP}\n{JOIN}\n{COUNT_TEMP}\n"
                                  "COMMIT;\n")
    expected = direct(ship_db, DIRECT)
    assert out == "BEGIN\n" + expected + NO_TEMP + expected + NO_TEMP + "COMMIT\n"


def test_an_error_in_the_middle_of_the_copy_leaves_nothing_behind(
        ship_db: QueryBed, catalog: Path) -> None:
    bad = "SELECT sum(x.label) FROM a JOIN b.bad x ON x.k = a.k;"
    error = ('fdwsh:<stdin>:{line}: ERROR:  invalid input syntax for type integer: "label 0"\n'
             'CONTEXT:  column "label" of foreign table "x"\n')
    out = fdwsh(ship_db, catalog, f"{LOW}{bad}\n{COUNT_TEMP}\nBEGIN;\n{bad}\nROLLBACK;\n"
                                  f"{COUNT_TEMP}\n")
    assert out == (error.format(line=3) + NO_TEMP + "BEGIN\n" + error.format(line=6) +
                   "ROLLBACK\n" + NO_TEMP)


@pytest.fixture
def shell(ship_db: QueryBed, catalog: Path) -> Iterator[pexpect.spawn]:
    env = {**ship_db.fdwsh_env(), "PROMPT_TOOLKIT_NO_CPR": "1", "TERM": "xterm-256color",
           "COLUMNS": "100", "LINES": "30"}
    child = pexpect.spawn(sys.executable, ship_db.fdwsh_command(catalog=catalog)[1:], env=env,
                          cwd=str(ROOT), encoding="utf-8", timeout=30, dimensions=(30, 100))
    child.expect_exact(PROMPT)
    yield child
    child.close(force=True)


def copying(bed: QueryBed) -> bool:
    out = bed.cluster.psql("SELECT count(*) FROM pg_stat_activity WHERE state = 'active' "
                           "AND query LIKE 'COPY pg_temp.fdwsh_ship%'", "postgres", "-At").stdout
    return out.strip() == "1"


def test_ctrl_c_during_the_copy_cancels_it_and_leaves_nothing_behind(
        ship_db: QueryBed, shell: pexpect.spawn) -> None:
    for line in LOW.splitlines():
        run(shell, line)
    shell.send("SELECT count(*) FROM c_on_a x JOIN b.c y ON y.k = x.k;\r")
    shell.expect_exact(LINE_READ)
    deadline = time.monotonic() + 20
    while not copying(ship_db):  # a million rows on their way
        assert time.monotonic() < deadline
        time.sleep(0.05)
    shell.sendcontrol("c")
    shell.expect_exact(PROMPT)
    assert plain(shell.before).strip().endswith(
        "ERROR:  canceling statement due to user request")
    assert not copying(ship_db)
    assert re.search(r"\b0\n\(1 row\)\n", run(shell, COUNT_TEMP))
    assert re.search(r"\b7\n\(1 row\)\n", run(shell, "SELECT count(DISTINCT label) FROM b.b;"))


def test_a_server_that_is_down_fails_the_statement_before_anything_is_created(
        ship_db: QueryBed, catalog: Path) -> None:
    out = fdwsh(ship_db, catalog, f"{LOW}SELECT count(*) FROM a JOIN b.gone g ON g.k = a.k;\n"
                                  f"{COUNT_TEMP}\n")
    first, _, rest = out.partition("\n")
    assert first == 'fdwsh:<stdin>:3: ERROR:  could not connect to server "down"'
    assert rest.endswith(NO_TEMP)


def test_the_target_server_lost_in_the_middle_of_the_copy(
        ship_db: QueryBed, catalog: Path, tmp_path: Path) -> None:
    script = tmp_path / "lost.sql"
    script.write_text(f"{LOW}SELECT count(*) FROM c_on_a x JOIN b.c y ON y.k = x.k;\n"
                      f"{COUNT_TEMP}\n")
    proc = subprocess.Popen(ship_db.fdwsh_command("-X", "-f", str(script), catalog=catalog),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env=ship_db.fdwsh_env())
    deadline = time.monotonic() + 20
    while not copying(ship_db):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    ship_db.cluster.psql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query "
                         "LIKE 'COPY pg_temp.fdwsh_ship%'", "postgres", check=True)
    out, _ = proc.communicate(timeout=60)
    # the abort cleanup's warning for the lost connection, as postgres_fdw's, may come first
    out = out.replace(f"fdwsh:{script}:3: WARNING:  no connection to the server\n", "", 1)
    first, _, rest = out.partition("\n")
    # libpq's words for a lost connection (or the server's last ones, when they arrive
    # first), as postgres_fdw reports them; the next statement reconnects
    assert first in (f"fdwsh:{script}:3: ERROR:  server closed the connection unexpectedly",
                     f"fdwsh:{script}:3: ERROR:  FATAL:  terminating connection due to "
                     "administrator command"), out
    assert "CONTEXT:  remote SQL command: COPY pg_temp.fdwsh_ship_" in rest
    assert rest.endswith(NO_TEMP) and not copying(ship_db)


# -- generated queries, every one shipped where it can be --------------------------------------

FORCE = "\\set SHIP_THRESHOLD 1\n\\set DYNAMIC_FILTER_LIMIT 0\n"


@settings(max_examples=3, deadline=None, database=None, phases=[Phase.generate],
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(query(), min_size=BATCH, max_size=BATCH).map(Batch))
def test_generated_cross_server_queries_shipped_print_what_postgres_fdw_prints(
        query_bed: QueryBed, queries: list[str]) -> None:  # noqa: F811
    """tests/test_federated_generated.py's queries (joins of every kind across the bed's two
    servers, filters, sub-selects, GROUP BY, windows …) with shipping forced: most of them
    copy a table from one server to the other (about 250 of 360 when this was written)."""
    script = FORCE + "".join(f"{sql};\n\\echo {SEPARATOR}\n" for sql in queries)
    got = normalise_remote_sql(query_bed.fdwsh("-A", "-t", "-f", "-", input=script).stdout)
    expected = normalise_remote_sql(query_bed.psql("-A", "-t", "-f", "-", input=script)
                                    .stdout.replace("psql:", "fdwsh:"))
    mine, theirs = got.split(SEPARATOR + "\n"), expected.split(SEPARATOR + "\n")
    assert len(mine) == len(theirs) == len(queries) + 1, got[-2000:]
    differences = [(sql, e, g) for sql, e, g in zip(queries, theirs, mine) if e != g]
    assert not differences, describe(differences)
