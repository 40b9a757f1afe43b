"""The result formatter prints exactly what psql 15 prints (oracle tests against real psql).

Every query below is run twice: through the real psql with a set of print options, and through
psycopg (values as the text the server sent, column types via format_type) into a
:class:`Result` that :func:`print_result` renders with the equivalent :class:`PrintOptions`.
The two outputs must be byte-identical.
"""

from __future__ import annotations

import io
import os
import subprocess
from collections.abc import Iterator
from dataclasses import replace

import psycopg
import pytest

from fdwsh.output.print import print_result
from fdwsh.output.result import Column, Result
from fdwsh.settings import PrintOptions
from tests.pgcluster import Cluster

MARK = "@@@ "

QUERIES: dict[str, str] = {
    "integers": "SELECT 1 AS a, -22 AS b, 333333333333::bigint AS c "
                "UNION ALL SELECT 44, 5, -6",
    "numbers": "SELECT 1.5::numeric AS n, 2.25::float8 AS f, -12345678.9::numeric(12,2) AS big, "
               "7::oid AS o, 1234567::int AS i UNION ALL SELECT 10, -0.5, 3, 8, -1234",
    "numeric_types": "SELECT 1::smallint AS s, 1.5::real AS r, 12.5::money AS m, '3'::xid AS x, "
                     "'4'::cid AS c, '5'::xid8 AS x8, 100::int8 AS i8, 'abc' AS t",
    "text": "SELECT 'hello world' AS greeting, '' AS empty, ' padded ' AS p, 'x' AS \"X\"",
    "nulls": "SELECT NULL::int AS n, NULL::text AS t, 'x' AS x UNION ALL SELECT 1, 'y', NULL",
    "multiline": "SELECT E'one\\ntwo\\nthree' AS lines, 'x' AS x, 42 AS n "
                 "UNION ALL SELECT 'a', E'b\\nc', 7 UNION ALL SELECT E'\\n', '', 12345",
    "multiline_header": "SELECT 1 AS \"multi\nline\nheader\", E'v\\nw' AS b, 'c' AS \"c\nd\"",
    "unicode": "SELECT 'héllo' AS word, '日本語' AS jp, 'naïve café' AS \"mixé\" "
               "UNION ALL SELECT 'a', 'ab', '日' UNION ALL SELECT 'ｆｕｌｌ', E'a\\u0301b', '😀'",
    "long_header": "SELECT 1 AS \"a very long column header that is wide\", 'short' AS s",
    "zero_rows": "SELECT 1 AS a, 'x'::text AS b WHERE false",
    "one_row": "SELECT 42 AS answer",
    "one_column": "SELECT g AS n FROM generate_series(1, 3) g",
    "many_columns": "SELECT " + ", ".join(f"{i * 7} AS c{i}" for i in range(1, 16)),
    "many_rows": "SELECT g AS id, repeat('x', g % 7) AS pad FROM generate_series(1, 12) g",
    "control_chars": "SELECT E'tab\\there' AS t, E'cr\\rx' AS r, E'bell\\x07' AS b, "
                     "E'a\\tb\\tc\\n\\td' AS tabs",
    "wide": "SELECT * FROM (VALUES (1, 'alpha', 'a much longer text value that will have to wrap "
            "in narrow columns'), (2, 'beta', 'short'), (3, NULL, 'medium length value'), "
            "(4, 'gamma', E'two\\nlines')) AS v(id, name, description)",
    "csv_quoting": "SELECT 'a,b' AS \"c,1\", 'say \"hi\"' AS q, E'x\\ny' AS nl, '\\.' AS dot, "
                   "'a;b' AS semi, E'r\\rr' AS cr, 'plain' AS \"p q\"",
    "no_columns": "SELECT",
}

