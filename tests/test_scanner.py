"""The statement splitter: psql's rules for where a statement ends and what a backslash starts."""

from __future__ import annotations

from fdwsh.input.scanner import MetaCommand, Quote, Scanner, SqlStatement


def scan(*lines: str, variables: dict[str, str] | None = None) -> list[tuple]:
    """Feed lines; return ('sql', text) and ('meta', name, [args]) events in order."""
    scanner = Scanner((variables or {}).get)
    events: list[tuple] = []
    for line in lines:
        for event in scanner.feed(line):
            if isinstance(event, SqlStatement):
                events.append(("sql", event.text))
            else:
                assert isinstance(event, MetaCommand)
                args = []
                while (arg := event.args.next()) is not None:
                    args.append(arg)
                events.append(("meta", event.name, args))
    return events


def test_semicolon_ends_a_statement_and_is_kept():
    assert scan("select 1; select 2;") == [("sql", "select 1;"), ("sql", "select 2;")]


def test_statement_spans_lines_until_the_semicolon():
    assert scan("create schema", "  s1", ";") == [("sql", "create schema\n  s1\n;")]


def test_semicolons_inside_quotes_identifiers_dollar_quotes_and_comments_do_not_split():
    events = scan("select 'a;b', \"c;d\", $$e;f$$, $tag$ g;h $tag$ /* i;j */ from x;")
    assert events == [("sql", "select 'a;b', \"c;d\", $$e;f$$, $tag$ g;h $tag$ /* i;j */ from x;")]


def test_semicolon_inside_parentheses_does_not_split():
    assert scan("select (1;", "2);") == [("sql", "select (1;\n2);")]


def test_leading_whitespace_and_line_comments_are_dropped_like_psql():
    assert scan("", "   -- a comment", "  select 1;") == [("sql", "select 1;")]


def test_empty_lines_outside_quotes_are_dropped_like_psql():
    assert scan("create schema", "", "s1;") == [("sql", "create schema\ns1;")]
    assert scan("select '", "", "';") == [("sql", "select '\n\n';")]


def test_a_line_holding_only_a_backslash_command_adds_no_newline():
    scanner = Scanner()
    for line in ("select", "\\p", "1"):
        for event in scanner.feed(line):
            event.args.remaining()
    assert scanner.buffer == "select\n1"


def test_comment_inside_a_statement_is_kept():
    assert scan("select 1 -- one", ";") == [("sql", "select 1 -- one\n;")]


def test_block_comments_nest():
    assert scan("/* a /* b */ still; */ select 1;") == [("sql", "/* a /* b */ still; */ select 1;")]


def test_doubled_quotes_and_escape_strings():
    assert scan("select 'it''s;', E'a\\'b;';") == [("sql", "select 'it''s;', E'a\\'b;';")]


def test_dollar_inside_identifier_or_parameter_is_not_a_quote():
    assert scan("select $1, a$b$ from t;") == [("sql", "select $1, a$b$ from t;")]


def test_backslash_command_ends_at_end_of_line():
    assert scan("\\pset format csv") == [("meta", "pset", ["format", "csv"])]


def test_backslash_command_after_sql_on_the_same_line():
    scanner = Scanner()
    events = list(scanner.feed("select 1 \\x"))
    assert [e.name for e in events if isinstance(e, MetaCommand)] == ["x"]
    assert scanner.buffer == "select 1 "


def test_double_backslash_returns_to_sql():
    assert scan("\\echo a \\\\ select 2;") == [("meta", "echo", ["a"]), ("sql", "select 2;")]


def test_next_backslash_starts_another_command():
    assert scan("\\x \\t") == [("meta", "x", []), ("meta", "t", [])]


def test_quote_state_for_the_continuation_prompt():
    cases = {"select 'abc": Quote.SINGLE, 'select "abc': Quote.DOUBLE, "select $$x": Quote.DOLLAR,
             "select /* x": Quote.COMMENT, "select (1": Quote.PAREN, "select 1": Quote.NONE}
    for line, state in cases.items():
        scanner = Scanner()
        list(scanner.feed(line))
        assert scanner.state is state, line
        assert scanner.pending


def test_reset_forgets_the_buffer_and_quote_state():
    scanner = Scanner()
    list(scanner.feed("select 'abc"))
    scanner.reset()
    assert not scanner.pending and scanner.state is Quote.NONE


def test_flush_returns_what_is_left_at_end_of_input():
    scanner = Scanner()
    list(scanner.feed("select 1"))
    leftover = scanner.flush()
    assert leftover is not None and leftover.text == "select 1"
    assert scanner.flush() is None


class TestVariables:
    VARS = {"n": "42", "t": "it's", "b": "back\\slash", "stmt": "select 1;"}

    def test_plain_variable_is_replaced(self):
        assert scan("select :n;", variables=self.VARS) == [("sql", "select 42;")]

    def test_quoted_literal_and_identifier(self):
        events = scan("select :'t', :\"t\";", variables=self.VARS)
        assert events == [("sql", "select 'it''s', \"it's\";")]

    def test_literal_with_backslash_uses_escape_string_syntax(self):
        assert scan("select :'b';", variables=self.VARS) == [("sql", "select  E'back\\\\slash';")]

    def test_undefined_variables_casts_and_quoted_colons_stay(self):
        events = scan("select :nope, 1::int, ':n', \":n\";", variables=self.VARS)
        assert events == [("sql", "select :nope, 1::int, ':n', \":n\";")]

    def test_value_is_rescanned_as_sql(self):
        assert scan(":stmt", variables=self.VARS) == [("sql", "select 1;")]

    def test_variables_in_backslash_arguments(self):
        events = scan("\\echo :n :'t' :\"t\" ':n'", variables=self.VARS)
        assert events == [("meta", "echo", ["42", "'it''s'", '"it\'s"', ":n"])]
