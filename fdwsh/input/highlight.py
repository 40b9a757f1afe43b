"""Syntax highlighting of the input line (interactive prompt only).

Contract: :class:`FdwshLexer` is pygments' PostgresLexer plus psql's backslash commands (the
command name, its arguments up to the end of the line or the next backslash, ``\\\\`` as the
separator back to SQL) and half-typed quotes (an unterminated dollar quote is a string, not an
error); :func:`has_meta_command` uses it to find backslash commands in a line.  :class:`StatementLexer` adapts it to prompt_toolkit and lexes each new line *as the
continuation* of the statement being built, so a line inside an open quote or comment is coloured
as one.  Colour is only ever produced by prompt_toolkit, which only runs on a terminal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from prompt_toolkit.document import Document
from prompt_toolkit.formatted_text import StyleAndTextTuples
from prompt_toolkit.formatted_text.utils import split_lines
from prompt_toolkit.lexers import Lexer
from prompt_toolkit.styles.pygments import pygments_token_to_classname
from pygments.lexer import inherit
from pygments.lexers.sql import PostgresLexer
from pygments.token import (
    Keyword,
    Name,
    Punctuation,
    String,
    Text,
    Whitespace,
    _TokenType,
)

PygmentsToken = tuple[int, _TokenType, str]


class FdwshLexer(PostgresLexer):
    """PostgreSQL SQL as psql reads it: SQL with backslash meta-commands mixed in."""

    name = "fdwsh"
    aliases = ["fdwsh"]

    tokens = {
        "root": [
            (r"\\\\", Punctuation),
            (r"\\[^\s\\]*", Keyword.Pseudo, "meta-args"),
            inherit,
            (r"(?s)\$([a-z_]\w*)?\$.*", String),  # an unterminated dollar quote runs to the end
        ],
        "meta-args": [
            (r"\n", Whitespace, "#pop"),
            (r"\\\\", Punctuation, "#pop"),
            (r"(?=\\)", Text, "#pop"),  # the next backslash command starts here
            (r"'(?:[^'\\]|''|\\.)*'?", String.Single),
            (r'"(?:[^"]|"")*"?', String.Name),
            (r"`[^`]*`?", String.Backtick),
            (r""":(['"]?)[a-z_]\w*\1""", Name.Variable),
            (r"[ \t\r\f]+", Whitespace),
            (r"[^\s\\'\"`:]+|:", Text),
        ],
    }


def has_meta_command(context: str, line: str) -> bool:
    """Whether ``line``, continuing the pending statement ``context``, holds a backslash command
    outside quotes and comments (psql then stores the statement so far as a history entry)."""
    if context:
        context += "\n"
    tokens = FdwshLexer(stripnl=False, ensurenl=False).get_tokens_unprocessed(context + line)
    return any(token is Keyword.Pseudo for token, _text in _after(tokens, len(context)))


class StatementLexer(Lexer):
    """prompt_toolkit lexer for the input line, given the text already in the query buffer."""

    def __init__(self, context: Callable[[], str]) -> None:
        """``context`` returns the pending statement text the new line continues ("" if none)."""
        self._context = context
        self._lexer = FdwshLexer(stripnl=False, ensurenl=False)

    def lex_document(self, document: Document) -> Callable[[int], StyleAndTextTuples]:
        context = self._context()
        if context:
            context += "\n"
        tokens = self._lexer.get_tokens_unprocessed(context + document.text)
        fragments = [(f"class:{pygments_token_to_classname(token)}", text)
                     for token, text in _after(tokens, len(context))]
        lines = list(split_lines(fragments))

        def get_line(lineno: int) -> StyleAndTextTuples:
            return lines[lineno] if lineno < len(lines) else []

        return get_line


def _after(tokens: Iterable[PygmentsToken], start: int) -> Iterator[tuple[_TokenType, str]]:
    """The tokens from character ``start`` on (a token straddling ``start`` is cut).

    Positions are counted from the token texts, not taken from the tokens: pygments reports the
    body of a dollar-quoted function with offsets relative to the body.
    """
    pos = 0
    for _index, token, text in tokens:
        begin, pos = pos, pos + len(text)
        if pos <= start or not text:
            continue
        yield token, text[max(start - begin, 0):]
