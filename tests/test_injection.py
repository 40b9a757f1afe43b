"""Crafted names and values reach the remote server as the intended object, and nothing else runs.

Names come from three places: what users type (aliases, literals, values), the catalog
(``schema_name``/``table_name``/``column_name`` options) and remote catalogs (IMPORT FOREIGN
SCHEMA of relations and columns named with quotes, semicolons, backslashes, ``$$``, unicode,
spaces and upper case).  Each of them carries a would-be payload (``"; DROP TABLE canary; --``).

The module runs its own cluster with ``log_statement = 'all'``: every statement fdwsh sends is
in its log.  For each case the tests assert

(a) the remote SQL text: the exact statement the log shows (and EXPLAIN VERBOSE's Remote SQL);
(b) the intended rows are read or changed (checked directly with psycopg);
(c) nothing else ran: every logged statement parses, none holds a DROP or names the canary
    table, and the canary table still holds its one row.

Setup SQL is built with ``psycopg.sql`` (an implementation independent of fdwsh's deparser).
``\\c SERVER`` passes statements through verbatim by design and is not covered here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from pglast import ast, parse_sql
from pglast.visitors import Visitor
from psycopg import sql

from tests.conftest import fdwsh_env, run_fdwsh
from tests.pgcluster import Cluster

#: The odd names: the remote schema and table, and one column per kind of odd character.
SCHEMA = 'Sch"ema; DROP TABLE canary; --'
TABLE = "Tab'le $$ \\ ;"
COLUMNS = ("id", 'co"l', "it's", "semi;colon", "back\\slash", "$$dollar$$", "ÜnïCödé ✓",
           "With Space", "UPPER")
#: A table on the second server, to join with: its name, and its key column's.
KEYS_TABLE = 'Ke"ys; --'
KEY_COLUMN = 'k;e"y'
#: The values: each would end its literal early if it were glued into SQL.  Row n of the
#: odd table holds VALUES[n-1] in every text column.
VALUES = ("x'); DROP TABLE canary; --", "ends in a backslash\\", "$$; DROP TABLE canary; $$",
          "ünï ✓", "")

#: The catalog: servers a and b, ``t`` over the odd table (local names plain but the first,
#: which is odd too: it names the columns of data shipping's temporary table), ``kb`` over
#: the keys table.
CATALOG = r"""
CREATE EXTENSION postgres_fdw;
CREATE SERVER a FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '127.0.0.1', port '{port}', dbname 'inj_a');
CREATE SERVER b FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '127.0.0.1', port '{port}', dbname 'inj_b');
CREATE USER MAPPING FOR CURRENT_USER SERVER a OPTIONS (user 'postgres');
CREATE USER MAPPING FOR CURRENT_USER SERVER b OPTIONS (user 'postgres');
CREATE FOREIGN TABLE t (
    id int,
    "Lo""cal; --" text OPTIONS (column_name 'co"l'),
    c2 text OPTIONS (column_name 'it''s'),
    c3 text OPTIONS (column_name 'semi;colon'),
    c4 text OPTIONS (column_name 'back\slash'),
    c5 text OPTIONS (column_name '$$dollar$$'),
    c6 text OPTIONS (column_name 'ÜnïCödé ✓'),
    c7 text OPTIONS (column_name 'With Space'),
    c8 text OPTIONS (column_name 'UPPER')
) SERVER a OPTIONS (schema_name 'Sch"ema; DROP TABLE canary; --', table_name 'Tab''le $$ \ ;');
CREATE FOREIGN TABLE kb (key text OPTIONS (column_name 'k;e"y'), n int) SERVER b
    OPTIONS (table_name 'Ke"ys; --');
