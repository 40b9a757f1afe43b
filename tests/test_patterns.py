r"""psql's object-name patterns and PostgreSQL's quoting, checked against the real thing.

The oracle is psql 15 itself: with ``-E`` it echoes the query a ``\des``/``\det`` builds, so the
regular expressions fdwsh derives from a pattern are compared with the ones psql sends; the
server's ``~`` operator, quote_ident(), quote_literal() and pg_get_keywords() check the rest.
"""

from __future__ import annotations

import re

import psycopg
import pytest

from fdwsh.errors import FdwshError
from fdwsh.meta.patterns import PatternError, name_filter, pattern_to_regex
from fdwsh.quoting import QUOTED_KEYWORDS, acl_role, options_cell, quote_ident, quote_literal
from tests.pgcluster import Cluster

# Patterns as typed after \des / \det (psql keeps double quotes in the argument it passes on).
PATTERNS = [
    "s1", "S1", "Foo*", '"Foo"*', "a?b", "x$y", '"x$y"', "s(1|2)", "a[]", '"a""b"', "*", "?",
    '"a.b"', '"Foo"', 'A"B"c', "é*", '"É"x', "s+", '"s+"', "[ab]c", "a|b", '"a|b"', '""', "^x",
    '"(x)"',
]
QUALIFIED = ["*.*", "pub*.T?", '"My Schema"."My Table"', "public.ft1", '"a.b".c', "*.x", "x.*",
             ".x", "x."]
#: These tests only read: psql runs in the cluster's own ``postgres`` database.
DB = "postgres"
SQL_LITERAL = r"(E?)'((?:[^']|'')*)'"


def _regexes(echo: str, var: str) -> list[str]:
    """The regular expressions psql -E shows for ``var OPERATOR(pg_catalog.~) '...'``."""
    found = re.findall(re.escape(var) + r" OPERATOR\(pg_catalog\.~\) " + SQL_LITERAL, echo)
    return [(body.replace("\\\\", "\\") if e else body).replace("''", "'") for e, body in found]


def _echoed_queries(pg: Cluster, dbname: str, command: str, patterns: list[str]) -> list[str]:
    """Run ``command PATTERN`` for each pattern in one psql -E; return each echoed query."""
    script = "".join(f"\\echo @@@\n{command} {p}\n" for p in patterns)
    out = pg.psql(script, dbname, "-E").stdout
    return out.split("@@@\n")[1:]


def test_name_patterns_give_the_regular_expressions_psql_sends(pg: Cluster):
    for pattern, echo in zip(PATTERNS, _echoed_queries(pg, DB, "\\des", PATTERNS)):
        sent = _regexes(echo, "s.srvname")
        flt = name_filter(pattern)
        assert sent == ([] if flt.name_regex is None else [flt.name_regex]), pattern
        assert [pattern_to_regex(pattern).name] == sent or pattern == "*", pattern


def test_qualified_patterns_split_into_schema_and_name_as_psql_does(pg: Cluster):
    patterns = PATTERNS + QUALIFIED + [f"{DB}.public.x", f"{DB}.*.*"]
    for pattern, echo in zip(patterns, _echoed_queries(pg, DB, "\\det", patterns)):
        flt = name_filter(pattern, maxparts=3, schema=True, dbname=DB)
        assert _regexes(echo, "c.relname") == [r for r in [flt.name_regex] if r], pattern
        assert _regexes(echo, "n.nspname") == [r for r in [flt.schema_regex] if r], pattern
        assert ("pg_table_is_visible" in echo) == flt.visible_only, pattern


@pytest.mark.parametrize("command, pattern, maxparts, schema", [
    ("\\des", "a.b", 1, False),
    ("\\deu", "x.y.z", 1, False),
    ("\\dn", "a.b", 2, False),
    ("\\dn", "a.b.c", 2, False),
    ("\\det", "a.b.c", 3, True),
    ("\\det", "a.b.c.d", 3, True),
    ("\\d", "other.public.t", 3, True),
])
def test_too_many_dots_and_other_databases_fail_with_psqls_message(
        pg: Cluster, command: str, pattern: str, maxparts: int, schema: bool):
    out = pg.psql(f"{command} {pattern}\n", DB)
    with pytest.raises(PatternError) as caught:
        name_filter(pattern, maxparts=maxparts, schema=schema, dbname=DB)
    assert caught.value.failed
    assert out.stdout == caught.value.message + "\n"