# option set name -> (psql command-line arguments, PrintOptions changes)
OPTION_SETS: dict[str, tuple[list[str], dict[str, object]]] = {
    "default": ([], {}),
    "unaligned": (["-A"], {"format": "unaligned"}),
    "tuples_only": (["-t"], {"tuples_only": True}),
    "unaligned_tuples_only": (["-A", "-t"], {"format": "unaligned", "tuples_only": True}),
    "csv": (["--csv"], {"format": "csv"}),
    "csv_tuples_only": (["--csv", "-t"], {"format": "csv", "tuples_only": True}),
    "csv_fieldsep": (["--csv", "-P", "csv_fieldsep=;"], {"format": "csv", "csv_fieldsep": ";"}),
    "csv_expanded": (["--csv", "-x"], {"format": "csv", "expanded": "on"}),
    "expanded": (["-x"], {"expanded": "on"}),
    "expanded_tuples_only": (["-x", "-t"], {"expanded": "on", "tuples_only": True}),
    "expanded_unaligned": (["-A", "-x"], {"format": "unaligned", "expanded": "on"}),
    "separators": (["-A", "-F", ";", "-R", "#"],
                   {"format": "unaligned", "fieldsep": ";", "recordsep": "#"}),
    "separators_expanded": (["-A", "-x", "-F", ";", "-R", "#"],
                            {"format": "unaligned", "expanded": "on", "fieldsep": ";",
                             "recordsep": "#"}),
    "zero_separators": (["-A", "-z", "-0"],
                        {"format": "unaligned", "fieldsep": "\0", "recordsep": "\0"}),
    "border0": (["-P", "border=0"], {"border": 0}),
    "border2": (["-P", "border=2"], {"border": 2}),
    "border0_expanded": (["-P", "border=0", "-x"], {"border": 0, "expanded": "on"}),
    "border2_expanded": (["-P", "border=2", "-x"], {"border": 2, "expanded": "on"}),
    "border2_expanded_tuples_only": (["-P", "border=2", "-x", "-t"],
                                     {"border": 2, "expanded": "on", "tuples_only": True}),
    "border0_tuples_only": (["-P", "border=0", "-t"], {"border": 0, "tuples_only": True}),
    "null": (["-P", "null=(null)"], {"null": "(null)"}),
    "null_unaligned": (["-A", "-P", "null=NULL"], {"format": "unaligned", "null": "NULL"}),
    "null_csv": (["--csv", "-P", "null=N"], {"format": "csv", "null": "N"}),
    "footer_off": (["-P", "footer=off"], {"footer": False}),
    "footer_off_unaligned": (["-A", "-P", "footer=off"], {"format": "unaligned", "footer": False}),
    "expanded_auto_20": (["-P", "expanded=auto", "-P", "columns=20"],
                         {"expanded": "auto", "columns": 20}),
    "expanded_auto_wide": (["-P", "expanded=auto", "-P", "columns=200"],
                           {"expanded": "auto", "columns": 200}),
    "title": (["-P", "title=My Title"], {"title": "My Title"}),
    "title_long": (["-P", "title=A title much wider than most of the little tables here"],
                   {"title": "A title much wider than most of the little tables here"}),
    "title_border2": (["-P", "title=T", "-P", "border=2"], {"title": "T", "border": 2}),
    "title_expanded": (["-P", "title=My Title", "-x"], {"title": "My Title", "expanded": "on"}),
    "title_unaligned": (["-A", "-P", "title=My Title"],
                        {"format": "unaligned", "title": "My Title"}),
    "title_csv": (["--csv", "-P", "title=My Title"], {"format": "csv", "title": "My Title"}),
    "empty_title": (["-P", "title="], {"title": ""}),
    "empty_title_unaligned": (["-A", "-P", "title="], {"format": "unaligned", "title": ""}),
    "empty_title_expanded": (["-x", "-P", "title="], {"expanded": "on", "title": ""}),
    "title_tuples_only": (["-t", "-P", "title=My Title"],
                          {"tuples_only": True, "title": "My Title"}),
    "wrapped_40": (["-P", "format=wrapped", "-P", "columns=40"],
                   {"format": "wrapped", "columns": 40}),
    "wrapped_20_border2": (["-P", "format=wrapped", "-P", "columns=20", "-P", "border=2"],
                           {"format": "wrapped", "columns": 20, "border": 2}),
    "wrapped_no_width": (["-P", "format=wrapped"], {"format": "wrapped"}),
    "wrapped_expanded_30": (["-P", "format=wrapped", "-P", "columns=30", "-x"],
                            {"format": "wrapped", "columns": 30, "expanded": "on"}),
    "wrapped_expanded_30_border2": (["-P", "format=wrapped", "-P", "columns=30", "-x", "-P",
                                     "border=2"],
                                    {"format": "wrapped", "columns": 30, "expanded": "on",
                                     "border": 2}),
    "wrapped_expanded_30_border0": (["-P", "format=wrapped", "-P", "columns=30", "-x", "-P",
                                     "border=0"],
                                    {"format": "wrapped", "columns": 30, "expanded": "on",
                                     "border": 0}),
    "unicode": (["-P", "linestyle=unicode"], {"linestyle": "unicode"}),
    "unicode_border2_double": (["-P", "linestyle=unicode", "-P", "border=2", "-P",
                                "unicode_border_linestyle=double", "-P",
                                "unicode_header_linestyle=double"],
                               {"linestyle": "unicode", "border": 2,
                                "unicode_border_linestyle": "double",
                                "unicode_header_linestyle": "double"}),
    "unicode_expanded_border2": (["-P", "linestyle=unicode", "-P", "border=2", "-x", "-P",
                                  "unicode_column_linestyle=double"],
                                 {"linestyle": "unicode", "border": 2, "expanded": "on",
                                  "unicode_column_linestyle": "double"}),
    "old_ascii": (["-P", "linestyle=old-ascii"], {"linestyle": "old-ascii"}),
    "old_ascii_expanded": (["-P", "linestyle=old-ascii", "-x"],
                           {"linestyle": "old-ascii", "expanded": "on"}),
    "old_ascii_border0": (["-P", "linestyle=old-ascii", "-P", "border=0"],
                          {"linestyle": "old-ascii", "border": 0}),
    "old_ascii_wrapped_30": (["-P", "linestyle=old-ascii", "-P", "format=wrapped", "-P",
                              "columns=30"],
                             {"linestyle": "old-ascii", "format": "wrapped", "columns": 30}),
    "old_ascii_wrapped_expanded_30": (["-P", "linestyle=old-ascii", "-P", "format=wrapped",
                                       "-P", "columns=30", "-x"],
                                      {"linestyle": "old-ascii", "format": "wrapped",
                                       "columns": 30, "expanded": "on"}),
    "unicode_wrapped_30": (["-P", "linestyle=unicode", "-P", "format=wrapped", "-P",
                            "columns=30"],
                           {"linestyle": "unicode", "format": "wrapped", "columns": 30}),
    "unicode_wrapped_expanded_30": (["-P", "linestyle=unicode", "-P", "format=wrapped", "-P",
                                     "columns=30", "-x"],
                                    {"linestyle": "unicode", "format": "wrapped",
                                     "columns": 30, "expanded": "on"}),
    "wrapped_border0_30": (["-P", "format=wrapped", "-P", "columns=30", "-P", "border=0"],
                           {"format": "wrapped", "columns": 30, "border": 0}),
    "numericlocale": (["-P", "numericlocale=on"], {"numericlocale": True}),
    "numericlocale_unaligned": (["-A", "-P", "numericlocale=on"],
                                {"format": "unaligned", "numericlocale": True}),
}


