"""Oracle tests for SELECT on foreign tables (of one server; of two in cross_server*.sql): every
script of
``tests/oracle/queries`` runs through ``psql -X -f`` on a PostgreSQL 15 database whose
postgres_fdw declares the bed's foreign tables, and through ``fdwsh -X -U postgres -f`` on a
catalog made from the same DDL (tests/remote_bed.py).  Outputs — rows, headers, footers,
notices, errors with LINE/caret — must be byte-identical once psql's ``psql:FILE:LINE:``
prefixes read ``fdwsh:``.

A script's first line may read ``-- psql-args: ARGS``: both programs then get those
command-line flags (e.g. ``--csv``, ``-A -t``).
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from tests.remote_bed import QueryBed, normalise_remote_sql, query_bed  # noqa: F401

QUERY_DIR = Path(__file__).parent / "oracle" / "queries"
SCRIPTS = sorted(p.name for p in QUERY_DIR.glob("*.sql"))

def script_args(path: Path) -> list[str]:
    """Command-line flags from a ``-- psql-args:`` first line."""
    first = path.read_text(encoding="utf-8").split("\n", 1)[0]
    prefix = "-- psql-args:"
    return shlex.split(first[len(prefix):]) if first.startswith(prefix) else []


def test_the_corpus_holds_at_least_100_queries() -> None:
    count = sum(len(re.findall(r";\s*$", (QUERY_DIR / s).read_text(), re.MULTILINE))
                for s in SCRIPTS)
    assert count >= 100


def test_normalising_keeps_the_context_line_and_blanks_only_the_sql() -> None:
    assert normalise_remote_sql(
        'ERROR:  boom\nCONTEXT:  remote SQL command: SELECT 1\n x \n') == (
        "ERROR:  boom\nCONTEXT:  remote SQL command: <remote SQL>\n x \n")
    assert normalise_remote_sql("CONTEXT:  PL/pgSQL function f()\nremote SQL command: SELECT"
                                ) == "CONTEXT:  PL/pgSQL function f()\nremote SQL command: <remote SQL>"


@pytest.mark.parametrize("script", SCRIPTS)
def test_query_script_output_matches_psql_with_postgres_fdw(
        query_bed: QueryBed, script: str) -> None:  # noqa: F811
    path = QUERY_DIR / script
    args = script_args(path)
    # both run from the corpus folder, so that the file name in the prefixes is the same
    expected = query_bed.psql(*args, "-f", script, cwd=QUERY_DIR).stdout
    got = query_bed.fdwsh(*args, "-f", script, cwd=QUERY_DIR).stdout
    expected = normalise_remote_sql(expected.replace("psql:", "fdwsh:"))
    got = normalise_remote_sql(got)
    assert "ERROR:  " not in expected or script.endswith("errors.sql"), expected
    assert got.splitlines() == expected.splitlines()
    assert got == expected
