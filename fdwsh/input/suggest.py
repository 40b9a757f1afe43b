"""What may come at the cursor: the text typed so far → a list of :class:`Suggestion` s.

pgcli's sqlcompletion in miniature, and pure (no catalog, no prompt_toolkit): the completer
turns suggestions into names.  The rules, by what precedes the word being typed:

- a backslash command: its name, then its argument kind (variables after ``\\set``, files after
  ``\\i``/``\\o``/``\\copy … from``, tables after ``\\d``, servers after ``\\des``);
- inside ``OPTIONS (`` … ``)``: the option names of the object the statement creates or alters
  (server, user mapping, foreign table, column, IMPORT FOREIGN SCHEMA);
- FROM/JOIN/INTO/UPDATE/TABLE/…: schemas and tables (``schema.`` narrows to that schema);
- SERVER: servers; SCHEMA: schemas;
- SELECT/WHERE/ON/SET/GROUP BY/ORDER BY/HAVING, operators, ``(`` and ``,`` in those clauses:
  columns of the statement's tables (``alias.`` narrows to that table), functions, keywords;
- the start of a statement and after CREATE/ALTER/DROP: the keywords that may follow;
- anywhere else: keywords.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fdwsh.input.sql_context import (TABLE_KEYWORDS, TableRef, Tok, current_statement,
                                     table_refs, tokens, unquote, word_before_cursor)


@dataclass(frozen=True, slots=True)
class Suggestion:
    """One kind of name that fits at the cursor.

    ``kind``: keyword, table, schema, column, server, option, function, meta, variable, file.
    ``schema`` narrows tables to one schema; ``tables`` are the tables whose columns fit;
    ``words`` are the keywords that fit (empty: all); ``context`` the object kind of options.
    """

    kind: str
    schema: str | None = None
    tables: tuple[TableRef, ...] = ()
    words: tuple[str, ...] = ()
    context: str = ""


@dataclass(frozen=True, slots=True)
class Completion:
    """The suggestions for one cursor position and the word they would replace."""

    word: str
    suggestions: list[Suggestion] = field(default_factory=list)


STATEMENT_STARTS = (
    "ALTER", "ANALYZE", "BEGIN", "COMMENT", "COMMIT", "COPY", "CREATE", "DELETE FROM", "DROP",
    "EXPLAIN", "IMPORT FOREIGN SCHEMA", "INSERT INTO", "RELEASE", "RESET", "ROLLBACK",
    "SAVEPOINT", "SELECT", "SET", "SHOW", "START TRANSACTION", "TABLE", "TRUNCATE", "UPDATE",
    "VALUES", "WITH",
)
OBJECT_KINDS = ("EXTENSION", "FOREIGN DATA WRAPPER", "FOREIGN TABLE", "SCHEMA", "SERVER",
                "USER MAPPING")
#: Keywords that fit right after another keyword.
FOLLOWERS: dict[str, tuple[str, ...]] = {
    "CREATE": OBJECT_KINDS, "ALTER": OBJECT_KINDS, "DROP": OBJECT_KINDS,
    "EXTENSION": ("IF NOT EXISTS", "IF EXISTS", "postgres_fdw"),
    "USER MAPPING": ("FOR", "IF NOT EXISTS", "IF EXISTS"),
    "FOR": ("CURRENT_USER", "PUBLIC", "SERVER", "USER"),
    "INSERT": ("INTO",), "DELETE": ("FROM",),
    "IMPORT": ("FOREIGN SCHEMA",),
    "FOREIGN": ("DATA WRAPPER", "SCHEMA", "TABLE"),
    "LIMIT TO": ("(",), "EXCEPT": ("(",),
    "EXPLAIN": ("ANALYZE", "VERBOSE", "SELECT", "INSERT", "UPDATE", "DELETE", "("),
}
#: Keywords after which an expression (columns) fits.
EXPRESSION_KEYWORDS = frozenset({
    "SELECT", "WHERE", "ON", "SET", "GROUP BY", "ORDER BY", "HAVING", "AND", "OR", "NOT",
    "DISTINCT", "BY", "WHEN", "THEN", "ELSE", "CASE", "RETURNING", "PARTITION BY", "USING",
    "BETWEEN", "IN", "LIKE", "ILIKE", "IS", "AS",
})
#: Backslash commands and the kind of argument they take.
META_ARGUMENTS: dict[str, str] = {
    "set": "variable", "unset": "variable", "i": "file", "ir": "file", "include": "file",
    "include_relative": "file", "o": "file", "out": "file", "w": "file", "write": "file",
    "cd": "file", "copy": "table", "d": "table", "dE": "table", "det": "table", "dt": "table",
    "des": "server", "deu": "server", "dn": "schema", "c": "server", "connect": "server",
}
IMPORT_OPTIONS = "import foreign schema"


def suggest(text: str, after: str = "") -> Completion:
    """The suggestions for the end of ``text`` (everything typed before the cursor, pending
    lines too); ``after`` is the rest of the line, whose FROM clause may name the tables."""
    statement = current_statement(text)
    word = word_before_cursor(statement)
    line = statement.rsplit("\n", 1)[-1]
    if "\\" in line:
        return _meta(line[line.rfind("\\"):], word)
    before = tokens(statement[:len(statement) - len(word)])
    if any(tok.kind == "other" and tok.text in ("'", "$$") for tok in before):
        return Completion(word)  # inside an unterminated literal: nothing to suggest
    options = _options_context(before, statement)
    if options is not None:
        return Completion(word, options)
    prefix, _, _ = word.rpartition(".")
    return Completion(word, _after(before, prefix, current_statement(statement + after)))


def _meta(command: str, word: str) -> Completion:
    """``\\name`` or ``\\name argument``."""
    name, space, rest = command[1:].partition(" ")
    if not space:
        return Completion(command, [Suggestion("meta")])
    base = name if name in META_ARGUMENTS else name.rstrip("+S")
    kind = META_ARGUMENTS.get(base, "")
    args = rest.split()
    if name == "copy":
        done = args if rest.endswith(" ") else args[:-1]
        kind = "file" if done and done[-1].lower() in ("from", "to") else "table"
    if kind == "file":  # a path: everything after the last space
        return Completion(rest.rsplit(" ", 1)[-1], [Suggestion("file")])
    return Completion(word, [Suggestion(kind)] if kind else [])


def _after(before: list[Tok], prefix: str, statement: str) -> list[Suggestion]:
    if not before:
        return [Suggestion("keyword", words=STATEMENT_STARTS)]
    last = before[-1]
    if prefix:  # schema. or alias.
        return _qualified(unquote(prefix), statement)
    if last.kind == "keyword":
        return _after_keyword(last.word, before, statement)
    if last.text == "," or last.text == "(" or last.kind == "operator":
        clause = _clause(before)
        if clause in ("FROM", "USING"):
            return _tables()
        return _expression(statement)
    if last.kind == "name" and len(before) >= 2 and before[-2].word in ("FROM", "JOIN"):
        return [Suggestion("keyword", words=("AS", "JOIN", "LEFT JOIN", "ON", "WHERE",
                                             "GROUP BY", "ORDER BY", "LIMIT"))]
    return [Suggestion("keyword")]


def _after_keyword(kw: str, before: list[Tok], statement: str) -> list[Suggestion]:
    if kw in ("SERVER",) or (kw == "FOREIGN DATA WRAPPER" and _starts(before, "CREATE")):
        if kw == "SERVER" and _starts(before, "CREATE") and len(before) == 2:
            return []  # a new server's name
        return [Suggestion("server")]
    if kw == "SCHEMA" and not _starts(before, "CREATE"):
        return [Suggestion("schema")]
    if kw == "INTO" and _starts(before, "IMPORT"):
        return [Suggestion("schema")]
    if kw in TABLE_KEYWORDS or kw.endswith("JOIN") or (kw == "FOREIGN TABLE" and not _starts(
            before, "CREATE")):
        return _tables()
    if kw in FOLLOWERS:
        unfit = "IF EXISTS" if _starts(before, "CREATE") else "IF NOT EXISTS"
        return [Suggestion("keyword", words=tuple(w for w in FOLLOWERS[kw] if w != unfit))]
    if kw in EXPRESSION_KEYWORDS:
        return _expression(statement)
    return [Suggestion("keyword")]


def _starts(before: list[Tok], word: str) -> bool:
    return bool(before) and before[0].word == word


def _tables(schema: str | None = None) -> list[Suggestion]:
    if schema is not None:
        return [Suggestion("table", schema=schema)]
    return [Suggestion("schema"), Suggestion("table")]


def _expression(statement: str) -> list[Suggestion]:
    refs = tuple(table_refs(statement))
    return [Suggestion("column", tables=refs), Suggestion("function"), Suggestion("keyword")]


def _qualified(prefix: str, statement: str) -> list[Suggestion]:
    """After ``name.``: the columns of the table or alias so named, else a schema's tables."""
    refs = [r for r in table_refs(statement) if r.ref_name == prefix]
    if refs:
        return [Suggestion("column", tables=tuple(refs))]
    return _tables(prefix)