# -- running psql and fetching rows -----------------------------------------------------------


def run_psql(pg: Cluster, script: str, *args: str, dbname: str = "postgres") -> str:
    """Run ``script`` through the real ``psql -X ARGS`` (stdin) and return stdout+stderr.

    Bytes are decoded without newline translation, so a ``\r`` psql prints stays a ``\r``.
    """
    env = {**os.environ, "PGHOST": pg.host, "PGPORT": str(pg.port), "PGUSER": pg.user,
           "PGDATABASE": dbname, "PAGER": "", "PSQL_PAGER": "", "LC_ALL": "C.UTF-8",
           "COLUMNS": "200"}
    proc = subprocess.run(["psql", "-X", *args], input=script.encode(), env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
    return proc.stdout.decode()


def psql_sections(pg: Cluster, queries: dict[str, str], *args: str) -> dict[str, str]:
    """Run each query in one psql session; return each query's output, keyed by name.

    Queries are separated by ``\\echo`` markers, which psql writes to stdout unformatted.
    """
    script = "".join(f"\\echo '{MARK}{name}'\n{sql};\n" for name, sql in queries.items())
    output = run_psql(pg, script, *args)
    sections: dict[str, str] = {}
    for chunk in output.split(MARK)[1:]:
        name, _, body = chunk.partition("\n")
        sections[name] = body
    return sections


class Fetched:
    """A query's result as psql received it: column names, type names and text values."""

    def __init__(self, conn: psycopg.Connection, sql: str) -> None:
        with conn.cursor() as cur:
            cur.execute(sql)
            res = cur.pgresult
            assert res is not None
            self.columns = [Column(res.fname(i).decode(), _type_name(conn, res.ftype(i)))
                            for i in range(res.nfields)]
            self.rows = [[_text(res.get_value(r, c)) for c in range(res.nfields)]
                         for r in range(res.ntuples)]
            self.status = res.command_status.decode() if res.command_status else None

    def result(self, **changes: object) -> Result:
        """A fresh Result whose rows are a one-shot iterator, as the executor yields them."""
        result = Result(columns=self.columns, rows=iter([list(r) for r in self.rows]),
                        status=self.status)
        return replace(result, **changes) if changes else result


_TYPE_NAMES: dict[int, str] = {}


def _type_name(conn: psycopg.Connection, oid: int) -> str:
    if oid not in _TYPE_NAMES:
        row = conn.execute("SELECT pg_catalog.format_type(%s, NULL)", [oid]).fetchone()
        assert row is not None
        _TYPE_NAMES[oid] = row[0]
    return _TYPE_NAMES[oid]


def _text(value: bytes | None) -> str | None:
    return None if value is None else value.decode()


def render(result: Result, opts: PrintOptions, **kwargs: object) -> str:
    out = io.StringIO()
    print_result(result, opts, out, **kwargs)  # type: ignore[arg-type]
    return out.getvalue()


@pytest.fixture(scope="module")
def conn(pg: Cluster) -> Iterator[psycopg.Connection]:
    with psycopg.connect(pg.dsn(), autocommit=True) as connection:
        yield connection


@pytest.fixture(scope="module")
def fetched(conn: psycopg.Connection) -> dict[str, Fetched]:
    return {name: Fetched(conn, sql) for name, sql in QUERIES.items()}


# -- the oracle tests -------------------------------------------------------------------------


@pytest.mark.parametrize("option_set", list(OPTION_SETS))
def test_every_query_prints_like_psql(pg: Cluster, fetched: dict[str, Fetched],
                                      option_set: str) -> None:
    args, changes = OPTION_SETS[option_set]
    expected = psql_sections(pg, QUERIES, *args)
    opts = PrintOptions(**changes)  # type: ignore[arg-type]
    assert set(expected) == set(QUERIES)
    for name, data in fetched.items():
        assert render(data.result(), opts) == expected[name], f"{option_set}: {name}"


def test_command_tag_is_printed_unless_quiet(pg: Cluster) -> None:
    sql = "CREATE TEMP TABLE tag_t (a int)"
    assert render(Result.command("CREATE TABLE"), PrintOptions()) == run_psql(pg, sql + ";")
    assert render(Result.command("CREATE TABLE"), PrintOptions(), quiet=True) == run_psql(
        pg, sql + ";", "-q")


def test_returning_prints_rows_then_command_tag(pg: Cluster, conn: psycopg.Connection) -> None:
    setup = "CREATE TEMP TABLE ret_t (id int, name text)"
    sql = "INSERT INTO ret_t VALUES (1, 'one'), (2, NULL) RETURNING id, name"
    with conn.transaction(force_rollback=True):
        conn.execute(setup)
        data = Fetched(conn, sql)
    expected = run_psql(pg, f"{setup};\n{sql};\n", "-q")
    assert data.status == "INSERT 0 2"
    assert render(data.result(), PrintOptions(), quiet=True) == expected
    expected_loud = run_psql(pg, f"{setup};\n{sql};\n").split("CREATE TABLE\n", 1)[1]
    assert render(data.result(), PrintOptions()) == expected_loud


def test_expanded_auto_uses_the_terminal_width_only_when_known(
        pg: Cluster, fetched: dict[str, Fetched]) -> None:
    """Not a tty and no \\pset columns: psql never switches; a known width (pager) does."""
    opts = PrintOptions(expanded="auto")
    wide = fetched["wide"]
    assert render(wide.result(), opts) == psql_sections(pg, {"w": QUERIES["wide"]},
                                                        "-P", "expanded=auto")["w"]
    narrow = psql_sections(pg, {"w": QUERIES["wide"]}, "-P", "expanded=auto", "-P",
                           "columns=30")["w"]
    assert render(wide.result(), opts, term_width=30) == narrow


def test_streamed_formats_write_rows_before_the_last_row_arrives(
        fetched: dict[str, Fetched]) -> None:
    """Unaligned and csv output start before the row iterator is exhausted."""
    data = fetched["many_rows"]
    for changes in ({"format": "unaligned"}, {"format": "csv"},
                    {"format": "unaligned", "expanded": "on"}):
        out = io.StringIO()
        seen: list[int] = []

        def rows() -> Iterator[list[str | None]]:
            for row in data.rows:
                seen.append(len(out.getvalue()))
                yield list(row)

        result = Result(columns=data.columns, rows=rows())
        print_result(result, PrintOptions(**changes), out)  # type: ignore[arg-type]
        assert seen[-1] > 0, changes


def _describe_table(pg: Cluster) -> tuple[str, str]:
    """A table for \\d; returns (database, psql command) ."""
    db = "describe_db"
    if "describe_db" not in run_psql(pg, "SELECT datname FROM pg_database;", "-At"):
        pg.create_database(db)
        run_psql(pg, "CREATE TABLE t (id int PRIMARY KEY, name text NOT NULL DEFAULT 'x');",
                 dbname=db)
    return db, "\\d t"


def _describe_result() -> Result:
    """What a \\d handler returns for table t (title, column rows, footers, no row count)."""
    cols = [Column(n) for n in ("Column", "Type", "Collation", "Nullable", "Default")]
    rows = [["id", "integer", "", "not null", ""],
            ["name", "text", "", "not null", "'x'::text"]]
    return Result(columns=cols, rows=rows, title='Table "public.t"',
                  footers=["Indexes:", '    "t_pkey" PRIMARY KEY, btree (id)'],
                  default_footer=False)


@pytest.mark.parametrize("option_set", ["default", "unaligned", "border2", "border0",
                                        "tuples_only", "unaligned_tuples_only", "csv",
                                        "footer_off", "unicode", "separators"])
def test_describe_style_title_and_footers_print_like_psql(pg: Cluster, option_set: str) -> None:
    """\\d TABLE: title, explicit footers, no row count.

    (psql's describeOneTableDetails also turns expanded mode off for this one listing; that is
    the handler's business: it prints with ``expanded="off"``.)
    """
    db, command = _describe_table(pg)
    args, changes = OPTION_SETS[option_set]
    expected = run_psql(pg, command + "\n", *args, dbname=db)
    assert render(_describe_result(), PrintOptions(**changes)) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize("option_set", ["default", "expanded", "border2_expanded",
                                        "expanded_unaligned", "unaligned", "title",
                                        "border0_expanded", "footer_off"])
def test_listing_title_keeps_its_row_count(pg: Cluster, conn: psycopg.Connection,
                                           option_set: str) -> None:
    """\\dn-style listings: their own title (over \\pset title) and the "(N rows)" footer."""
    echoed = run_psql(pg, "\\dn\n", "-E")
    hidden = echoed.split("********* QUERY **********\n", 1)[1].split("\n****", 1)[0]
    data = Fetched(conn, hidden)
    args, changes = OPTION_SETS[option_set]
    expected = run_psql(pg, "\\dn\n", *args)
    opts = PrintOptions(**changes)  # type: ignore[arg-type]
    assert render(data.result(title="List of schemas"), opts) == expected


def test_unsupported_format_is_refused(fetched: dict[str, Fetched]) -> None:
    with pytest.raises(ValueError):
        render(fetched["one_row"].result(), PrintOptions(format="html"))


def test_psql_runs_as_expected(pg: Cluster) -> None:
    """Guard for the oracle itself: psql is found and talks to the test cluster."""
    out = subprocess.run(["psql", "--version"], capture_output=True, text=True).stdout
    assert out.startswith("psql (PostgreSQL) 15")
    assert run_psql(pg, "SELECT 1 AS one;", "-At") == "1\n"
