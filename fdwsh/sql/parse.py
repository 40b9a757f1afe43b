"""Parse SQL with pglast (PostgreSQL's own grammar); syntax errors carry psql's cursor position."""

from __future__ import annotations

import pglast
from pglast import ast
from pglast.parser import ParseError

from fdwsh.errors import SyntaxErr


def parse(text: str) -> list[ast.RawStmt]:
    """Parse ``text`` into raw statements, raising :class:`SyntaxErr` like the server would."""
    try:
        return list(pglast.parse_sql(text))
    except ParseError as exc:
        message = str(exc.args[0]) if exc.args else "syntax error"
        offset = exc.args[1] if len(exc.args) > 1 else None
        position = offset + 1 if isinstance(offset, int) and offset >= 0 else None
        raise SyntaxErr(message, position=position) from None


def statement_text(source: str, raw: ast.RawStmt) -> str:
    """The part of ``source`` that ``raw`` was parsed from (pglast gives location and length)."""
    start = raw.stmt_location or 0
    length = raw.stmt_len or len(source) - start
    return source[start:start + length]
