r"""Oracle tests for COPY, \copy and TRUNCATE on foreign tables: every script of
``tests/oracle/copy`` runs through ``psql -X -f`` on a PostgreSQL 15 database whose postgres_fdw
declares the bed's foreign tables (tests/copy_bed.py) and through ``fdwsh -X -U postgres -f`` on
a catalog made from the same DDL, each on freshly emptied remote tables.  Outputs — tags, rows,
COPY data, errors with their CONTEXT and LINE/caret — must be byte-identical once psql's
``psql:FILE:LINE:`` prefixes read ``fdwsh:``, and afterwards the remote tables must hold the
same rows (read directly on the remote database).

A script's first line may read ``-- seed: SQL``: that SQL runs on the remote database before
each of the two runs.  Both programs run in a scratch folder holding the script and the data
files \copy reads (:data:`DATA_FILES`).
"""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import pytest

from tests.copy_bed import WRITABLE, CopyBed, copy_bed  # noqa: F401
from tests.remote_bed import normalise_remote_sql

SCRIPT_DIR = Path(__file__).parent / "oracle" / "copy"
SCRIPTS = sorted(p.name for p in SCRIPT_DIR.glob("*.sql"))
DATA_FILES: dict[str, str | bytes] = {
    "items.tsv": "1\tone\t1.5\t2024-01-01\n2\t\\N\t\\N\t\\N\n",
    "items.csv": 'id,name\n3,"three, csv"\n',
    "latin1.tsv": b"4\tok\n5\tcaf\xe9\n",
    "crlf.tsv": b"1\tone\r\n2\ttwo\r\n",
    "cr_inside.tsv": b"1\ta\rb\n",
    "crlf_quoted.csv": b'1,"a\r\nb"\r\n2,c\r\n',
    "cr_unquoted.csv": b"1,a\rb\n",
    "cr_quoted.csv": b'1,"\r\n"\n2,x\n',
    "cr_late.tsv": b"1\tone\n2\ttwo\r\n",
    "sub.sql": "COPY items (id, name) FROM STDIN;\n50\tfrom an included file\n\\.\n"
               "COPY items (id) FROM STDIN;\nbad\n\\.\n",
}


def _seed(script: Path) -> str | None:
    first = script.read_text(encoding="utf-8").split("\n", 1)[0]
    return first[len("-- seed:"):] if first.startswith("-- seed:") else None


def _remote_state(bed: CopyBed) -> str:
    return "".join(bed.rows(f"SELECT * FROM {table} ORDER BY 1, 2") for table in WRITABLE)


def _run(bed: CopyBed, script: str, work: Path, program: str) -> tuple[str, str]:
    """(output, remote tables afterwards) of one run of ``script`` in a fresh folder."""
    folder = work / program
    folder.mkdir()
    shutil.copy(SCRIPT_DIR / script, folder / script)
    for name, data in DATA_FILES.items():
        (folder / name).write_bytes(data if isinstance(data, bytes) else data.encode())
    bed.reset()
    seed = _seed(SCRIPT_DIR / script)
    if seed:
        bed.remote(seed)
    run = bed.psql if program == "psql" else bed.fdwsh
    out = run("-f", script, cwd=folder).stdout
    return normalise_remote_sql(out.replace("psql:", "fdwsh:")), _remote_state(bed)


@pytest.mark.parametrize("script", SCRIPTS)
def test_copy_script_output_and_remote_rows_match_psql_with_postgres_fdw(
        copy_bed: CopyBed, script: str, tmp_path: Path) -> None:  # noqa: F811
    expected, expected_rows = _run(copy_bed, script, tmp_path, "psql")
    got, got_rows = _run(copy_bed, script, tmp_path, "fdwsh")
    diff = "\n".join(difflib.unified_diff(expected.splitlines(), got.splitlines(), "psql",
                                           "fdwsh", lineterm=""))
    assert got == expected, diff
    assert got_rows == expected_rows
