"""money reads and prints as PostgreSQL 15 does in the C locale."""

from __future__ import annotations

import psycopg
import pytest

from fdwsh.errors import FdwshError
from fdwsh.types.registry import type_io
from tests.pgcluster import Cluster

INPUTS = ["12.50", "$1,234.567", "-1", "($3.00)", "0.005", "  $ 7 ", "-$0.5", "1,000,000",
          ".75", "92233720368547758.07", "-92233720368547758.08", "abc", "", "$", "1.2.3",
          "92233720368547758.08", "(1", "1)", "$-5", "- $ 5"]


def postgres(conn: psycopg.Connection, text: str) -> tuple[str | None, str | None]:
    try:
        with conn.transaction():
            row = conn.execute("SELECT %s::text::money::text", (text,)).fetchone()
        return row[0], None
    except psycopg.Error as exc:
        return None, exc.diag.message_primary


def fdwsh(text: str) -> tuple[str | None, str | None]:
    io = type_io("money")
    try:
        return io.format(io.parse(text, None, None), None), None
    except FdwshError as err:
        return None, err.message


@pytest.fixture(scope="module")
def conn(pg: Cluster):
    connection = psycopg.connect(pg.dsn(), autocommit=True)
    connection.execute("SET lc_monetary = 'C'")
    yield connection
    connection.close()


@pytest.mark.parametrize("text", INPUTS)
def test_money_input_and_output_match_postgresql(conn, text):
    assert fdwsh(text) == postgres(conn, text)
