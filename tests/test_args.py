"""Backslash-command arguments, read the way psql's psqlscanslash reads them."""

from __future__ import annotations

from fdwsh.input.args import ArgMode, ArgReader, escape_identifier, escape_literal


def reader(text: str, **variables: str) -> ArgReader:
    """An ArgReader positioned after the command name in ``\\cmd text``."""
    r = ArgReader("\\cmd " + text, 1, variables.get)
    assert r.command_name() == "cmd"
    return r


def all_args(r: ArgReader, mode: ArgMode = ArgMode.NORMAL) -> list[str]:
    out = []
    while (arg := r.next(mode)) is not None:
        out.append(arg)
    return out


def test_single_quotes_are_removed_with_escapes_and_doubled_quotes():
    assert all_args(reader("'a b' 'it''s' 'tab\\there' '\\101'")) == ["a b", "it's", "tab\there", "A"]


def test_double_quotes_are_kept_in_normal_mode_and_removed_in_sqlid_mode():
    assert all_args(reader('"Mixed Case" Plain')) == ['"Mixed Case"', "Plain"]
    assert all_args(reader('"Mixed Case" Plain'), ArgMode.SQLID) == ["Mixed Case", "plain"]


def test_adjacent_pieces_form_one_argument():
    assert all_args(reader("a'b c'd")) == ["ab cd"]


def test_backquotes_run_a_shell_command():
    assert all_args(reader("`echo hello`")) == ["hello"]


def test_filepipe_mode_takes_the_rest_of_the_line():
    assert all_args(reader("|sort -r > x"), ArgMode.FILEPIPE) == ["|sort -r > x"]


def test_rest_of_line_trims_trailing_space():
    assert reader("  ls -l  ").rest_of_line() == "ls -l"


def test_arguments_stop_at_the_next_backslash():
    r = reader("a b \\x")
    assert all_args(r) == ["a", "b"]
    assert r.line[r.skip_to_end():] == "\\x"


def test_unread_arguments_are_reported():
    r = reader("on extra")
    assert r.next() == "on"
    assert r.remaining() == ["extra"]


def test_escaping_as_libpq():
    assert escape_literal("it's") == "'it''s'"
    assert escape_literal("a\\b") == " E'a\\\\b'"
    assert escape_identifier('we"ird') == '"we""ird"'


def test_command_names():
    for text, name in [("\\d+ x", "d+"), ("\\dE", "dE"), ("\\! ls", "!"), ("\\?", "?"),
                       ("\\echo\\x", "echo")]:
        r = ArgReader(text, 1)
        assert r.command_name() == name
