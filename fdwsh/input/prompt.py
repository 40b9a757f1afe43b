"""psql's prompt expansion (``get_prompt`` in src/bin/psql/prompt.c) for PROMPT1/PROMPT2/PROMPT3.

Contract: :func:`expand_prompt` turns a template such as ``%/%R%x%# `` into the text to show,
reading the live state of a session (query buffer, quote state, transaction block, variables).
Like psql built with readline, ``%[`` and ``%]`` become ``\\001`` and ``\\002`` around invisible
text (terminal control sequences); the prompt_toolkit front end treats them as zero-width.

fdwsh is its own "server": the database is always ``fdwsh``, the connection is local (``[local]``,
no port, no backend PID), and the user is never a superuser (``%#`` is ``>``).
"""

from __future__ import annotations

import re
import subprocess
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from fdwsh.output.textwidth import char_width

if TYPE_CHECKING:
    from fdwsh.session import Session

DATABASE = "fdwsh"
LOCAL_HOST = "[local]"
START_IGNORE = "\001"  # readline's RL_PROMPT_START_IGNORE
END_IGNORE = "\002"  # readline's RL_PROMPT_END_IGNORE

_OCTAL = re.compile(r"[0-7]+")

#: ``%w``: the width of the PROMPT1 each session showed last (psql's last_prompt1_width).
_last_prompt1_width: WeakKeyDictionary[Session, int] = WeakKeyDictionary()


def prompt_name(session: Session) -> str:
    """PROMPT1 while the query buffer is empty, PROMPT2 while a statement is being continued."""
    return "PROMPT2" if session.scanner.pending else "PROMPT1"


def current_prompt(session: Session) -> str:
    """The prompt psql would show for the next line of input (remembering PROMPT1's width)."""
    name = prompt_name(session)
    text = expand_prompt(session.variables.get(name) or "", session)
    if name == "PROMPT1":
        _last_prompt1_width[session] = visible_width(text)
    return text


def prompt_status(session: Session) -> str:
    """``%R``: ``=`` when ready for a new statement, else ``-`` or the open quote/paren;
    ``@`` inside a skipped ``\\if`` branch."""
    if not session.conditions.active:
        return "@"
    if not session.scanner.pending:
        return "="
    return session.scanner.state.value


def expand_prompt(template: str, session: Session) -> str:
    """Expand psql's ``%`` escapes in ``template``; an unknown ``%c`` gives ``c`` (as psql)."""
    out: list[str] = []
    pos = 0
    while pos < len(template):
        ch = template[pos]
        if ch != "%":
            out.append(ch)
            pos += 1
            continue
        if pos + 1 >= len(template):  # a lone "%" at the end prints nothing, as in psql
            break
        text, pos = _escape(template, pos + 1, session)
        out.append(text)
    return "".join(out)


def _escape(template: str, pos: int, session: Session) -> tuple[str, int]:
    """Expand the escape whose letter is at ``pos``; return its text and the position after."""
    code = template[pos]
    if code in "01234567":
        digits = _OCTAL.match(template, pos)
        assert digits is not None
        return chr(int(digits.group(0), 8) % 256), digits.end()  # psql: (char) strtol(p, 8)
    if code in ":`":  # %:name: and %`command`; unterminated, they run to the end (as psql)
        end = template.find(code, pos + 1)
        end = len(template) if end < 0 else end
        arg = template[pos + 1:end]
        text = (session.variables.get(arg) or "") if code == ":" else _shell_output(arg)
        return text, end + 1
    if code == "w":
        return " " * _last_prompt1_width.get(session, 0), pos + 1
    return _simple_escape(code, session), pos + 1


def _simple_escape(code: str, session: Session) -> str:
    """The one-letter escapes that need no argument."""
    if code == "/":  # in a \c SERVER session: the server's name
        return session.passthrough.server_name if session.passthrough else DATABASE
    if code == "~":  # psql: "~" when the database is the user's default one (named after them)
        return "~" if session.user == DATABASE else DATABASE
    if code in "Mm":
        return LOCAL_HOST
    if code in ">ps":  # no port, no backend process, no service file
        return ""
    if code == "n":
        return session.user
    if code == "R":
        return prompt_status(session)
    if code == "x":
        return session.txn.state.value
    if code == "l":
        return str(_statement_line(session))
    if code == "#":
        return ">"
    if code == "[":
        return START_IGNORE
    if code == "]":
        return END_IGNORE
    return code  # "%%" and unknown escapes: the character itself


def _statement_line(session: Session) -> int:
    """``%l``: the line number of the next input line within the current statement."""
    scanner = session.scanner
    if not scanner.pending:
        return 1
    return scanner.buffer.count("\n") + 2


def _shell_output(command: str) -> str:
    """``%`command```: the first line the command prints (psql reads one line with fgets)."""
    try:
        proc = subprocess.run(command, shell=True, stdout=subprocess.PIPE, text=True,
                              errors="replace", check=False)
    except OSError:
        return ""
    return proc.stdout.split("\n", 1)[0].rstrip("\r")


def visible_width(prompt: str) -> int:
    """Columns the last line of an expanded prompt occupies (psql's last_prompt1_width)."""
    width = 0
    hidden = False
    for ch in prompt:
        if ch == START_IGNORE:
            hidden = True
        elif ch == END_IGNORE:
            hidden = False
        elif ch == "\n":
            width = 0
        elif not hidden:
            width += max(char_width(ch), 0)
    return width
