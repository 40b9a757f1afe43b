"""Backslash-command argument reading (psqlscanslash.l).

A meta-command handler pulls its arguments one at a time with :meth:`ArgReader.next` in the mode
it needs, exactly as psql's ``psql_scan_slash_option`` does: single quotes (with ``''`` and
backslash escapes) are removed, double quotes are kept (or, in SQLID mode, removed with case
kept), backquoted text is replaced by a shell command's output, and ``:var``, ``:'var'``,
``:"var"`` are interpolated.  Arguments end at end of line or at the next unquoted backslash.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from enum import Enum

VarLookup = Callable[[str], "str | None"]

_VAR_NAME = re.compile(r"[^\x00-\x2f\x3a-\x40\x5b-\x5e\x60\x7b-\x7f]+")  # see scanner.py
_OCTAL = re.compile(r"[0-7]{1,3}")
_HEX = re.compile(r"x([0-9A-Fa-f]{1,2})")
_ESCAPES = {"n": "\n", "t": "\t", "b": "\b", "r": "\r", "f": "\f"}


class ArgMode(Enum):
    NORMAL = "normal"  # psql OT_NORMAL
    SQLID = "sqlid"  # OT_SQLID: unquoted text folded to lower case, double quotes removed
    FILEPIPE = "filepipe"  # OT_FILEPIPE: "|command" takes the rest of the line


def escape_literal(value: str) -> str:
    """libpq's PQescapeLiteral: ``'it''s'``, or `` E'a\\\\b'`` when backslashes occur."""
    body = value.replace("'", "''")
    if "\\" in value:
        return " E'" + body.replace("\\", "\\\\") + "'"
    return "'" + body + "'"


def escape_identifier(value: str) -> str:
    """libpq's PQescapeIdentifier: always double-quoted, inner quotes doubled."""
    return '"' + value.replace('"', '""') + '"'


class ArgReader:
    """Reads the arguments of one backslash command from ``line`` starting at ``pos``."""

    def __init__(self, line: str, pos: int, lookup: VarLookup | None = None) -> None:
        self.line = line
        self.pos = pos
        self.lookup: VarLookup = lookup or (lambda name: None)
        self.warnings: list[str] = []

    def command_name(self) -> str:
        """Read the command name that follows the backslash (``d+``, ``echo``, ``!``, ``?``)."""
        start = self.pos
        if start >= len(self.line):
            return ""
        if self.line[start].isalnum() or self.line[start] == "_":
            end = start
            while end < len(self.line) and not self.line[end].isspace() and self.line[end] != "\\":
                end += 1
        else:
            end = start + 1
        self.pos = end
        return self.line[start:end]

    def _skip_space(self) -> None:
        while self.pos < len(self.line) and self.line[self.pos].isspace():
            self.pos += 1

    def at_end(self) -> bool:
        """No more arguments: end of line or the start of another backslash command."""
        self._skip_space()
        return self.pos >= len(self.line) or self.line[self.pos] == "\\"

    def next(self, mode: ArgMode = ArgMode.NORMAL) -> str | None:
        """Return the next argument, or None when there is none."""
        if self.at_end():
            return None
        if mode is ArgMode.FILEPIPE and self.line[self.pos] == "|":
            return self.rest_of_line()
        out: list[str] = []
        while self.pos < len(self.line):
            ch = self.line[self.pos]
            if ch.isspace() or ch == "\\":
                break
            if ch == "'":
                out.append(self._single_quoted())
            elif ch == '"':
                out.append(self._double_quoted(keep_quotes=mode is not ArgMode.SQLID))
            elif ch == "`":
                out.append(self._backquoted())
            elif ch == ":" and (value := self._variable()) is not None:
                out.append(value)
            else:
                out.append(ch.lower() if mode is ArgMode.SQLID else ch)
                self.pos += 1
        return "".join(out)

    def rest_of_line(self) -> str:
        """The whole rest of the line, trailing whitespace removed (psql OT_WHOLE_LINE)."""
        self._skip_space()
        text = self.line[self.pos:].rstrip()
        self.pos = len(self.line)
        return text

    def remaining(self) -> list[str]:
        """Arguments the handler did not read (psql warns ``extra argument "x" ignored``)."""
        extra = []
        while (arg := self.next()) is not None:
            extra.append(arg)
        return extra

    def skip_to_end(self) -> int:
        """Position where SQL scanning resumes: past ``\\\\``, or at the next backslash."""
        self.at_end()
        if self.line.startswith("\\\\", self.pos):
            return self.pos + 2
        return self.pos

    # -- pieces of an argument -------------------------------------------------------------------

    def _single_quoted(self) -> str:
        """'text' with '' for a quote and psql's backslash escapes (\\n \\t \\digits \\xHH)."""
        self.pos += 1
        out: list[str] = []
        while self.pos < len(self.line):
            ch = self.line[self.pos]
            if ch == "'":
                if self.line.startswith("''", self.pos):
                    out.append("'")
                    self.pos += 2
                    continue
                self.pos += 1
                return "".join(out)
            if ch == "\\" and self.pos + 1 < len(self.line):
                out.append(self._escape())
                continue
            out.append(ch)
            self.pos += 1
        self.warnings.append("unterminated quoted string")
        return "".join(out)

    def _escape(self) -> str:
        self.pos += 1
        if m := _OCTAL.match(self.line, self.pos):
            self.pos = m.end()
            return chr(int(m.group(0), 8))
        if m := _HEX.match(self.line, self.pos):
            self.pos = m.end()
            return chr(int(m.group(1), 16))
        ch = self.line[self.pos]
        self.pos += 1
        return _ESCAPES.get(ch, ch)

    def _double_quoted(self, keep_quotes: bool) -> str:
        end = self.pos + 1
        while end < len(self.line):
            if self.line[end] == '"':
                if self.line.startswith('""', end):
                    end += 2
                    continue
                break
            end += 1
        text = self.line[self.pos:end + 1]
        self.pos = min(end + 1, len(self.line))
        if keep_quotes:
            return text
        return text[1:-1].replace('""', '"') if text.endswith('"') and len(text) > 1 else text[1:]

    def _backquoted(self) -> str:
        """`command`: replaced by the command's standard output, final newline removed."""
        end = self.line.find("`", self.pos + 1)
        if end < 0:
            end = len(self.line)
        command = self.line[self.pos + 1:end]
        self.pos = min(end + 1, len(self.line))
        import subprocess  # only for backquotes: keeps it out of start-up

        proc = subprocess.run(command, shell=True, capture_output=True, text=True)
        return proc.stdout[:-1] if proc.stdout.endswith("\n") else proc.stdout

    def _variable(self) -> str | None:
        """Interpolate ``:name``, ``:'name'`` or ``:"name"`` at pos, if it names a variable."""
        rest = self.line[self.pos + 1:]
        if rest[:1] in ("'", '"'):
            close = rest.find(rest[0], 1)
            name = rest[1:close] if close > 1 else ""
            if not _VAR_NAME.fullmatch(name or "-"):
                return None
            value = self.lookup(name)
            start, self.pos = self.pos, self.pos + close + 2
            if value is None:  # psql leaves an undefined :'name' exactly as typed
                return self.line[start:self.pos]
            return escape_literal(value).lstrip() if rest[0] == "'" else escape_identifier(value)
        match = _VAR_NAME.match(rest)
        value = self.lookup(match.group(0)) if match else None
        if match is None or value is None:
            return None
        self.pos += 1 + match.end()
        return value
