"""The interactive prompt, driven through a real pseudo-terminal as a user would drive it.

psql 15 is the model: a banner, ``fdwsh=> `` for a new statement and ``fdwsh-> `` (or the open
quote) while one continues, ``*``/``!`` for a transaction block and a failed one, Ctrl-C clearing
the query buffer, Ctrl-D printing ``\\q`` and leaving, a history of whole statements that the next
run recalls, and colour only on the terminal.
"""

from __future__ import annotations

import re
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pexpect
import pytest

from prompt_toolkit.document import Document

from fdwsh.input.highlight import StatementLexer, has_meta_command
from tests.conftest import ROOT, fdwsh_env, run_fdwsh

Spawn = Callable[..., pexpect.spawn]

_CONTROL = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\r")


def plain(text: str) -> str:
    """Terminal output without cursor/colour sequences and carriage returns."""
    return _CONTROL.sub("", text)


@pytest.fixture
def fdwsh(tmp_path: Path) -> Iterator[Spawn]:
    """Start ``fdwsh`` on a pseudo-terminal (HOME, data dir and catalog under tmp_path)."""
    children: list[pexpect.spawn] = []
    env = {**fdwsh_env(tmp_path), "PROMPT_TOOLKIT_NO_CPR": "1", "TERM": "xterm-256color",
           "COLUMNS": "100", "LINES": "30"}

    def spawn(*args: str, env_extra: dict[str, str] | None = None) -> pexpect.spawn:
        child = pexpect.spawn(sys.executable,
                              ["-m", "fdwsh", "--catalog", str(tmp_path / "c.db"), *args],
                              env={**env, **(env_extra or {})}, cwd=str(ROOT),
                              encoding="utf-8", timeout=10,
                              dimensions=(30, 100))
        children.append(child)
        return child

    yield spawn
    for child in children:
        child.close(force=True)


def ready(child: pexpect.spawn, prompt: str = "fdwsh=> ") -> str:
    """Wait for ``prompt``; return what was printed before it, as plain text.

    prompt_toolkit draws the prompt's trailing space as a cursor movement, so the visible
    characters are what is matched.
    """
    child.expect_exact(prompt.rstrip())
    return plain(child.before)


def done(child: pexpect.spawn) -> None:
    """Wait until prompt_toolkit has finished reading a line (it turns bracketed paste off)."""
    child.expect_exact("\x1b[?2004l")


def enter(child: pexpect.spawn, line: str, prompt: str = "fdwsh=> ") -> str:
    """Type ``line`` and Enter; return the output up to the next ``prompt`` (plain text)."""
    child.send(line + "\r")
    done(child)
    return ready(child, prompt)


def key(child: pexpect.spawn, name: str, prompt: str = "fdwsh=> ") -> str:
    """Press Ctrl-``name``; return the output up to the next ``prompt`` (plain text)."""
    child.sendcontrol(name)
    done(child)
    return ready(child, prompt)


def exit_status(child: pexpect.spawn) -> int:
    child.expect(pexpect.EOF)
    child.close()
    return int(child.exitstatus)


# -- banner and prompts ---------------------------------------------------------------------------

def test_banner_then_the_prompt(fdwsh: Spawn) -> None:
    child = fdwsh()
    assert ready(child) == 'fdwsh (0.1.0)\nType "help" for help.\n\n'


def test_quiet_leaves_out_the_banner(fdwsh: Spawn) -> None:
    child = fdwsh("-q")
    assert ready(child) == ""


def test_a_statement_over_two_lines_gets_the_continuation_prompt(fdwsh: Spawn) -> None:
    child = fdwsh()
    ready(child)
    assert enter(child, "CREATE SCHEMA", prompt="fdwsh-> ") == ""
    assert enter(child, "s1;") == "CREATE SCHEMA\n"


def test_an_open_quote_shows_in_the_continuation_prompt(fdwsh: Spawn) -> None:
    child = fdwsh()
    ready(child)
    for line, prompt in [("SELECT 'abc", "fdwsh'> "), ('SELECT "abc', 'fdwsh"> '),
                         ("SELECT $$abc", "fdwsh$> "), ("SELECT /* note", "fdwsh*> "),
                         ("SELECT (1,", "fdwsh(> ")]:
        enter(child, line, prompt=prompt)
        assert key(child, "c") == ""


def test_pasted_lines_run_one_after_the_other(fdwsh: Spawn) -> None:
    child = fdwsh()
    ready(child)
    child.send("\x1b[200~CREATE SCHEMA p1;\nCREATE SCHEMA\x1b[201~")  # bracketed paste
    assert enter(child, " p2;") == "CREATE SCHEMA\nCREATE SCHEMA\n"