"""
#: How the odd table appears in remote SQL (every column, in its declared order).
T_SUBQUERY = ('SELECT id, "co""l" AS "Lo""cal; --", "it\'s" AS c2, "semi;colon" AS c3, '
              '"back\\slash" AS c4, "$$dollar$$" AS c5, "ÜnïCödé ✓" AS c6, "With Space" AS c7, '
              '"UPPER" AS c8 FROM "Sch""ema; DROP TABLE canary; --"."Tab\'le $$ \\ ;"')
LOG_PREFIX = "@@ "


@dataclass
class Bed:
    """The logged cluster, its two databases ``inj_a``/``inj_b`` and a catalog declaring them."""

    cluster: Cluster
    catalog: Path
    home: Path

    @property
    def log(self) -> Path:
        return self.cluster.root / "log"

    def connect(self, dbname: str = "inj_a") -> psycopg.Connection:
        return psycopg.connect(self.cluster.dsn(dbname), autocommit=True)

    def fdwsh(self, *args: str, input: str | None = None) -> str:
        out = run_fdwsh("-X", "-U", "postgres", *args, input=input, catalog=self.catalog,
                        env=fdwsh_env(self.home))
        return out.stdout


@pytest.fixture(scope="module")
def bed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bed]:
    cluster = Cluster("fdwsh-inject", {"log_statement": "'all'",
                                        "log_line_prefix": f"'{LOG_PREFIX}%d %a: '"})
    try:
        for db in ("inj_a", "inj_b"):
            cluster.create_database(db)
        home = tmp_path_factory.mktemp("inject")
        bed = Bed(cluster, home / "catalog.db", home)
        _remote_setup(bed)
        yield bed
    finally:
        cluster.destroy()


def _remote_setup(bed: Bed) -> None:
    with bed.connect("inj_a") as conn:
        conn.execute("CREATE TABLE canary (x int); INSERT INTO canary VALUES (1)")
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(SCHEMA)))
        cols = sql.SQL(", ").join(
            sql.SQL("{} {}").format(sql.Identifier(c), sql.SQL("int" if c == "id" else "text"))
            for c in COLUMNS)
        conn.execute(sql.SQL("CREATE TABLE {}.{} ({})").format(
            sql.Identifier(SCHEMA), sql.Identifier(TABLE), cols))
    with bed.connect("inj_b") as conn:
        # a server that reads '\' as an escape (a legacy setting any role or database may have)
        conn.execute("ALTER DATABASE inj_b SET standard_conforming_strings = off")
        conn.execute("ALTER DATABASE inj_b SET escape_string_warning = off")
        conn.execute(sql.SQL("CREATE TABLE {} ({} text, n int)").format(
            sql.Identifier(KEYS_TABLE), sql.Identifier(KEY_COLUMN)))
        conn.execute(sql.SQL("INSERT INTO {} SELECT 'k' || i, i FROM generate_series(1, 3000) i"
                             ).format(sql.Identifier(KEYS_TABLE)))
        conn.execute(sql.SQL("INSERT INTO {} VALUES (%s, -1), (%s, -2), (%s, -3)").format(
            sql.Identifier(KEYS_TABLE)), VALUES[:3])
        conn.execute("ANALYZE")
    made = bed.fdwsh("-q", "-v", "ON_ERROR_STOP=1", input=CATALOG.format(
        port=bed.cluster.port))
    assert made == "", made


@pytest.fixture
def rows(bed: Bed) -> list[tuple[object, ...]]:
    """The odd table's rows, reset before the test: row n holds VALUES[n-1] in every column."""
    table = sql.SQL("{}.{}").format(sql.Identifier(SCHEMA), sql.Identifier(TABLE))
    baseline = [(i + 1, *[value] * (len(COLUMNS) - 1)) for i, value in enumerate(VALUES)]
    with bed.connect("inj_a") as conn:
        conn.execute(sql.SQL("TRUNCATE {}").format(table))
        with conn.cursor() as cur:
            cur.executemany(sql.SQL("INSERT INTO {} VALUES ({})").format(
                table, sql.SQL(", ").join([sql.Placeholder()] * len(COLUMNS))), baseline)
    return baseline


def remote_rows(bed: Bed, query: sql.Composable, dbname: str = "inj_a") -> list[tuple[object, ...]]:
    with bed.connect(dbname) as conn:
        return conn.execute(query).fetchall()


def odd_table() -> sql.Composable:
    return sql.SQL("SELECT * FROM {}.{} ORDER BY id").format(sql.Identifier(SCHEMA),
                                                             sql.Identifier(TABLE))


# -- what the server saw -------------------------------------------------------------------------

_STATEMENT = re.compile(r"^(\S*) \S*: LOG:  (?:statement|execute [^:]*): (.*)\Z", re.DOTALL)


@dataclass
class Sent:
    """A statement the remote server logged, with the database it ran in."""

    dbname: str
    text: str


