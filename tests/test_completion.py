"""Tab completion: what the prompt offers at each position, from a real catalog.

The catalog is made by fdwsh itself from DDL (no remote server is needed: completion reads only
the catalog); the last tests drive the real prompt through a pseudo-terminal.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pexpect
import pytest
from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.document import Document

from fdwsh.input.completer import FdwshCompleter, SessionNames, fuzzy, keyword_matches
from fdwsh.input.sql_context import table_refs, word_before_cursor
from tests.conftest import run_fdwsh
from tests.test_repl import Spawn, enter, fdwsh, plain, ready  # noqa: F401

DDL = r"""
CREATE EXTENSION postgres_fdw;
CREATE SERVER sales FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '127.0.0.1');
CREATE SERVER crm FOREIGN DATA WRAPPER postgres_fdw;
CREATE FOREIGN TABLE orders (id int, customer_id int, amount numeric) SERVER sales;
CREATE FOREIGN TABLE order_customers (id int, name text) SERVER crm;
CREATE SCHEMA "My Schema";
CREATE FOREIGN TABLE "My Schema"."T 1" ("C 1" int, c2 text) SERVER crm;
"""


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("completion") / "catalog.db"
    done = run_fdwsh("-X", "-q", input=DDL, catalog=path)
    assert done.returncode == 0 and done.stdout == "", done.stdout
    return path


@pytest.fixture
def complete(catalog: Path) -> Iterator[object]:
    db = sqlite3.connect(catalog)
    names = SessionNames(lambda: db, lambda: ["public"], lambda: ["AUTOCOMMIT", "ECHO"],
                         lambda: ["\\d", "\\des", "\\dE", "\\set"], lambda: "preserve-upper")
    completer = FdwshCompleter(names, lambda: "")

    def run(before: str, after: str = "") -> list[str]:
        doc = Document(before + after, cursor_position=len(before))
        return [c.text for c in completer.get_completions(doc, CompleteEvent())]

    yield run
    db.close()


def test_a_new_statement_offers_statement_keywords(complete) -> None:
    assert complete("")[:3] == ["ALTER", "ANALYZE", "BEGIN"]
    assert complete("sel") == ["select"]  # COMP_KEYWORD_CASE preserve-upper keeps lower case
    assert complete("SEL") == ["SELECT"]


def test_after_from_come_schemas_and_tables_of_the_search_path(complete) -> None:
    offered = complete("SELECT * FROM ")
    assert {"orders", "order_customers", "public", '"My Schema"'} <= set(offered)
    assert '"T 1"' not in offered  # not on the search path


def test_names_match_fuzzily_best_first(complete) -> None:
    assert complete("SELECT * FROM ordcu") == ["order_customers"]
    assert complete("SELECT * FROM ord") == ["orders", "order_customers"]
    assert fuzzy("oc", ["orders", "order_customers", "oc"]) == ["oc", "order_customers"]


def test_a_schema_prefix_narrows_to_its_tables_quoted_as_needed(complete) -> None:
    assert complete('SELECT * FROM "My Schema".') == ['"My Schema"."T 1"']
    assert complete('SELECT * FROM "My') == ['"My Schema"']


def test_columns_come_from_the_statements_tables_and_aliases(complete) -> None:
    offered = complete("SELECT ", " FROM orders o JOIN order_customers c ON o.customer_id = c.id")
    assert offered[:4] == ["id", "customer_id", "amount", "name"]  # then functions, keywords
    assert complete("SELECT c.", " FROM orders o JOIN order_customers c ON true") == [
        "c.id", "c.name"]
    assert complete('SELECT t.', ' FROM "My Schema"."T 1" t') == ['t."C 1"', "t.c2"]
    assert complete("SELECT * FROM orders WHERE am")[0] == "amount"  # before functions


def test_server_names_after_server(complete) -> None:
    assert complete("CREATE USER MAPPING FOR public SERVER ") == ["crm", "sales"]
    assert complete("DROP SERVER s") == ["sales"]
    assert complete("CREATE FOREIGN TABLE t (a int) SERVER c") == ["crm"]


def test_option_names_fit_the_object_being_defined(complete) -> None:
    server = complete("CREATE SERVER x FOREIGN DATA WRAPPER postgres_fdw OPTIONS (")
    assert {"host", "port", "dbname", "fetch_size", "keep_connections"} <= set(server)
    assert "user" not in server
    assert complete("CREATE USER MAPPING FOR public SERVER sales OPTIONS (us") == ["user"]
    assert complete("ALTER USER MAPPING FOR public SERVER sales OPTIONS (SET pass") == [
        "password", "password_required", "sslpassword"]
    assert complete("CREATE FOREIGN TABLE t (a int OPTIONS (") == ["column_name"]
    assert "table_name" in complete("CREATE FOREIGN TABLE t (a int) SERVER crm OPTIONS (")
    assert complete("IMPORT FOREIGN SCHEMA s FROM SERVER crm INTO public OPTIONS (import_no"
                    ) == ["import_not_null"]
    assert complete("CREATE SERVER x FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host ") == []


def test_keywords_that_follow_create_and_drop(complete) -> None:
    assert "FOREIGN TABLE" in complete("CREATE ")
    assert complete("CREATE EXTENSION ") == ["IF NOT EXISTS", "postgres_fdw"]
    assert complete("DROP EXTENSION ") == ["IF EXISTS", "postgres_fdw"]


def test_backslash_commands_and_their_arguments(complete, tmp_path: Path) -> None:
    assert complete("\\d") == ["\\d", "\\dE", "\\des"]
    assert complete("\\set AUTO") == ["AUTOCOMMIT"]
    assert complete("\\des ") == ["crm", "sales"]
    assert complete("\\d ord") == ["orders", "order_customers"]
    (tmp_path / "script_one.sql").write_text("")
    assert complete(f"\\i {tmp_path}/scr") == ["ipt_one.sql"]
    assert complete(f"\\copy orders from {tmp_path}/scr") == ["ipt_one.sql"]


def test_nothing_inside_an_unterminated_string(complete) -> None:
    assert complete("SELECT 'ord") == []


def test_the_statement_under_the_cursor_is_the_one_after_the_last_semicolon(complete) -> None:
    assert complete("SELECT 1; DROP SERVER c") == ["crm"]


def test_keyword_case_follows_comp_keyword_case() -> None:
    assert keyword_matches("wh", ["WHERE"], "preserve-upper") == ["where"]
    assert keyword_matches("", ["WHERE"], "preserve-lower") == ["WHERE"]
    assert keyword_matches("WH", ["WHERE"], "lower") == ["where"]
    assert keyword_matches("wh", ["WHERE"], "upper") == ["WHERE"]


def test_table_references_with_schemas_and_aliases() -> None:
    refs = table_refs('SELECT * FROM s.t AS a, "U x" u LEFT JOIN v ON true')
    assert [(r.schema, r.name, r.ref_name) for r in refs] == [
        ("s", "t", "a"), (None, "U x", "u"), (None, "v", "v")]
    assert word_before_cursor('FROM "a""b".x') == '"a""b".x'


# -- at the prompt --------------------------------------------------------------------------------

def test_tab_completes_a_name_from_the_catalog_at_the_prompt(
        fdwsh: Spawn, tmp_path: Path) -> None:  # noqa: F811
    child = fdwsh("-X")
    ready(child)
    enter(child, "CREATE SCHEMA sales_reports;")
    child.send("DROP SCHEMA sales_r")
    child.expect_exact("sales_reports")  # the menu shows while typing
    child.send("\t;\r")  # Tab takes the first entry
    child.expect_exact("Do you want to proceed? (y/n):")  # DROP asks first at the prompt
    child.send("y\r")  # the answer is a plain line read, not the prompt's
    out = ready(child)

    assert "DROP SCHEMA" in plain(out)
    listing = enter(child, "\\dn")
    assert "sales_reports" not in listing


#: A row of the completion menu as the screen shows it: `` name   kind``.
_MENU_ROW = re.compile(r"^ (\S.*?) +(column|function|keyword|table|schema|server|view)\s*$",
                       re.M)


def _menu(child: pexpect.spawn, text: str, back: int, rows: int) -> list[tuple[str, str]]:
    """Type ``text``, move the cursor ``back`` characters left, press Tab; the first ``rows``
    (name, kind) entries of the menu drawn there.  Ctrl-C then clears the line."""
    child.send(text)
    child.send("\x1b[D" * (back + 1) + "\x1b[C")  # moving closes the menu drawn while typing
    _drain(child)
    child.send("\t")
    screen, found = "", []
    deadline = time.monotonic() + 10
    while len(found) < rows and time.monotonic() < deadline:
        with contextlib.suppress(pexpect.TIMEOUT):
            screen += plain(child.read_nonblocking(100000, timeout=0.2))
        found = _MENU_ROW.findall(screen)
    child.sendcontrol("c")
    ready(child)
    return found[:rows]


def _drain(child: pexpect.spawn) -> None:
    """Read what the terminal shows until it is quiet (the menu while typing, cursor moves)."""
    while True:
        try:
            child.read_nonblocking(100000, timeout=0.3)
        except pexpect.TIMEOUT:
            return


def test_the_menu_at_the_cursor_offers_what_fits_there(fdwsh: Spawn, tmp_path: Path  # noqa: F811
                                                         ) -> None:
    done = run_fdwsh("-X", "-q", input=DDL, catalog=tmp_path / "c.db")
    assert done.returncode == 0, done.stdout
    child = fdwsh("-X")
    ready(child)
    assert _menu(child, "SELECT  FROM orders o", len(" FROM orders o"), 4) == [
        ("id", "column"), ("customer_id", "column"), ("amount", "column"), ("abs", "function")]
    assert _menu(child, "SELECT o. FROM orders o", len(" FROM orders o"), 3) == [
        ("o.id", "column"), ("o.customer_id", "column"), ("o.amount", "column")]
    assert _menu(child, "SELECT * FROM  WHERE true", len(" WHERE true"), 3) == [
        ('"My Schema"', "schema"), ("public", "schema"), ("order_customers", "table")]
    assert _menu(child, "CREATE USER MAPPING FOR public SERVER ", 0, 2) == [
        ("crm", "server"), ("sales", "server")]