def test_transaction_block_and_failed_block_show_in_the_prompt(fdwsh: Spawn) -> None:
    child = fdwsh()
    ready(child)
    assert enter(child, "BEGIN;", prompt="fdwsh=*> ") == "BEGIN\n"
    assert enter(child, "CREATE SCHEMA s1;", prompt="fdwsh=*> ") == "CREATE SCHEMA\n"
    out = enter(child, "CREATE SCHEMA s1;", prompt="fdwsh=!> ")
    assert 'ERROR:  schema "s1" already exists' in out
    assert enter(child, "ROLLBACK;") == "ROLLBACK\n"


# -- Ctrl-C, leaving ------------------------------------------------------------------------------

def test_ctrl_c_forgets_the_half_typed_statement(fdwsh: Spawn) -> None:
    child = fdwsh()
    ready(child)
    enter(child, "CREATE SCHEMA", prompt="fdwsh-> ")
    child.send("s2")
    child.sendcontrol("c")
    child.expect(r"s2(\x1b\[[0-9;]*m)*\^(\x1b\[[0-9;]*m)*C")  # readline's echo of Ctrl-C
    done(child)
    ready(child)
    assert enter(child, ";") == ""  # nothing was left in the query buffer to send
    assert enter(child, "CREATE SCHEMA s2;") == "CREATE SCHEMA\n"


def test_ctrl_c_stops_a_running_shell_command(fdwsh: Spawn) -> None:
    child = fdwsh()
    ready(child)
    enter(child, "CREATE SCHEMA", prompt="fdwsh-> ")
    child.send("\\! echo running; sleep 8\r")
    child.expect_exact("running\r\n")
    child.sendcontrol("c")
    child.expect_exact("fdwsh=>", timeout=4)  # back at once, with an empty query buffer
    assert enter(child, "CREATE SCHEMA s3;") == "CREATE SCHEMA\n"


def test_backslash_q_exits_with_status_0(fdwsh: Spawn) -> None:
    child = fdwsh()
    ready(child)
    child.send("\\q\r")
    assert exit_status(child) == 0


def test_ctrl_d_prints_backslash_q_and_exits_with_status_0(fdwsh: Spawn) -> None:
    child = fdwsh()
    ready(child)
    enter(child, "SELECT", prompt="fdwsh-> ")  # psql leaves even with a statement pending
    child.sendcontrol("d")
    child.expect_exact("\\q")
    assert exit_status(child) == 0


def test_ignoreeof_asks_for_more_than_one_ctrl_d(fdwsh: Spawn) -> None:
    child = fdwsh("-v", "IGNOREEOF=2")
    ready(child)
    assert key(child, "d") == 'Use "\\q" to leave fdwsh.\n'
    child.sendcontrol("d")
    child.expect_exact("\\q")
    assert exit_status(child) == 0


@pytest.mark.parametrize("word", ["quit", "EXIT ; "])
def test_quit_and_exit_leave_from_an_empty_buffer(fdwsh: Spawn, word: str) -> None:
    child = fdwsh()
    ready(child)
    child.send(word + "\r")
    assert exit_status(child) == 0


def test_quit_inside_a_statement_is_text_with_a_hint(fdwsh: Spawn) -> None:
    child = fdwsh()
    ready(child)
    enter(child, "SELECT", prompt="fdwsh-> ")
    assert enter(child, "quit", prompt="fdwsh-> ") == "Use \\q to quit.\n"
    enter(child, "SELECT 'a", prompt="fdwsh'> ")
    assert enter(child, "exit", prompt="fdwsh'> ") == "Use control-D to quit.\n"
    assert enter(child, "\\q", prompt="fdwsh'> ") == "Use control-D to quit.\n"


def test_help_word(fdwsh: Spawn) -> None:
    child = fdwsh()
    ready(child)
    out = enter(child, "help")
    assert out.startswith("You are using fdwsh, the command-line interface")
    assert "\\q to quit\n" in out
    enter(child, "SELECT", prompt="fdwsh-> ")
    assert enter(child, "help", prompt="fdwsh-> ") == (
        "Use \\? for help or press control-C to clear the input buffer.\n")


# -- history --------------------------------------------------------------------------------------

def test_history_keeps_whole_statements_for_the_next_run(fdwsh: Spawn, tmp_path: Path) -> None:
    child = fdwsh()
    ready(child)
    enter(child, "CREATE SCHEMA", prompt="fdwsh-> ")
    enter(child, "h1;")
    child.sendcontrol("d")
    assert exit_status(child) == 0

    history = tmp_path / "xdg" / "fdwsh" / "history"
    assert stat.S_IMODE(history.stat().st_mode) == 0o600
    assert "+CREATE SCHEMA\n+h1;\n" in history.read_text()

    child = fdwsh()
    ready(child)
    child.send("\x1b[A")  # Up: the statement comes back whole, both lines
    child.expect_exact("h1;")
    assert 'ERROR:  schema "h1" already exists' in enter(child, "")