def logged(bed: Bed, script: str, *args: str) -> tuple[str, list[Sent]]:
    """Run ``script`` through fdwsh ARGS; its output and the statements the servers received.

    Also checks (c): every statement parses, none drops anything but fdwsh's own temporary
    tables or names the canary table, and the canary still holds its one row.
    """
    start = bed.log.stat().st_size
    out = bed.fdwsh(*args, "-f", "-", input=script)
    with bed.log.open("rb") as log:
        log.seek(start)
        text = log.read().decode()
    entries = re.split(rf"(?m)^{re.escape(LOG_PREFIX)}", text)
    sent = [Sent(m.group(1), m.group(2).rstrip("\n").replace("\n\t", "\n"))
            for m in map(_STATEMENT.match, entries) if m]
    for statement in sent:
        _assert_harmless(statement.text)
    assert remote_rows(bed, sql.SQL("SELECT x FROM canary")) == [(1,)]
    return out, sent


class _Harm(Visitor):  # type: ignore[misc]
    """Finds a DROP of anything but fdwsh's temporary tables, and any mention of the canary."""

    def __init__(self) -> None:
        self.found: list[str] = []

    def visit_DropStmt(self, ancestors: object, node: ast.DropStmt) -> None:
        names = [".".join(s.sval for s in obj) for obj in node.objects]
        if not all(re.fullmatch(r"pg_temp\.fdwsh_ship_\d+", n) for n in names):
            self.found.append(f"DROP {names}")

    def visit_RangeVar(self, ancestors: object, node: ast.RangeVar) -> None:
        if node.relname == "canary":
            self.found.append("canary")


def _assert_harmless(text: str) -> None:
    harm = _Harm()
    for raw in parse_sql(text):
        harm(raw.stmt)
    assert harm.found == [], text


#: fdwsh's own look-ups (type names of a result), left out of :func:`statements_on`.
HOUSEKEEPING = ("SELECT pg_catalog.format_type(", "EXPLAIN ")


def statements_on(sent: list[Sent], dbname: str, prefix: str) -> list[str]:
    """The statements sent to ``dbname`` that start with ``prefix`` (housekeeping left out)."""
    return [s.text for s in sent if s.dbname == dbname and s.text.startswith(prefix)
            and not s.text.startswith(HOUSEKEEPING)]


def remote_sql_lines(explain: str) -> list[str]:
    """The ``Remote SQL:`` lines of EXPLAIN VERBOSE output."""
    return [line.split("Remote SQL: ", 1)[1] for line in explain.splitlines()
            if "Remote SQL: " in line]


# -- identifiers from the catalog, literals and aliases from the user ----------------------------

def test_a_scan_reads_the_table_and_columns_the_options_name(bed: Bed, rows: list) -> None:
    out, sent = logged(bed, "SELECT * FROM t ORDER BY id;", "-At")
    assert statements_on(sent, "inj_a", "SELECT") == [f"SELECT * FROM ({T_SUBQUERY}) AS t ORDER BY id"]
    assert out.splitlines() == ["|".join(map(str, row)) for row in rows]


def test_literals_and_aliases_stay_a_value_and_a_name(bed: Bed, rows: list) -> None:
    query = ("SELECT \"x\"\"; DROP TABLE canary; --\".id AS \"o\"\"ut; DROP TABLE canary; --\" FROM t AS \"x\"\"; DROP TABLE "
             "canary; --\" WHERE c2 = 'x''); DROP TABLE canary; --' OR c3 = E'ends in a "
             "backslash\\\\' OR c4 = $q$$$; DROP TABLE canary; $$$q$ OR c5 = 'ünï ✓'")
    out, sent = logged(bed, f"EXPLAIN (VERBOSE, COSTS OFF) {query};\n{query} ORDER BY 1;", "-At")
    expected = ('SELECT "x""; DROP TABLE canary; --".id AS "o""ut; DROP TABLE canary; --" FROM (SELECT id, "it\'s" AS c2, '
                '"semi;colon" AS c3, "back\\slash" AS c4, "$$dollar$$" AS c5 FROM '
                '"Sch""ema; DROP TABLE canary; --"."Tab\'le $$ \\ ;") AS "x""; DROP TABLE '
                'canary; --" WHERE c2 = \'x\'\'); DROP TABLE canary; --\' OR c3 = \'ends in a '
                'backslash\\\' OR c4 = \'$$; DROP TABLE canary; $$\' OR c5 = \'ünï ✓\'')
    assert remote_sql_lines(out) == [expected]
    assert statements_on(sent, "inj_a", "SELECT") == [expected + " ORDER BY 1"]
    assert out.endswith("\n1\n2\n3\n4\n")  # each literal matched its own row only