def test_the_current_database_may_lead_a_three_part_pattern():
    flt = name_filter(f"{DB}.public.t*", maxparts=3, schema=True, dbname=DB)
    assert flt.schema_matches("public") and flt.name_matches("t1") and not flt.visible_only


MATCH_CASES = [
    ("s*", ["s1", "S1", "xs", "s"]),
    ("S*", ["s1", "S1"]),
    ('"S"*', ["s1", "S1", "S"]),
    ("s(1|2)", ["s1", "s2", "s3", "s12"]),
    ("a?c", ["abc", "ac", "a.c", "abbc"]),
    ('"a.c"', ["abc", "a.c"]),
    ("x$", ["x$", "x", "x$$"]),
    ("[[:digit:]]*", ["1a", "a1", "12"]),
    ("[^a-c]x", ["dx", "ax", "x"]),
    ("a\\yb", ["ab"]),
    ("t\\d+", ["t1", "t12", "tx"]),
    ("é*", ["été", "É", "e"]),
    ("a{2}", ["aa", "a", "aaa"]),
    ("a{", ["a{", "a"]),
    ("x", ["x\n", "x"]),
    ("", ["", "x"]),
]


def test_compiled_patterns_match_the_names_postgresql_matches(pg: Cluster):
    with psycopg.connect(pg.dsn()) as conn:
        for pattern, names in MATCH_CASES:
            flt = name_filter(pattern)
            regex = flt.name_regex or "^(.*)$"
            for name in names:
                expected = conn.execute("SELECT %s::text ~ %s", (name, regex)).fetchone()[0]
                assert flt.name_matches(name) == expected, (pattern, name)


@pytest.mark.parametrize("pattern", ["(", ")", "[", "+", "a{2,1}", "[z-a]", "a++", "a{2}+"])
def test_a_bad_regular_expression_fails_as_the_servers_does(pg: Cluster,
                                                             pattern: str):
    out = pg.psql(f"\\des {pattern}\n", DB).stdout
    with pytest.raises(FdwshError) as caught:
        name_filter(pattern)
    assert out == f"ERROR:  {caught.value.message}\n"
    assert caught.value.sqlstate == "2201B"


def test_quoted_keywords_are_postgresql_15s(pg: Cluster):
    with psycopg.connect(pg.dsn()) as conn:
        words = {w for (w,) in conn.execute("SELECT word FROM pg_get_keywords() WHERE catcode <> 'U'")}
    assert words == QUOTED_KEYWORDS


IDENTS = ["host", "user", "password", "Port", "a$", "1abc", "_x1", "é", "", 'say "hi"', "a b",
          "select", "between", "authorization", "name", "x9", "fetch_size", "UPPER", "ab-c"]
LITERALS = ["", "plain", "it's", "a\\b", "\\", "''", "tab\there", "new\nline", "ünï", "E'x'"]


def test_quote_ident_and_quote_literal_agree_with_the_server(pg: Cluster):
    with psycopg.connect(pg.dsn()) as conn:
        for word in IDENTS:
            assert quote_ident(word) == conn.execute("SELECT quote_ident(%s)", (word,)).fetchone()[0]
        for value in LITERALS:
            expected = conn.execute("SELECT quote_literal(%s::text)", (value,)).fetchone()[0]
            assert quote_literal(value) == expected


def test_options_cells_read_like_psqls_listings():
    assert options_cell([("host", "h"), ("user", "it's"), ("Port", "1")]) == \
        "(host 'h', \"user\" 'it''s', \"Port\" '1')"
    assert options_cell([]) == ""


def test_acl_role_names_are_quoted_as_aclitem_prints_them(pg: Cluster):
    with psycopg.connect(pg.dsn()) as conn:
        for role in ["pg_database_owner", "Bob", "a b", 'q"uote', "x-y", "r1_"]:
            if role != "pg_database_owner":
                conn.execute(f"CREATE ROLE {quote_ident(role)}")  # rolled back below
            text = conn.execute(
                "SELECT makeaclitem(r.oid, r.oid, 'USAGE', false)::text FROM pg_roles r"
                " WHERE rolname = %s", (role,)).fetchone()[0]
            assert text == f"{acl_role(role)}=U/{acl_role(role)}"
        conn.rollback()


def test_the_doctests_of_the_pattern_and_quoting_modules_hold():
    import doctest

    import fdwsh.meta.patterns
    import fdwsh.quoting

    for module in (fdwsh.meta.patterns, fdwsh.quoting):
        assert doctest.testmod(module).failed == 0, module.__name__
