"""Scans of one FROM clause on different servers run at the same time (fdwsh.exec.parallel).

Proved without timing: two remote views wait (up to 10 s) until the other one's query is
running on its server.  Run one after the other, the first view gives up and returns no row;
run together, each sees the other and both return their row."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.remote_bed import QueryBed, query_bed  # noqa: F401  (the fixture)

RENDEZVOUS = r"""
CREATE FUNCTION wait_for(pattern text) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
  FOR i IN 1..200 LOOP
    IF EXISTS (SELECT 1 FROM pg_stat_activity
               WHERE query LIKE pattern AND pid <> pg_backend_pid()) THEN
      RETURN true;
    END IF;
    PERFORM pg_sleep(0.05);
  END LOOP;
  RETURN false;
END $$;
CREATE VIEW rendezvous_a AS SELECT 'a'::text AS side WHERE wait_for('%rendezvous_b%');
CREATE VIEW rendezvous_b AS SELECT 'b'::text AS side WHERE wait_for('%rendezvous_a%');
"""


@pytest.fixture
def rendezvous(query_bed: QueryBed, tmp_path: Path) -> Iterator[Path]:  # noqa: F811
    query_bed.remote(RENDEZVOUS)
    catalog = query_bed.catalog_copy(tmp_path)
    declared = query_bed.fdwsh(
        "-c", "CREATE FOREIGN TABLE rendezvous_a (side text) SERVER loopback",
        "-c", "CREATE FOREIGN TABLE s2.rendezvous_b (side text) SERVER loopback2 "
              "OPTIONS (schema_name 'public')", catalog=catalog)
    assert declared.stdout == "CREATE FOREIGN TABLE\nCREATE FOREIGN TABLE\n"
    try:
        yield catalog
    finally:
        query_bed.remote("DROP VIEW rendezvous_a, rendezvous_b; DROP FUNCTION wait_for(text)")


def test_scans_on_two_servers_run_at_the_same_time(
        query_bed: QueryBed, rendezvous: Path) -> None:  # noqa: F811
    out = query_bed.fdwsh("-At", "-c", "SELECT a.side, b.side FROM rendezvous_a a, "
                                       "s2.rendezvous_b b", catalog=rendezvous)
    assert out.stdout == "a|b\n"


def test_an_error_in_one_parallel_scan_is_reported_and_the_session_goes_on(
        query_bed: QueryBed) -> None:  # noqa: F811
    out = query_bed.fdwsh("-c", "SELECT * FROM ft_nums a, s2.ft_mismatch b WHERE a.n < 2",
                          "-c", "SELECT 1 AS ok")
    assert out.stdout == ('ERROR:  invalid input syntax for type integer: "abc"\n'
                          'CONTEXT:  column "val" of foreign table "b"\n'
                          " ok \n----\n  1\n(1 row)\n\n")