def test_a_server_reading_backslash_escapes_still_gets_the_value(bed: Bed, rows: list) -> None:
    """``standard_conforming_strings = off`` on the server (inj_b) would make ``'x\\'' OR
    true --'`` (the value ``x\\' OR true --``) read every row, and let DML hit every row: the
    remote session pins it on."""
    before = remote_rows(bed, sql.SQL("SELECT count(*) FROM {}").format(
        sql.Identifier(KEYS_TABLE)), "inj_b")
    out, sent = logged(bed, "SELECT n FROM kb WHERE key = 'x\\'' OR true --';\n"
                            "SELECT n FROM kb WHERE key = 'ends in a backslash\\';\n"
                            "DELETE FROM kb WHERE key = 'x\\'' OR true --';\n")
    assert out == " n \n---\n(0 rows)\n\n n  \n----\n -2\n(1 row)\n\nDELETE 0\n"
    assert "SET standard_conforming_strings = on" in sent[0].text
    assert remote_rows(bed, sql.SQL("SELECT count(*) FROM {}").format(
        sql.Identifier(KEYS_TABLE)), "inj_b") == before


# -- values of INSERT / UPDATE / DELETE / COPY, and the table TRUNCATE empties ------------------

T_TABLE = '"Sch""ema; DROP TABLE canary; --"."Tab\'le $$ \\ ;"'
T_COLUMNS = ('id, "co""l", "it\'s", "semi;colon", "back\\slash", "$$dollar$$", "ÜnïCödé ✓", '
             '"With Space", "UPPER"')


def test_dml_values_change_only_the_intended_rows(bed: Bed, rows: list) -> None:
    out, sent = logged(bed, "INSERT INTO t (id, \"Lo\"\"cal; --\", c2) VALUES "
                            "(6, 'x''); DROP TABLE canary; --', E'\\\\');\n"
                            "UPDATE t SET c3 = 'y''; DROP TABLE canary; --' "
                            "WHERE \"Lo\"\"cal; --\" = 'ends in a backslash\\';\n"
                            "DELETE FROM t WHERE c8 = '$$; DROP TABLE canary; $$';\n")
    assert out == "INSERT 0 1\nUPDATE 1\nDELETE 1\n"
    assert statements_on(sent, "inj_a", "INSERT") == [
        f"INSERT INTO {T_TABLE} ({T_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"]
    assert statements_on(sent, "inj_a", "UPDATE") == [
        f"UPDATE {T_TABLE} AS t SET \"semi;colon\" = 'y''; DROP TABLE canary; --' "
        "WHERE \"co\"\"l\" = 'ends in a backslash\\'"]
    assert statements_on(sent, "inj_a", "DELETE") == [
        f"DELETE FROM {T_TABLE} AS t WHERE \"UPPER\" = '$$; DROP TABLE canary; $$'"]
    changed = rows[:1] + [(2, VALUES[1], VALUES[1], "y'; DROP TABLE canary; --", *rows[1][4:])]
    changed += rows[3:] + [(6, VALUES[0], "\\", *[None] * 6)]
    assert remote_rows(bed, odd_table()) == changed


def test_copy_from_stdin_sends_the_values_as_data(bed: Bed, rows: list) -> None:
    out, sent = logged(bed, "COPY t (id, \"Lo\"\"cal; --\", c8) FROM STDIN;\n"
                            "7\tx'); DROP TABLE canary; --\tback\\\\slash\\\\\n"
                            "8\t$$; DROP TABLE canary; $$\t\\N\n\\.\n")
    assert out == "COPY 2\n"
    assert statements_on(sent, "inj_a", "COPY") == [f"COPY {T_TABLE} ({T_COLUMNS}) FROM STDIN"]
    assert remote_rows(bed, odd_table())[5:] == [
        (7, VALUES[0], *[None] * 6, "back\\slash\\"), (8, VALUES[2], *[None] * 7)]


def test_truncate_empties_the_table_the_options_name(bed: Bed, rows: list) -> None:
    out, sent = logged(bed, "TRUNCATE t;")
    assert out == "TRUNCATE TABLE\n"
    assert statements_on(sent, "inj_a", "TRUNCATE") == [f"TRUNCATE TABLE {T_TABLE}"]
    assert remote_rows(bed, odd_table()) == []


