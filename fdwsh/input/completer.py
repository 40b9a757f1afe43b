"""Tab completion at the prompt: :mod:`fdwsh.input.suggest` says what fits, this module names it.

Names come from a :class:`CatalogSnapshot` of the SQLite catalog (schemas, foreign tables and
their columns, servers), re-read when the catalog changed since the last completion, plus the
option names postgres_fdw accepts per object kind, the backslash commands of the registry, the
session's variables and file names.  Matching is pgcli's fuzzy match: the typed characters in
order anywhere in the name (``ordcu`` finds ``order_customers``), best matches first (earliest
start, then tightest span); keywords match only by prefix, in COMP_KEYWORD_CASE.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from prompt_toolkit.completion import CompleteEvent, Completer, Completion, PathCompleter
from prompt_toolkit.document import Document

from fdwsh.catalog.options import EXTENSION_OPTIONS, VALID_OPTIONS
from fdwsh.input.sql_context import TableRef, unquote
from fdwsh.input.suggest import IMPORT_OPTIONS, Suggestion, suggest
from fdwsh.quoting import quote_ident

KEYWORDS = (
    "ALL", "AND", "ANY", "AS", "ASC", "BETWEEN", "BY", "CASCADE", "CASE", "CAST", "COLLATE",
    "CROSS JOIN", "CURRENT_DATE", "CURRENT_TIMESTAMP", "CURRENT_USER", "DEFAULT", "DESC",
    "DISTINCT", "ELSE", "END", "EXCEPT", "EXISTS", "FALSE", "FETCH", "FILTER", "FIRST", "FROM",
    "FULL JOIN", "GROUP BY", "HAVING", "ILIKE", "IN", "INNER JOIN", "INTERSECT", "INTO", "IS",
    "JOIN", "LATERAL", "LEFT JOIN", "LIKE", "LIMIT", "NATURAL", "NOT", "NULL", "NULLS", "OFFSET",
    "ON", "OPTIONS", "OR", "ORDER BY", "OVER", "PARTITION BY", "RESTRICT", "RETURNING",
    "RIGHT JOIN", "SERVER", "SET", "SIMILAR TO", "THEN", "TRUE", "UNION", "USING", "VALUES",
    "WHEN", "WHERE", "WINDOW", "WITH",
)
_IMPORT = ("import_collate", "import_default", "import_generated", "import_not_null")


@dataclass(slots=True)
class CatalogSnapshot:
    """The catalog's names, read in one go (a catalog holds hundreds of names, not millions)."""

    schemas: list[str] = field(default_factory=list)
    #: (schema, table) → column names in attnum order.
    tables: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    servers: list[str] = field(default_factory=list)

    @classmethod
    def read(cls, db: sqlite3.Connection) -> CatalogSnapshot:
        snap = cls([r[0] for r in db.execute("SELECT name FROM schema ORDER BY name")])
        rows = db.execute(
            "SELECT s.name, t.name, c.name FROM foreign_table t JOIN schema s ON s.id = "
            "t.schema_id LEFT JOIN foreign_column c ON c.table_id = t.id "
            "ORDER BY s.name, t.name, c.attnum")
        for schema, table, column in rows:
            columns = snap.tables.setdefault((schema, table), [])
            if column is not None:
                columns.append(column)
        snap.servers = [r[0] for r in db.execute("SELECT name FROM server ORDER BY name")]
        return snap

    def table_names(self, schema: str | None, search_path: list[str]) -> list[str]:
        if schema is not None:
            return [t for s, t in self.tables if s == schema]
        return [t for s, t in self.tables if s in search_path]

    def columns(self, ref: TableRef, search_path: list[str]) -> list[str]:
        schemas = [ref.schema] if ref.schema else search_path
        for schema in schemas:
            if (schema, ref.name) in self.tables:
                return self.tables[(schema, ref.name)]
        return []


class SessionNames:
    """What the completer reads from the session: the catalog, the search path, variables, the
    backslash commands and the keyword case.  Kept apart so the completer needs no Session."""

    def __init__(self, db: Callable[[], sqlite3.Connection], search_path: Callable[[], list[str]],
                 variables: Callable[[], list[str]], meta_commands: Callable[[], list[str]],
                 keyword_case: Callable[[], str]) -> None:
        self.db, self.search_path, self.variables = db, search_path, variables
        self.meta_commands, self.keyword_case = meta_commands, keyword_case
        self._snapshot: CatalogSnapshot | None = None
        self._version: tuple[int, int] | None = None

    def snapshot(self) -> CatalogSnapshot:
        """The catalog's names, re-read only when the catalog changed (here or elsewhere)."""
        db = self.db()
        version = (db.execute("PRAGMA data_version").fetchone()[0], db.total_changes)
        if self._snapshot is None or version != self._version:
            self._snapshot, self._version = CatalogSnapshot.read(db), version
        return self._snapshot


