"""Parse SQL with pglast (PostgreSQL's own grammar); syntax errors carry psql's cursor position."""

from __future__ import annotations

import threading

import pglast
from pglast import ast
from pglast.parser import ParseError, parse_sql_json

from fdwsh.errors import FdwshError, SyntaxErr, stack_depth_exceeded


#: The parser thread's stack: room for libpg_query's own depth check (PostgreSQL's 2 MB).
PARSER_STACK = 64 << 20
#: Statements up to this long cannot nest deep enough to exhaust the calling thread's stack
#: (20,000 characters of ``1+1+…`` parse on the main thread; 50,000 crashed it), so they skip
#: the parser thread, which costs ~0.1 ms a statement (7 times a short statement's parse).
ON_CALLER_UP_TO = 10_000
#: Statements longer than this are first parsed to JSON, whose nesting libpg_query limits:
#: pglast's tree builder has no such check and overflows PARSER_STACK past ~100k levels.
DEPTH_CHECKED_FROM = 100_000


def parse(text: str) -> list[ast.RawStmt]:
    """Parse ``text`` into raw statements, raising :class:`SyntaxErr` like the server would."""
    _check_encoding(text)
    try:
        if len(text) <= ON_CALLER_UP_TO:
            return list(pglast.parse_sql(text))
        return _on_big_stack(text)
    except RecursionError:
        raise stack_depth_exceeded() from None
    except ParseError as exc:
        message = str(exc.args[0]) if exc.args else "syntax error"
        if message == "stack depth limit exceeded":
            raise stack_depth_exceeded() from None
        offset = exc.args[1] if len(exc.args) > 1 else None
        position = offset + 1 if isinstance(offset, int) and offset >= 0 else None
        raise SyntaxErr(message, position=position) from None


def _on_big_stack(text: str) -> list[ast.RawStmt]:
    """``pglast.parse_sql`` in a thread with a stack of PARSER_STACK bytes.

    libpg_query checks its stack depth against a limit that the main thread's stack does not
    always leave room for: a 1 MB chain of ``1+1+…`` crashed the process there.  On this stack
    its check fires first and the statement ends in PostgreSQL's error.
    """
    outcome: list[object] = []

    def work() -> None:
        try:
            if len(text) > DEPTH_CHECKED_FROM:  # deep enough to overflow pglast's tree builder
                parse_sql_json(text)  # whose depth libpg_query checks
            outcome.append(list(pglast.parse_sql(text)))
        except BaseException as exc:  # handed to the caller's thread
            outcome.append(exc)

    previous = threading.stack_size(PARSER_STACK)
    try:
        worker = threading.Thread(target=work, name="fdwsh-parse")
        worker.start()
    finally:
        threading.stack_size(previous)
    worker.join()
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    return outcome[0]  # type: ignore[return-value]


def _check_encoding(text: str) -> None:
    """Bytes that are not UTF-8 (kept as surrogates when a script is read) are the server's error.

    psql sends them as they are and the server refuses the query: ``invalid byte sequence for
    encoding "UTF8": 0xff``, naming the bytes of the character that starts there.
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raw = text.encode("utf-8", "surrogateescape")
        start = len(text[:exc.start].encode("utf-8", "surrogateescape"))
        lead = raw[start]
        length = 2 if lead & 0xE0 == 0xC0 else 3 if lead & 0xF0 == 0xE0 else \
            4 if lead & 0xF8 == 0xF0 else 1
        shown = " ".join(f"0x{b:02x}" for b in raw[start:start + length])
        raise FdwshError(f'invalid byte sequence for encoding "UTF8": {shown}',
                         sqlstate="22021") from None


def statement_text(source: str, raw: ast.RawStmt) -> str:
    """The part of ``source`` that ``raw`` was parsed from (pglast gives location and length)."""
    start = raw.stmt_location or 0
    length = raw.stmt_len or len(source) - start
    return source[start:start + length]