# -- names from the remote catalog ----------------------------------------------------------------

def test_import_foreign_schema_declares_the_odd_names_as_they_are(bed: Bed, rows: list) -> None:
    script = ("CREATE SCHEMA imp;\n"
              "IMPORT FOREIGN SCHEMA \"Sch\"\"ema; DROP TABLE canary; --\" "
              "LIMIT TO (\"Tab'le $$ \\ ;\") FROM SERVER a INTO imp;\n"
              "\\det+ imp.*\n"
              "SELECT \"co\"\"l\", \"back\\slash\", \"ÜnïCödé ✓\" FROM imp.\"Tab'le $$ \\ ;\" "
              "WHERE \"it's\" = 'ünï ✓';\n"
              "DROP SCHEMA imp CASCADE;\n")
    out, sent = logged(bed, script, "-qA")
    assert out.splitlines() == [
        "List of foreign tables", "Schema|Table|Server|FDW options|Description",
        "imp|Tab'le $$ \\ ;|a|(schema_name 'Sch\"ema; DROP TABLE canary; --', "
        "table_name E'Tab''le $$ \\\\ ;')|", "(1 row)",
        'co"l|back\\slash|ÜnïCödé ✓', "ünï ✓|ünï ✓|ünï ✓", "(1 row)",
        "fdwsh:<stdin>:5: NOTICE:  drop cascades to foreign table imp.\"Tab'le $$ \\ ;\""]
    catalog_reads = [s.text for s in sent if "pg_namespace" in s.text]
    assert all("$1" in text for text in catalog_reads) and len(catalog_reads) == 2
    assert statements_on(sent, "inj_a", "SELECT * FROM") + statements_on(
        sent, "inj_a", "SELECT \"co") == [
        'SELECT "co""l", "back\\slash", "ÜnïCödé ✓" FROM (SELECT "co""l", "it\'s", '
        f'"back\\slash", "ÜnïCödé ✓" FROM {T_TABLE}) AS "Tab\'le $$ \\ ;" '
        "WHERE \"it's\" = 'ünï ✓'"]


# -- what fdwsh's own executor sends: join keys, shipped rows -------------------------------------

JOIN = 'SELECT t.id, kb.n FROM t JOIN kb ON kb.key = t."Lo""cal; --" ORDER BY 1;'
#: Rows 1-3 of the odd table hold the three values the keys table holds too.
JOINED = ["1|-1", "2|-2", "3|-3"]


def test_dynamic_filter_keys_travel_as_one_array_parameter(bed: Bed, rows: list) -> None:
    out, sent = logged(bed, JOIN, "-At")
    assert out.splitlines() == JOINED
    assert statements_on(sent, "inj_b", "SELECT") == [
        'SELECT key, n FROM (SELECT "k;e""y" AS key, n FROM public."Ke""ys; --") AS kb '
        "WHERE kb.key = ANY(CAST($1 AS pg_catalog.text[]))"]  # the keys: a parameter


def test_data_shipping_copies_into_a_temporary_table_of_fdwshs_naming(bed: Bed,
                                                                      rows: list) -> None:
    out, sent = logged(bed, f"\\set SHIP_THRESHOLD 1\n\\set DYNAMIC_FILTER_LIMIT 0\n{JOIN}",
                       "-At")
    assert out.splitlines() == JOINED
    created = statements_on(sent, "inj_b", "CREATE")
    assert len(created) == 1
    name = re.fullmatch(r'CREATE TEMPORARY TABLE (fdwsh_ship_\d+) \(id integer, "Lo""cal; --" '
                        r"text\) ON COMMIT DROP", created[0])
    assert name, created
    temp = f"pg_temp.{name.group(1)}"
    assert statements_on(sent, "inj_b", "COPY") == [
        f'COPY {temp} (id, "Lo""cal; --") FROM STDIN']
    assert statements_on(sent, "inj_a", "COPY") == [
        f'COPY (SELECT id, "co""l" AS "Lo""cal; --" FROM {T_TABLE}) TO STDOUT']
    assert statements_on(sent, "inj_b", "SELECT t.id") == [
        f'SELECT t.id, kb.n FROM (SELECT id, "Lo""cal; --" FROM {temp}) AS t INNER JOIN '
        '(SELECT "k;e""y" AS key, n FROM public."Ke""ys; --") AS kb '
        'ON kb.key = t."Lo""cal; --" ORDER BY 1']
