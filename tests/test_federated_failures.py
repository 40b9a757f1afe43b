"""Failures of queries over two servers: a server that is down, a missing user mapping, a
remote error in one of two parallel scans.  Each is one clear error naming the server, and the
session goes on."""

from __future__ import annotations

from pathlib import Path

from tests.pgcluster import free_port
from tests.remote_bed import QueryBed, query_bed  # noqa: F401  (the fixture)

CROSS = "SELECT c.name, r.name FROM s2.customers c, regions r WHERE c.region_id = r.id"


def run(bed: QueryBed, catalog: Path, *commands: str) -> str:
    args = [arg for sql in commands for arg in ("-c", sql)]
    return bed.fdwsh(*args, catalog=catalog).stdout


def test_a_server_that_is_down_fails_the_query_and_the_session_goes_on(
        query_bed: QueryBed, tmp_path: Path) -> None:  # noqa: F811
    catalog = query_bed.catalog_copy(tmp_path)
    port = free_port()
    out = run(query_bed, catalog, f"ALTER SERVER loopback2 OPTIONS (SET port '{port}')", CROSS,
              "SELECT name FROM regions WHERE id = 1")
    assert out.startswith('ALTER SERVER\nERROR:  could not connect to server "loopback2"\n'
                          f'DETAIL:  connection to server at "127.0.0.1", port {port} failed: '
                          "Connection refused\n")
    assert out.endswith(" name  \n-------\n North\n(1 row)\n\n")


def test_a_missing_user_mapping_is_postgresql_s_error(
        query_bed: QueryBed, tmp_path: Path) -> None:  # noqa: F811
    catalog = query_bed.catalog_copy(tmp_path)
    out = run(query_bed, catalog, "DROP USER MAPPING FOR CURRENT_USER SERVER loopback2", CROSS)
    assert out == 'DROP USER MAPPING\nERROR:  user mapping not found for "postgres"\n'


def test_a_role_the_server_refuses_names_the_server(query_bed: QueryBed, tmp_path: Path) -> None:  # noqa: F811
    catalog = query_bed.catalog_copy(tmp_path)
    out = run(query_bed, catalog,
              "ALTER USER MAPPING FOR CURRENT_USER SERVER loopback2 "
              "OPTIONS (SET user 'no_such_role')", CROSS)
    assert out.startswith('ALTER USER MAPPING\nERROR:  could not connect to server '
                          '"loopback2"\nDETAIL:  ')
    assert 'role "no_such_role" does not exist' in out