def _clause(before: list[Tok]) -> str:
    """The nearest clause keyword before the cursor (at parenthesis depth 0)."""
    depth = 0
    for tok in reversed(before):
        if tok.text == ")":
            depth += 1
        elif tok.text == "(":
            depth -= 1
        elif tok.kind == "keyword" and depth <= 0:
            return tok.word
    return ""


def _options_context(before: list[Tok], statement: str) -> list[Suggestion] | None:
    """Inside ``OPTIONS (``: option names where a name fits (after ``(``, ``,``, ADD/SET/DROP)."""
    depth, opener = 0, None
    for index in range(len(before) - 1, -1, -1):
        text = before[index].text
        if text == ")":
            depth += 1
        elif text == "(":
            if depth == 0:
                opener = index
                break
            depth -= 1
    if opener is None or opener == 0 or before[opener - 1].word != "OPTIONS":
        return None
    last = before[-1]
    if not (last.text in ("(", ",") or last.word in ("ADD", "SET", "DROP")):
        return []
    return [Suggestion("option", context=_option_kind(before[:opener - 1]))]


def _option_kind(before: list[Tok]) -> str:
    """The object kind whose options fit: from the statement's leading keywords."""
    head = " ".join(tok.word for tok in before[:4])
    if head.startswith("IMPORT"):
        return IMPORT_OPTIONS
    if "USER MAPPING" in head:
        return "user mapping"
    if "SERVER" in head.split(" ")[:2] or head.startswith(("CREATE SERVER", "ALTER SERVER")):
        return "server"
    if "FOREIGN DATA WRAPPER" in head:
        return "foreign-data wrapper"
    if _in_column_definition(before):
        return "column"
    return "foreign table"


def _in_column_definition(before: list[Tok]) -> bool:
    """``CREATE FOREIGN TABLE t (c int OPTIONS (`` or ``ALTER … ALTER COLUMN c OPTIONS (``."""
    depth = 0
    for tok in before:
        depth += tok.text == "("
        depth -= tok.text == ")"
    return depth > 0 or any(tok.word in ("ALTER COLUMN", "COLUMN") for tok in before[-3:])
