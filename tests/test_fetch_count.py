"""FETCH_COUNT: query results printed in batches exactly as psql 15 prints them (oracle tests).

psql with ``FETCH_COUNT`` n > 0 fetches a SELECT's rows n at a time and prints each batch as a
part of one table: aligned batches are sized on their own rows, only the first prints headers,
the last prints "(N rows)" for all of them, expanded records are numbered on, and once a batch
is full psql's pager logic turns ``\\x auto`` into expanded output and uses $COLUMNS as width.
The same generate_series rows go through real psql (``-v FETCH_COUNT=n``) and through
:func:`print_result` with ``fetch_count=n``; the outputs must be byte-identical.  The last tests
run whole sessions: fdwsh's Session on VALUES lists, and fdwsh against psql + postgres_fdw on a
foreign table, whose rows stream from the remote server and are never all held.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from fdwsh.output.print import print_result
from fdwsh.output.result import Result
from fdwsh.session import InputSource, Session
from fdwsh.settings import PrintOptions, Settings
from tests.pgcluster import Cluster
from tests.remote_bed import (QueryBed, big_remote_table, query_bed,  # noqa: F401
                              run_measured)
from tests.test_print import OPTION_SETS, Fetched, psql_sections, run_psql

ROW_COUNTS = (0, 1, 3, 4, 6, 7)
FETCH_COUNTS = (1, 3, 4, 50)

SHAPES: dict[str, str] = {
    # widths grow row by row, so every batch is sized differently
    "grow": "SELECT g AS id, repeat('x', g) AS pad, (g * 1111)::bigint AS n "
            "FROM generate_series(1, {rows}) g",
    # newlines, NULLs, non-ASCII and long text (wrapping)
    "mixed": "SELECT g AS id, CASE WHEN g % 3 = 0 THEN E'line\\nnext' "
             "ELSE repeat('ab ', g * 4) END AS txt, "
             "CASE WHEN g % 2 = 0 THEN NULL ELSE 'é' || g END AS \"ü\" "
             "FROM generate_series(1, {rows}) g",
    "no_columns": "SELECT FROM generate_series(1, {rows})",
}
QUERIES = {f"{shape}_{rows}": sql.format(rows=rows)
           for shape, sql in SHAPES.items() for rows in ROW_COUNTS}

EXTRA_OPTION_SETS: dict[str, tuple[list[str], dict[str, object]]] = {
    "expanded_auto": (["-P", "expanded=auto"], {"expanded": "auto"}),
    "wrapped_expanded_no_width": (["-P", "format=wrapped", "-x"],
                                  {"format": "wrapped", "expanded": "on"}),
    "expanded_auto_wrapped_40": (["-P", "expanded=auto", "-P", "format=wrapped", "-P",
                                  "columns=40"],
                                 {"expanded": "auto", "format": "wrapped", "columns": 40}),
    "unicode_border2_expanded_tuples_only": (["-P", "linestyle=unicode", "-P", "border=2",
                                              "-x", "-t"],
                                             {"linestyle": "unicode", "border": 2,
                                              "expanded": "on", "tuples_only": True}),
}
ALL_OPTION_SETS = {**OPTION_SETS, **EXTRA_OPTION_SETS}


@pytest.fixture(scope="module")
def fetched(pg: Cluster) -> dict[str, Fetched]:
    with psycopg.connect(pg.dsn(), autocommit=True) as conn:
        return {name: Fetched(conn, sql) for name, sql in QUERIES.items()}


@pytest.fixture(autouse=True)
def columns_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """psql runs with COLUMNS=200, which it uses once it has "opened its pager"."""
    monkeypatch.setenv("COLUMNS", "200")


def render(result: Result, opts: PrintOptions, fetch_count: int, **kwargs: object) -> str:
    out = io.StringIO()
    print_result(result, opts, out, fetch_count=fetch_count, **kwargs)  # type: ignore[arg-type]
    return out.getvalue()


# -- print level: every option set × fetch count × query --------------------------------------


@pytest.mark.parametrize("fetch_count", FETCH_COUNTS)
@pytest.mark.parametrize("option_set", list(ALL_OPTION_SETS))
def test_batches_print_like_psql(pg: Cluster, fetched: dict[str, Fetched], option_set: str,
                                 fetch_count: int) -> None:
    args, changes = ALL_OPTION_SETS[option_set]
    expected = psql_sections(pg, QUERIES, *args, "-v", f"FETCH_COUNT={fetch_count}")
    assert set(expected) == set(QUERIES)
    opts = PrintOptions(**changes)  # type: ignore[arg-type]
    for name, data in fetched.items():
        got = render(data.result(), opts, fetch_count)
        assert got == expected[name], f"{option_set}, FETCH_COUNT={fetch_count}: {name}"


def test_batches_differ_from_one_table(pg: Cluster, fetched: dict[str, Fetched]) -> None:
    """Guard for the oracle: psql's batched output really is not its one-table output."""
    one = psql_sections(pg, {"q": QUERIES["grow_7"]})["q"]
    batched = psql_sections(pg, {"q": QUERIES["grow_7"]}, "-v", "FETCH_COUNT=3")["q"]
    assert one != batched
    assert render(fetched["grow_7"].result(), PrintOptions(), 0) == one
    assert render(fetched["grow_7"].result(), PrintOptions(), 3) == batched