class FdwshCompleter(Completer):
    """prompt_toolkit completer over :func:`suggest` and a :class:`SessionNames`."""

    def __init__(self, names: SessionNames, pending: Callable[[], str]) -> None:
        self.names = names
        self.pending = pending
        self._paths = PathCompleter(expanduser=True)

    def get_completions(self, document: Document, event: CompleteEvent) -> Iterator[Completion]:
        found = suggest(self.pending() + document.text_before_cursor,
                        document.text_after_cursor)
        if any(s.kind == "file" for s in found.suggestions):
            yield from self._paths.get_completions(Document(found.word), event)
            return
        seen: set[str] = set()
        for suggestion in found.suggestions:
            for name, meta in self._candidates(suggestion, found.word):
                if name not in seen:
                    seen.add(name)
                    yield Completion(name, -len(found.word), display_meta=meta)

    def _candidates(self, s: Suggestion, word: str) -> list[tuple[str, str]]:
        qualifier, _, bare = word.rpartition(".")
        lead = f"{qualifier}." if qualifier else ""
        if s.kind == "keyword":
            return [(w, "keyword") for w in keyword_matches(
                bare, s.words or KEYWORDS, self.names.keyword_case())]
        if s.kind == "meta":
            return [(n, "command") for n in fuzzy(word, self.names.meta_commands())]
        if s.kind == "variable":
            return [(n, "variable") for n in fuzzy(word, self.names.variables())]
        names = fuzzy(_folded(bare), self._names(s))
        if s.kind in ("option", "function"):  # option names are labels: never quoted
            return [(lead + n, s.kind) for n in names]
        return [(lead + quote_ident(n), s.kind) for n in names]

    def _names(self, s: Suggestion) -> list[str]:
        snap, path = self.names.snapshot(), self.names.search_path()
        if s.kind == "table":
            return snap.table_names(s.schema, path)
        if s.kind == "schema":
            return [name for name in snap.schemas if not name.startswith("pg_")]
        if s.kind == "server":
            return snap.servers
        if s.kind == "column":
            return [c for ref in s.tables for c in snap.columns(ref, path)]
        if s.kind == "option":
            return option_names(s.context)
        if s.kind == "function":
            return function_names()
        return []


def _folded(word: str) -> str:
    return unquote(word) if word.startswith('"') and word.endswith('"') else word.strip('"')


def option_names(context: str) -> list[str]:
    """postgres_fdw's option names for an object kind (and fdwsh's own), sorted."""
    if context == IMPORT_OPTIONS:
        return list(_IMPORT)
    return sorted(set(VALID_OPTIONS.get(context, ())) | set(EXTENSION_OPTIONS.get(context, ())))


_FUNCTIONS: list[str] = []


def function_names() -> list[str]:
    """The names of PostgreSQL 15's pg_catalog functions (read once)."""
    if not _FUNCTIONS:
        from fdwsh.plan.pg_functions import FUNCTIONS

        _FUNCTIONS.extend(sorted({line.split("\t", 1)[0] for line in FUNCTIONS.splitlines()
                                  if line and not line.startswith(("_", "pg_"))}))
    return _FUNCTIONS


def fuzzy(word: str, names: Iterable[str]) -> list[str]:
    """pgcli's fuzzy match: ``word``'s characters in order, best (earliest, tightest, shortest) first."""
    if not word:
        return list(names)
    pattern = re.compile(".*?".join(map(re.escape, word)), re.IGNORECASE)
    scored = []
    for name in names:
        match = pattern.search(name)
        if match:
            scored.append((match.start(), len(match.group()), len(name), name))
    return [name for *_, name in sorted(scored)]


def keyword_matches(word: str, keywords: Iterable[str], case: str) -> list[str]:
    """Keywords starting with ``word``, cased as psql's COMP_KEYWORD_CASE says."""
    matches = [k for k in keywords if k.lower().startswith(word.lower())]
    return [_keyword_case(k, word, case) for k in matches]


def _keyword_case(keyword: str, typed: str, case: str) -> str:
    if keyword.islower():  # a name written as a keyword position (postgres_fdw)
        return keyword
    if case == "lower" or (case.startswith("preserve") and typed and typed[0].islower()):
        return keyword.lower()
    return keyword.upper()
