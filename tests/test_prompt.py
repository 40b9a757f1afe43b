"""psql's prompt escapes, expanded against a real session's state.

The defaults (PROMPT1 = PROMPT2 = ``%/%R%x%# ``) read ``fdwsh=> `` for a new statement,
``fdwsh-> `` (or the open quote/paren) for a continued one, and show the transaction block.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from fdwsh.input.prompt import (
    END_IGNORE,
    START_IGNORE,
    current_prompt,
    expand_prompt,
    prompt_name,
    visible_width,
)
from fdwsh.session import Session
from fdwsh.settings import Settings


@pytest.fixture
def session(tmp_path: Path) -> Iterator[Session]:
    s = Session(Settings(catalog_path=str(tmp_path / "c.db"), user="alice"),
                stdout=io.StringIO(), stderr=io.StringIO())
    yield s
    s.close()


def typed(session: Session, *lines: str) -> Session:
    for line in lines:
        session.process_line(line)
    return session


# -- the default prompts --------------------------------------------------------------------------

def test_a_new_statement_gets_prompt1(session: Session) -> None:
    assert prompt_name(session) == "PROMPT1"
    assert current_prompt(session) == "fdwsh=> "


def test_a_continued_statement_gets_prompt2_with_a_dash(session: Session) -> None:
    typed(session, "CREATE SCHEMA")
    assert prompt_name(session) == "PROMPT2"
    assert current_prompt(session) == "fdwsh-> "


@pytest.mark.parametrize(("line", "prompt"), [
    ("SELECT 'abc", "fdwsh'> "),
    ('SELECT "abc', 'fdwsh"> '),
    ("SELECT $$abc", "fdwsh$> "),
    ("SELECT $fn$abc", "fdwsh$> "),
    ("SELECT /* a comment", "fdwsh*> "),
    ("SELECT (1,", "fdwsh(> "),
])
def test_prompt2_shows_what_is_open(session: Session, line: str, prompt: str) -> None:
    assert current_prompt(typed(session, line)) == prompt


def test_a_completed_statement_brings_prompt1_back(session: Session) -> None:
    typed(session, "SELECT 'a", "b'", "(")
    assert current_prompt(session) == "fdwsh(> "
    session.scanner.reset()
    assert current_prompt(session) == "fdwsh=> "


def test_blank_lines_and_comments_alone_do_not_start_a_statement(session: Session) -> None:
    assert current_prompt(typed(session, "", "   ", "-- just a comment")) == "fdwsh=> "


def test_transaction_block_states(session: Session) -> None:
    assert current_prompt(typed(session, "BEGIN;")) == "fdwsh=*> "
    assert current_prompt(typed(session, "CREATE SCHEMA")) == "fdwsh-*> "
    typed(session, "s1;")
    assert current_prompt(typed(session, "CREATE SCHEMA s1;")) == "fdwsh=!> "
    assert current_prompt(typed(session, "ROLLBACK;")) == "fdwsh=> "


def test_prompts_come_from_the_variables(session: Session) -> None:
    session.variables.set("PROMPT1", "one%R ")
    session.variables.set("PROMPT2", "two%R ")
    assert current_prompt(session) == "one= "
    assert current_prompt(typed(session, "SELECT")) == "two- "
    session.variables.unset("PROMPT2")
    assert current_prompt(session) == ""


# -- each escape ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("template", "expected"), [
    ("%/", "fdwsh"),
    ("%n", "alice"),
    ("%M", "[local]"),
    ("%m", "[local]"),
    ("%>", ""),
    ("%p", ""),
    ("%#", ">"),
    ("%%", "%"),
    ("%x", ""),
    ("%l", "1"),
    ("100%", "100"),  # psql prints nothing for a lone "%" at the end
    ("%q", "q"),  # an unknown escape is the character itself
    ("%~", "fdwsh"),  # "~" only when the database is named after the user
    ("%033[1m%/", "\x1b[1mfdwsh"),  # octal character codes
    ("%101%0102", "AB"),  # as many octal digits as follow
    ("%[%033[1m%]x", f"{START_IGNORE}\x1b[1m{END_IGNORE}x"),  # readline's invisible markers
])
def test_escape(session: Session, template: str, expected: str) -> None:
    assert expand_prompt(template, session) == expected


def test_home_database_shows_as_tilde(tmp_path: Path) -> None:
    s = Session(Settings(catalog_path=str(tmp_path / "c.db"), user="fdwsh"))
    assert expand_prompt("%~%R", s) == "~="


def test_variable_escape(session: Session) -> None:
    session.variables.set("WHO", "bob")
    assert expand_prompt("[%:WHO:]", session) == "[bob]"
    assert expand_prompt("[%:NOBODY:]", session) == "[]"
    assert expand_prompt("[%:WHO", session) == "[bob"  # unterminated: the name runs to the end


def test_shell_command_escape_takes_the_first_line(session: Session) -> None:
    assert expand_prompt("%`printf 'one\\ntwo\\n'`> ", session) == "one> "


def test_line_number_within_the_statement(session: Session) -> None:
    template = "%l%R "
    assert expand_prompt(template, session) == "1= "
    typed(session, "SELECT")
    assert expand_prompt(template, session) == "2- "
    typed(session, "1,")
    assert expand_prompt(template, session) == "3- "
    typed(session, "2;")
    assert expand_prompt(template, session) == "1= "


def test_w_is_blank_as_wide_as_the_prompt1_last_shown(session: Session) -> None:
    session.variables.set("PROMPT1", "%[%033[1m%]%n@%/%x%R%# ")
    session.variables.set("PROMPT2", "%w")
    assert current_prompt(session) == f"{START_IGNORE}\x1b[1m{END_IGNORE}alice@fdwsh=> "
    typed(session, "BEGIN; SELECT")  # now in a block: PROMPT1 would be one wider
    assert current_prompt(session) == " " * len("alice@fdwsh=> ")


def test_visible_width_skips_invisible_text_and_counts_wide_characters() -> None:
    assert visible_width(f"{START_IGNORE}\x1b[31m{END_IGNORE}db=> ") == 5
    assert visible_width("line one\n日本=> ") == 7