def test_a_backslash_command_ends_a_history_entry(fdwsh: Spawn, tmp_path: Path) -> None:
    child = fdwsh()
    ready(child)
    enter(child, "CREATE SCHEMA", prompt="fdwsh-> ")
    assert "List of schemas" in enter(child, "\\dn", prompt="fdwsh-> ")
    assert enter(child, "h2;") == "CREATE SCHEMA\n"
    enter(child, "SELECT 'a", prompt="fdwsh'> ")
    enter(child, "\\dn';", prompt="fdwsh=> ")  # inside quotes: text, not a command
    child.sendcontrol("d")
    exit_status(child)
    text = (tmp_path / "xdg" / "fdwsh" / "history").read_text()
    entries = [entry.strip("\n") for entry in re.split(r"^# .*$", text, flags=re.M) if entry]
    assert entries[-3:] == ["+CREATE SCHEMA\n+\\dn", "+h2;", "+SELECT 'a\n+\\dn';"]


def test_histfile_histsize_and_histcontrol(fdwsh: Spawn, tmp_path: Path) -> None:
    path = tmp_path / "my_history"
    child = fdwsh("-v", f"HISTFILE={path}", "-v", "HISTSIZE=2", "-v", "HISTCONTROL=ignoreboth")
    ready(child)
    for line in ["CREATE SCHEMA a;", "CREATE SCHEMA b;", "CREATE SCHEMA b;", " CREATE SCHEMA c;",
                 "CREATE SCHEMA d;"]:
        enter(child, line)
    child.sendcontrol("d")
    exit_status(child)
    entries = [line for line in path.read_text().splitlines() if line.startswith("+")]
    assert entries == ["+CREATE SCHEMA b;", "+CREATE SCHEMA d;"]  # no dup, no " ...", newest 2
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_ctrl_r_searches_the_history(fdwsh: Spawn) -> None:
    child = fdwsh()
    ready(child)
    enter(child, "CREATE SCHEMA s_alpha;")
    enter(child, "CREATE SCHEMA s_beta;")
    child.sendcontrol("d")
    exit_status(child)

    child = fdwsh()
    ready(child)
    child.sendcontrol("r")
    child.expect_exact("reverse-i-search")
    child.send("alpha")
    child.expect(r"SCHEMA\S* s_\S*alpha")
    child.send("\r")  # ends the search, keeping what it found
    assert 'ERROR:  schema "s_alpha" already exists' in enter(child, "")


# -- colour ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("pending", "line", "expected"), [
    ("", "\\dn", True),
    ("", "SELECT 1 \\g", True),
    ("SELECT", "1;", False),
    ("SELECT 'a", "b \\dn", False),
    ("/* note", "\\dn */", False),
    ("SELECT $$a", "$$ \\g", True),
])
def test_backslash_commands_are_found_outside_quotes(pending: str, line: str,
                                                     expected: bool) -> None:
    assert has_meta_command(pending, line) is expected


def test_a_continued_line_is_coloured_as_part_of_its_statement() -> None:
    lexer = StatementLexer(lambda: "SELECT 'it")
    line = lexer.lex_document(Document("s' FROM t; \\dn"))(0)
    assert [(style, text) for style, text in line if text.strip()] == [
        ("class:pygments.literal.string.single", "s"),
        ("class:pygments.literal.string.single", "'"),
        ("class:pygments.keyword", "FROM"),
        ("class:pygments.name", "t"),
        ("class:pygments.punctuation", ";"),
        ("class:pygments.keyword.pseudo", "\\dn"),
    ]


def test_keywords_are_coloured_on_the_terminal(fdwsh: Spawn) -> None:
    child = fdwsh()
    ready(child)
    child.send("SELECT")
    child.expect(r"\x1b\[[0-9;]*m(S|SELECT)")


def test_a_prompt_can_be_coloured_as_in_psql(fdwsh: Spawn) -> None:
    child = fdwsh("-v", "PROMPT1=%[%033[1;31m%]%/%[%033[0m%]%R%# ")
    child.expect(r"\x1b\[[0-9;]*31[0-9;]*mfdwsh\x1b\[0m=>")


def test_no_escape_sequences_when_output_is_not_a_terminal(tmp_path: Path) -> None:
    catalog = tmp_path / "c.db"
    script = tmp_path / "s.sql"
    script.write_text("CREATE SCHEMA s2;\nCREATE SCHEMA s2;\n")
    env = fdwsh_env(tmp_path) | {"TERM": "xterm-256color"}
    for args in (("-c", "CREATE SCHEMA s1"), ("-f", str(script))):
        out = run_fdwsh(*args, catalog=catalog, env=env).stdout
        assert "CREATE SCHEMA" in out
        assert "\x1b" not in out


def test_command_mode_does_not_load_prompt_toolkit(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "fdwsh", "--catalog", str(tmp_path / "c.db"),
         "-c", "CREATE SCHEMA s1"],
        env=fdwsh_env(tmp_path), capture_output=True, text=True, timeout=60)
    assert proc.stdout == "CREATE SCHEMA\n"
    assert "prompt_toolkit" not in proc.stderr
    assert "pygments" not in proc.stderr