@pytest.mark.parametrize("args, changes", [
    (["-P", "expanded=auto"], {"expanded": "auto"}),
    (["-P", "format=wrapped"], {"format": "wrapped"}),
    (["-P", "format=wrapped", "-x"], {"format": "wrapped", "expanded": "on"}),
], ids=["expanded_auto", "wrapped", "wrapped_expanded"])
def test_output_file_gets_no_pager_treatment(pg: Cluster, fetched: dict[str, Fetched],
                                             tmp_path: Path, args: list[str],
                                             changes: dict[str, object]) -> None:
    """To a file (``-o``, ``\\o``, ``\\g file``) psql never pages: ``\\x auto`` keeps deciding
    per batch and there is no target width."""
    opts = PrintOptions(**changes)  # type: ignore[arg-type]
    for name in ("grow_7", "mixed_7"):
        target = tmp_path / f"{name}.out"
        run_psql(pg, QUERIES[name] + ";\n", *args, "-v", "FETCH_COUNT=3", "-o", str(target))
        expected = target.read_text()
        got = render(fetched[name].result(), opts, 3, to_stdout=False)
        assert got == expected, name


def test_rows_are_printed_batch_by_batch(fetched: dict[str, Fetched]) -> None:
    """An iterator of rows is consumed one batch ahead of the output, never all at once."""
    data = fetched["grow_7"]
    out = io.StringIO()
    printed_before: list[str] = []

    def rows() -> Iterator[list[str | None]]:
        for row in data.rows:
            printed_before.append(out.getvalue())
            yield list(row)

    print_result(Result(columns=data.columns, rows=rows()), PrintOptions(), out, fetch_count=3)
    # Row 4 is fetched after the batch of rows 1-3 was printed, row 7 after rows 4-6.
    assert printed_before[3].endswith(" 3 | xxx | 3333\n")
    assert printed_before[6].endswith(" 6 | xxxxxx | 6666\n")
    assert "(7 rows)" not in printed_before[6]


# -- session level -----------------------------------------------------------------------------

SESSION_SCRIPT = r"""\set FETCH_COUNT 2
VALUES (1, 'a'), (22, 'bbbb'), (3, 'c');
/* comment */ ( (SELECT a, repeat('x', a) AS r FROM (VALUES (1), (5), (3), (7)) v(a)) );
\pset title Batches
\x auto
SELECT a FROM (VALUES (1), (22), (333)) v(a);
\pset title
\o {out}
SELECT a, 'y' AS b FROM (VALUES (1), (22), (333)) v(a);
\o
\x off
\set FETCH_COUNT 0
SELECT a, repeat('x', a) AS r FROM (VALUES (1), (5), (3), (7)) v(a);
\set FETCH_COUNT 3
\g
"""


