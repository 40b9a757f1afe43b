"""Bad input never crashes fdwsh.

Every input — generated SQL, broken SQL, odd backslash commands, NULs, invalid UTF-8, huge and
deeply nested statements — ends in a result or a psql-style message, with psql's exit status,
in bounded time, no traceback, and a catalog that passes ``PRAGMA integrity_check``
(tests/fuzz_harness.py states the property; scripts/fuzz.py runs 10,000 inputs).  Where psql's
answer is known, fdwsh's is the same text.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import fuzz_harness as fuzz
from tests.conftest import run_fdwsh

STACK_DEPTH = ("ERROR:  stack depth limit exceeded\nHINT:  Increase the configuration parameter "
               '"max_stack_depth" (currently 2048kB), after ensuring the platform\'s stack depth '
               "limit is adequate.\n")


@pytest.fixture(scope="module")
def bench() -> Iterator[tuple[Path, Path]]:
    """(template catalog, work directory) shared by the in-process runs of this module."""
    with fuzz.workspace() as directory:
        workdir = Path(directory)
        yield fuzz.prepare_catalog(workdir), workdir


def _holds(bench: tuple[Path, Path], text: str, via: str) -> None:
    outcome = fuzz.run_input(text, via, *bench)
    assert outcome.problem is None, (outcome.problem, text[:300], outcome.output[-1000:])


@pytest.mark.parametrize("index", range(len(fuzz.EXTREMES)))
def test_extreme_inputs_on_stdin_and_from_a_file(bench: tuple[Path, Path], index: int) -> None:
    for via in ("stdin", "file"):
        _holds(bench, fuzz.EXTREMES[index], via)


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.one_of(fuzz.scripts, fuzz.mutated()), st.sampled_from(["stdin", "file", "command"]))
def test_generated_and_mutated_scripts(bench: tuple[Path, Path], text: str, via: str) -> None:
    _holds(bench, text, via)


# -- the same on real processes, with psql's exact answers ---------------------------------------

def _script(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "in.sql"
    path.write_bytes(data)
    return path


def test_invalid_utf8_is_the_servers_encoding_error(tmp_path: Path, catalog: Path) -> None:
    data = "SELECT '\udcff\udcfe' AS x;\nSELECT 'a\udcc3(' AS y;\nSELECT 1 AS z;\n".encode(
        "utf-8", "surrogateescape")
    path = _script(tmp_path, data)
    via_file = run_fdwsh("-X", "-f", str(path), catalog=catalog)
    assert via_file.returncode == 0
    assert via_file.stdout == (
        f'fdwsh:{path}:1: ERROR:  invalid byte sequence for encoding "UTF8": 0xff\n'
        f'fdwsh:{path}:2: ERROR:  invalid byte sequence for encoding "UTF8": 0xc3 0x28\n'
        " z \n---\n 1\n(1 row)\n\n")
    stopped = run_fdwsh("-X", "-v", "ON_ERROR_STOP=1", "-f", str(path), catalog=catalog)
    assert stopped.returncode == 3 and stopped.stdout.count("ERROR") == 1


def test_a_nul_byte_ends_its_line_as_in_psql(tmp_path: Path, catalog: Path) -> None:
    path = _script(tmp_path, b"SELECT 'a\0b' AS x;\nSELECT 2;\n")
    out = run_fdwsh("-X", "-f", str(path), catalog=catalog)
    assert out.returncode == 0
    assert out.stdout == (f"fdwsh:{path}:1: ERROR:  unterminated quoted string at or near "
                          "\"'aSELECT 2;\"\nLINE 1: SELECT 'aSELECT 2;\n               ^\n")


def test_deep_nesting_and_a_megabyte_statement_end_in_postgres_errors(tmp_path: Path,
                                                                       catalog: Path) -> None:
    chain = fuzz.huge(1 << 20)  # SELECT 1+1+…: 500,000 levels deep
    out = run_fdwsh("-X", input=chain + fuzz.nested(5000) + "SELECT 'after' AS ok;\n",
                    catalog=catalog)
    assert out.returncode == 0
    assert out.stdout.startswith(STACK_DEPTH), out.stdout[:500]
    assert out.stdout[len(STACK_DEPTH):] == (" ?column? \n----------\n        1\n(1 row)\n\n"
                                             "  ok   \n-------\n after\n(1 row)\n\n")
    big = run_fdwsh("-X", "-At", input="SELECT length('" + "x" * (1 << 20) + "');\n",
                    catalog=catalog)
    assert big.stdout == f"{1 << 20}\n"


@pytest.mark.parametrize("text, message", [
    ("SELECT 'open\n", "ERROR:  unterminated quoted string at or near \"'open\"\n"
                       "LINE 1: SELECT 'open\n               ^\n"),
    ("SELECT $$ open\n", 'ERROR:  unterminated dollar-quoted string at or near "$$ open"\n'
                         "LINE 1: SELECT $$ open\n               ^\n"),
    ("SELECT /* open\n", 'ERROR:  unterminated /* comment at or near "/* open"\n'
                         "LINE 1: SELECT /* open\n               ^\n"),
])
def test_unterminated_quotes_and_comments_at_end_of_input(catalog: Path, text: str,
                                                          message: str) -> None:
    out = run_fdwsh("-X", input=text, catalog=catalog)
    assert (out.returncode, out.stdout) == (0, message)
