"""Oracle tests for postgres_fdw's connection functions: ``postgres_fdw_get_connections()``,
``postgres_fdw_disconnect(text)`` and ``postgres_fdw_disconnect_all()``.

``tests/oracle/connections/fdw_functions.sql`` runs through ``psql -f`` on a fresh database
(postgres_fdw created by the script itself) and through ``fdwsh -f`` on a fresh catalog; both
reach the query bed's remote database (tests/remote_bed.py).  Outputs — errors before
``CREATE EXTENSION``, connections opened by queries and listed, closed one by one and all at
once — must be identical.  A connection inside a remote transaction is kept with a WARNING: a
transaction block holds one in psql; fdwsh's is opened on the session's cache directly.
"""

from __future__ import annotations

import io
from pathlib import Path
from string import Template

from fdwsh.session import Session
from fdwsh.settings import Settings
from tests.remote_bed import QueryBed, query_bed  # noqa: F401

SCRIPT = Path(__file__).parent / "oracle" / "connections" / "fdw_functions.sql"


def test_connection_functions_match_postgres_fdw(query_bed: QueryBed, oracle_db: str,  # noqa: F811
                                                 tmp_path: Path) -> None:
    cluster = query_bed.cluster
    text = Template(SCRIPT.read_text()).substitute(host=cluster.host, port=cluster.port,
                                                   dbname=query_bed.remote_db)
    (tmp_path / SCRIPT.name).write_text(text)
    expected = query_bed.psql("-f", SCRIPT.name, dbname=oracle_db, cwd=tmp_path).stdout
    got = query_bed.fdwsh("-f", SCRIPT.name, catalog=tmp_path / "fresh.db", cwd=tmp_path).stdout
    expected = expected.replace("psql:", "fdwsh:")
    assert "does not exist" in expected and "(loopback,t)" in expected
    assert got.splitlines() == expected.splitlines()
    assert got == expected


IN_USE = """\
SELECT postgres_fdw_disconnect('loopback');
SELECT postgres_fdw_disconnect_all();
SELECT * FROM postgres_fdw_get_connections();
"""


def test_a_connection_in_a_remote_transaction_is_kept_with_a_warning(
        query_bed: QueryBed, tmp_path: Path) -> None:  # noqa: F811
    expected = query_bed.psql("-q", input="BEGIN;\nSELECT x FROM ft_one_row;\n" + IN_USE +
                              "COMMIT;\n").stdout
    out = io.StringIO()
    session = Session(Settings(catalog_path=str(query_bed.catalog_copy(tmp_path)),
                               user="postgres"), stdout=out, stderr=out)
    try:
        session.run_sql("SELECT x FROM ft_one_row;")
        session.remote().get("loopback").begin()  # what an open transaction block holds
        for statement in IN_USE.splitlines():
            session.run_sql(statement)
    finally:
        session.close()
    assert 'WARNING:  cannot close connection for server "loopback"' in expected
    assert out.getvalue() == expected