def test_session_applies_fetch_count_to_select_and_values(pg: Cluster, tmp_path: Path) -> None:
    psql_file, fdwsh_file = tmp_path / "psql.out", tmp_path / "fdwsh.out"
    expected = run_psql(pg, SESSION_SCRIPT.format(out=psql_file))
    out, err = io.StringIO(), io.StringIO()
    session = Session(Settings(catalog_path=str(tmp_path / "c.db"), user="postgres"),
                      stdout=out, stderr=err)
    try:
        session.run_lines(SESSION_SCRIPT.format(out=fdwsh_file).splitlines(),
                          InputSource(None, Path.cwd()))
    finally:
        session.close()
    assert err.getvalue() == ""
    assert out.getvalue() == expected
    assert fdwsh_file.read_text() == psql_file.read_text()


REMOTE_SCRIPT = r"""\set FETCH_COUNT 700
SELECT n, repeat('x', n % 23) AS pad FROM ft_nums ORDER BY n;
\x on
\pset border 2
SELECT n, repeat('ab', n / 100) AS pad FROM ft_nums WHERE n <= 1400 ORDER BY n;
\x auto
\pset format wrapped
SELECT n, repeat('y', n / 4) AS pad FROM ft_nums WHERE n < 1000 ORDER BY n;
\x off
\pset border 1
\set FETCH_COUNT 2
SELECT n, repeat('z', 3 * n) FROM ft_nums WHERE n <= 5 ORDER BY n;
WITH q AS (SELECT n FROM ft_nums WHERE n <= 5) SELECT n, repeat('z', 3 * n) FROM q ORDER BY n;
"""


def test_foreign_table_rows_print_like_psql_with_postgres_fdw(
        query_bed: QueryBed) -> None:  # noqa: F811
    """A remote result (3000 rows from ft_nums) in batches, fdwsh against psql + postgres_fdw."""
    expected = query_bed.psql(input=REMOTE_SCRIPT)
    got = query_bed.fdwsh(input=REMOTE_SCRIPT)
    assert got.stdout == expected.stdout
    assert "(3000 rows)" in got.stdout
    # WITH is not SELECT for psql: the same rows are printed as one table, not in batches.
    batched, whole = got.stdout.split("Border style is 1.\n")[1].split("\n\n")[:2]
    assert batched.splitlines()[1] == "---+--------"
    assert whole.splitlines()[1] == "---+-----------------"


# -- bounded memory ----------------------------------------------------------------------------

BIG_ROWS = 200_000
#: How much more than a 10-row query the big one may need with FETCH_COUNT (all rows held for
#: one aligned table take well over 100 MB).
GROWTH_BOUND_KB = 20 * 1024

@pytest.fixture(scope="module")
def big_catalog(query_bed: QueryBed, tmp_path_factory: pytest.TempPathFactory  # noqa: F811
                ) -> Iterator[Path]:
    """A remote table ``fc_big`` of BIG_ROWS rows, declared in a copy of the bed's catalog."""
    with big_remote_table(query_bed, tmp_path_factory.mktemp("fc_big"), "fc_big",
                          "SELECT g AS id, md5(g::text) AS label, repeat('w', g % 50) AS pad"
                          f" FROM generate_series(1, {BIG_ROWS}) g",
                          "id int, label text, pad text") as catalog:
        yield catalog


def test_aligned_output_of_a_big_remote_result_runs_in_bounded_memory(
        query_bed: QueryBed, big_catalog: Path, tmp_path: Path) -> None:  # noqa: F811
    """With FETCH_COUNT, aligned output holds one batch of rows at a time (and prints what
    psql prints for the same rows read from the remote database directly)."""
    fetch = ["-v", "FETCH_COUNT=1000", "-c"]
    small = run_measured(query_bed, big_catalog, tmp_path / "small.out", *fetch,
                         "SELECT * FROM fc_big WHERE id <= 10")
    peak = run_measured(query_bed, big_catalog, tmp_path / "big.out", *fetch,
                        "SELECT * FROM fc_big")
    assert peak - small < GROWTH_BOUND_KB, f"peak RSS {peak} KB, {small} KB for 10 rows"
    expected = query_bed.psql(*fetch, "SELECT * FROM fc_big", dbname=query_bed.remote_db)
    assert (tmp_path / "big.out").read_text() == expected.stdout
    assert expected.stdout.endswith(f"({BIG_ROWS} rows)\n\n")
