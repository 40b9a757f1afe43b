r"""Generated differential test of COPY's data formats (hypothesis): rows of awkward text (tabs,
newlines, carriage returns, backslashes, quotes, delimiters, dots, unicode, empty strings,
NULLs) are put in a remote table; for each format and option set:

- PostgreSQL writes them with ``COPY … TO STDOUT`` (on the remote database directly), fdwsh
  reads that file back with ``\copy odd FROM 'file' (options)`` into the emptied table, and the
  remote table must hold exactly the original rows;
- fdwsh's ``COPY (SELECT …) TO STDOUT (options)`` must print byte for byte what psql +
  postgres_fdw print for the same statement.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.copy_bed import CopyBed, copy_bed  # noqa: F401
from tests.remote_bed import psql_env

#: (options of COPY TO, options of the COPY FROM that reads what it wrote)
OPTION_SETS = [
    ("", ""),
    ("(DELIMITER '|', NULL '<null>')",) * 2,
    ("(FORMAT csv)",) * 2,
    ("(FORMAT csv, HEADER, QUOTE '''', ESCAPE '\\', DELIMITER ';')",) * 2,
    ("(FORMAT csv, FORCE_QUOTE *, NULL '<null>')", "(FORMAT csv, NULL '<null>')"),
]
ALPHABET = "ab N.,;|'\"\\\t\n\r é✓"
VALUES = st.one_of(st.none(), st.text(alphabet=ALPHABET, max_size=12))
ROWS = st.lists(VALUES, min_size=1, max_size=12)


def _remote_rows(bed: CopyBed) -> list[tuple[int, str | None]]:
    with psycopg.connect(bed.cluster.dsn(bed.remote_db)) as conn:
        return conn.execute('SELECT "C 1", c2 FROM "S 1"."T 1" ORDER BY 1').fetchall()


def _put_rows(bed: CopyBed, rows: list[tuple[int, str | None]]) -> None:
    with psycopg.connect(bed.cluster.dsn(bed.remote_db)) as conn:
        conn.execute('TRUNCATE "S 1"."T 1"')
        with conn.cursor() as cur:
            cur.executemany('INSERT INTO "S 1"."T 1" VALUES (%s, %s)', rows)


@pytest.mark.parametrize("options, read_options", OPTION_SETS)
@settings(max_examples=6, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=ROWS)
def test_copy_data_round_trips_and_prints_as_psql_does(
        copy_bed: CopyBed, tmp_path: Path, options: str, read_options: str,  # noqa: F811
        values: list[str | None]) -> None:
    rows = list(enumerate(values, 1))
    _put_rows(copy_bed, rows)
    data = tmp_path / "data.txt"
    data.write_bytes(_psql_bytes(copy_bed, copy_bed.remote_db,
                                 f'COPY "S 1"."T 1" TO STDOUT {options}'))
    _put_rows(copy_bed, [])
    loaded = copy_bed.fdwsh("-c", f"\\copy odd from '{data}' {read_options}")
    assert loaded.stdout == f"COPY {len(rows)}\n"
    assert _remote_rows(copy_bed) == rows
    query = f"COPY (SELECT c1, c2 FROM odd ORDER BY c1) TO STDOUT {options}"
    mine = subprocess.run(copy_bed.fdwsh_command("-c", query), capture_output=True,
                          env=copy_bed.fdwsh_env())
    assert mine.stdout == _psql_bytes(copy_bed, copy_bed.oracle_db, query)
    assert mine.stderr == b""


def _psql_bytes(bed: CopyBed, dbname: str, sql: str) -> bytes:
    """psql's output of ``sql`` as bytes (no newline translation)."""
    proc = subprocess.run(["psql", "-X", "-c", sql], capture_output=True,
                          env=psql_env(bed.cluster, dbname))
    assert proc.returncode == 0 and proc.stderr == b"", proc.stderr
    return proc.stdout
