"""The shape of a statement being typed, as completion needs it: its tokens, the word under the
cursor, and the tables its FROM/JOIN/UPDATE/INTO clauses name (with aliases).

Built on sqlparse's lexer, which tolerates unfinished SQL (pglast refuses it) and folds
multi-word keywords (``GROUP BY``, ``ORDER BY``, ``LEFT JOIN``) into one token.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlparse import lexer, tokens as T

#: Keywords after which a table name is expected (pgcli's "from-like" keywords).
TABLE_KEYWORDS = frozenset({
    "FROM", "JOIN", "INTO", "UPDATE", "TABLE", "TRUNCATE", "ANALYZE", "COPY", "USING",
})


@dataclass(frozen=True, slots=True)
class Tok:
    """One significant token: its kind (``keyword``, ``name``, ``punct``, ``string``, …) and text."""

    kind: str
    text: str

    @property
    def word(self) -> str:
        """The text as a keyword compares (upper case, inner spaces collapsed)."""
        return " ".join(self.text.upper().split())


@dataclass(frozen=True, slots=True)
class TableRef:
    """A table named by the statement: ``schema.name AS alias`` (schema/alias may be None)."""

    schema: str | None
    name: str
    alias: str | None

    @property
    def ref_name(self) -> str:
        """How columns refer to it: the alias, else the table name."""
        return self.alias or self.name


def _kind(ttype: object) -> str:
    if ttype in T.Keyword or ttype in T.Name.Builtin:
        return "keyword"
    if ttype in T.Name or ttype is T.Literal.String.Symbol:
        return "name"
    if ttype in T.Literal.String:
        return "string"
    if ttype in T.Literal:
        return "literal"
    if ttype in T.Punctuation:
        return "punct"
    if ttype in T.Operator:
        return "operator"
    return "other"


#: Words sqlparse reads as names that are keywords of the statements fdwsh adds.
_FDW_WORDS = frozenset({"SERVER", "MAPPING", "WRAPPER", "IMPORT", "OPTIONS"})
#: Multi-word keywords, joined into one token as sqlparse joins GROUP BY.
_PHRASES = (("FOREIGN", "DATA", "WRAPPER"), ("FOREIGN", "TABLE"), ("FOREIGN", "SCHEMA"),
            ("USER", "MAPPING"), ("LIMIT", "TO"), ("IF", "NOT", "EXISTS"), ("IF", "EXISTS"),
            ("DELETE", "FROM"), ("INSERT", "INTO"))


def tokens(sql: str) -> list[Tok]:
    """The significant tokens of ``sql`` (whitespace and comments dropped, phrases joined)."""
    out: list[Tok] = []
    for ttype, text in lexer.tokenize(sql):
        if ttype in T.Whitespace or ttype in T.Comment or ttype in T.Newline:
            continue
        kind = _kind(ttype)
        if kind == "name" and text.upper() in _FDW_WORDS:
            kind = "keyword"
        out.append(Tok(kind, text))
    return _join_phrases(out)


def _join_phrases(toks: list[Tok]) -> list[Tok]:
    out: list[Tok] = []
    i = 0
    while i < len(toks):
        for phrase in _PHRASES:
            words = [t.word for t in toks[i:i + len(phrase)]]
            if tuple(words) == phrase and all(t.kind in ("keyword", "name")
                                              for t in toks[i:i + len(phrase)]):
                out.append(Tok("keyword", " ".join(phrase)))
                i += len(phrase)
                break
        else:
            out.append(toks[i])
            i += 1
    return out


def current_statement(text: str) -> str:
    """The statement the cursor is in: what follows the last top-level ``;``."""
    start = pos = 0
    for ttype, value in lexer.tokenize(text):
        pos += len(value)
        if ttype in T.Punctuation and value == ";":
            start = pos
    return text[start:]


def word_before_cursor(text: str) -> str:
    """The partial word being typed: a name, maybe qualified (``schema.``, ``"My Schema".t``),
    maybe an unfinished quoted identifier."""
    i = len(text)
    while i > 0:
        ch = text[i - 1]
        if ch == '"':
            opening = text.rfind('"', 0, i - 1)
            if opening < 0:
                break
            i = opening
        elif ch.isalnum() or ch in "_.$":
            i -= 1
        else:
            break
    if text.count('"') % 2:  # an unfinished quoted identifier
        return text[text.rfind('"'):]
    return text[i:]


def unquote(name: str) -> str:
    """An identifier as PostgreSQL folds it: ``"Mixed"`` keeps its case, ``Plain`` is lowered."""
    if len(name) >= 2 and name[0] == name[-1] == '"':
        return name[1:-1].replace('""', '"')
    return name.lower()


def table_refs(sql: str) -> list[TableRef]:
    """Tables named after FROM/JOIN/UPDATE/INTO (and in comma lists after FROM)."""
    toks = tokens(sql)
    refs: list[TableRef] = []
    i = 0
    while i < len(toks):
        tok = toks[i]
        if tok.kind == "keyword" and (tok.word in TABLE_KEYWORDS or tok.word.endswith(" JOIN")):
            i = _read_table_list(toks, i + 1, refs, commas=tok.word in ("FROM", "USING"))
        else:
            i += 1
    return refs


def _read_table_list(toks: list[Tok], i: int, refs: list[TableRef], commas: bool) -> int:
    while True:
        if i < len(toks) and toks[i].word == "ONLY":
            i += 1
        ref, i = _read_table(toks, i)
        if ref is None:
            return i
        refs.append(ref)
        if not (commas and i < len(toks) and toks[i].text == ","):
            return i
        i += 1


def _read_table(toks: list[Tok], i: int) -> tuple[TableRef | None, int]:
    """``name``, ``schema.name``, then an optional ``[AS] alias``."""
    if i >= len(toks) or toks[i].kind != "name":
        return None, i
    parts = [unquote(toks[i].text)]
    i += 1
    while i < len(toks) and toks[i].text == ".":
        if i + 1 == len(toks) or toks[i + 1].kind != "name":
            return None, i  # ``schema.`` still being typed
        parts.append(unquote(toks[i + 1].text))
        i += 2
    alias = None
    if i < len(toks) and toks[i].word == "AS":
        i += 1
    if i < len(toks) and toks[i].kind == "name":
        alias = unquote(toks[i].text)
        i += 1
    schema = parts[-2] if len(parts) > 1 else None
    return TableRef(schema, parts[-1], alias), i
