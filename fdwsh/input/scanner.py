"""psqlscan-style statement splitter.

Feeds input line by line, as psql's MainLoop does, and yields complete SQL statements and
backslash commands.  ``;`` ends a statement except inside quotes, ``"identifiers"``, dollar
quotes, comments and parentheses; a backslash outside those starts a meta-command whose
arguments run to the end of the line or the next unquoted backslash (``\\\\`` returns to SQL).
Variables are interpolated as psql does: ``:name`` (value rescanned as SQL), ``:'name'`` (a
quoted literal), ``:"name"`` (a quoted identifier); undefined variables stay as typed.

Like psql, whitespace and ``--`` comments before the first token of a statement are not kept, and
the text of a statement includes its terminating semicolon.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import Enum

from fdwsh.input.args import ArgReader, escape_identifier, escape_literal

VarLookup = Callable[[str], "str | None"]

# Identifier characters: ASCII letters, digits, _ (and $ inside), and every non-ASCII character.
# Written as "not one of the other ASCII characters": a class spelling out the range up to
# U+10FFFF costs milliseconds to compile at every start.
_IDENT_CHAR = re.compile(r"[^\x00-\x23\x25-\x2f\x3a-\x40\x5b-\x5e\x60\x7b-\x7f]")
_VAR_NAME = re.compile(r"[^\x00-\x2f\x3a-\x40\x5b-\x5e\x60\x7b-\x7f]+")
_DOLLAR_TAG = re.compile(r"\$([^\x00-\x40\x5b-\x5e\x60\x7b-\x7f][^\x00-\x2f\x3a-\x40\x5b-\x5e\x60\x7b-\x7f]*)?\$")
#: Characters _scan_token gives no meaning to, besides parentheses (whose depth it counts).
_PLAIN = re.compile(r"[^\\:;'\"$/\-]+")
_PARENS = re.compile(r"[()]")


class Quote(Enum):
    """Where the scanner stands at the end of the input so far (psql's promptStatus)."""

    NONE = "-"
    SINGLE = "'"
    DOUBLE = '"'
    DOLLAR = "$"
    COMMENT = "*"
    PAREN = "("


@dataclass(frozen=True, slots=True)
class SqlStatement:
    """A complete SQL statement (with its ``;``) and the input line it ended on."""

    text: str
    line: int


@dataclass(slots=True)
class MetaCommand:
    """A backslash command; its handler reads arguments from ``args`` (psqlscanslash)."""

    name: str
    args: ArgReader
    line: int


class Scanner:
    """Splits input into statements and meta-commands, keeping psql's query buffer."""

    def __init__(self, lookup: VarLookup | None = None) -> None:
        self.lookup: VarLookup = lookup or (lambda name: None)
        self.buffer = ""
        self.lineno = 0
        self._quote: Quote | None = None  # SINGLE/DOUBLE/DOLLAR/COMMENT while inside one
        self._extended = False  # inside E'...' (backslash escapes)
        self._dollar_tag = ""
        self._comment_depth = 0
        self._paren_depth = 0

    # -- state ---------------------------------------------------------------------------------

    @property
    def state(self) -> Quote:
        """The quote state psql shows in its prompt (``%R``)."""
        if self._quote is not None:
            return self._quote
        if self._paren_depth > 0:
            return Quote.PAREN
        return Quote.NONE

    @property
    def pending(self) -> bool:
        """Whether a statement has been started but not finished."""
        return bool(self.buffer.strip()) or self._quote is not None

    def reset(self) -> None:
        """Forget the query buffer and any open quote (``\\r``, Ctrl-C)."""
        self.buffer = ""
        self._quote = None
        self._extended = False
        self._comment_depth = 0
        self._paren_depth = 0

    def mark(self) -> tuple[int, int]:
        """Where the query buffer is now (its length, the open parentheses), for :meth:`restore`."""
        return len(self.buffer), self._paren_depth

    def restore(self, mark: tuple[int, int]) -> None:
        """Drop what the buffer gained since ``mark`` (a skipped ``\\if`` branch's text)."""
        length, self._paren_depth = mark
        self.buffer = self.buffer[:length]

    def take_buffer(self) -> str:
        """Return the query buffer (for ``\\g``) and start a new one."""
        text = self.buffer.rstrip("\n")
        self.reset()
        return text

    def flush(self) -> SqlStatement | None:
        """At end of input, psql sends what is left in the buffer (if anything)."""
        if self.buffer.strip():
            return SqlStatement(self.take_buffer(), self.lineno)
        self.reset()
        return None

    # -- scanning ------------------------------------------------------------------------------

    def feed(self, line: str) -> Iterator[SqlStatement | MetaCommand]:
        """Scan one input line (without its newline); yield what it completes.

        A yielded :class:`MetaCommand` must have its arguments consumed by the caller before the
        generator is resumed: scanning continues where the handler stopped reading them.
        """
        self.lineno += 1
        if not line and self._quote is None:
            return  # psql's MainLoop ignores empty lines outside quotes
        added_nl = -1  # where this line's joining newline went (psql's added_nl_pos)
        if self.buffer:
            self.buffer += "\n"
            added_nl = len(self.buffer)
        pos = 0
        protected_until = 0  # interpolated text is not interpolated again
        while pos < len(line):
            if self._quote is not None:
                pos = self._scan_quoted(line, pos)
                continue
            ch = line[pos]
            if ch == "\\":
                if len(self.buffer) == added_nl:  # nothing but the command on this line yet
                    self.buffer = self.buffer[:-1]
                    added_nl = -1
                reader = ArgReader(line, pos + 1, self.lookup)
                name = reader.command_name()
                yield MetaCommand(name, reader, self.lineno)
                pos = reader.skip_to_end()
                continue
            if ch == ":" and pos >= protected_until:
                replaced = self._interpolate(line, pos)
                if replaced is not None:
                    line, value_end = replaced
                    protected_until = value_end
                    continue
            if ch == ";" and self._paren_depth == 0:
                self.buffer += ";"
                yield SqlStatement(self.buffer, self.lineno)
                self.buffer = ""
                pos += 1
                continue
            pos = self._scan_token(line, pos)
        if self._quote is None and not self.buffer.strip():
            self.buffer = ""

    def _scan_token(self, line: str, pos: int) -> int:
        """Consume one token outside quotes, appending it to the buffer; return the new pos."""
        ch = line[pos]
        nxt = line[pos + 1] if pos + 1 < len(line) else ""
        if ch.isspace() and not self.buffer:
            return pos + 1
        if ch == "-" and nxt == "-":
            if self.buffer:
                self.buffer += line[pos:]
            return len(line)
        if ch == "/" and nxt == "*":
            self._quote, self._comment_depth = Quote.COMMENT, 1
            self.buffer += "/*"
            return pos + 2
        if ch == "'":
            prev = self.buffer[-1:] if self.buffer else ""
            self._extended = prev in ("E", "e") and not _IDENT_CHAR.match(self.buffer[-2:-1] or " ")
            self._quote = Quote.SINGLE
            self.buffer += ch
            return pos + 1
        if ch == '"':
            self._quote = Quote.DOUBLE
            self.buffer += ch
            return pos + 1
        if ch == "$" and not (self.buffer and _IDENT_CHAR.match(self.buffer[-1])):
            match = _DOLLAR_TAG.match(line, pos)
            if match:
                self._quote, self._dollar_tag = Quote.DOLLAR, match.group(0)
                self.buffer += match.group(0)
                return match.end()
        # a run of characters with no meaning to the scanner is appended at once: appending
        # one at a time copies the buffer each time (a 1 MB statement took minutes)
        run = _PLAIN.match(line, pos)
        text = run.group(0) if run else ch
        for paren in _PARENS.findall(text):
            if paren == "(":
                self._paren_depth += 1
            elif self._paren_depth > 0:
                self._paren_depth -= 1
        self.buffer += text
        return pos + len(text)

    def _scan_quoted(self, line: str, pos: int) -> int:
        """Consume text inside a quote or comment; return the new pos."""
        if self._quote is Quote.DOLLAR:
            end = line.find(self._dollar_tag, pos)
            if end < 0:
                self.buffer += line[pos:]
                return len(line)
            self.buffer += line[pos:end + len(self._dollar_tag)]
            self._quote = None
            return end + len(self._dollar_tag)
        if self._quote is Quote.COMMENT:
            return self._scan_comment(line, pos)
        closer = "'" if self._quote is Quote.SINGLE else '"'
        i = pos
        while i < len(line):
            ch = line[i]
            if ch == "\\" and self._extended and self._quote is Quote.SINGLE:
                i += 2
                continue
            if ch == closer:
                if line[i + 1:i + 2] == closer:  # doubled quote stays inside
                    i += 2
                    continue
                self.buffer += line[pos:i + 1]
                self._quote = None
                return i + 1
            i += 1
        self.buffer += line[pos:]
        return len(line)

    def _scan_comment(self, line: str, pos: int) -> int:
        i = pos
        while i < len(line):
            two = line[i:i + 2]
            if two == "/*":
                self._comment_depth += 1
                i += 2
            elif two == "*/":
                self._comment_depth -= 1
                i += 2
                if self._comment_depth == 0:
                    self.buffer += line[pos:i]
                    self._quote = None
                    return i
            else:
                i += 1
        self.buffer += line[pos:]
        return len(line)

    def _interpolate(self, line: str, pos: int) -> tuple[str, int] | None:
        """Replace a ``:var`` reference at ``pos``; return the new line and the value's end."""
        if line.startswith("::", pos) or (pos > 0 and line[pos - 1] == ":"):
            return None
        rest = line[pos + 1:]
        quoted = rest[:1] in ("'", '"')
        if quoted:
            close = rest.find(rest[0], 1)
            name = rest[1:close] if close > 1 else ""
            if not name or not _VAR_NAME.fullmatch(name):
                return None
            value = self.lookup(name)
            if value is None:
                return None
            value = escape_literal(value) if rest[0] == "'" else escape_identifier(value)
            end = pos + 1 + close + 1
        else:
            match = _VAR_NAME.match(rest)
            if not match:
                return None
            value = self.lookup(match.group(0))
            if value is None:
                return None
            end = pos + 1 + match.end()
        return line[:pos] + value + line[end:], pos + len(value)
